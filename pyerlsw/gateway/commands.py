"""Incoming mod_erlang_event messages as typed commands (spec §3.2, §4).

:func:`parse_command` takes the decoded message of a ``SEND``/``REG_SEND`` (any name
but ``net_kernel``) and returns one of:

* a command value (frozen, slotted dataclass) for the gateway to execute;
* :class:`Rejected` -- FreeSWITCH answers with an error term without doing anything
  (``{error, badarg}``, ``{error, undef}``, ...); send :attr:`Rejected.reply`;
* :class:`Ignored` -- FreeSWITCH sends nothing (unmatched rpc answers and the like).

:func:`parse_net_kernel_message` does the same for messages to ``net_kernel``.
Neither function raises on any input term (a property test checks this).

Text arguments are normalised to ``str`` with the rules of :mod:`pyerlsw.gateway.text`;
what the parser cannot decide alone (is there such a session?) is left to the caller,
who answers with the constructors of :mod:`pyerlsw.gateway.replies`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from pyerlsw.etf.terms import Atom, ImproperList, Pid, Reference, Term

from .command_types import (
    Api,
    BgApi,
    Bind,
    Command,
    Event,
    EventCommand,
    ExitConnection,
    FetchReply,
    Filter,
    GetPid,
    HandleCall,
    Headers,
    Ignored,
    Link,
    NetKernelPing,
    NixEvent,
    NoEvents,
    NoLog,
    ParseResult,
    PidReply,
    RegisterEventHandler,
    RegisterLogHandler,
    Rejected,
    SendEvent,
    SendMsg,
    SessionEvent,
    SessionNixEvent,
    SessionNoEvents,
    SessionSetEvent,
    SetEvent,
    SetLogLevel,
)
from .eventnames import lookup_event_type
from .loglevels import LEVEL_INVALID, parse_log_level
from .replies import (
    ERROR_BADARG,
    ERROR_BADUUID,
    ERROR_NOSESSION,
    ERROR_UNDEF,
)
from .text import (
    HEADER_KEY_MAX_BYTES,
    STRING_EXT_MAX,
    UUID_MAX_BYTES,
    ascii_equal_ci,
    atom_text,
    hdr_str,
    str_in,
    to_c_bytes,
)
from .xmlsections import XmlSection, parse_section_string

__all__ = [
    "BGAPI_ARG_MAX_BYTES",
    "Api",
    "BgApi",
    "Bind",
    "Command",
    "Event",
    "ExitConnection",
    "FetchReply",
    "Filter",
    "GetPid",
    "HandleCall",
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
    "parse_command",
    "parse_net_kernel_message",
]

BGAPI_ARG_MAX_BYTES = 2047
"""``bgapi`` copies its argument into a 2048-byte buffer: longer ones are badarg."""

# ---------------------------------------------------------------- parsing

_ATOM_COMMANDS: dict[str, Command] = {
    "register_event_handler": RegisterEventHandler(),
    "register_log_handler": RegisterLogHandler(),
    "nolog": NoLog(),
    "noevents": NoEvents(),
    "session_noevents": SessionNoEvents(),
    "exit": ExitConnection(),
    "getpid": GetPid(),
    "link": Link(),
}


def _badarg(reason: str) -> Rejected:
    return Rejected(ERROR_BADARG, reason)


def _leading_atoms(elements: tuple[Term, ...]) -> tuple[tuple[str, ...], int]:
    """Atom names up to the first element ``ei_decode_atom`` refuses, and how many
    elements were left unread from there on."""
    names: list[str] = []
    for position, element in enumerate(elements):
        name = atom_text(element)
        if name is None:
            return tuple(names), len(elements) - position
        names.append(name)
    return tuple(names), 0


def _event_names(kind: type[EventCommand], message: tuple[Term, ...]) -> ParseResult:
    if len(message) == 1:
        return _badarg(f"{{{message[0]}}} needs at least one event name")
    names, _ = _leading_atoms(message[1:])
    return kind(names)


def _api(message: tuple[Term, ...], background: bool) -> ParseResult:
    tag = "bgapi" if background else "api"
    if len(message) < 3:
        return _badarg(f"{tag} needs {{{tag}, Cmd, Args}}")
    command = atom_text(message[1])
    if command is None:
        return _badarg(f"{tag}: the command must be an atom")
    args = str_in(message[2], BGAPI_ARG_MAX_BYTES if background else None)
    if args is None:
        return _badarg(f"{tag}: the arguments must be a string or a binary")
    return BgApi(command, args) if background else Api(command, args)


def _filter(message: tuple[Term, ...]) -> ParseResult:
    if len(message) == 1:
        return _badarg("{filter} needs at least one filter spec")
    specs, unprocessed = _leading_atoms(message[1:])
    return Filter(specs, unprocessed)


def _set_log_level(message: tuple[Term, ...]) -> ParseResult:
    name = atom_text(message[1]) if len(message) == 2 else None
    if name is None:
        return _badarg("set_log_level needs {set_log_level, LevelAtom}")
    level = parse_log_level(name)
    if level in (0, LEVEL_INVALID):
        return _badarg(f"set_log_level: {name!r} is not a usable log level")
    return SetLogLevel(level)


def _header_list(term: Term) -> Headers | None:
    """A list of ``{HdrStr, HdrStr}`` pairs, else ``None``."""
    if type(term) is not list:
        return None
    pairs: list[tuple[str, str]] = []
    for item in term:
        if type(item) is not tuple or len(item) != 2:
            return None
        key = hdr_str(item[0], HEADER_KEY_MAX_BYTES)
        value = hdr_str(item[1])
        if key is None or value is None:
            return None
        pairs.append((key, value))
    return tuple(pairs)


def _sendevent(message: tuple[Term, ...]) -> ParseResult:
    name = atom_text(message[1]) if len(message) > 1 else None
    if name is None:
        return _badarg("sendevent: the event name must be an atom")
    position = 2
    subclass: str | None = None
    if ascii_equal_ci(name, "CUSTOM"):
        subclass = atom_text(message[2]) if len(message) > 2 else None
        if subclass is None:
            return _badarg("sendevent: CUSTOM needs a subclass atom")
        position = 3
    if len(message) <= position or type(message[position]) is not list:
        return _badarg("sendevent: the headers must be a list")
    event_type = lookup_event_type(name)
    if event_type is None:
        return _badarg(f"sendevent: unknown event name {name!r}")
    pairs = _header_list(message[position])
    if pairs is None:
        return _badarg("sendevent: headers must be {HeaderString, ValueString} pairs")
    headers = tuple(pair for pair in pairs if pair[0] != "body")
    bodies = [value for key, value in pairs if key == "body"]
    return SendEvent(event_type, subclass or None, headers, bodies[-1] if bodies else None)


def _sendmsg(message: tuple[Term, ...]) -> ParseResult:
    uuid = str_in(message[1], UUID_MAX_BYTES) if len(message) > 1 else None
    if uuid is None:
        return _badarg("sendmsg: the UUID must be a string or a binary")
    if len(message) < 3 or type(message[2]) is not list:
        return _badarg("sendmsg: the headers must be a list")
    if uuid == "":
        return Rejected(ERROR_NOSESSION, "sendmsg: empty UUID")
    return SendMsg(uuid, _header_list(message[2]))


def _handlecall(message: tuple[Term, ...]) -> ParseResult:
    registered: str | None = None
    if len(message) == 2:
        uuid = str_in(message[1], UUID_MAX_BYTES)
    elif len(message) == 3:
        first, second = message[1], message[2]
        if type(second) is Atom and not (type(first) is Atom and first.name):
            uuid, registered = str_in(first, UUID_MAX_BYTES), atom_text(second)
        else:  # FreeSWITCH's own order: {handlecall, RegName, Uuid}
            registered, uuid = atom_text(first), str_in(second, UUID_MAX_BYTES)
        if registered is None:
            return _badarg("handlecall: the registered name must be an atom")
    else:
        return _badarg("handlecall needs {handlecall, Uuid} or {handlecall, Uuid, Name}")
    if uuid is None:
        return _badarg("handlecall: the UUID must be a string or a binary")
    if uuid == "":
        return Rejected(ERROR_BADUUID, "handlecall: empty UUID")
    return HandleCall(uuid, registered)


def _bind(message: tuple[Term, ...]) -> ParseResult:
    name = atom_text(message[1]) if len(message) > 1 else None
    sections = parse_section_string(name) if name is not None else XmlSection(0)
    if not sections:
        return _badarg("bind: the section must be an atom naming an XML section")
    return Bind(sections)


def _xml_text(term: Term) -> tuple[bytes | None, str | None]:
    """The XML of a fetch reply as FreeSWITCH reads it: a STRING_EXT or a binary."""
    if type(term) is bytes:
        data: bytes | None = term
    elif type(term) is list and 0 < len(term) <= STRING_EXT_MAX:
        data = bytes(term) if all(type(c) is int and 0 <= c <= 255 for c in term) else None
    else:
        data = None
    if data is None:
        if term == []:
            return None, "empty XML"
        return None, "the XML is not a string or binary (large XML must be a binary)"
    text = to_c_bytes(data)
    if not text:
        return None, "empty XML"
    return text, None


def _fetch_reply(message: tuple[Term, ...]) -> ParseResult:
    fetch_uuid = str_in(message[1], UUID_MAX_BYTES) if len(message) > 1 else None
    if fetch_uuid is None:
        return _badarg("fetch_reply: the fetch UUID must be a string or a binary")
    if len(message) < 3:
        return FetchReply(fetch_uuid, None, "no XML in the reply")
    xml, problem = _xml_text(message[2])
    return FetchReply(fetch_uuid, xml, problem)


def _ref_pid(term: Term, via_rex: bool) -> ParseResult:
    if type(term) is tuple and len(term) >= 2 and type(term[0]) is Reference:
        if type(term[1]) is Pid:
            return PidReply(term[0], term[1], via_rex)
        return Ignored("{Ref, Pid} answer without a pid")
    return Ignored("rpc answer that is not {Ref, Pid}")


def _rex(message: tuple[Term, ...]) -> ParseResult:
    if len(message) < 2 or type(message[1]) is not tuple:
        return Ignored("rex answer that is not a tuple")
    return _ref_pid(message[1], via_rex=True)


_TUPLE_COMMANDS: dict[str, Callable[[tuple[Term, ...]], ParseResult]] = {
    "fetch_reply": _fetch_reply,
    "set_log_level": _set_log_level,
    "event": partial(_event_names, Event),
    "filter": _filter,
    "session_event": partial(_event_names, SessionEvent),
    "nixevent": partial(_event_names, NixEvent),
    "session_nixevent": partial(_event_names, SessionNixEvent),
    "api": partial(_api, background=False),
    "bgapi": partial(_api, background=True),
    "sendevent": _sendevent,
    "sendmsg": _sendmsg,
    "bind": _bind,
    "handlecall": _handlecall,
    "rex": _rex,
    "setevent": partial(_event_names, SetEvent),
    "session_setevent": partial(_event_names, SessionSetEvent),
}


def parse_command(message: Term) -> ParseResult:
    """Classify a message sent to any registered name but ``net_kernel``, or to the
    connection's pid (spec §3.2). Never raises."""
    if type(message) is Atom:
        name = atom_text(message)
        if name is None:
            return _badarg("atom command that is not Latin-1")
        command = _ATOM_COMMANDS.get(name)
        if command is None:
            return Rejected(ERROR_UNDEF, f"unknown command {name!r}")
        return command
    if type(message) is tuple and message:
        head = message[0]
        if type(head) is Atom:
            tag = atom_text(head)
            if tag is None:
                return _badarg("command tag that is not Latin-1")
            handler = _TUPLE_COMMANDS.get(tag)
            if handler is None:
                return Rejected(ERROR_UNDEF, f"unknown command {tag!r}")
            return handler(message)
        if type(head) is Reference:
            return _ref_pid(message, via_rex=False)
    return Rejected(ERROR_UNDEF, f"not a command: {type(message).__name__}")


def _gen_call_tag(term: Term) -> bool:
    """A ``gen:call`` tag: a reference, or ``[alias | Ref]`` (OTP 24+)."""
    if type(term) is Reference:
        return True
    return (
        type(term) is ImproperList
        and len(term.items) == 1
        and term.items[0] == Atom("alias")
        and type(term.tail) is Reference
    )


def parse_net_kernel_message(message: Term) -> NetKernelPing | Ignored:
    """Classify a message sent to the registered name ``net_kernel`` (spec §4.19):
    only the ``is_auth`` call of ``net_adm:ping/1`` is answered. Never raises."""
    if not (
        type(message) is tuple
        and len(message) == 3
        and message[0] == Atom("$gen_call")
        and type(message[1]) is tuple
        and len(message[1]) == 2
        and type(message[2]) is tuple
        and len(message[2]) == 2
        and message[2][0] == Atom("is_auth")
    ):
        return Ignored("net_kernel message other than is_auth")
    reply_to, tag = message[1]
    if type(reply_to) is not Pid or not _gen_call_tag(tag):
        return Ignored("net_kernel is_auth with a malformed From")
    return NetKernelPing(reply_to, tag)
