"""Python processes: a pid, a mailbox with selective receive, links and monitors.

A :class:`Process` is what Erlang sees behind a pid. It is either a *mailbox* that
Python code reads with ``await process.receive()``, a *service* whose ``handler`` is
called synchronously for each message (net_kernel, rex), or a mailbox driven by a task
(:meth:`pyerlsw.node.Node.spawn`). Signals follow Erlang's rules:

* a linked process that ends with a reason other than ``normal`` kills this one, unless
  :attr:`Process.trap_exit` is set: then ``('EXIT', FromPid, Reason)`` arrives as a
  message instead;
* a monitor delivers ``('DOWN', Ref, 'process', Item, Reason)``;
* when the process ends (:meth:`Process.exit`), its links and monitors fire, its name
  and aliases are released, and waiting receivers get :class:`ProcessExited`.

Processes are created by the node (``node.register(name)``, ``node.make_process()``,
``node.spawn(...)``), never directly.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyerlsw.etf import Atom, Pid, Reference
from pyerlsw.node.errors import ProcessExited

if TYPE_CHECKING:
    from pyerlsw.node.kernel import Kernel

__all__ = ["LinkState", "Monitor", "Process"]

Term = Any
Matcher = Callable[[Term], bool]


@dataclass(slots=True)
class LinkState:
    """One side of a link (erlang_dist.md §6.2): ``active`` until we send UNLINK_ID,
    then ``unlink_id`` is the id we wait to see acknowledged."""

    active: bool = True
    unlink_id: int = 0


@dataclass(frozen=True, slots=True)
class Monitor:
    """A monitor this process holds.

    Attributes:
        ref: the monitor reference.
        item: what the DOWN message names: the pid, or ``(Name, Node)``.
        to_proc: the pid or the registered name, as sent in MONITOR_P.
        target_pid: the monitored process's pid when it is local.
        remote_node: the node name when the target lives elsewhere.
    """

    ref: Reference
    item: Term
    to_proc: Pid | Atom
    target_pid: Pid | None
    remote_node: str | None


def _expire(waiter: asyncio.Future[None]) -> None:
    """A receive's deadline passed: wake it with :class:`TimeoutError`."""
    if not waiter.done():
        waiter.set_exception(TimeoutError("receive timed out"))


