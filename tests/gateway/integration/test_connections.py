"""Connections (spec §1, §5.2, §11): several Erlang nodes at once, each with its own
handlers; ACL denial; the exit command; a node killed with calls attached and started
again; queue overflow reported with a CRIT log line and a TRAP event."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from pyerlsw.etf import Atom
from pyerlsw.switch.session import Session
from tests.erlang_support import ErlangNode
from tests.gateway.integration.conftest import MakeRig, Rig
from tests.gateway.integration.support import ERROR, OK, ev, header, s, text

NodeFactory = Callable[..., ErlangNode]


async def ended(session: Session, timeout: float = 10) -> None:
    await asyncio.wait_for(asyncio.shield(session.destroyed), timeout)


async def parked(rig: Rig, destination: str = "5900") -> Session:
    session = await rig.switch.inbound_call(destination)
    for _ in range(300):
        if "park" in session.channel.flags:
            return session
        await asyncio.sleep(0.01)
    raise AssertionError("not parked")


async def until(predicate: Callable[[], bool], timeout: float = 5) -> None:
    for _ in range(int(timeout * 100)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met in time")


async def test_two_nodes_with_their_own_handlers(rig: Rig, erl25: NodeFactory,
                                                 ebin: Path) -> None:
    other = erl25(cookie=rig.erl.cookie, code_paths=[ebin])
    fs = rig.fs
    first_call, second_call = await parked(rig), await parked(rig)
    for node, event, call in ((rig.erl, "CUSTOM", first_call), (other, "HEARTBEAT", second_call)):
        await ev(node, f"{{ok, _}} = pyerlsw_test_util:start_collector(), "
                       f"{{ok, _}} = pyerlsw_test_util:start_event_handler({fs}), "
                       f"ok = fsclient:event({fs}, ['{event}']), "
                       f"catch unregister(callproxy), "
                       f"register(callproxy, pyerlsw_test_util:start_proxy()), "
                       f"ok = pyerlsw_test_util:run_in(whereis(callproxy), fun() -> "
                       f"fsclient:handlecall({fs}, \"{call.uuid}\") end).")
    rig.switch.send_event("CUSTOM", [("to", "first")])
    rig.switch.send_event("HEARTBEAT", [("to", "second")])
    first = await ev(rig.erl, "pyerlsw_test_util:wait_for({event, '_'}, 5000).")
    second = await ev(other, "pyerlsw_test_util:wait_for({event, '_'}, 5000).")
    assert header(first[1], "to") == s("first") and header(second[1], "to") == s("second")
    for node, call in ((rig.erl, first_call), (other, second_call)):
        got = await ev(node, "pyerlsw_test_util:wait_for({call, '_'}, 5000).")
        assert got[1][1][1][0] == s(call.uuid)
    listeners = text((await ev(rig.erl, f'fsclient:api({fs}, erlang, "listeners").'))[1])
    assert len(listeners.splitlines()) == 2
    assert f"Listener to {other.node} with outbound sessions: 1 " in listeners
    # one node leaving does not disturb the other
    other.stop()
    await until(lambda: other.node not in rig.gateway.listeners)
    assert second_call.channel.ready
    first_call.hangup()
    hangup = await ev(rig.erl, "pyerlsw_test_util:wait_for({call_hangup, '_'}, 5000).")
    assert hangup[1] == (Atom("call_hangup"), s(first_call.uuid))
    second_call.hangup()


async def test_acl_denial(make_rig: MakeRig, erl: ErlangNode) -> None:
    rig = await make_rig(erl, **{"apply-inbound-acl": ["10.0.0.0/8"]})
    assert await rig.ev('fsclient:api(FS, status, "").') == (ERROR, Atom("acldeny"))
    await until(lambda: rig.gateway.node.peer_info(rig.erl.node) is None)
    assert await rig.ev("lists:member(FS, nodes(hidden)).") is False
    allowed = await make_rig(erl, **{"apply-inbound-acl": ["loopback.auto", "127.0.0.0/8"]})
    assert (await allowed.ev('fsclient:api(FS, version, "").'))[0] == OK


async def test_exit_closes_the_connection_and_orphans_calls(rig: Rig) -> None:
    outbound = await rig.switch.inbound_call(
        f"erlang:myhandler {rig.erl.node},set:went_on=yes", dialplan="inline")
    await rig.ev("myhandler:stop(), myhandler:clear_actions(), myhandler:start().")
    for _ in range(300):
        if "park" in outbound.channel.flags:
            break
        await asyncio.sleep(0.01)
    assert await rig.ev("fsclient:close(FS).") == OK
    await ended(outbound)
    assert outbound.channel.get_variable("went_on") == "yes"
    await until(lambda: rig.gateway.node.peer_info(rig.erl.node) is None)
    assert (await rig.ev('fsclient:api(FS, version, "").'))[0] == OK  # a new connection


async def test_killed_node_with_calls_then_restarted(rig: Rig, erl25: NodeFactory,
                                                     ebin: Path) -> None:
    doomed = erl25(cookie=rig.erl.cookie, code_paths=[ebin])
    await ev(doomed, "myhandler:start().")
    session = await rig.switch.inbound_call(
        f"erlang:myhandler:! {doomed.node},set:survived=yes,hangup:USER_BUSY", dialplan="inline")
    await until(lambda: doomed.node in rig.gateway.listeners
                and bool(rig.gateway.listeners[doomed.node].calls)
                and "park" in session.channel.flags)
    doomed.stop()
    await ended(session)
    assert session.channel.get_variable("survived") == "yes"
    assert session.channel.get_variable("hangup_cause") == "USER_BUSY"
    # the other node never noticed; the killed one comes back under the same name
    assert (await rig.ev('fsclient:api(FS, version, "").'))[0] == OK
    again = ErlangNode(doomed.runtime, doomed.epmd_port, sname=doomed.sname,
                       cookie=doomed.cookie, code_paths=[ebin]).start()
    try:
        assert (await ev(again, f'fsclient:api({rig.fs}, version, "").'))[0] == OK
    finally:
        again.stop()


async def test_queue_overflow_is_counted_logged_and_trapped(make_rig: MakeRig,
                                                            erl: ErlangNode) -> None:
    rig = await make_rig(erl, **{"max-event-queue": "3", "max-event-bulk": "0"})
    traps = rig.switch.subscribe("TRAP")
    logs = rig.switch.subscribe_logs(level=2)
    await rig.ev("{ok, _} = pyerlsw_test_util:start_collector(), "
                 "{ok, _} = pyerlsw_test_util:start_event_handler(FS), "
                 "ok = fsclient:event(FS, ['CUSTOM', 'q::x']).")
    for n in range(10):
        rig.switch.send_event("CUSTOM", [("n", str(n))], subclass="q::x")
    await until(lambda: rig.gateway.snapshot().listeners[0].events_lost == 7)
    listing = text((await rig.ev('fsclient:api(FS, erlang, "listeners").'))[1])
    assert "events: 0 (lost:7)" in listing
    assert await rig.ev("fsclient:noevents(FS).") == OK  # empties the queue
    assert await rig.ev("fsclient:event(FS, ['CUSTOM', 'q::x']).") == OK
    rig.switch.send_event("CUSTOM", [("n", "after")], subclass="q::x")
    trap = await asyncio.wait_for(traps.get(), 5)
    assert trap.get("info") == "lost 7 events"
    line = await asyncio.wait_for(logs.get(), 5)
    assert line.level == 2 and line.text == "Lost 7 events!\n"
