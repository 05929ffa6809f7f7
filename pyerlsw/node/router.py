"""Incoming control messages -> the kernel, one handler per message type.

The router runs synchronously inside the connection's ``data_received``, so the
signals from one peer are applied strictly in the order they arrived (no task per
message). Handlers never raise for a peer's mistake: a message for a process that is
gone is dropped, as Erlang does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pyerlsw.dist import control as c
from pyerlsw.etf import Atom, Pid

if TYPE_CHECKING:
    from pyerlsw.node.kernel import Kernel

__all__ = ["Router", "SpawnHandler", "UnregisteredHandler"]

log = logging.getLogger("pyerlsw.node")

Term = Any
UnregisteredHandler = Callable[[Atom, Pid, Term], None]
"""Called as ``handler(to_name, from_pid, message)`` for REG_SEND to a free name."""
SpawnHandler = Callable[[str, c.SpawnRequest], None]
"""Called as ``handler(peer_name, request)`` for SPAWN_REQUEST."""


class Router:
    """Applies the control messages one peer sends."""

    def __init__(self, kernel: Kernel, spawn: SpawnHandler) -> None:
        self.kernel = kernel
        self.spawn = spawn
        self.unregistered: UnregisteredHandler | None = None
        k = kernel
        self._table: dict[type, Callable[[str, Any], None]] = {
            c.Send: self._send, c.SendTT: self._send,
            c.SendSender: self._send_sender, c.SendSenderTT: self._send_sender,
            c.RegSend: self._reg_send, c.RegSendTT: self._reg_send,
            c.AliasSend: self._alias_send, c.AliasSendTT: self._alias_send,
            c.Link: lambda _, m: k.on_link(m.from_pid, m.to_pid),
            c.Unlink: lambda _, m: k.on_unlink(m.from_pid, m.to_pid),
            c.UnlinkId: lambda _, m: k.on_unlink_id(m.id, m.from_pid, m.to_pid),
            c.UnlinkIdAck: lambda _, m: k.on_unlink_id_ack(m.id, m.from_pid, m.to_pid),
            c.Exit: self._link_exit, c.ExitTT: self._link_exit,
            c.PayloadExit: self._link_exit, c.PayloadExitTT: self._link_exit,
            c.Exit2: self._exit2, c.Exit2TT: self._exit2,
            c.PayloadExit2: self._exit2, c.PayloadExit2TT: self._exit2,
            c.MonitorP: lambda _, m: k.on_monitor(m.from_pid, m.to_proc, m.ref),
            c.DemonitorP: lambda _, m: k.on_demonitor(m.from_pid, m.to_proc, m.ref),
            c.MonitorPExit: self._down, c.PayloadMonitorPExit: self._down,
            c.SpawnRequest: self._spawn, c.SpawnRequestTT: self._spawn,
            c.SpawnReply: self._ignore, c.SpawnReplyTT: self._ignore,
            c.GroupLeader: self._ignore,
            c.UnknownControl: self._unknown,
        }

    def handle(self, peer: str, msg: c.ControlMessage) -> None:
        """Apply one control message received from ``peer``."""
        self._table[type(msg)](peer, msg)

    # ------------------------------------------------------------------ messages

    def _send(self, peer: str, msg: c.Send) -> None:
        proc = self.kernel.processes.get(msg.to_pid)
        if proc is not None:
            proc.deliver(msg.message)

    def _send_sender(self, peer: str, msg: c.SendSender) -> None:
        proc = self.kernel.processes.get(msg.to_pid)
        if proc is not None:
            proc.deliver(msg.message, msg.from_pid)

    def _reg_send(self, peer: str, msg: c.RegSend) -> None:
        proc = self.kernel.names.get(msg.to_name)
        if proc is not None:
            proc.deliver(msg.message, msg.from_pid)
        elif self.unregistered is not None:
            try:
                self.unregistered(msg.to_name, msg.from_pid, msg.message)
            except Exception:
                log.exception("the handler for unregistered names failed")
        else:
            log.debug("%s: message for unregistered name %s dropped", peer, msg.to_name)

    def _alias_send(self, peer: str, msg: c.AliasSend) -> None:
        proc = self.kernel.aliases.get(msg.alias)
        if proc is not None:
            proc.deliver(msg.message, msg.from_pid)

    # ------------------------------------------------------------------ signals

    def _link_exit(self, peer: str, msg: c.Exit | c.PayloadExit) -> None:
        self.kernel.link_exit(msg.from_pid, msg.to_pid, msg.reason)

    def _exit2(self, peer: str, msg: c.Exit2 | c.PayloadExit2) -> None:
        self.kernel.exit2(msg.from_pid, msg.to_pid, msg.reason)

    def _down(self, peer: str, msg: c.MonitorPExit | c.PayloadMonitorPExit) -> None:
        self.kernel.on_down(msg.to_pid, msg.ref, msg.reason)

    def _spawn(self, peer: str, msg: c.SpawnRequest) -> None:
        self.spawn(peer, msg)

    def _ignore(self, peer: str, msg: c.ControlMessage) -> None:
        log.debug("%s: ignored %s", peer, type(msg).__name__)

    def _unknown(self, peer: str, msg: c.UnknownControl) -> None:
        log.info("%s: unknown control message op %s dropped", peer, msg.op)
