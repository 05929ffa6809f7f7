"""The messages real Erlang code sends (freeswitch.erl's forms, spec §13), built by a
real OTP node, decoded by pyerlsw.etf and classified by parse_command."""

from __future__ import annotations

import pytest

from pyerlsw.etf.terms import Atom, ImproperList, Reference
from pyerlsw.gateway.commands import (
    Api,
    BgApi,
    Bind,
    Event,
    ExitConnection,
    FetchReply,
    GetPid,
    HandleCall,
    NetKernelPing,
    NixEvent,
    NoEvents,
    RegisterEventHandler,
    RegisterLogHandler,
    Rejected,
    SendEvent,
    SendMsg,
    SessionEvent,
    SessionNixEvent,
    SessionNoEvents,
    SetLogLevel,
    parse_command,
    parse_net_kernel_message,
)
from pyerlsw.gateway.replies import ERROR_BADARG
from pyerlsw.gateway.xmlsections import XmlSection

U = "4f77b818-e945-11dd-a442-9fe384e7e5a2"

# (Erlang expression, expected parse result): what freeswitch.erl's functions send.
CASES = [
    ('{api, status, ""}', Api("status", "")),
    ('{api, strftime, "%Y"}', Api("strftime", "%Y")),
    ('{api, status, <<"x">>}', Api("status", "x")),
    ('{api, "status", ""}', Rejected(ERROR_BADARG, "")),  # api needs an atom command
    ('{bgapi, uptime, ""}', BgApi("uptime", "")),
    ("list_to_tuple([event | ['CHANNEL_ANSWER', 'CUSTOM', 'sofia::register']])",
     Event(("CHANNEL_ANSWER", "CUSTOM", "sofia::register"))),
    ("list_to_tuple([session_event | ['ALL']])", SessionEvent(("ALL",))),
    ("list_to_tuple([nixevent | ['HEARTBEAT']])", NixEvent(("HEARTBEAT",))),
    ("list_to_tuple([session_nixevent | ['DTMF']])", SessionNixEvent(("DTMF",))),
    ("noevents", NoEvents()),
    ("session_noevents", SessionNoEvents()),
    ("exit", ExitConnection()),
    ("getpid", GetPid()),
    ("register_log_handler", RegisterLogHandler()),
    ("register_event_handler", RegisterEventHandler()),
    ("{set_log_level, info}", SetLogLevel(6)),
    ('{sendevent, \'NOTIFY\', [{"profile", "internal"}, {"user", "1000"}]}',
     SendEvent("NOTIFY", None, (("profile", "internal"), ("user", "1000")), None)),
    ("{sendevent, 'CUSTOM', 'my::event', [{\"body\", \"hello\"}]}",
     SendEvent("CUSTOM", "my::event", (), "hello")),
    (f'{{sendmsg, "{U}", [{{"call-command", "hangup"}}, {{"hangup-cause", "16"}}]}}',
     SendMsg(U, (("call-command", "hangup"), ("hangup-cause", "16")))),
    (f'{{sendmsg, <<"{U}">>, []}}', SendMsg(U, ())),
    (f'{{handlecall, "{U}", myproc}}', HandleCall(U, "myproc")),
    (f'{{handlecall, "{U}"}}', HandleCall(U, None)),
    ("{bind, dialplan}", Bind(XmlSection.DIALPLAN)),
    ('{fetch_reply, "fid", <<"<document/>">>}', FetchReply("fid", b"<document/>")),
    ('{fetch_reply, <<"fid">>, "<document/>"}', FetchReply("fid", b"<document/>")),
]  # fmt: skip


def _check(node, expression, expected):
    result = parse_command(node.eval(expression + "."))
    if isinstance(expected, Rejected):
        assert isinstance(result, Rejected) and result.reply == expected.reply
    else:
        assert result == expected


@pytest.mark.erlang
def test_freeswitch_erl_messages_otp25(erl25):
    node = erl25()
    for expression, expected in CASES:
        _check(node, expression, expected)


@pytest.mark.otp28
def test_freeswitch_erl_messages_otp28(erl28):
    node = erl28()
    for expression, expected in CASES:
        _check(node, expression, expected)


@pytest.mark.erlang
def test_ping_call_and_rpc_answer_shapes_otp25(erl25):
    """gen:call's real {Pid, [alias | Ref]} From, and an rpc answer, as OTP builds them."""
    node = erl25()
    call = node.eval(
        "Mref = erlang:monitor(process, self(), [{alias, demonitor}]),"
        " {'$gen_call', {self(), [alias | Mref]}, {is_auth, node()}}."
    )
    ping = parse_net_kernel_message(call)
    assert isinstance(ping, NetKernelPing)
    assert isinstance(ping.tag, ImproperList) and ping.tag.items == [Atom("alias")]
    assert isinstance(ping.tag.tail, Reference)
    answer = parse_command(node.eval("{rex, {make_ref(), self()}}."))
    assert type(answer).__name__ == "PidReply"
