"""Outbound mode against real erl nodes (OTP 25 and 28) with myhandler (spec §9): the
``erlang`` application in its three forms (connecting out on demand), ``{call, ..}``,
``{call_event, ..}`` and ``{call_hangup, ..}``, handlers controlling calls with
sendmsg, ``erlang_sendmsg``, and what happens when the handler dies or the node goes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pyerlsw.etf import Atom, Pid
from pyerlsw.switch.session import Session
from tests.erlang_support import ErlangNode
from tests.gateway.integration.conftest import MakeRig, Rig
from tests.gateway.integration.support import OK, s, text

MYHANDLER = Atom("myhandler")


@pytest.fixture(scope="module")
def erl(erl_any: ErlangNode) -> ErlangNode:
    return erl_any


async def start_myhandler(rig: Rig, actions: str | None = None, node: str = "auto") -> None:
    setup = ("{ok, _} = pyerlsw_test_util:start_collector(), myhandler:stop(), "
             "myhandler:set_collector(undefined), myhandler:clear_actions(), myhandler:start()")
    if actions is not None:
        setup += f", myhandler:set_actions({node}, {actions})"
    await rig.ev(setup + ".")


async def reports(rig: Rig, last: str, timeout: int = 8000) -> list[Any]:
    """myhandler's reports, in arrival order, up to the first one of kind ``last``
    (which must be the last one to arrive)."""
    pattern = f"fun(M) -> element(1, M) =:= myhandler andalso element(3, M) =:= {last} end"
    got = await rig.ev(f"pyerlsw_test_util:wait_for({pattern}, {timeout}).",
                       timeout=timeout / 1000 + 10)
    assert got[0] == OK, got
    return [*await rig.ev("pyerlsw_test_util:collect(0)."), got[1]]


def kinds(items: list[Any]) -> list[str]:
    out = []
    for m in items:
        kind = m[2].name
        out.append(f"call_event:{text(m[4])}" if kind == "call_event" else kind)
    return out


async def ended(session: Session, timeout: float = 10) -> None:
    await asyncio.wait_for(asyncio.shield(session.destroyed), timeout)


async def test_registered_name_mode_connects_out(rig: Rig) -> None:
    await start_myhandler(rig, '[answer, {on_event, "CHANNEL_ANSWER", {hangup, \'USER_BUSY\'}}]',
                          node=rig.fs)
    assert rig.gateway.listeners == {}  # nobody connected yet: the application dials
    session = await rig.switch.inbound_call("123456", caller_id_number="1002")
    got = await reports(rig, "call_hangup")
    order = kinds(got)
    assert order[0] == "call" and order[-1] == "call_hangup"
    assert "action" in order and "call_event:CHANNEL_ANSWER" in order
    assert order.index("call_event:CHANNEL_PARK") < order.index("call_event:CHANNEL_ANSWER")
    call = got[0]
    assert call[3] == s(session.uuid)
    assert text({bytes(k): v for k, v in call[4][1][1:]}[b"Channel-Destination-Number"]) \
        == "123456"
    await ended(session)
    assert session.channel.get_variable("hangup_cause") == "USER_BUSY"
    assert rig.gateway.listeners[rig.erl.node].calls == {}


async def test_get_pid_mode(rig: Rig) -> None:
    await start_myhandler(rig, "[answer, {on_event, \"CHANNEL_ANSWER\", hangup}]")
    session = await rig.switch.inbound_call("2000")
    got = await reports(rig, "done")
    order = kinds(got)
    assert order[0] == "get_pid" and order[1] == "call"
    assert order[-2:] == ["call_hangup", "done"]
    handler = got[0][4]
    assert isinstance(handler, Pid)
    assert all(m[1] == handler for m in got[1:])  # the per-call process got everything
    await ended(session)
    assert session.channel.get_variable("hangup_cause") == "NORMAL_CLEARING"


async def test_rpc_mode_through_rex(rig: Rig) -> None:
    await start_myhandler(rig, "[hangup]")
    session = await rig.switch.inbound_call(f"erlang:myhandler:launch {rig.erl.node}",
                                            dialplan="inline")
    got = await reports(rig, "done")
    assert kinds(got)[:3] == ["launch", "call", "action"]
    assert kinds(got)[-2:] == ["call_hangup", "done"]
    await ended(session)


async def test_erlang_sendmsg(rig: Rig) -> None:
    await start_myhandler(rig)
    session = await rig.switch.inbound_call(
        f"erlang_sendmsg:myhandler {rig.erl.node} hello there,hangup", dialplan="inline")
    got = await rig.ev("pyerlsw_test_util:wait_for({myhandler, '_', freeswitch_sendmsg, '_'}, "
                       "5000).")
    assert got[1][3] == s("hello there")
    await ended(session)


async def test_handler_killed_mid_call_releases_the_park(rig: Rig) -> None:
    await start_myhandler(rig)
    session = await rig.switch.inbound_call(
        f"erlang:myhandler:! {rig.erl.node},set:after_erlang=yes,hangup:USER_BUSY",
        dialplan="inline")
    await rig.ev("{ok, {myhandler, H, call, _, _}} = pyerlsw_test_util:wait_for("
                 "{myhandler, '_', call, '_', '_'}, 5000), exit(H, kill).")
    await ended(session)
    # the dialplan went on after erlang: FreeSWITCH never hangs the call up itself
    assert session.channel.get_variable("after_erlang") == "yes"
    assert session.channel.get_variable("hangup_cause") == "USER_BUSY"


async def test_node_disconnect_orphans_calls(rig: Rig) -> None:
    await start_myhandler(rig)
    outbound = await rig.switch.inbound_call(
        f"erlang:myhandler {rig.erl.node},set:continued=yes", dialplan="inline")
    await rig.ev("pyerlsw_test_util:wait_for({myhandler, '_', call, '_', '_'}, 5000).")
    inbound = await rig.switch.inbound_call("5900")
    await _parked(inbound)
    assert await rig.ev(f"fsclient:handlecall(FS, \"{inbound.uuid}\", myhandler).") == OK
    listing = await rig.ev(f'fsclient:api(FS, erlang, "sessions {rig.erl.node.upper()}").')
    assert text(listing[1]) == (f"Outbound session for {outbound.uuid} in state CS_NEW\n"
                                f"Outbound session for {inbound.uuid} in state CS_NEW\n")
    assert await rig.ev("erlang:disconnect_node(FS).") is True
    await ended(outbound)
    assert outbound.channel.get_variable("continued") == "yes"
    assert outbound.channel.get_variable("hangup_cause") == "NORMAL_CLEARING"
    assert inbound.channel.ready and "park" in inbound.channel.flags  # untouched
    # a later request opens a fresh connection (a new listener, nothing attached)
    assert (await rig.ev('fsclient:api(FS, version, "short").'))[0] == OK
    assert rig.gateway.listeners[rig.erl.node].calls == {}
    inbound.hangup()


async def test_cannot_reach_the_node_lets_the_dialplan_continue(rig: Rig) -> None:
    session = await rig.switch.inbound_call(
        f"erlang:myhandler nobody@{rig.erl.node.split('@')[1]},erlang:onlyonepart,"
        "set:went_on=yes,hangup", dialplan="inline")
    await ended(session)
    assert session.channel.get_variable("went_on") == "yes"


async def _parked(session: Session) -> bool:
    for _ in range(500):
        if "park" in session.channel.flags:
            return True
        await asyncio.sleep(0.01)
    raise AssertionError("not parked")



async def test_no_pid_within_five_seconds_is_destination_out_of_order(
        make_rig: MakeRig, erl: ErlangNode) -> None:
    # virtual time: the 5 s wait passes once the loop has been idle for 0.2 real seconds
    rig = await make_rig(erl, switch_options={"clock": "virtual",
                                              "virtual_autojump_threshold": 0.2})
    clock = rig.switch.clock
    started = clock.monotonic()
    silent = await rig.switch.inbound_call(f"erlang:nosuchproc:! {rig.erl.node},set:x=1",
                                           dialplan="inline")
    failing = await rig.switch.inbound_call(f"erlang:myhandler:nosuchfun {rig.erl.node}",
                                            dialplan="inline")  # {badrpc, ..}: ignored
    await ended(silent)
    await ended(failing)
    for session in (silent, failing):
        assert session.channel.get_variable("hangup_cause") == "DESTINATION_OUT_OF_ORDER"
    assert silent.channel.get_variable("x") is None
    assert clock.monotonic() - started >= 5.0
    assert rig.gateway.listeners[rig.erl.node].calls == {}


async def test_from_an_asterisk_dialplan(rig: Rig, tmp_path: Any) -> None:
    try:
        from pyerlsw.switch.asterisk.install import install_asterisk, uninstall_asterisk
    except ImportError:
        pytest.skip("the Asterisk layer is not available")
    layer = install_asterisk(
        rig.switch, astdb=":memory:", spool=False, data_dir=str(tmp_path),
        extensions_text=("[from-sim]\n"
                         f"exten => 4000,1,erlang(myhandler {rig.erl.node})\n"
                         " same => n,Set(after_erlang=yes)\n"
                         " same => n,Hangup(17)\n"))
    try:
        await start_myhandler(rig, "[answer, {on_event, \"CHANNEL_ANSWER\", hangup}]",
                              node=rig.fs)
        session = await rig.switch.inbound_call("4000", dialplan="asterisk", context="from-sim")
        got = await reports(rig, "call_hangup")
        assert kinds(got)[0] == "call" and got[0][3] == s(session.uuid)
        await ended(session)
        assert session.channel.get_variable("hangup_cause") == "NORMAL_CLEARING"
    finally:
        uninstall_asterisk(layer)


async def test_handlecall_on_an_outbound_call_keeps_its_park(rig: Rig) -> None:
    await start_myhandler(rig)
    session = await rig.switch.inbound_call(f"erlang:myhandler {rig.erl.node}", dialplan="inline")
    await rig.ev("pyerlsw_test_util:wait_for({myhandler, '_', call, '_', '_'}, 5000).")
    await rig.ev("{ok, _} = pyerlsw_test_util:start_collector(), "
                 "catch unregister(takeover), register(takeover, pyerlsw_test_util:start_proxy()).")
    assert await rig.ev(f'fsclient:handlecall(FS, "{session.uuid}", takeover).') == OK
    first = await rig.ev("pyerlsw_test_util:wait_for({call, '_'}, 5000).")  # to the new handler
    assert first[0] == OK
    await asyncio.sleep(0.1)
    assert "park" in session.channel.flags and session.channel.ready
    session.hangup()
    assert (await rig.ev("pyerlsw_test_util:wait_for({call_hangup, '_'}, 5000)."))[0] == OK
    await ended(session)
