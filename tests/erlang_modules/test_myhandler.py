"""myhandler in a real node (OTP 25 and 28) driven by a scripted switch (a pyerlsw node).

The switch side does what mod_erlang_event does in the three outbound modes (§9):
``{get_pid, UUID, Ref, FsPid}`` to the registered process, an rpc of
``myhandler:launch(Ref)``, or ``{call, ..}`` straight to the registered name; then
``{call_event, ..}`` and ``{call_hangup, UUID}``. The handler's sendmsg commands come
back to the switch as registered sends.
"""

from __future__ import annotations

from pyerlsw.etf import Atom, Pid
from tests.erlang_modules.scripted_switch import OK, Request, ScriptedSwitch
from tests.erlang_modules.support import arun
from tests.erlang_support import ErlangNode

CALL, CALL_EVENT, CALL_HANGUP = Atom("call"), Atom("call_event"), Atom("call_hangup")


def s(text: str) -> list[int]:
    return list(text.encode())


def event(uuid: object, name: object, *, binary: bool = False) -> tuple[Atom, list[object]]:
    key = b"Event-Name" if binary else s("Event-Name")
    return (Atom("event"), [uuid, (key, name), (b"Unique-ID" if binary else s("Unique-ID"), uuid)])


def is_sendmsg(request: Request) -> bool:
    return request.head == Atom("sendmsg")


async def reset(erl: ErlangNode, actions: str | None = None, node: str = "auto") -> None:
    setup = ("{ok, _} = pyerlsw_test_util:start_collector(), myhandler:stop(), "
             "myhandler:set_collector(undefined), myhandler:clear_actions(), myhandler:start()")
    if actions is not None:
        setup += f", myhandler:set_actions({node}, {actions})"
    await arun(erl, setup + ".")


async def sendmsgs(switch: ScriptedSwitch, count: int) -> list[Request]:
    await switch.wait_request(lambda r: len([x for x in switch.requests if is_sendmsg(x)])
                              >= count)
    return [r for r in switch.requests if is_sendmsg(r)]


