"""fsclient in a real node (OTP 25 and 28) against a scripted switch (a pyerlsw node).

Checks what freeswitch.erl-compatible code puts on the wire (registered sends, tags,
message shapes, who the sender is) and what it returns for each answer a
mod_erlang_event node can give, including no answer at all.
"""

from __future__ import annotations

import pytest

from pyerlsw.etf import Atom, Pid
from tests.erlang_modules.scripted_switch import ERROR, OK, ScriptedSwitch
from tests.erlang_modules.support import arun
from tests.erlang_support import ErlangNode

TIMEOUT = Atom("timeout")


def s(text: str) -> list[int]:
    return list(text.encode())


def q(switch: ScriptedSwitch) -> str:
    """The switch's node name as an Erlang atom literal."""
    return f"'{switch.node.name}'"


async def repl_pid(erl: ErlangNode) -> Pid:
    pid: Pid = await arun(erl, "pyerlsw_test_util:flush(), self().")
    return pid


async def test_api_replies_and_requests(erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    n = q(switch)
    got = await arun(erl_any, f'{{fsclient:api({n}, status), fsclient:api({n}, version, "short"),'
                             f' fsclient:api({n}, fail, <<"x">>)}}.')
    assert got == ((OK, s("status \n")), (OK, s("version short\n")),
                   (ERROR, s("fail: Command not found!\n")))
    assert [(r.name, r.message) for r in switch.of("api")] == [
        (Atom("api"), (Atom("api"), Atom("status"), [])),
        (Atom("api"), (Atom("api"), Atom("version"), s("short"))),
        (Atom("api"), (Atom("api"), Atom("fail"), b"x")),
    ]


async def test_connection_commands(erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    n = q(switch)
    got = await arun(erl_any, (
        f"[fsclient:event({n}, 'CHANNEL_CREATE'),"
        f" fsclient:event({n}, ['CUSTOM', 'sofia::register']),"
        f" fsclient:event({n}, []),"
        f" fsclient:nixevent({n}, ['ALL']),"
        f" fsclient:noevents({n}),"
        f' fsclient:sendevent({n}, \'NOTIFY\', [{{"profile", "internal"}}]),'
        f' fsclient:sendevent_custom({n}, \'my::sub\', [{{"k", "v"}}]),'
        f' fsclient:sendmsg({n}, "u-1", [{{"call-command", "hangup"}}]),'
        f' fsclient:sendmsg({n}, "nosuch", []),'
        f' fsclient:handlecall({n}, "u-1", myproc),'
        f" fsclient:getpid({n}),"
        f" fsclient:close({n})]."))
    assert got == [OK, OK, (ERROR, Atom("badarg")), OK, OK, OK, OK, OK,
                   (ERROR, Atom("nosession")), OK, (OK, switch.pid), OK]
    sent = [(r.name, r.message) for r in switch.requests]
    assert sent == [
        (Atom("event"), (Atom("event"), Atom("CHANNEL_CREATE"))),
        (Atom("event"), (Atom("event"), Atom("CUSTOM"), Atom("sofia::register"))),
        (Atom("event"), (Atom("event"),)),
        (Atom("nixevent"), (Atom("nixevent"), Atom("ALL"))),
        (Atom("noevents"), Atom("noevents")),
        (Atom("sendevent"), (Atom("sendevent"), Atom("NOTIFY"), [(s("profile"), s("internal"))])),
        (Atom("sendevent"), (Atom("sendevent"), Atom("CUSTOM"), Atom("my::sub"),
                             [(s("k"), s("v"))])),
        (Atom("sendmsg"), (Atom("sendmsg"), s("u-1"), [(s("call-command"), s("hangup"))])),
        (Atom("sendmsg"), (Atom("sendmsg"), s("nosuch"), [])),
        (Atom("handlecall"), (Atom("handlecall"), s("u-1"), Atom("myproc"))),
        (Atom("getpid"), Atom("getpid")),
        (Atom("close"), Atom("exit")),
    ]


async def test_isolated_requests_leave_the_callers_mailbox_alone(
        erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    n = q(switch)
    me = await repl_pid(erl_any)
    got = await arun(erl_any, (
        "self() ! ok, self() ! {error, stray}, self() ! {ok, stray}, "
        f"R = [fsclient:event({n}, []), fsclient:api({n}, status), fsclient:getpid({n})], "
        "{R, pyerlsw_test_util:flush()}."))
    assert got == ([(ERROR, Atom("badarg")), (OK, s("status \n")), (OK, switch.pid)],
                   [OK, (ERROR, Atom("stray")), (OK, Atom("stray"))])
    senders = {r.sender for r in switch.requests}
    assert me not in senders and len(senders) == 3
    assert all(p.node == Atom(erl_any.node) for p in senders)


async def test_sender_bound_requests_come_from_the_caller(
        erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    n = q(switch)
    me = await repl_pid(erl_any)
    got = await arun(erl_any, (
        f"[fsclient:session_event({n}, 'CHANNEL_ANSWER'),"
        f" fsclient:session_nixevent({n}, ['DTMF', 'CUSTOM', 'a::b']),"
        f" fsclient:session_noevents({n}),"
        f' fsclient:handlecall({n}, <<"u-2">>),'
        f" fsclient:send({n}, register_event_handler)]."))
    assert got == [OK, OK, OK, OK, OK]
    assert [(r.name, r.sender, r.message) for r in switch.requests] == [
        (Atom("session_event"), me, (Atom("session_event"), Atom("CHANNEL_ANSWER"))),
        (Atom("session_nixevent"), me, (Atom("session_nixevent"), Atom("DTMF"),
                                        Atom("CUSTOM"), Atom("a::b"))),
        (Atom("session_noevents"), me, Atom("session_noevents")),
        (Atom("handlecall"), me, (Atom("handlecall"), b"u-2")),
        (Atom("send"), me, Atom("register_event_handler")),
    ]


async def test_send_returns_the_first_message(erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    switch.script = lambda request: [(Atom("first"), 1), (Atom("second"), 2)]
    got = await arun(erl_any, f"{{fsclient:send({q(switch)}, {{anything, 1}}),"
                             " receive M -> M after 5000 -> none end}.")
    assert got == ((Atom("first"), 1), (Atom("second"), 2))


async def test_bgapi_returns_the_job_and_forwards_its_outcome(
        erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    n = q(switch)
    await repl_pid(erl_any)
    got = await arun(erl_any, (
        f'A = fsclient:bgapi({n}, uptime, ""), B = fsclient:bgapi({n}, fail, "x"), '
        f'C = fsclient:bgapi({n}, early, ""), '
        "Outcomes = [receive {T, J, O} when T =:= bgok; T =:= bgerror -> {T, J, O} "
        "            after 5000 -> none end || _ <- [1, 2, 3]], "
        "{[A, B, C], lists:sort(Outcomes), pyerlsw_test_util:flush()}."))
    accepted, outcomes, rest = got
    assert accepted == [(OK, s("job-uptime")), (OK, s("job-fail")), (OK, s("job-early"))]
    assert outcomes == [  # in Erlang's term order
        (Atom("bgerror"), s("job-fail"), s("done\n")),
        (Atom("bgok"), s("job-early"), s("done\n")),  # overtook {ok, Job}, not lost
        (Atom("bgok"), s("job-uptime"), s("done\n")),
    ]
    assert rest == []
    assert [r.message for r in switch.of("bgapi")] == [
        (Atom("bgapi"), Atom("uptime"), []), (Atom("bgapi"), Atom("fail"), s("x")),
        (Atom("bgapi"), Atom("early"), [])]


async def test_bgapi_with_a_fun(erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    n = q(switch)
    got = await arun(erl_any, (
        "Self = self(), F = fun(Outcome, Out) -> Self ! {called, Outcome, Out} end, "
        f'R = [fsclient:bgapi({n}, uptime, "", F), fsclient:bgapi({n}, fail, "", F)], '
        "{R, lists:sort([receive {called, _, _} = M -> M after 5000 -> none end"
        " || _ <- [1, 2]])}."))
    assert got == ([OK, OK], [(Atom("called"), Atom("error"), s("done\n")),
                              (Atom("called"), Atom("ok"), s("done\n"))])


async def test_fetch_reply_outcomes(erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    n = q(switch)
    got = await arun(erl_any, (
        f'[fsclient:fetch_reply({n}, "f-1", <<"<document/>">>),'
        f' fsclient:fetch_reply({n}, <<"f-2">>, "<document/>"),'
        f' fsclient:fetch_reply({n}, "dup", <<>>),'
        f' fsclient:fetch_reply({n}, "late", <<>>),'
        f' fsclient:fetch_reply({n}, "bin", <<>>)].'))
    # freeswitch.erl's values: only a reply with the very same id term counts; the rest
    # is `timeout` (returned at once here instead of after 5 s).
    assert got == [OK, OK, (ERROR, Atom("duplicate_response")), TIMEOUT, TIMEOUT]
    assert [(r.name, r.message) for r in switch.of("fetch_reply")][:2] == [
        (Atom("send"), (Atom("fetch_reply"), s("f-1"), b"<document/>")),
        (Atom("send"), (Atom("fetch_reply"), b"f-2", s("<document/>"))),
    ]


async def test_no_answer_gives_timeout(erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    switch.script = lambda request: []
    n = q(switch)
    calls = [
        f"fsclient:api({n}, status)", f'fsclient:bgapi({n}, status, "")',
        f"fsclient:event({n}, 'ALL')", f"fsclient:noevents({n})", f"fsclient:close({n})",
        f"fsclient:sendevent({n}, nosuch, [])", f"fsclient:getpid({n})",
        f'fsclient:fetch_reply({n}, "f", <<>>)', f"fsclient:send({n}, hello)",
        f"fsclient:session_noevents({n})", f'fsclient:handlecall({n}, "u")',
        f"fsclient:start_event_handler({n}, pyerlsw_test_util, forward_loop, x)",
    ]
    funs = ", ".join(f"fun() -> {c} end" for c in calls)
    got = await arun(erl_any, (
        f"Self = self(), Fs = [{funs}], "
        "Ps = [spawn(fun() -> Self ! {self(), F()} end) || F <- Fs], "
        "[receive {P, R} -> R after 15000 -> none end || P <- Ps]."))
    assert got == [TIMEOUT] * len(calls)


async def test_event_and_log_handlers_forward(erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    n = q(switch)
    await arun(erl_any, "{ok, _} = pyerlsw_test_util:start_collector().")
    (ok1, events), (ok2, logs) = await arun(erl_any, (
        f"{{pyerlsw_test_util:start_event_handler({n}),"
        f" pyerlsw_test_util:start_log_handler({n})}}."))
    assert ok1 == ok2 == OK
    assert [(r.name, r.sender, r.message) for r in switch.requests] == [
        (Atom("foo"), events, Atom("register_event_handler")),
        (Atom("foo"), logs, Atom("register_log_handler")),
    ]
    event = (Atom("event"), [Atom("undefined"), (s("Event-Name"), s("HEARTBEAT"))])
    log = (Atom("log"), [(Atom("level"), 7), (Atom("data"), s("hi"))])
    switch.send(events, event)
    switch.send(logs, log)
    ok, got = await arun(erl_any, "pyerlsw_test_util:wait_many('_', 2, 5000).")
    # Two handler processes forward to one collector: their order there is the
    # Erlang scheduler's, not ours.
    assert ok == OK and len(got) == 2 and event in got and log in got
    # The handlers watch the connection: its loss reaches them (and the collector).
    await switch.node.close()
    nodedown = (Atom("nodedown"), Atom(switch.node.name))
    assert await arun(erl_any, "pyerlsw_test_util:wait_many('_', 2, 5000).") == (
        OK, [nodedown, nodedown])
    assert await arun(erl_any, f"[is_process_alive(P) || P <- [{_pid(events)}, {_pid(logs)}]].") \
        == [True, True]
    await arun(erl_any, f"[pyerlsw_test_util:stop(P) || P <- [{_pid(events)}, {_pid(logs)}]].")


def _pid(pid: Pid) -> str:
    """An expression giving ``pid`` back in the node that owns it."""
    return f"c:pid(0, {pid.id}, {pid.serial})"


@pytest.mark.parametrize(("mode", "reply"), [
    ('{reply, <<"<document type=\\"freeswitch/xml\\"/>">>}',
     b'<document type="freeswitch/xml"/>'),
    ('{reply, "<document/>"}', s("<document/>")),
    ("{reply_fun, fun({fetch, dialplan, _, _, _, Id, _}) -> list_to_binary(Id) end}", b"f-9"),
    ("not_found", b'<document type="freeswitch/xml"><section name="result">'
                  b'<result status="not found"/></section></document>'),
    ("garbage", b'<document type="freeswitch/xml"><section name='),
    ("{garbage, not_xml}", Atom("not_xml")),
    ("{delay, 10, {reply, <<>>}}", b""),
])
async def test_fetch_handler_answers(erl_any: ErlangNode, switch: ScriptedSwitch, mode: str,
                                     reply: object) -> None:
    n = q(switch)
    await arun(erl_any, "{ok, _} = pyerlsw_test_util:start_collector().")
    ok, binder = await arun(erl_any,
                            f"pyerlsw_test_util:start_fetch_handler({n}, dialplan, {mode}).")
    assert ok == OK
    assert [(r.sender, r.message) for r in switch.requests] == [
        (binder, (Atom("bind"), Atom("dialplan")))]
    undefined = s("undefined")
    fetch: tuple[object, ...] = (Atom("fetch"), Atom("dialplan"), undefined, undefined,
                                 undefined, s("f-9"), [])
    switch.send(binder, fetch)
    got = await arun(erl_any, "pyerlsw_test_util:wait_many('_', 2, 5000).")
    assert got == (OK, [fetch, (Atom("pyerlsw_test_util"), Atom("fetch_replied"), s("f-9"), OK)])
    answer = await switch.wait_request(lambda r: r.head == Atom("fetch_reply"))
    assert answer.message == (Atom("fetch_reply"), s("f-9"), reply)
    await arun(erl_any, f"pyerlsw_test_util:stop({_pid(binder)}).")


async def test_silent_fetch_handler_never_answers(erl_any: ErlangNode,
                                                  switch: ScriptedSwitch) -> None:
    n = q(switch)
    await arun(erl_any, "{ok, _} = pyerlsw_test_util:start_collector().")
    _, binder = await arun(erl_any, f"pyerlsw_test_util:start_fetch_handler({n}, config, silent).")
    fetch: tuple[object, ...] = (Atom("fetch"), Atom("configuration"), s("configuration"),
                                 s("name"), s("ivr.conf"), s("f-1"), [])
    switch.send(binder, fetch)
    assert await arun(erl_any, "pyerlsw_test_util:collect(5000).") == [fetch]
    assert await arun(erl_any, "pyerlsw_test_util:collect(200).") == []
    assert switch.of("fetch_reply") == []
    await arun(erl_any, f"pyerlsw_test_util:stop({_pid(binder)}).")


async def test_a_refused_bind_is_returned(erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    got = await arun(erl_any,
                     f"pyerlsw_test_util:start_fetch_handler({q(switch)}, phrases, silent).")
    assert got == (ERROR, Atom("badarg"))
