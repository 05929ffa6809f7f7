"""The typed values of mod_erlang_event's incoming messages (spec §4, §4.18).

Every command is a frozen, slotted dataclass whose docstring says what the gateway must
do and reply. :class:`Rejected` and :class:`Ignored` are the two non-commands.
:func:`pyerlsw.gateway.commands.parse_command` produces all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyerlsw.etf.terms import Pid, Reference, Term

from .xmlsections import XmlSection

__all__ = [
    "Api",
    "BgApi",
    "Bind",
    "Command",
    "Event",
    "EventCommand",
    "ExitConnection",
    "FetchReply",
    "Filter",
    "GetPid",
    "HandleCall",
    "Headers",
    "Ignored",
    "Link",
    "NetKernelPing",
    "NixEvent",
    "NoEvents",
    "NoLog",
    "ParseResult",
    "PidReply",
    "RegisterEventHandler",
    "RegisterLogHandler",
    "Rejected",
    "SendEvent",
    "SendMsg",
    "SessionEvent",
    "SessionNixEvent",
    "SessionNoEvents",
    "SessionSetEvent",
    "SetEvent",
    "SetLogLevel",
]

Headers = tuple[tuple[str, str], ...]
"""Header pairs in order, duplicates kept."""


# ---------------------------------------------------------------- atom commands (§4.1)


@dataclass(frozen=True, slots=True)
class RegisterEventHandler:
    """``register_event_handler``: link to the sender, make it the event handler,
    events flag on; reply ``ok``."""


@dataclass(frozen=True, slots=True)
class RegisterLogHandler:
    """``register_log_handler``: link, sender becomes log handler, level 7, logging on;
    reply ``ok``."""


@dataclass(frozen=True, slots=True)
class NoLog:
    """``nolog``: drop queued logs and stop logging (handler kept); reply ``ok``."""


@dataclass(frozen=True, slots=True)
class NoEvents:
    """``noevents``: empty the queue; if events were on, turn them off and clear every
    subscription (filters kept) -> ``ok``, else ``{error, notlistening}``."""


@dataclass(frozen=True, slots=True)
class SessionNoEvents:
    """``session_noevents``: for the call attached to the sender, empty its queue and
    clear its subscriptions -> ``ok``; no such call -> ``{error, notlistening}``."""


@dataclass(frozen=True, slots=True)
class ExitConnection:
    """``exit``: reply ``ok``, then tear the connection down (§11.3)."""


@dataclass(frozen=True, slots=True)
class GetPid:
    """``getpid``: reply ``{ok, FsPid}`` (this connection's own pid)."""


@dataclass(frozen=True, slots=True)
class Link:
    """``link``: link to the sender; no reply."""


# ---------------------------------------------------------------- tuple commands


@dataclass(frozen=True, slots=True)
class Api:
    """``{api, Cmd, Args}`` (§4.2): run the API command; reply with
    :func:`pyerlsw.gateway.replies.api_reply`."""

    command: str
    args: str


@dataclass(frozen=True, slots=True)
class BgApi:
    """``{bgapi, Cmd, Args}`` (§4.3): reply ``{ok, JobUUID}`` first, then run the
    command in the background and send ``{bgok|bgerror, JobUUID, Output}``."""

    command: str
    args: str


@dataclass(frozen=True, slots=True)
class Event:
    """``{event, E1, ...}`` (§4.4): subscribe the connection; reply ``ok``.

    ``names`` are the atom names up to the first element that is not a Latin-1 atom,
    unresolved (see :mod:`pyerlsw.gateway.subscriptions`)."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NixEvent:
    """``{nixevent, E1, ...}`` (§4.5): unsubscribe; reply ``ok``."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SetEvent:
    """``{setevent, E1, ...}`` (§4.6): replace the subscriptions; reply ``ok``
    (``{error, badarg}`` when ``ALL`` is among them)."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """``{session_event, ...}`` (§4.7): as :class:`Event` for the sender's attached call."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SessionNixEvent:
    """``{session_nixevent, ...}`` (§4.7)."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SessionSetEvent:
    """``{session_setevent, ...}`` (§4.7)."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Filter:
    """``{filter, Spec, ...}`` (§4.8).

    ``specs`` are the atom specs in order, up to the first element that is not a
    Latin-1 atom; FreeSWITCH stops there, and ``unprocessed`` counts the elements from
    that one on (each gets ``'-ERR invalid syntax'`` in the reply)."""

    specs: tuple[str, ...]
    unprocessed: int = 0


@dataclass(frozen=True, slots=True)
class SetLogLevel:
    """``{set_log_level, Level}`` (§4.9): a valid level (1..63, or -1 = disable);
    reply ``ok``."""

    level: int


@dataclass(frozen=True, slots=True)
class SendEvent:
    """``{sendevent, Name, Headers}`` / ``{sendevent, 'CUSTOM', Subclass, Headers}``
    (§4.10): fire the event; reply ``ok``.

    ``event_type`` is canonical (``"CUSTOM"``, ``"NOTIFY"``...). ``headers`` keep their
    order and duplicates (an empty value deletes that header when applied); the
    ``body`` header, if any (the last one wins), is in ``body`` instead."""

    event_type: str
    subclass: str | None
    headers: Headers
    body: str | None


@dataclass(frozen=True, slots=True)
class SendMsg:
    """``{sendmsg, Uuid, Headers}`` (§4.11).

    FreeSWITCH looks the session up before it reads the headers, so: no session ->
    ``{error, nosession}``; session but ``headers is None`` (a malformed list) ->
    ``{error, badarg}``; else queue the message -> ``ok``."""

    uuid: str
    headers: Headers | None


@dataclass(frozen=True, slots=True)
class HandleCall:
    """``{handlecall, Uuid}`` / ``{handlecall, Uuid, RegName}`` (§4.12).

    ``registered_name`` is ``None`` for the sender-pid form. Both argument orders of the
    3-tuple are accepted (FreeSWITCH only accepts ``{handlecall, RegName, Uuid}``).
    No such channel -> ``{error, badsession}``; attach failure ->
    ``{error, session_attach_failed}``; else ``ok``."""

    uuid: str
    registered_name: str | None


@dataclass(frozen=True, slots=True)
class Bind:
    """``{bind, Section}`` (§4.13): add an XML binding for the sender; reply ``ok``.

    ``sections`` may hold several bits (``{bind, config_dialplan}``): such a binding
    never matches a lookup, as in FreeSWITCH."""

    sections: XmlSection


@dataclass(frozen=True, slots=True)
class FetchReply:
    """``{fetch_reply, FetchUuid, Xml}`` (§4.14, §10).

    ``xml`` is the document as bytes, or ``None`` when the reply means "not found"
    (``problem`` then says why: empty, not a string/binary, missing)."""

    fetch_uuid: str
    xml: bytes | None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class PidReply:
    """``{Ref, Pid}`` (§4.16), directly or as ``{rex, {Ref, Pid}}`` (§4.15): the answer
    to a ``get_pid`` or rpc request. Match it against the calls of this connection
    waiting for a pid: match -> no reply; none -> ``{error, notfound}``."""

    ref: Reference
    pid: Pid
    via_rex: bool = False


@dataclass(frozen=True, slots=True)
class NetKernelPing:
    """``{'$gen_call', {Pid, Tag}, {is_auth, _}}`` to ``net_kernel`` (§4.19): send
    ``{Tag, yes}`` to ``reply_to``. ``tag`` is a reference or (OTP >= 24) the
    ``[alias | Ref]`` improper list, echoed back unchanged."""

    reply_to: Pid
    tag: Term


Command = (
    RegisterEventHandler | RegisterLogHandler | NoLog | NoEvents | SessionNoEvents
    | ExitConnection | GetPid | Link | Api | BgApi | Event | NixEvent | SetEvent
    | SessionEvent | SessionNixEvent | SessionSetEvent | Filter | SetLogLevel | SendEvent
    | SendMsg | HandleCall | Bind | FetchReply | PidReply | NetKernelPing
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rejected:
    """FreeSWITCH answers ``reply`` and does nothing else. ``reason`` is for logs."""

    reply: Term
    reason: str


@dataclass(frozen=True, slots=True)
class Ignored:
    """FreeSWITCH neither acts nor answers. ``reason`` is for logs."""

    reason: str


ParseResult = Command | Rejected | Ignored

EventCommand = Event | NixEvent | SetEvent | SessionEvent | SessionNixEvent | SessionSetEvent