async def test_get_pid_mode_with_actions(erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    await reset(erl_any, '[answer, {execute, "playback", <<"tone_stream://%(100,0,440)">>}, '
                        "{on_event, \"CHANNEL_ANSWER\", {hangup, 'USER_BUSY'}}]")
    uuid = s("5c1e0f2a")
    ref = switch.node.kernel.make_ref()
    switch.send(("myhandler", erl_any.node), (Atom("get_pid"), uuid, ref, switch.pid))
    answer_ref, handler = await switch.own.receive(timeout=10)
    assert answer_ref == ref and isinstance(handler, Pid) and handler.node == Atom(erl_any.node)

    switch.send(handler, (CALL, event(uuid, s("CHANNEL_DATA"))))
    first_two = await sendmsgs(switch, 2)
    assert [(r.name, r.message) for r in first_two] == [
        (Atom("sendmsg"), (Atom("sendmsg"), uuid, [
            (s("call-command"), s("execute")), (s("execute-app-name"), s("answer"))])),
        (Atom("sendmsg"), (Atom("sendmsg"), uuid, [
            (s("call-command"), s("execute")), (s("execute-app-name"), s("playback")),
            (s("execute-app-arg"), s("tone_stream://%(100,0,440)"))])),
    ]
    switch.send(handler, (CALL_EVENT, event(uuid, s("CHANNEL_PARK"))))
    switch.send(handler, (CALL_EVENT, event(uuid, s("CHANNEL_ANSWER"))))
    third = (await sendmsgs(switch, 3))[2]
    assert third.message == (Atom("sendmsg"), uuid, [
        (s("call-command"), s("hangup")), (s("hangup-cause"), s("USER_BUSY"))])
    switch.send(handler, (CALL_HANGUP, uuid))

    _, reports = await arun(erl_any, "pyerlsw_test_util:wait_many('_', 9, 5000).")
    kinds = [r[2] for r in reports]
    assert kinds == [Atom(k) for k in ("get_pid", "call", "action", "action", "call_event",
                                       "call_event", "action", "call_hangup", "done")]
    assert reports[2][3:] == (uuid, Atom("answer"), OK)
    assert reports[6][3:] == (uuid, (Atom("hangup"), Atom("USER_BUSY")), OK)
    assert await arun(erl_any, f"is_process_alive({_pid(handler)}).") is False


async def test_launch_mode_by_rpc(erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    await reset(erl_any, "[hangup]")
    ref = switch.node.kernel.make_ref()
    answer_ref, handler = await switch.node.rpc(erl_any.node, "myhandler", "launch", [ref])
    assert answer_ref == ref and isinstance(handler, Pid)
    uuid = b"0b5f"  # encoding `binary`
    switch.send(handler, (CALL, event(uuid, b"CHANNEL_DATA", binary=True)))
    (request,) = await sendmsgs(switch, 1)
    assert request.message == (Atom("sendmsg"), uuid, [(s("call-command"), s("hangup"))])
    switch.send(handler, (CALL_EVENT, event(uuid, b"CHANNEL_HANGUP", binary=True)))
    switch.send(handler, (CALL_HANGUP, uuid))
    _, reports = await arun(erl_any, "pyerlsw_test_util:wait_many('_', 6, 5000).")
    assert [r[2] for r in reports] == [Atom(k) for k in (
        "launch", "call", "action", "call_event", "call_hangup", "done")]
    assert reports[3][3:5] == (uuid, b"CHANNEL_HANGUP")


async def test_registered_mode_needs_the_node_named(erl_any: ErlangNode,
                                                    switch: ScriptedSwitch) -> None:
    await reset(erl_any, "[answer]", node=f"'{switch.node.name}'")
    registered = ("myhandler", erl_any.node)
    for uuid in (s("c-1"), s("c-2")):
        switch.send(registered, (CALL, event(uuid, s("CHANNEL_DATA"))))
    requests = await sendmsgs(switch, 2)
    assert [r.message[1] for r in requests] == [s("c-1"), s("c-2")]
    for uuid in (s("c-1"), s("c-2")):
        switch.send(registered, (CALL_HANGUP, uuid))
    _, reports = await arun(erl_any, "pyerlsw_test_util:wait_many('_', 6, 5000).")
    assert [r[2] for r in reports] == [Atom(k) for k in (
        "call", "action", "call", "action", "call_hangup", "call_hangup")]
    assert await arun(erl_any, "is_process_alive(whereis(myhandler)).") is True


async def test_an_action_the_switch_refuses_is_reported(erl_any: ErlangNode,
                                                        switch: ScriptedSwitch) -> None:
    await reset(erl_any, "[answer]")
    ref = switch.node.kernel.make_ref()
    switch.send(("myhandler", erl_any.node), (Atom("get_pid"), s("nosuch"), ref, switch.pid))
    _, handler = await switch.own.receive(timeout=10)
    switch.send(handler, (CALL, event(s("nosuch"), s("CHANNEL_DATA"))))
    got = await arun(erl_any, "pyerlsw_test_util:wait_for({myhandler, '_', action, '_', '_', '_'},"
                             " 5000).")
    assert got[1][3:] == (s("nosuch"), Atom("answer"), (Atom("error"), Atom("nosession")))


async def test_freeswitch_sendmsg_reaches_the_registered_handler(
        erl_any: ErlangNode, switch: ScriptedSwitch) -> None:
    await reset(erl_any)
    switch.send(("myhandler", erl_any.node), (Atom("freeswitch_sendmsg"), s("wake up")))
    got = await arun(erl_any, "pyerlsw_test_util:wait_for({myhandler, '_', '_', '_'}, 5000).")
    assert got[1][2:] == (Atom("freeswitch_sendmsg"), s("wake up"))


def _pid(pid: Pid) -> str:
    return f"c:pid(0, {pid.id}, {pid.serial})"
