"""Calls driven from Erlang (OTP 25 and 28): handlecall /2 and /3, sendmsg (execute with
loops and event-lock, hangup, xferext), the session_ subscription commands, call_hangup
ordering, and the binary encoding (spec §4.7, §4.11, §4.12, §9.5, §9.6)."""

from __future__ import annotations

from typing import Any

import pytest

from pyerlsw.etf import Atom
from pyerlsw.switch.session import Session
from tests.erlang_support import ErlangNode
from tests.gateway.integration.conftest import MakeRig, Rig
from tests.gateway.integration.support import ERROR, OK, header, s, text

CALL, CALL_EVENT, CALL_HANGUP = Atom("call"), Atom("call_event"), Atom("call_hangup")
ANSWER = [("call-command", "execute"), ("execute-app-name", "answer")]


@pytest.fixture(scope="module")
def erl(erl_any: ErlangNode) -> ErlangNode:
    return erl_any


async def parked_call(rig: Rig, destination: str = "5900") -> Session:
    """An inbound call parked by the default dialplan (not answered)."""
    session = await rig.switch.inbound_call(destination, caller_id_number="1001")
    for _ in range(200):
        if "park" in session.channel.flags:
            return session
        await _tick()
    raise AssertionError("the call did not park")


async def _tick() -> None:
    import asyncio

    await asyncio.sleep(0.01)


async def proxy_handles(rig: Rig, uuid: str, name: str = "callproxy") -> Any:
    """A proxy (forwarding to the collector) sends ``{handlecall, UUID}``: it becomes
    the call's handler."""
    return await rig.ev(
        "{ok, _} = pyerlsw_test_util:start_collector(), P = pyerlsw_test_util:start_proxy(), "
        f"catch unregister({name}), register({name}, P), "
        f"pyerlsw_test_util:run_in(P, fun() -> fsclient:handlecall(FS, \"{uuid}\") end).")


async def in_proxy(rig: Rig, expr: str, name: str = "callproxy") -> Any:
    return await rig.ev(f"pyerlsw_test_util:run_in(whereis({name}), fun() -> {expr} end).")


async def until_hangup(rig: Rig, timeout: int = 5000) -> list[tuple[str, Any]]:
    """Everything the handler got up to and including ``call_hangup``, summarised as
    ``(kind, EventName | UUID)``."""
    got = await rig.ev(f"pyerlsw_test_util:wait_for({{call_hangup, '_'}}, {timeout}).")
    assert got[0] == OK, got
    before = await rig.ev("pyerlsw_test_util:collect(0).")
    return [summary(m) for m in [*before, got[1]]]


def summary(message: Any) -> tuple[str, Any]:
    kind = message[0]
    if kind in (CALL, CALL_EVENT):
        return (kind.name, text(header(message[1], "Event-Name")))
    if kind == CALL_HANGUP:
        return ("call_hangup", text(message[1]))
    return (str(kind), message)


async def sendmsg(rig: Rig, uuid: str, headers: list[tuple[str, str]]) -> Any:
    pairs = ", ".join(f'{{"{k}", "{v}"}}' for k, v in headers)
    return await rig.ev(f'fsclient:sendmsg(FS, "{uuid}", [{pairs}]).')


