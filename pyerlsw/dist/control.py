"""Control messages of the connected phase as typed values, and their packet form.

One frozen, slotted class per operation of erlang_dist.md §6; a ``_TT`` variant is a
subclass that adds ``trace_token`` (``SendTT`` is a ``Send``). Each class knows its
op code (``OP``), the order of the control tuple (``LAYOUT``) and which field travels
as the payload term (``PAYLOAD``), so encoding and decoding are generic:

=====  ======================  =============================================  ==========
op     class                   control tuple                                  payload
=====  ======================  =============================================  ==========
1      Link                    {1, FromPid, ToPid}                            -
2      Send                    {2, '', ToPid}                                 message
3      Exit                    {3, FromPid, ToPid, Reason}                    -
4      Unlink                  {4, FromPid, ToPid}                            -
6      RegSend                 {6, FromPid, '', ToName}                       message
7      GroupLeader             {7, FromPid, ToPid}                            -
8      Exit2                   {8, FromPid, ToPid, Reason}                    -
12     SendTT                  {12, '', ToPid, Token}                         message
13     ExitTT                  {13, FromPid, ToPid, Token, Reason}            -
16     RegSendTT               {16, FromPid, '', ToName, Token}               message
18     Exit2TT                 {18, FromPid, ToPid, Token, Reason}            -
19     MonitorP                {19, FromPid, ToProc, Ref}                     -
20     DemonitorP              {20, FromPid, ToProc, Ref}                     -
21     MonitorPExit            {21, FromProc, ToPid, Ref, Reason}             -
22     SendSender              {22, FromPid, ToPid}                           message
23     SendSenderTT            {23, FromPid, ToPid, Token}                    message
24     PayloadExit             {24, FromPid, ToPid}                           reason
25     PayloadExitTT           {25, FromPid, ToPid, Token}                    reason
26     PayloadExit2            {26, FromPid, ToPid}                           reason
27     PayloadExit2TT          {27, FromPid, ToPid, Token}                    reason
28     PayloadMonitorPExit     {28, FromProc, ToPid, Ref}                     reason
29     SpawnRequest            {29, ReqId, From, GL, {M, F, Arity}, Opts}     args
30     SpawnRequestTT          {30, ReqId, From, GL, {M, F, Arity}, Opts, T}  args
31     SpawnReply              {31, ReqId, To, Flags, Result}                 -
32     SpawnReplyTT            {32, ReqId, To, Flags, Result, Token}          -
33     AliasSend               {33, FromPid, Alias}                           message
34     AliasSendTT             {34, FromPid, Alias, Token}                    message
35     UnlinkId                {35, Id, FromPid, ToPid}                       -
36     UnlinkIdAck             {36, Id, FromPid, ToPid}                       -
=====  ======================  =============================================  ==========

Anything else decodes to :class:`UnknownControl`. Turning messages into packets and
back is :mod:`pyerlsw.dist.packet`'s job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Final

from pyerlsw.etf import Atom, Pid, Reference

__all__ = [
    "BY_OP",
    "CHECKS",
    "UNUSED",
    "AliasSend",
    "AliasSendTT",
    "ControlMessage",
    "DemonitorP",
    "Exit",
    "Exit2",
    "Exit2TT",
    "ExitTT",
    "GroupLeader",
    "Link",
    "MonitorP",
    "MonitorPExit",
    "PayloadExit",
    "PayloadExit2",
    "PayloadExit2TT",
    "PayloadExitTT",
    "PayloadMonitorPExit",
    "RegSend",
    "RegSendTT",
    "Send",
    "SendSender",
    "SendSenderTT",
    "SendTT",
    "SpawnReply",
    "SpawnReplyTT",
    "SpawnRequest",
    "SpawnRequestTT",
    "UnknownControl",
    "Unlink",
    "UnlinkId",
    "UnlinkIdAck",
]

UNUSED: Final = Atom("")  # what OTP puts in the "Unused" slots

Term = Any


def _is_pid(v: object) -> bool:
    return type(v) is Pid


def _is_ref(v: object) -> bool:
    return type(v) is Reference


def _is_proc(v: object) -> bool:
    return type(v) is Pid or type(v) is Atom


def _is_atom(v: object) -> bool:
    return type(v) is Atom


def _is_int(v: object) -> bool:
    return type(v) is int


def _is_unlink_id(v: object) -> bool:
    return type(v) is int and 0 < v < 1 << 64


def _is_mfa(v: object) -> bool:
    return (type(v) is tuple and len(v) == 3 and type(v[0]) is Atom
            and type(v[1]) is Atom and type(v[2]) is int)


def _is_list(v: object) -> bool:
    return type(v) is list


def _any(v: object) -> bool:
    return True


CHECKS: Final[dict[str, Callable[[object], bool]]] = {
    "from_pid": _is_pid,
    "to_pid": _is_pid,
    "group_leader": _is_pid,
    "from_proc": _is_proc,
    "to_proc": _is_proc,
    "to_name": _is_atom,
    "ref": _is_ref,
    "req_id": _is_ref,
    "alias": _is_ref,
    "id": _is_unlink_id,
    "flags": _is_int,
    "mfa": _is_mfa,
    "options": _is_list,
    "args": _is_list,
}
"""Type check of each field that must have a given type when it comes from a peer."""


class ControlMessage:
    """Base of all control messages (and the events a DistConnection emits).

    ``LAYOUT`` lists the attribute for each control tuple element after the op code
    (``""`` for an Unused slot); ``PAYLOAD`` names the attribute sent as the second
    term, if any.
    """

    __slots__ = ()
    OP: ClassVar[int]
    LAYOUT: ClassVar[tuple[str, ...]]
    PAYLOAD: ClassVar[str | None] = None

    def control(self) -> tuple[Term, ...]:
        """The control tuple, op code first."""
        return (self.OP, *(UNUSED if n == "" else getattr(self, n) for n in self.LAYOUT))

    def payload(self) -> Term:
        """The payload term; only meaningful when ``PAYLOAD`` is set."""
        return getattr(self, self.PAYLOAD) if self.PAYLOAD else None


@dataclass(frozen=True, slots=True)
class Link(ControlMessage):
    OP: ClassVar[int] = 1
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_pid")
    from_pid: Pid
    to_pid: Pid


@dataclass(frozen=True, slots=True)
class Send(ControlMessage):
    """SEND: no sender (the peer did not negotiate SEND_SENDER)."""

    OP: ClassVar[int] = 2
    LAYOUT: ClassVar[tuple[str, ...]] = ("", "to_pid")
    PAYLOAD: ClassVar[str | None] = "message"
    to_pid: Pid
    message: Term


@dataclass(frozen=True, slots=True)
class SendTT(Send):
    OP: ClassVar[int] = 12
    LAYOUT: ClassVar[tuple[str, ...]] = ("", "to_pid", "trace_token")
    trace_token: Term


@dataclass(frozen=True, slots=True)
class Exit(ControlMessage):
    """EXIT: a link broke because ``from_pid`` ended with ``reason``."""

    OP: ClassVar[int] = 3
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_pid", "reason")
    from_pid: Pid
    to_pid: Pid
    reason: Term


@dataclass(frozen=True, slots=True)
class ExitTT(Exit):
    OP: ClassVar[int] = 13
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_pid", "trace_token", "reason")
    trace_token: Term


@dataclass(frozen=True, slots=True)
class Unlink(ControlMessage):
    """The old UNLINK (op 4), unsupported by OTP 26+; sent only to peers without
    UNLINK_ID."""

    OP: ClassVar[int] = 4
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_pid")
    from_pid: Pid
    to_pid: Pid


@dataclass(frozen=True, slots=True)
class RegSend(ControlMessage):
    """REG_SEND: ``message`` for the process registered as ``to_name``."""

    OP: ClassVar[int] = 6
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "", "to_name")
    PAYLOAD: ClassVar[str | None] = "message"
    from_pid: Pid
    to_name: Atom
    message: Term


@dataclass(frozen=True, slots=True)
class RegSendTT(RegSend):
    OP: ClassVar[int] = 16
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "", "to_name", "trace_token")
    trace_token: Term


@dataclass(frozen=True, slots=True)
class GroupLeader(ControlMessage):
    OP: ClassVar[int] = 7
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_pid")
    from_pid: Pid
    to_pid: Pid


@dataclass(frozen=True, slots=True)
class Exit2(ControlMessage):
    """EXIT2: ``exit(ToPid, Reason)`` called by ``from_pid``."""

    OP: ClassVar[int] = 8
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_pid", "reason")
    from_pid: Pid
    to_pid: Pid
    reason: Term


@dataclass(frozen=True, slots=True)
class Exit2TT(Exit2):
    OP: ClassVar[int] = 18
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_pid", "trace_token", "reason")
    trace_token: Term


@dataclass(frozen=True, slots=True)
class MonitorP(ControlMessage):
    """``from_pid`` monitors ``to_proc`` (a pid, or a registered name) with ``ref``."""

    OP: ClassVar[int] = 19
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_proc", "ref")
    from_pid: Pid
    to_proc: Pid | Atom
    ref: Reference


@dataclass(frozen=True, slots=True)
class DemonitorP(ControlMessage):
    OP: ClassVar[int] = 20
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_proc", "ref")
    from_pid: Pid
    to_proc: Pid | Atom
    ref: Reference


@dataclass(frozen=True, slots=True)
class MonitorPExit(ControlMessage):
    """The DOWN signal: ``from_proc`` (as it was monitored) ended with ``reason``."""

    OP: ClassVar[int] = 21
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_proc", "to_pid", "ref", "reason")
    from_proc: Pid | Atom
    to_pid: Pid
    ref: Reference
    reason: Term


@dataclass(frozen=True, slots=True)
class SendSender(ControlMessage):
    """SEND_SENDER: like SEND, with the sender (when SEND_SENDER is negotiated)."""

    OP: ClassVar[int] = 22
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_pid")
    PAYLOAD: ClassVar[str | None] = "message"
    from_pid: Pid
    to_pid: Pid
    message: Term


@dataclass(frozen=True, slots=True)
class SendSenderTT(SendSender):
    OP: ClassVar[int] = 23
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_pid", "trace_token")
    trace_token: Term


@dataclass(frozen=True, slots=True)
class PayloadExit(ControlMessage):
    """EXIT with the reason as payload (when EXIT_PAYLOAD is negotiated)."""

    OP: ClassVar[int] = 24
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_pid")
    PAYLOAD: ClassVar[str | None] = "reason"
    from_pid: Pid
    to_pid: Pid
    reason: Term


@dataclass(frozen=True, slots=True)
class PayloadExitTT(PayloadExit):
    OP: ClassVar[int] = 25
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_pid", "trace_token")
    trace_token: Term


@dataclass(frozen=True, slots=True)
class PayloadExit2(ControlMessage):
    """EXIT2 with the reason as payload (when EXIT_PAYLOAD is negotiated)."""

    OP: ClassVar[int] = 26
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_pid")
    PAYLOAD: ClassVar[str | None] = "reason"
    from_pid: Pid
    to_pid: Pid
    reason: Term


@dataclass(frozen=True, slots=True)
class PayloadExit2TT(PayloadExit2):
    OP: ClassVar[int] = 27
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "to_pid", "trace_token")
    trace_token: Term


@dataclass(frozen=True, slots=True)
class PayloadMonitorPExit(ControlMessage):
    """MONITOR_P_EXIT with the reason as payload (when EXIT_PAYLOAD is negotiated)."""

    OP: ClassVar[int] = 28
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_proc", "to_pid", "ref")
    PAYLOAD: ClassVar[str | None] = "reason"
    from_proc: Pid | Atom
    to_pid: Pid
    ref: Reference
    reason: Term


@dataclass(frozen=True, slots=True)
class SpawnRequest(ControlMessage):
    """Spawn ``mfa`` = ``(Module, Function, Arity)`` with ``args`` for ``from_pid``.

    ``options`` is the spawn option list (``monitor``, ``link``, ...); the reply goes
    back as :class:`SpawnReply` with the same ``req_id``.
    """

    OP: ClassVar[int] = 29
    LAYOUT: ClassVar[tuple[str, ...]] = ("req_id", "from_pid", "group_leader", "mfa",
                                         "options")
    PAYLOAD: ClassVar[str | None] = "args"
    req_id: Reference
    from_pid: Pid
    group_leader: Pid
    mfa: tuple[Atom, Atom, int]
    options: list[Term]
    args: list[Term]


@dataclass(frozen=True, slots=True)
class SpawnRequestTT(SpawnRequest):
    OP: ClassVar[int] = 30
    LAYOUT: ClassVar[tuple[str, ...]] = ("req_id", "from_pid", "group_leader", "mfa",
                                         "options", "trace_token")
    trace_token: Term


@dataclass(frozen=True, slots=True)
class SpawnReply(ControlMessage):
    """Answer to a SpawnRequest: ``result`` is the new pid or an error atom.

    ``flags``: 1 = a link was set up, 2 = a monitor was set up.
    """

    OP: ClassVar[int] = 31
    LAYOUT: ClassVar[tuple[str, ...]] = ("req_id", "to_pid", "flags", "result")
    req_id: Reference
    to_pid: Pid
    flags: int
    result: Pid | Atom


@dataclass(frozen=True, slots=True)
class SpawnReplyTT(SpawnReply):
    OP: ClassVar[int] = 32
    LAYOUT: ClassVar[tuple[str, ...]] = ("req_id", "to_pid", "flags", "result", "trace_token")
    trace_token: Term


@dataclass(frozen=True, slots=True)
class AliasSend(ControlMessage):
    """ALIAS_SEND: ``message`` for whoever owns the alias reference."""

    OP: ClassVar[int] = 33
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "alias")
    PAYLOAD: ClassVar[str | None] = "message"
    from_pid: Pid
    alias: Reference
    message: Term


@dataclass(frozen=True, slots=True)
class AliasSendTT(AliasSend):
    OP: ClassVar[int] = 34
    LAYOUT: ClassVar[tuple[str, ...]] = ("from_pid", "alias", "trace_token")
    trace_token: Term


@dataclass(frozen=True, slots=True)
class UnlinkId(ControlMessage):
    """UNLINK_ID: ``from_pid`` removes its link to ``to_pid``; ``id`` in 1..2**64-1."""

    OP: ClassVar[int] = 35
    LAYOUT: ClassVar[tuple[str, ...]] = ("id", "from_pid", "to_pid")
    id: int
    from_pid: Pid
    to_pid: Pid


@dataclass(frozen=True, slots=True)
class UnlinkIdAck(ControlMessage):
    """UNLINK_ID_ACK: ``from_pid`` (the acker) confirms unlink ``id`` to ``to_pid``."""

    OP: ClassVar[int] = 36
    LAYOUT: ClassVar[tuple[str, ...]] = ("id", "from_pid", "to_pid")
    id: int
    from_pid: Pid
    to_pid: Pid


@dataclass(frozen=True, slots=True)
class UnknownControl(ControlMessage):
    """A control message this library does not know (e.g. op 37, ALTACT_SIG_SEND).

    Kept whole so the node can log and drop it. ``payload_term`` is ``None`` if the
    packet had no second term.
    """

    OP: ClassVar[int] = -1
    LAYOUT: ClassVar[tuple[str, ...]] = ()
    op: int
    control_tuple: tuple[Term, ...]
    payload_term: Term = None


_CLASSES: Final[tuple[type[ControlMessage], ...]] = (
    Link, Send, SendTT, Exit, ExitTT, Unlink, RegSend, RegSendTT, GroupLeader, Exit2,
    Exit2TT, MonitorP, DemonitorP, MonitorPExit, SendSender, SendSenderTT, PayloadExit,
    PayloadExitTT, PayloadExit2, PayloadExit2TT, PayloadMonitorPExit, SpawnRequest,
    SpawnRequestTT, SpawnReply, SpawnReplyTT, AliasSend, AliasSendTT, UnlinkId, UnlinkIdAck,
)
BY_OP: Final[dict[int, type[ControlMessage]]] = {cls.OP: cls for cls in _CLASSES}
"""Op code -> class, for every known operation."""
