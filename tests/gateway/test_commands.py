"""parse_command / parse_net_kernel_message: every command, valid and malformed forms,
all text encodings (charlist, binary, atom where allowed)."""

from __future__ import annotations

import pytest

from pyerlsw.etf.terms import Atom, ImproperList, Pid, Reference
from pyerlsw.gateway.commands import (
    BGAPI_ARG_MAX_BYTES,
    Api,
    BgApi,
    Bind,
    Event,
    ExitConnection,
    FetchReply,
    Filter,
    GetPid,
    HandleCall,
    Ignored,
    Link,
    NetKernelPing,
    NixEvent,
    NoEvents,
    NoLog,
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
    parse_command,
    parse_net_kernel_message,
)
from pyerlsw.gateway.replies import (
    ERROR_BADARG,
    ERROR_BADUUID,
    ERROR_NOSESSION,
    ERROR_UNDEF,
)
from pyerlsw.gateway.xmlsections import XmlSection

A = Atom
NODE = A("peer@host")
PID = Pid(NODE, 42, 0, 3)
REF = Reference(NODE, 3, (1, 2, 3))
UUID = "6b2f3bba-1c7e-11ee-9c3a-5f1f1c2f0001"


def s(text: str) -> list[int]:
    """An Erlang charlist, as the decoder gives it."""
    return list(text.encode())


def rejected(result: object, reply: object) -> bool:
    return isinstance(result, Rejected) and result.reply == reply


# ---------------------------------------------------------------- dispatch (§3.2)


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("register_event_handler", RegisterEventHandler()),
        ("register_log_handler", RegisterLogHandler()),
        ("nolog", NoLog()),
        ("noevents", NoEvents()),
        ("session_noevents", SessionNoEvents()),
        ("exit", ExitConnection()),
        ("getpid", GetPid()),
        ("link", Link()),
    ],
)
def test_atom_commands(name, command):
    assert parse_command(A(name)) == command


@pytest.mark.parametrize(
    "message",
    [
        A("get_pid"),
        A("Exit"),  # case-sensitive
        A("new_pid"),
        (A("ok"),),
        (A("$gen_call"), (PID, REF), (A("is_auth"), NODE)),  # only net_kernel answers
        (A("EVENT"), A("ALL")),
        (A("new_pid"), REF, PID),
        (),
        (1, 2),
        ("str", 1),
        [A("api")],
        s("api"),
        b"api",
        42,
        1.0,
        PID,
        {A("api"): 1},
        True,
    ],
)
def test_undef(message):
    assert rejected(parse_command(message), ERROR_UNDEF)


def test_non_latin1_atoms_are_badarg():
    assert rejected(parse_command(A("€")), ERROR_BADARG)
    assert rejected(parse_command((A("€vent"), A("ALL"))), ERROR_BADARG)


# ---------------------------------------------------------------- api / bgapi


@pytest.mark.parametrize("tag", ["api", "bgapi"])
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (s("%Y"), "%Y"),
        (b"%Y", "%Y"),
        ([], ""),
        (b"", ""),
        (A(""), ""),
        (0, ""),
        (s("sofia/gw/1000 &park()"), "sofia/gw/1000 &park()"),
        (list("héllo".encode()), "héllo"),
    ],
)
def test_api_forms(tag, args, expected):
    kind = Api if tag == "api" else BgApi
    assert parse_command((A(tag), A("strftime"), args)) == kind("strftime", expected)
    # extra elements are ignored
    assert parse_command((A(tag), A("strftime"), args, A("extra"))) == kind("strftime", expected)


@pytest.mark.parametrize("tag", ["api", "bgapi"])
@pytest.mark.parametrize(
    "message_tail",
    [
        (),
        (A("status"),),
        (s("status"), s("")),  # the command must be an atom
        (b"status", s("")),
        (A("status"), A("arg")),  # a non-empty atom is not text
        (A("status"), [256]),
        (A("status"), (1,)),
        (A("€"), s("")),
    ],
)
def test_api_badarg(tag, message_tail):
    assert rejected(parse_command((A(tag), *message_tail)), ERROR_BADARG)