async def test_handlecall_then_sendmsg_until_hangup(rig: Rig) -> None:
    session = await parked_call(rig)
    uuid = session.uuid
    assert await proxy_handles(rig, uuid) == OK
    first = await rig.ev("pyerlsw_test_util:wait_for({call, '_'}, 5000).")
    event = first[1][1]
    assert event[1][0] == s(uuid)
    assert header(event, "Event-Name") == s("CHANNEL_DATA")
    assert header(event, "Channel-Unique-ID") == s(uuid)
    assert header(event, "Channel-Destination-Number") == s("5900")
    assert header(event, "Caller-Caller-ID-Number") == s("1001")
    assert header(event, "Content-Type") == s("command/reply")
    assert header(event, "Reply-Text") == s("+OK\n")
    assert header(event, "variable_uuid") == s(uuid)

    assert await sendmsg(rig, uuid, ANSWER) == OK
    assert await sendmsg(rig, uuid, [("call-command", "execute"), ("execute-app-name", "set"),
                                     ("execute-app-arg", "looped=yes"), ("loops", "3"),
                                     ("event-lock", "true"), ("event-uuid", "my-app-id")]) == OK
    assert await sendmsg(rig, uuid, [("call-command", "hangup"),
                                     ("hangup-cause", "USER_BUSY")]) == OK
    seen = await until_hangup(rig)
    names = [n for kind, n in seen if kind == "call_event"]
    assert names.count("CHANNEL_ANSWER") == 1
    executes = [n for n in names if n == "CHANNEL_EXECUTE_COMPLETE"]
    assert len(executes) == 5  # answer, set three times, and park when it ends
    assert "CHANNEL_HANGUP" in names
    assert names[-2:] == ["CHANNEL_HANGUP_COMPLETE", "CHANNEL_STATE"]  # CS_REPORTING
    assert "CHANNEL_DESTROY" not in names
    assert seen[-1] == ("call_hangup", uuid)
    assert session.channel.get_variable("looped") == "yes"
    assert session.channel.get_variable("hangup_cause") == "USER_BUSY"


async def test_application_uuid_and_errors(rig: Rig) -> None:
    session = await parked_call(rig)
    uuid = session.uuid
    assert await proxy_handles(rig, uuid) == OK
    assert await sendmsg(rig, uuid, [("call-command", "execute"), ("execute-app-name", "log"),
                                     ("execute-app-arg", "INFO hi"),
                                     ("event-uuid", "app-1")]) == OK
    done = await rig.ev("pyerlsw_test_util:wait_for(fun({call_event, E}) -> "
                        "fsclient:get_event_name(E) =:= \"CHANNEL_EXECUTE_COMPLETE\"; "
                        "(_) -> false end, 5000).")
    assert header(done[1][1], "Application-UUID") == s("app-1")
    assert await sendmsg(rig, "no-such-uuid", [("call-command", "hangup")]) == (
        ERROR, Atom("nosession"))
    assert await rig.ev('fsclient:sendmsg(FS, "no-such-uuid", [{<<"k">>, "v"}]).') == (
        ERROR, Atom("nosession"))
    assert await rig.ev(f'fsclient:sendmsg(FS, "{uuid}", [{{<<"k">>, "v"}}]).') == (
        ERROR, Atom("badarg"))
    assert await rig.ev('fsclient:sendmsg(FS, "", []).') == (ERROR, Atom("nosession"))
    assert await rig.ev('fsclient:handlecall(FS, "no-such-uuid").') == (
        ERROR, Atom("badsession"))
    assert await rig.ev('fsclient:send(FS, {handlecall, ""}).') == (ERROR, Atom("baduuid"))
    session.hangup()


async def test_session_subscriptions(rig: Rig) -> None:
    session = await parked_call(rig)
    uuid = session.uuid
    assert await proxy_handles(rig, uuid) == OK
    await rig.ev("pyerlsw_test_util:wait_for({call, '_'}, 5000).")
    # only the handler may change the call's subscription
    assert await rig.ev("fsclient:session_event(FS, ['ALL']).") == (ERROR, Atom("notlistening"))
    assert await in_proxy(rig, "fsclient:session_nixevent(FS, ['ALL'])") == OK
    assert await in_proxy(rig, "fsclient:session_event(FS, ['CHANNEL_ANSWER'])") == OK
    assert await in_proxy(rig, "fsclient:send(FS, {session_setevent, 'CHANNEL_ANSWER', "
                               "'ALL'})") == (ERROR, Atom("badarg"))
    assert await sendmsg(rig, uuid, ANSWER) == OK
    got = await rig.ev("pyerlsw_test_util:wait_for({call_event, '_'}, 5000).")
    assert text(header(got[1][1], "Event-Name")) == "CHANNEL_ANSWER"
    assert await in_proxy(rig, "fsclient:session_noevents(FS)") == OK
    session.hangup()
    seen = await until_hangup(rig)
    assert seen == [("call_hangup", uuid)]


