"""The process table of one node and Erlang's signal rules (links, monitors, exits).

The kernel owns every local :class:`~pyerlsw.node.process.Process`, mints pids,
references and unlink ids, and applies signals, whether they come from a local process
or from a peer (through :mod:`pyerlsw.node.router`). Signals for remote processes are
handed to ``remote(node_name, action)``: the node runs ``action`` on that peer's
:class:`~pyerlsw.dist.connection.DistConnection` now, or when the connection is up.

Rules (erlang_dist.md §6.1, §6.2): MONITOR_P on a missing process answers ``noproc``;
the new link protocol keeps an active flag and an unlink id per link and always
acknowledges UNLINK_ID; connection loss fires every link and monitor across it with
``noconnection``.
"""

from __future__ import annotations

import functools
import itertools
import logging
import secrets
from collections.abc import Callable
from typing import Any

from pyerlsw.dist import control as c
from pyerlsw.dist.connection import DistConnection
from pyerlsw.etf import Atom, Pid, Reference
from pyerlsw.node.process import LinkState, Monitor, Process

__all__ = ["EXIT", "Kernel"]

log = logging.getLogger("pyerlsw.node")

Term = Any
RemoteAction = Callable[[DistConnection], None]
RemoteSender = Callable[[str, RemoteAction], None]

EXIT = Atom("EXIT")
DOWN = Atom("DOWN")
PROCESS = Atom("process")
NORMAL = Atom("normal")
KILL = Atom("kill")
KILLED = Atom("killed")
NOPROC = Atom("noproc")
NOCONNECTION = Atom("noconnection")
_MAX_PID_ID = 1 << 15
_MAX_SERIAL = 1 << 13