def test_bgapi_argument_limit():
    ok = b"x" * BGAPI_ARG_MAX_BYTES
    assert parse_command((A("bgapi"), A("echo"), ok)) == BgApi("echo", ok.decode())
    assert rejected(parse_command((A("bgapi"), A("echo"), ok + b"x")), ERROR_BADARG)
    assert parse_command((A("api"), A("echo"), ok + b"x")) == Api("echo", (ok + b"x").decode())


# ---------------------------------------------------------------- event family


@pytest.mark.parametrize(
    ("tag", "kind"),
    [
        ("event", Event),
        ("nixevent", NixEvent),
        ("setevent", SetEvent),
        ("session_event", SessionEvent),
        ("session_nixevent", SessionNixEvent),
        ("session_setevent", SessionSetEvent),
    ],
)
def test_event_family(tag, kind):
    assert rejected(parse_command((A(tag),)), ERROR_BADARG)
    assert parse_command((A(tag), A("ALL"))) == kind(("ALL",))
    assert parse_command((A(tag), A("CHANNEL_ANSWER"), A("CUSTOM"), A("sofia::register"))) == (
        kind(("CHANNEL_ANSWER", "CUSTOM", "sofia::register"))
    )
    # the first element that is not a Latin-1 atom stops the scan
    assert parse_command((A(tag), A("API"), s("HEARTBEAT"), A("DTMF"))) == kind(("API",))
    assert parse_command((A(tag), s("API"))) == kind(())
    assert parse_command((A(tag), A("€"), A("API"))) == kind(())


# ---------------------------------------------------------------- filter


def test_filter():
    assert rejected(parse_command((A("filter"),)), ERROR_BADARG)
    assert parse_command((A("filter"), A("Event-Name CHANNEL_CREATE"), A("delete all"))) == (
        Filter(("Event-Name CHANNEL_CREATE", "delete all"), 0)
    )
    assert parse_command((A("filter"), A("a b"), s("c d"), A("e f"))) == Filter(("a b",), 2)


# ---------------------------------------------------------------- set_log_level


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("debug", 7),
        ("DEBUG", 7),
        ("info", 6),
        ("notice", 5),
        ("warning", 4),
        ("err", 3),
        ("crit", 2),
        ("alert", 1),
        ("disable", -1),
        ("1", 1),
        ("63", 63),
        ("65", 63),
        ("99999999999", 63),
        ("1.9", 1),
        ("+5", 5),
    ],
)
def test_set_log_level(level, expected):
    assert parse_command((A("set_log_level"), A(level))) == SetLogLevel(expected)


@pytest.mark.parametrize(
    "tail",
    [
        (A("error"),),  # not a FreeSWITCH level name
        (A("console"),),  # level 0 is refused
        (A("0"),),
        (A("-3"),),
        (A(""),),
        (A("64"),),
        (A("verbose"),),
        (s("debug"),),
        (b"debug",),
        (7,),
        (),
        (A("debug"), A("extra")),
    ],
)
def test_set_log_level_badarg(tail):
    assert rejected(parse_command((A("set_log_level"), *tail)), ERROR_BADARG)


# ---------------------------------------------------------------- sendevent


def test_sendevent():
    message = (
        A("sendevent"),
        A("NOTIFY"),
        [(s("profile"), s("internal")), (s("event-string"), s("check-sync")), (s("x"), [])],
    )
    assert parse_command(message) == SendEvent(
        "NOTIFY", None, (("profile", "internal"), ("event-string", "check-sync"), ("x", "")), None
    )


def test_sendevent_custom_body_and_prefix():
    message = (
        A("sendevent"),
        A("custom"),
        A("my::sub"),
        [(s("body"), s("one")), (s("A"), s("1")), (s("A"), s("2")), (s("body"), s("two"))],
    )
    assert parse_command(message) == SendEvent("CUSTOM", "my::sub", (("A", "1"), ("A", "2")), "two")
    assert parse_command((A("sendevent"), A("SWITCH_EVENT_HEARTBEAT"), [])) == SendEvent(
        "HEARTBEAT", None, (), None
    )
    # an empty subclass atom means no subclass
    assert parse_command((A("sendevent"), A("CUSTOM"), A(""), [])) == SendEvent(
        "CUSTOM", None, (), None
    )


