"""A session: the asyncio task that runs one channel through FreeSWITCH's state machine.

The task walks CS_INIT -> CS_ROUTING -> CS_EXECUTE ... -> CS_HANGUP -> CS_REPORTING ->
CS_DESTROY, calling one handler per running state (the table :data:`_HANDLERS`). Other
code never runs applications on a channel directly: it changes the channel (hangup,
state requests) or queues a command (:meth:`Session.queue_command`, what ``sendmsg``
does), and the session task acts on it. Every wait inside the task goes through
:meth:`Session.wait`, which returns early whenever the channel changes, so a hangup or
a transfer interrupts whatever is running.

The session also implements the dialplan engines' :class:`HuntTarget` protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from pyerlsw.switch import routing
from pyerlsw.switch.bridge import leave_bridge
from pyerlsw.switch.causes import CAUSES, cause_name, parse_cause
from pyerlsw.switch.channel import Channel
from pyerlsw.switch.control import Command, run_command
from pyerlsw.switch.dialplan.base import Action
from pyerlsw.switch.dtmf import Digit, DtmfQueue, service_dtmf
from pyerlsw.switch.logs import LEVEL_NUMBERS
from pyerlsw.switch.states import CallState, ChannelState
from pyerlsw.switch.variables import expand

if TYPE_CHECKING:
    from pyerlsw.switch.bridge import Bridge
    from pyerlsw.switch.switch import Switch

__all__ = ["EndpointDriver", "HangupHook", "Session"]

CS = ChannelState
HangupHook = Callable[["Session"], Awaitable[None]]


class EndpointDriver:
    """Per-channel behaviour supplied by an endpoint (a simulated device, a loopback
    pair). Every method is optional; the session calls them at these points."""

    def on_init(self, session: Session) -> None:
        """After CHANNEL_CREATE (the channel exists for everyone)."""

    def on_hangup(self, session: Session) -> None:
        """When the session starts its hangup phase."""

    def on_destroy(self, session: Session) -> None:
        """After CHANNEL_DESTROY."""

    def on_moved(self, session: Session) -> None:
        """A masquerade moved the identity this driver serves to ``session``
        (:mod:`pyerlsw.switch.masquerade`): act on that session from now on."""

    def on_dtmf(self, session: Session, digit: Digit) -> None:
        """A digit sent to the far end (``uuid_send_dtmf``, a bridge passing it on)."""


class Session:
    """One channel's task, command queue and dialplan position."""

    __slots__ = (
        "_commands",
        "_in_hangup_hooks",
        "_pending_extension",
        "_redirected",
        "_soft_locks",
        "_task",
        "_wakeup",
        "break_requested",
        "bridge",
        "channel",
        "destroyed",
        "driver",
        "dtmf",
        "extension",
        "extension_position",
        "hangup_hooks",
        "originator",
        "private",
        "switch",
        "transfers",
        "watchers",
    )

    def __init__(
        self,
        switch: Switch,
        channel: Channel,
        *,
        driver: EndpointDriver | None = None,
        originator: Session | None = None,
    ) -> None:
        self.switch = switch
        self.channel = channel
        self.driver = driver
        self.originator = originator
        self.extension: list[Action] | None = None
        self.extension_position = 0
        self.bridge: Bridge | None = None
        self.transfers = 0
        self.break_requested = False
        self.private: dict[str, Any] = {}
        self.hangup_hooks: list[HangupHook] = []
        self.watchers: list[Callable[[], None]] = []
        self.dtmf = DtmfQueue(switch.config.dtmf_queue_size)
        self._commands: deque[Command] = deque()
        self._wakeup: asyncio.Future[None] | None = None
        self._pending_extension = False
        self._in_hangup_hooks = False
        self._redirected = False
        self._soft_locks: dict[str, asyncio.Future[None]] = {}
        self._task: asyncio.Task[None] | None = None
        self.destroyed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        channel.on_change = self.poke

    def __repr__(self) -> str:
        return f"<Session {self.channel.name} {self.uuid}>"

    # -- HuntTarget ---------------------------------------------------------------------

    @property
    def uuid(self) -> str:
        return self.channel.uuid

    @property
    def name(self) -> str:
        return self.channel.name

    def caller_field(self, field: str) -> str | None:
        if field == "chan_name":
            return self.channel.name
        return self.channel.profile.field(field)

    def get_variable(self, name: str) -> str | None:
        return self.channel.get_variable(name)

    def set_variable(self, name: str, value: str | None) -> None:
        self.channel.set_variable(name, value)

    def lookup(self, name: str) -> str | None:
        """``${name}``: channel variable, then caller-profile field, then global."""
        value = self.channel.get_variable(name)
        if value is not None:
            return value
        value = self.caller_field(name)
        if value:
            return value
        return self.switch.globals.get(name)

    def expand(self, text: str) -> str:
        return expand(text, self.lookup, self.switch.globals.get)

    def now(self) -> float:
        return self.switch.clock.now()

    def log(self, level: str, message: str) -> None:
        self.switch.log(LEVEL_NUMBERS.get(level.lower(), 7), message, uuid=self.uuid)

    def request_params(self) -> list[tuple[str, str]]:
        """The channel's data as a REQUEST_PARAMS event (for XML fetches)."""
        return list(self.channel.make_event("REQUEST_PARAMS").headers)

    async def execute_inline(self, application: str, data: str) -> bool:
        """Run a routing-safe application during the hunt (``inline="true"``)."""
        app = self.switch.applications.get(application)
        if app is None or not app.routing_safe:
            self.log("ERR", f"Application {application} cannot be run inline\n")
            return False
        await self.switch.applications.execute(self, application, data)
        return True

    # -- waking and waiting -------------------------------------------------------------

    def poke(self) -> None:
        """Wake the session task and anyone watching this session."""
        waiter = self._wakeup
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        for watcher in tuple(self.watchers):
            watcher()

    def wake(self) -> None:
        """Wake the session task only (watchers are not told)."""
        waiter = self._wakeup
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def until(self, predicate: Callable[[], bool], timeout: float | None = None) -> bool:
        """Wait, from any task, until ``predicate()`` is true (re-checked whenever the
        session changes) or ``timeout`` seconds pass; returns the predicate's value.
        Also returns when the session is destroyed."""
        if predicate():
            return True
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def check() -> None:
            if not fut.done() and (predicate() or self.destroyed.done()):
                fut.set_result(None)

        self.watchers.append(check)
        self.destroyed.add_done_callback(lambda _: check())
        try:
            await self.switch.clock.wait(fut, timeout)
        finally:
            if check in self.watchers:
                self.watchers.remove(check)
        return predicate()

    async def wait(self, timeout: float | None = None, *, idle: bool = False) -> None:
        """Wait until something happens to this session or ``timeout`` seconds pass.
        Only for code running on the session's own task (applications); other tasks use
        :meth:`until` or events. ``idle``: the caller is a loop that reads no digits
        itself (park, a bridge, an idle state): queued DTMF is serviced first
        (:func:`~pyerlsw.switch.dtmf.service_dtmf`: a bridge passes it on, park drops
        it)."""
        if idle and self.dtmf:
            service_dtmf(self)
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._wakeup = waiter
        handle = None if timeout is None else self.switch.clock.call_later(timeout, _done, waiter)
        try:
            await waiter
        finally:
            if handle is not None:
                handle.cancel()
            if self._wakeup is waiter:
                self._wakeup = None

    def interrupted(self) -> bool:
        """True when the running application should stop: hangup, a new state was
        requested, or a transfer to a new extension is pending. Applications run by
        hangup hooks (after the hangup, e.g. Asterisk's ``h`` extension) are not
        interrupted by the hangup itself; their hook's timeout bounds them."""
        if self._in_hangup_hooks:
            return self._redirected
        ch = self.channel
        return not ch.ready or ch.state != ch.running_state or self._redirected

    async def sleep(self, seconds: float, *, breakable: bool = True) -> bool:
        """Sleep on the switch clock; False when interrupted (or broken) first."""
        clock = self.switch.clock
        deadline = clock.monotonic() + max(0.0, seconds)
        while True:
            if self.interrupted() or (breakable and self.break_requested):
                self.break_requested = False
                return False
            remaining = deadline - clock.monotonic()
            if remaining <= 0:
                return True
            await self.wait(remaining)

    # -- commands (sendmsg) -------------------------------------------------------------

    def queue_command(self, headers: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> bool:
        """Queue a ``sendmsg`` command; False when the queue is full (``badmem``) or
        the session is gone."""
        if self.destroyed.done() or len(self._commands) >= self.switch.config.message_queue_size:
            return False
        self._commands.append(Command(tuple(headers)))
        self.poke()
        return True

    @property
    def pending_commands(self) -> int:
        return len(self._commands)

    async def process_commands(self) -> None:
        """Run every queued command, oldest first (``switch_ivr_parse_all_events``)."""
        while self._commands:
            command = self._commands.popleft()
            await run_command(self, command)

    # -- control from outside -----------------------------------------------------------

    def hangup(self, cause: int | str = "NORMAL_CLEARING") -> bool:
        """Hang up (cause by name or number); False when already hung up."""
        if isinstance(cause, str):
            cause = parse_cause(cause)
        return self.channel.hangup(cause)

    def transfer(
        self, destination: str, dialplan: str | None = None, context: str | None = None
    ) -> bool:
        """Blind transfer (``switch_ivr_session_transfer``): new destination, route again."""
        self.extension = None
        self._pending_extension = False
        return routing.transfer(self, destination, dialplan, context)

    def transfer_to_extension(self, actions: list[Action]) -> bool:
        """Run ``actions`` as the channel's new extension (``xferext``, ``&app()``)."""
        ch = self.channel
        if not ch.ready:
            return False
        self.extension = list(actions)
        self.extension_position = 0
        self._pending_extension = True
        if ch.running_state == CS.CS_EXECUTE and ch.state == CS.CS_EXECUTE:
            self._redirected = True
            self.poke()
            return True
        return ch.request_state(CS.CS_EXECUTE)

    def unpark(self) -> None:
        """Release the channel from a park loop (FreeSWITCH clears CF_CONTROLLED)."""
        self.channel.flags.discard("controlled")
        self.poke()

    def add_soft_lock(self, name: str) -> Callable[[], None]:
        """Delay CHANNEL_DESTROY until the returned release function is called (at most
        ``soft_lock_timeout`` seconds)."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._soft_locks[name] = fut

        def release() -> None:
            _done(fut)
            if self._soft_locks.get(name) is fut:
                del self._soft_locks[name]

        return release

    # -- task ---------------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"session-{self.uuid}"
        )

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    async def _run(self) -> None:
        ch = self.channel
        try:
            self._init()
            while ch.state < CS.CS_HANGUP:
                state = ch.state
                if state != ch.running_state:
                    ch.set_running_state(state)
                self._redirected = False
                handler = _HANDLERS.get(state, Session._on_idle)
                await handler(self)
        except asyncio.CancelledError:
            ch.hangup(CAUSES["SYSTEM_SHUTDOWN"])
            self._finish_quietly()
            raise
        except Exception as exc:
            self.switch.log_exception(exc, f"session {ch.name} crashed", uuid=ch.uuid)
            ch.hangup(CAUSES["CRASH"])
        try:
            await self._teardown()
        except asyncio.CancelledError:
            self._finish_quietly()
            raise
        except Exception as exc:
            self.switch.log_exception(exc, f"teardown of {ch.name} failed", uuid=ch.uuid)
            self._finish_quietly()

    def _init(self) -> None:
        ch = self.channel
        ch.set_running_state(CS.CS_INIT)
        ch.fire("CHANNEL_CREATE")
        if ch.direction == "outbound":
            ch.fire("CHANNEL_ORIGINATE")
            if self.originator is not None:
                ch.fire("CHANNEL_OUTGOING")
        self.switch.hooks.run_create(self)
        if self.driver is not None:
            self.driver.on_init(self)
        if ch.direction == "inbound" and ch.ready:
            ch.set_call_state(CallState.RINGING)
        if ch.state == CS.CS_INIT:
            ch.request_state(CS.CS_ROUTING)

    async def _on_routing(self) -> None:
        ch = self.channel
        if "originating" in ch.flags:
            ch.request_state(CS.CS_CONSUME_MEDIA)
            return
        ch.flags.add("dialplan")
        if self._pending_extension and self.extension is not None:
            ch.request_state(CS.CS_EXECUTE)
            return
        actions = await routing.hunt(self)
        if ch.state != CS.CS_ROUTING or not ch.ready:
            return
        if actions is None:
            self.log("WARNING", "No Route, Aborting\n")
            ch.hangup(CAUSES["NO_ROUTE_DESTINATION"])
            return
        self.extension = actions
        self.extension_position = 0
        self._pending_extension = True
        ch.request_state(CS.CS_EXECUTE)

    async def _on_execute(self) -> None:
        ch = self.channel
        self._pending_extension = False
        while ch.ready and ch.state == CS.CS_EXECUTE:
            await self.process_commands()
            if self._redirected:
                self._redirected = False
                continue
            if not ch.ready or ch.state != CS.CS_EXECUTE:
                return
            extension = self.extension or []
            if self.extension_position >= len(extension):
                ch.hangup(CAUSES["NORMAL_CLEARING"])
                return
            action = extension[self.extension_position]
            self.extension_position += 1
            await self.switch.applications.execute(self, action.application, action.data)
            if self._redirected:
                self._redirected = False

    async def _on_park(self) -> None:
        await self.switch.applications.park(self)
        if self.channel.state == CS.CS_PARK and self.channel.ready:
            await self._on_idle()

    async def _on_exchange_media(self) -> None:
        await self._on_idle()
        leave_bridge(self)

    async def _on_idle(self) -> None:
        """States without work of their own: run queued commands, wait for a change."""
        ch = self.channel
        state = ch.running_state
        while ch.ready and ch.state == state:
            await self.process_commands()
            if not ch.ready or ch.state != state or self._commands:
                continue
            if state == CS.CS_EXCHANGE_MEDIA and (self.bridge is None or not self.bridge.active):
                return
            await self.wait(idle=True)

    async def _teardown(self) -> None:
        ch = self.channel
        switch = self.switch
        if ch.hangup_cause is None:
            ch.hangup(CAUSES["NORMAL_CLEARING"])
        if self.bridge is not None:
            leave_bridge(self)
        if self.driver is not None:
            self.driver.on_hangup(self)
        ch.set_running_state(CS.CS_HANGUP)
        self._in_hangup_hooks = True
        for hook in (*switch.hooks.hangup, *self.hangup_hooks):
            done = asyncio.ensure_future(hook(self))
            if not await switch.clock.wait(done, switch.config.hangup_hook_timeout):
                done.cancel()
                self.log("ERR", "hangup hook timed out\n")
            elif not done.cancelled() and done.exception() is not None:
                switch.log_exception(done.exception(), "hangup hook failed", uuid=ch.uuid)
        self._in_hangup_hooks = False
        ch.set_running_state(CS.CS_REPORTING, fire=False)
        cause = ch.hangup_cause if ch.hangup_cause is not None else 16
        ch.fire("CHANNEL_HANGUP_COMPLETE", pre=(("Hangup-Cause", cause_name(cause)),))
        ch.fire("CHANNEL_STATE")
        ch.set_running_state(CS.CS_DESTROY, fire=False)
        for lock in list(self._soft_locks.values()):
            if not await switch.clock.wait(lock, switch.config.soft_lock_timeout):
                self.log("WARNING", "soft lock not released in time\n")
        self._soft_locks.clear()
        ch.fire("CHANNEL_DESTROY")
        ch.fire("CHANNEL_STATE")
        if self.driver is not None:
            self.driver.on_destroy(self)
        self._finish_quietly()

    def _finish_quietly(self) -> None:
        self.switch._forget(self)
        switch_hooks = self.switch.hooks
        for hook in tuple(switch_hooks.destroy):
            with contextlib.suppress(Exception):
                hook(self)
        _done(self.destroyed)
        self.watchers.clear()
        self.channel.on_change = None


def _done(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


_HANDLERS: dict[ChannelState, Callable[[Session], Awaitable[None]]] = {
    CS.CS_ROUTING: Session._on_routing,
    CS.CS_EXECUTE: Session._on_execute,
    CS.CS_PARK: Session._on_park,
    CS.CS_EXCHANGE_MEDIA: Session._on_exchange_media,
    CS.CS_CONSUME_MEDIA: Session._on_idle,
    CS.CS_SOFT_EXECUTE: Session._on_idle,
    CS.CS_HIBERNATE: Session._on_idle,
    CS.CS_RESET: Session._on_idle,
}