async def test_handlecall_3_in_both_orders(rig: Rig) -> None:
    first = await parked_call(rig)
    second = await parked_call(rig)
    await rig.ev("{ok, _} = pyerlsw_test_util:start_collector(), "
                 "catch unregister(reg_handler), "
                 "register(reg_handler, pyerlsw_test_util:start_proxy()).")
    # the documented order (what freeswitch.erl sends) and FreeSWITCH's own order
    assert await rig.ev(f'fsclient:handlecall(FS, "{first.uuid}", reg_handler).') == OK
    assert await rig.ev(f'fsclient:send(FS, {{handlecall, reg_handler, "{second.uuid}"}}).') == OK
    calls = await rig.ev("pyerlsw_test_util:wait_many({call, '_'}, 2, 5000).")
    assert sorted(text(m[1][1][0]) for m in calls[1]) == sorted([first.uuid, second.uuid])
    first.hangup()
    second.hangup()
    hangups = await rig.ev("pyerlsw_test_util:wait_many({call_hangup, '_'}, 2, 5000).")
    assert hangups[0] == OK
    console = await rig.ev(f'fsclient:api(FS, erlang, "sessions {rig.erl.node}").')
    assert text(console[1]) == f"No active sessions for {rig.erl.node}\n"


async def test_xferext_transfers_the_call(rig: Rig) -> None:
    session = await parked_call(rig)
    uuid = session.uuid
    assert await proxy_handles(rig, uuid) == OK
    assert await rig.ev(f'fsclient:sendmsg(FS, "{uuid}", [{{"call-command", "xferext"}}, '
                        '{"application", "set transferred=yes"}, '
                        '{"application", "hangup CALL_REJECTED"}]).') == OK
    seen = await until_hangup(rig)
    assert ("call_event", "CHANNEL_UNPARK") in seen
    assert session.channel.get_variable("transferred") == "yes"
    assert session.channel.get_variable("hangup_cause") == "CALL_REJECTED"


async def test_binary_encoding(make_rig: MakeRig, erl: ErlangNode) -> None:
    rig = await make_rig(erl, encoding="binary")
    version = await rig.ev('fsclient:api(FS, version, "short").')
    assert version[0] == OK and version[1].startswith(b"1.")
    assert await rig.ev("fsclient:api(FS, nosuch).") == (ERROR, b"nosuch: Command not found!\n")
    session = await parked_call(rig)
    assert await proxy_handles(rig, session.uuid) == OK
    first = await rig.ev("pyerlsw_test_util:wait_for({call, '_'}, 5000).")
    items = first[1][1][1]
    assert items[0] == session.uuid.encode()
    assert (b"Event-Name", b"CHANNEL_DATA") in items
    assert await rig.ev(f'fsclient:get_event_name(element(2, {_literal(first[1])})).') == (
        b"CHANNEL_DATA")
    session.hangup()
    got = await rig.ev("pyerlsw_test_util:wait_for({call_hangup, '_'}, 5000).")
    assert got[1] == (CALL_HANGUP, session.uuid.encode())


def _literal(term: Any) -> str:
    """A small term as Erlang source (atoms, binaries, lists, tuples)."""
    if isinstance(term, Atom):
        return f"'{term.name}'"
    if isinstance(term, bytes):
        return "<<" + ",".join(str(b) for b in term) + ">>"
    if isinstance(term, list):
        return "[" + ",".join(_literal(t) for t in term) + "]"
    if isinstance(term, tuple):
        return "{" + ",".join(_literal(t) for t in term) + "}"
    return repr(term)