@pytest.mark.parametrize(
    "message",
    [
        (A("sendevent"),),
        (A("sendevent"), s("NOTIFY"), []),
        (A("sendevent"), A("NOTIFY")),
        (A("sendevent"), A("NOTIFY"), A("headers")),
        (A("sendevent"), A("NOTIFY"), b"headers"),
        (A("sendevent"), A("CUSTOM"), []),  # CUSTOM needs a subclass atom
        (A("sendevent"), A("CUSTOM"), s("sub"), []),
        (A("sendevent"), A("NOTIFY"), [(b"k", s("v"))]),  # binaries are not HdrStr
        (A("sendevent"), A("NOTIFY"), [(s("k"), b"v")]),
        (A("sendevent"), A("NOTIFY"), [(s("k"), s("v"), s("w"))]),
        (A("sendevent"), A("NOTIFY"), [(s("k"),)]),
        (A("sendevent"), A("NOTIFY"), [s("k")]),
        (A("sendevent"), A("NOTIFY"), [(s("k" * 1024), s("v"))]),  # key > 1023 bytes
        (A("sendevent"), A("NO_SUCH_EVENT"), []),  # deliberate: FreeSWITCH stays silent
    ],
)
def test_sendevent_badarg(message):
    assert rejected(parse_command(message), ERROR_BADARG)


def test_sendevent_key_limit_is_inclusive():
    key = "k" * 1023
    result = parse_command((A("sendevent"), A("NOTIFY"), [(s(key), s("v"))]))
    assert isinstance(result, SendEvent) and result.headers == ((key, "v"),)


# ---------------------------------------------------------------- sendmsg


@pytest.mark.parametrize("uuid", [s(UUID), UUID.encode()])
def test_sendmsg(uuid):
    headers = [(s("call-command"), s("execute")), (s("execute-app-name"), s("answer"))]
    assert parse_command((A("sendmsg"), uuid, headers)) == SendMsg(
        UUID, (("call-command", "execute"), ("execute-app-name", "answer"))
    )
    # malformed headers are only judged once the session is known to exist
    assert parse_command((A("sendmsg"), uuid, [(b"k", b"v")])) == SendMsg(UUID, None)
    assert parse_command((A("sendmsg"), uuid, [])) == SendMsg(UUID, ())


@pytest.mark.parametrize(
    ("message", "reply"),
    [
        ((A("sendmsg"), s(""), [(s("a"), s("b"))]), ERROR_NOSESSION),
        ((A("sendmsg"), [], [(b"junk",)]), ERROR_NOSESSION),
        ((A("sendmsg"), A("uuid"), []), ERROR_BADARG),
        ((A("sendmsg"), s(UUID)), ERROR_BADARG),
        ((A("sendmsg"), s(UUID), A("headers")), ERROR_BADARG),
        ((A("sendmsg"), b"x" * 257, []), ERROR_BADARG),
        ((A("sendmsg"),), ERROR_BADARG),
    ],
)
def test_sendmsg_errors(message, reply):
    assert rejected(parse_command(message), reply)


# ---------------------------------------------------------------- handlecall


@pytest.mark.parametrize("uuid", [s(UUID), UUID.encode()])
def test_handlecall(uuid):
    assert parse_command((A("handlecall"), uuid)) == HandleCall(UUID, None)
    # documented order (and what freeswitch:handlecall/3 sends)
    assert parse_command((A("handlecall"), uuid, A("myproc"))) == HandleCall(UUID, "myproc")
    # FreeSWITCH's own order keeps working
    assert parse_command((A("handlecall"), A("myproc"), uuid)) == HandleCall(UUID, "myproc")


@pytest.mark.parametrize(
    ("message", "reply"),
    [
        ((A("handlecall"),), ERROR_BADARG),
        ((A("handlecall"), s(UUID), A("p"), A("q")), ERROR_BADARG),
        ((A("handlecall"), A("uuid")), ERROR_BADARG),
        ((A("handlecall"), s(UUID), s("proc")), ERROR_BADARG),
        ((A("handlecall"), A("a"), A("b")), ERROR_BADARG),
        ((A("handlecall"), b"x" * 257), ERROR_BADARG),
        ((A("handlecall"), s("")), ERROR_BADUUID),
        ((A("handlecall"), b""), ERROR_BADUUID),
        ((A("handlecall"), s(""), A("proc")), ERROR_BADUUID),
        ((A("handlecall"), A(""), A("proc")), ERROR_BADUUID),
    ],
)
def test_handlecall_errors(message, reply):
    assert rejected(parse_command(message), reply)