class Kernel:
    """Processes and signals of one node.

    Args:
        owner: the :class:`~pyerlsw.node.Node` (what ``process.node`` returns).
        node_name: our full node name.
        creation: our creation, put in every pid and reference.
        remote: runs an action on a peer's connection (see the module docstring).
        max_mailbox: a process whose mailbox grows past this many messages is killed
            with reason ``mailbox_overflow``.
    """

    def __init__(self, owner: Any, node_name: str, creation: int, remote: RemoteSender,
                 max_mailbox: int) -> None:
        self.owner = owner
        self.node_name = node_name
        self.node_atom = Atom(node_name)
        self.creation = creation
        self.remote = remote
        self.max_mailbox = max_mailbox
        self.processes: dict[Pid, Process] = {}
        self.names: dict[Atom, Process] = {}
        self.aliases: dict[Reference, Process] = {}
        self._pid_ids = itertools.count(1)
        self._refs = itertools.count(secrets.randbits(16) + 1)
        self._ref_salt = secrets.randbits(32)
        self._unlink_ids = itertools.count(1)

    # ------------------------------------------------------------------ minting

    def make_pid(self) -> Pid:
        n = next(self._pid_ids)
        return Pid(self.node_atom, n % _MAX_PID_ID, (n // _MAX_PID_ID) % _MAX_SERIAL,
                   self.creation)

    def make_ref(self) -> Reference:
        n = next(self._refs)
        return Reference(self.node_atom, self.creation,
                         (n & 0x3FFFF, (n >> 18) & 0xFFFFFFFF, self._ref_salt))

    def spawn_process(self, handler: Callable[..., None] | None = None, *,
                      with_sender: bool = False) -> Process:
        proc = Process(self, self.make_pid(), handler, with_sender=with_sender)
        self.processes[proc.pid] = proc
        return proc

    def is_local(self, pid: Pid | Reference) -> bool:
        return pid.node == self.node_atom

    def lookup(self, pid: Pid) -> Process | None:
        return self.processes.get(pid)

    def _resolve(self, to_proc: Pid | Atom) -> Process | None:
        if isinstance(to_proc, Pid):
            return self.processes.get(to_proc)
        return self.names.get(to_proc)

    # ------------------------------------------------------------------ names

    def register(self, proc: Process, name: Atom) -> None:
        if not proc.alive:
            raise ValueError(f"{proc!r} is not alive")
        if name in self.names:
            raise ValueError(f"the name {name} is already registered")
        if proc.name is not None:
            raise ValueError(f"{proc!r} is already registered as {proc.name}")
        self.names[name] = proc
        proc.name = name

    def unregister(self, name: Atom) -> None:
        proc = self.names.pop(name, None)
        if proc is not None:
            proc.name = None

    def whereis(self, name: Atom) -> Process | None:
        return self.names.get(name)

    # ------------------------------------------------------------------ aliases

    def make_alias(self, proc: Process) -> Reference:
        ref = self.make_ref()
        self.aliases[ref] = proc
        proc.aliases.add(ref)
        return ref

    def drop_alias(self, proc: Process, ref: Reference) -> None:
        if self.aliases.get(ref) is proc:
            del self.aliases[ref]
        proc.aliases.discard(ref)

    # ------------------------------------------------------------------ handlers

    def run_handler(self, proc: Process, message: Term, sender: Pid | None = None) -> None:
        assert proc.handler is not None
        try:
            if proc.with_sender:
                proc.handler(proc, message, sender)
            else:
                proc.handler(proc, message)
        except Exception:
            log.exception("service %s failed on a message", proc.name or proc.pid)

    def mailbox_overflow(self, proc: Process) -> None:
        log.error("%r: mailbox over %d messages, killing it", proc, self.max_mailbox)
        self.terminate(proc, Atom("mailbox_overflow"))

    # ------------------------------------------------------------------ links

    def link(self, proc: Process, pid: Pid) -> None:
        """``link(Pid)`` from ``proc``."""
        if pid == proc.pid:
            return
        state = proc.links.get(pid)
        if state is not None and state.active:
            return
        proc.links[pid] = LinkState()
        if self.is_local(pid):
            other = self.processes.get(pid)
            if other is None:
                self.link_exit(pid, proc.pid, NOPROC)
            elif proc.pid not in other.links:
                other.links[proc.pid] = LinkState()
        else:
            from_pid = proc.pid
            self.remote(str(pid.node), lambda conn: conn.send(c.Link(from_pid, pid)))

    def unlink(self, proc: Process, pid: Pid) -> None:
        """``unlink(Pid)`` from ``proc``."""
        state = proc.links.get(pid)
        if state is None or not state.active:
            return
        if self.is_local(pid):
            del proc.links[pid]
            other = self.processes.get(pid)
            if other is not None:
                other.links.pop(proc.pid, None)
            return
        unlink_id = next(self._unlink_ids)
        state.active, state.unlink_id = False, unlink_id
        from_pid = proc.pid

        def send(conn: DistConnection) -> None:
            if conn.supports_unlink_id:
                conn.send(c.UnlinkId(unlink_id, from_pid, pid))
            else:
                proc.links.pop(pid, None)
                conn.send(c.Unlink(from_pid, pid))

        self.remote(str(pid.node), send)

    def on_link(self, from_pid: Pid, to_pid: Pid) -> None:
        """A peer process linked to our ``to_pid``."""
        proc = self.processes.get(to_pid)
        if proc is None:
            self.remote(str(from_pid.node),
                        lambda conn: conn.send_exit(to_pid, from_pid, NOPROC))
            return
        if from_pid not in proc.links:
            proc.links[from_pid] = LinkState()

    def on_unlink(self, from_pid: Pid, to_pid: Pid) -> None:
        """The old UNLINK (op 4)."""
        proc = self.processes.get(to_pid)
        if proc is not None:
            proc.links.pop(from_pid, None)

    def on_unlink_id(self, unlink_id: int, from_pid: Pid, to_pid: Pid) -> None:
        proc = self.processes.get(to_pid)
        if proc is not None:
            state = proc.links.get(from_pid)
            if state is not None and state.active:
                del proc.links[from_pid]
        self.remote(str(from_pid.node),
                    lambda conn: conn.send(c.UnlinkIdAck(unlink_id, to_pid, from_pid)))

    def on_unlink_id_ack(self, unlink_id: int, from_pid: Pid, to_pid: Pid) -> None:
        proc = self.processes.get(to_pid)
        if proc is None:
            return
        state = proc.links.get(from_pid)
        if state is not None and not state.active and state.unlink_id == unlink_id:
            del proc.links[from_pid]

    def link_exit(self, from_pid: Pid, to_pid: Pid, reason: Term) -> None:
        """An exit signal caused by a link (EXIT): acted on only if the link is active."""
        proc = self.processes.get(to_pid)
        if proc is None:
            return
        state = proc.links.get(from_pid)
        if state is None or not state.active:
            return
        del proc.links[from_pid]
        if proc.trap_exit:
            proc.deliver((EXIT, from_pid, reason))
        elif reason != NORMAL:
            self.terminate(proc, reason)

    def exit2(self, from_pid: Pid, to_pid: Pid, reason: Term) -> None:
        """``exit(ToPid, Reason)`` received (EXIT2)."""
        proc = self.processes.get(to_pid)
        if proc is None:
            return
        if reason == KILL:
            self.terminate(proc, KILLED)
        elif proc.trap_exit:
            proc.deliver((EXIT, from_pid, reason))
        elif reason != NORMAL or from_pid == to_pid:
            self.terminate(proc, reason)

    def send_exit2(self, proc: Process, pid: Pid, reason: Term) -> None:
        """``exit(Pid, Reason)`` called by ``proc``."""
        if self.is_local(pid):
            self.exit2(proc.pid, pid, reason)
        else:
            from_pid = proc.pid
            self.remote(str(pid.node), lambda conn: conn.send_exit2(from_pid, pid, reason))

    # ------------------------------------------------------------------ monitors

    def monitor(self, proc: Process, target: Term) -> Reference:
        """``monitor(process, Target)`` from ``proc``; returns the reference.

        ``target``: a pid, a registered name (``Atom`` or ``str``) or ``(name, node)``.
        """
        ref = self.make_ref()
        to_proc: Pid | Atom
        item: Term
        if type(target) is str:
            target = Atom(target)
        elif type(target) is tuple and len(target) == 2 and type(target[0]) is str:
            target = (Atom(target[0]), target[1])
        if type(target) is Pid:
            to_proc, item, node = target, target, str(target.node)
        elif type(target) is Atom:
            to_proc, item, node = target, (target, self.node_atom), self.node_name
        elif (type(target) is tuple and len(target) == 2 and type(target[0]) is Atom
              and type(target[1]) in (Atom, str)):
            node = str(target[1])
            to_proc, item = target[0], (target[0], Atom(node))
        else:
            raise TypeError(f"cannot monitor {target!r}: need a pid, a name or (name, node)")
        if node == self.node_name:
            other = self._resolve(to_proc)
            if other is None or not other.alive:
                proc.deliver((DOWN, ref, PROCESS, item, NOPROC))
                return ref
            proc.monitors[ref] = Monitor(ref, item, to_proc, other.pid, None)
            other.watchers[ref] = (proc.pid, item)
            return ref
        proc.monitors[ref] = Monitor(ref, item, to_proc, None, node)
        from_pid = proc.pid

        def send(conn: DistConnection) -> None:
            if conn.supports_monitors:
                conn.send(c.MonitorP(from_pid, to_proc, ref))

        self.remote(node, send)
        return ref

    def demonitor(self, proc: Process, ref: Reference) -> None:
        mon = proc.monitors.pop(ref, None)
        if mon is None:
            return
        if mon.remote_node is None:
            other = self.processes.get(mon.target_pid) if mon.target_pid else None
            if other is not None:
                other.watchers.pop(ref, None)
            return
        from_pid, to_proc = proc.pid, mon.to_proc

        def send(conn: DistConnection) -> None:
            if conn.supports_monitors:
                conn.send(c.DemonitorP(from_pid, to_proc, ref))

        self.remote(mon.remote_node, send)

    def on_monitor(self, from_pid: Pid, to_proc: Pid | Atom, ref: Reference) -> None:
        """A peer process monitors our ``to_proc`` (MONITOR_P)."""
        proc = self._resolve(to_proc)
        if proc is None or not proc.alive:
            self.remote(str(from_pid.node),
                        lambda conn: conn.send_monitor_exit(to_proc, from_pid, ref, NOPROC))
            return
        proc.watchers[ref] = (from_pid, to_proc)

    def on_demonitor(self, from_pid: Pid, to_proc: Pid | Atom, ref: Reference) -> None:
        proc = self._resolve(to_proc)
        if proc is not None:
            proc.watchers.pop(ref, None)

    def on_down(self, to_pid: Pid, ref: Reference, reason: Term) -> None:
        """A monitor of our ``to_pid`` fired (MONITOR_P_EXIT or a local end)."""
        proc = self.processes.get(to_pid)
        if proc is None:
            return
        mon = proc.monitors.pop(ref, None)
        if mon is not None:
            proc.deliver((DOWN, ref, PROCESS, mon.item, reason))

    # ------------------------------------------------------------------ ending

    def terminate(self, proc: Process, reason: Term) -> None:
        """End ``proc`` with ``reason``: release it, then fire its links and monitors."""
        if not proc.alive:
            return
        proc.exit_reason = reason
        self.processes.pop(proc.pid, None)
        if proc.name is not None:
            self.unregister(proc.name)
        for alias in proc.aliases:
            self.aliases.pop(alias, None)
        proc.aliases.clear()
        proc.wake()
        pid = proc.pid
        links, proc.links = proc.links, {}
        for other, state in links.items():
            if not state.active:
                continue
            if self.is_local(other):
                self.link_exit(pid, other, reason)
            else:
                self.remote(str(other.node), functools.partial(_send_exit, pid, other, reason))
        watchers, proc.watchers = proc.watchers, {}
        for ref, (watcher, item) in watchers.items():
            if self.is_local(watcher):
                self.on_down(watcher, ref, reason)
            else:
                self.remote(str(watcher.node),
                            functools.partial(_send_down, item, watcher, ref, reason))
        for ref in list(proc.monitors):
            self.demonitor(proc, ref)
        task = proc.task
        if task is not None and not task.done():
            task.cancel()

    def node_down(self, node_name: str) -> None:
        """The connection to ``node_name`` is gone: fire everything across it."""
        node_atom = Atom(node_name)
        for proc in list(self.processes.values()):
            for ref, mon in list(proc.monitors.items()):
                if mon.remote_node == node_name:
                    del proc.monitors[ref]
                    proc.deliver((DOWN, ref, PROCESS, mon.item, NOCONNECTION))
            for ref, (watcher, _) in list(proc.watchers.items()):
                if watcher.node == node_atom:
                    del proc.watchers[ref]
            for other in [p for p in proc.links if p.node == node_atom]:
                state = proc.links[other]
                if state.active:
                    self.link_exit(other, proc.pid, NOCONNECTION)
                else:
                    proc.links.pop(other, None)


def _send_exit(from_pid: Pid, to_pid: Pid, reason: Term, conn: DistConnection) -> None:
    conn.send_exit(from_pid, to_pid, reason)


def _send_down(item: Pid | Atom, to_pid: Pid, ref: Reference, reason: Term,
               conn: DistConnection) -> None:
    conn.send_monitor_exit(item, to_pid, ref, reason)