class Process:
    """A process of a pyerlsw node (see the module docstring).

    Attributes:
        pid: the process identifier Erlang code sends to.
        name: the registered name, if any.
        trap_exit: deliver exit signals as ``('EXIT', From, Reason)`` messages instead
            of dying from them (like ``process_flag(trap_exit, true)``).
        exit_reason: ``None`` while alive, then the exit reason.
    """

    __slots__ = (
        "_kernel",
        "_mailbox",
        "_waiter",
        "aliases",
        "exit_reason",
        "handler",
        "links",
        "monitors",
        "name",
        "pid",
        "task",
        "trap_exit",
        "watchers",
        "with_sender",
    )

    def __init__(self, kernel: Kernel, pid: Pid,
                 handler: Callable[..., None] | None = None, *,
                 with_sender: bool = False) -> None:
        self._kernel = kernel
        self.pid = pid
        self.name: Atom | None = None
        self.trap_exit = False
        self.exit_reason: Term = None
        self.handler = handler
        self.with_sender = with_sender
        self.task: asyncio.Task[Any] | None = None
        self._mailbox: collections.deque[Term] = collections.deque()
        self._waiter: asyncio.Future[None] | None = None
        self.links: dict[Pid, LinkState] = {}
        self.monitors: dict[Reference, Monitor] = {}
        # monitors others hold on this process: ref -> (watcher pid, item as monitored)
        self.watchers: dict[Reference, tuple[Pid, Term]] = {}
        self.aliases: set[Reference] = set()

    def __repr__(self) -> str:
        state = "alive" if self.alive else f"exited {self.exit_reason!r}"
        name = f" {self.name}" if self.name else ""
        return f"<Process {self.pid!r}{name} {state}>"

    @property
    def alive(self) -> bool:
        return self.exit_reason is None

    @property
    def node(self) -> Any:
        """The :class:`~pyerlsw.node.Node` this process lives on."""
        return self._kernel.owner

    # ------------------------------------------------------------------ mailbox

    def __len__(self) -> int:
        """Number of messages waiting in the mailbox."""
        return len(self._mailbox)

    def deliver(self, message: Term, sender: Pid | None = None) -> None:
        """Put ``message`` in the mailbox (or hand it to the handler). Internal.

        ``sender`` is the sending pid when known (REG_SEND, SEND_SENDER, local sends);
        only a service made with ``with_sender=True`` sees it."""
        if self.exit_reason is not None:
            return
        if self.handler is not None:
            self._kernel.run_handler(self, message, sender)
            return
        mailbox = self._mailbox
        mailbox.append(message)
        if len(mailbox) > self._kernel.max_mailbox:
            self._kernel.mailbox_overflow(self)
            return
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def receive_nowait(self, match: Matcher | None = None) -> Term:
        """Take the first message (matching ``match``) without waiting.

        Raises :class:`LookupError` if there is none, :class:`ProcessExited` if the
        process is dead.
        """
        if self.exit_reason is not None:
            raise ProcessExited(self.exit_reason)
        found, message = self._take(match, 0)
        if found < 0:
            raise LookupError("no matching message")
        return message

    async def receive(self, timeout: float | None = None,
                      match: Matcher | None = None) -> Term:
        """Wait for the first message for which ``match(message)`` is true (any message
        if ``match`` is ``None``) and take it out of the mailbox; others stay queued, in
        order (Erlang's selective receive).

        Args:
            timeout: seconds to wait; ``None`` waits forever, ``0`` only looks.

        Raises:
            TimeoutError: nothing matched in time.
            ProcessExited: the process ended (before or while waiting).
        """
        if self.exit_reason is not None:
            raise ProcessExited(self.exit_reason)
        if self._waiter is not None:
            raise RuntimeError("another task is already receiving on this process")
        scanned = 0
        found, message = self._take(match, scanned)
        if found >= 0:
            return message
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        try:
            while True:
                scanned = len(self._mailbox)
                waiter = self._waiter = loop.create_future()
                if deadline is None:
                    await waiter
                else:
                    # a timer on the waiter itself, not asyncio.wait_for: that one wraps
                    # the waiter in a second future and costs a loop iteration per wake
                    delay = deadline - loop.time()
                    if delay <= 0:
                        raise TimeoutError("receive timed out")
                    timer = loop.call_later(delay, _expire, waiter)
                    try:
                        await waiter
                    finally:
                        timer.cancel()
                if self.exit_reason is not None:
                    raise ProcessExited(self.exit_reason)
                found, message = self._take(match, scanned)
                if found >= 0:
                    return message
        finally:
            self._waiter = None

    def _take(self, match: Matcher | None, start: int) -> tuple[int, Term]:
        mailbox = self._mailbox
        if match is None:
            if mailbox:
                return 0, mailbox.popleft()
            return -1, None
        for index in range(start, len(mailbox)):
            message = mailbox[index]
            if match(message):
                del mailbox[index]
                return index, message
        return -1, None

    def flush(self) -> list[Term]:
        """Take every queued message (for tests and shutdown)."""
        messages = list(self._mailbox)
        self._mailbox.clear()
        return messages

    def wake(self) -> None:
        """Wake a waiting receiver (used when the process ends). Internal."""
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # ------------------------------------------------------------------ actions

    def send(self, dest: Term, message: Term) -> None:
        """Send ``message`` to ``dest`` with this process as the sender (see
        :meth:`pyerlsw.node.Node.send` for the forms ``dest`` may take)."""
        self._kernel.owner.send(dest, message, sender=self.pid)

    def link(self, pid: Pid) -> None:
        """Link to ``pid`` (local or remote), like ``link/1``."""
        self._kernel.link(self, pid)

    def unlink(self, pid: Pid) -> None:
        """Remove the link to ``pid``, like ``unlink/1``."""
        self._kernel.unlink(self, pid)

    def monitor(self, target: Term) -> Reference:
        """Monitor ``target``: a pid, a registered name (``Atom``) or ``(name, node)``.

        Returns the reference that the ``('DOWN', Ref, 'process', Item, Reason)``
        message will carry.
        """
        return self._kernel.monitor(self, target)

    def demonitor(self, ref: Reference) -> None:
        """Remove a monitor (queued DOWN messages for it stay, like ``demonitor/1``)."""
        self._kernel.demonitor(self, ref)

    def alias(self) -> Reference:
        """Create an alias: messages sent to the returned reference reach this process."""
        return self._kernel.make_alias(self)

    def unalias(self, alias: Reference) -> None:
        """Deactivate an alias created by :meth:`alias`."""
        self._kernel.drop_alias(self, alias)

    def exit(self, reason: Term = None) -> None:
        """End this process with ``reason`` (default ``normal``); links and monitors fire."""
        self._kernel.terminate(self, Atom("normal") if reason is None else reason)

    def exit_signal(self, pid: Pid, reason: Term) -> None:
        """Send an exit signal to ``pid``, like ``exit(Pid, Reason)``."""
        self._kernel.send_exit2(self, pid, reason)