# ---------------------------------------------------------------- bind


@pytest.mark.parametrize(
    ("name", "sections"),
    [
        ("config", XmlSection.CONFIG),
        ("configuration", XmlSection.CONFIG),
        ("directory", XmlSection.DIRECTORY),
        ("dialplan", XmlSection.DIALPLAN),
        ("DialPlan", XmlSection.DIALPLAN),
        ("languages", XmlSection.LANGUAGES),
        ("chatplan", XmlSection.CHATPLAN),
        ("channels", XmlSection.CHANNELS),
        ("config_dialplan", XmlSection.CONFIG | XmlSection.DIALPLAN),
    ],
)
def test_bind(name, sections):
    assert parse_command((A("bind"), A(name))) == Bind(sections)


@pytest.mark.parametrize("tail", [(A("phrases"),), (A("result"),), (s("dialplan"),), ()])
def test_bind_badarg(tail):
    assert rejected(parse_command((A("bind"), *tail)), ERROR_BADARG)


# ---------------------------------------------------------------- fetch_reply


@pytest.mark.parametrize("fetch_uuid", [s(UUID), UUID.encode()])
@pytest.mark.parametrize("xml", [b"<document/>", s("<document/>")])
def test_fetch_reply(fetch_uuid, xml):
    assert parse_command((A("fetch_reply"), fetch_uuid, xml)) == FetchReply(UUID, b"<document/>")


@pytest.mark.parametrize(
    "xml",
    [[], b"", A("xml"), [0x100], [60] * 65536, b"\x00<document/>"],
)
def test_fetch_reply_not_found(xml):
    result = parse_command((A("fetch_reply"), s(UUID), xml))
    assert isinstance(result, FetchReply)
    assert result.fetch_uuid == UUID and result.xml is None and result.problem


def test_fetch_reply_large_binary_and_missing_xml():
    big = b"<document>" + b" " * 100_000 + b"</document>"
    assert parse_command((A("fetch_reply"), b"id", big)) == FetchReply("id", big)
    result = parse_command((A("fetch_reply"), b"id"))
    assert isinstance(result, FetchReply) and result.xml is None


@pytest.mark.parametrize("tail", [(), (A("id"), b"<x/>"), (b"x" * 257, b"<x/>")])
def test_fetch_reply_badarg(tail):
    assert rejected(parse_command((A("fetch_reply"), *tail)), ERROR_BADARG)


# ---------------------------------------------------------------- {Ref, Pid} and rex


def test_ref_pid_answers():
    assert parse_command((REF, PID)) == PidReply(REF, PID, via_rex=False)
    assert parse_command((A("rex"), (REF, PID))) == PidReply(REF, PID, via_rex=True)


@pytest.mark.parametrize(
    "message",
    [
        (REF,),
        (REF, A("notapid")),
        (A("rex"), (A("badrpc"), A("nodedown"))),
        (A("rex"), A("ok")),
        (A("rex"),),
        (A("rex"), ()),
    ],
)
def test_ref_pid_ignored(message):
    assert isinstance(parse_command(message), Ignored)


# ---------------------------------------------------------------- net_kernel (§4.19)


def test_ping_old_and_modern_tags():
    old = (A("$gen_call"), (PID, REF), (A("is_auth"), NODE))
    assert parse_net_kernel_message(old) == NetKernelPing(PID, REF)
    alias_tag = ImproperList([A("alias")], REF)
    modern = (A("$gen_call"), (PID, alias_tag), (A("is_auth"), NODE))
    assert parse_net_kernel_message(modern) == NetKernelPing(PID, alias_tag)


@pytest.mark.parametrize(
    "message",
    [
        A("is_auth"),
        (A("$gen_call"), (PID, REF), (A("is_auth"),)),
        (A("$gen_call"), (PID, REF), (A("spawn"), NODE)),
        (A("$gen_call"), (PID, REF)),
        (A("$gen_call"), (REF, PID), (A("is_auth"), NODE)),
        (A("$gen_call"), (PID, ImproperList([A("other")], REF)), (A("is_auth"), NODE)),
        (A("$gen_cast"), (PID, REF), (A("is_auth"), NODE)),
        [],
    ],
)
def test_net_kernel_ignored(message):
    assert isinstance(parse_net_kernel_message(message), Ignored)
