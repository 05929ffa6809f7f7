"""Dial ``b()`` on simulated devices runs after the leg exists and before it is
called (``ast_pre_call`` before ``ast_call``), ``B()`` on the caller before that."""

from __future__ import annotations

from tests.switch.asterisk.conftest import Factory

DIALPLAN = """
[default]
exten => 100,1,Dial(SIP/bob&SIP/carol,10,B(pre^caller^1)b(pre^callee^1))
 same => n,Verbose(0,status ${DIALSTATUS})
 same => n,Hangup()

[pre]
exten => caller,1,Verbose(0,B on ${CHANNEL})
 same => n,Return()
exten => callee,1,Verbose(0,b on ${CHANNEL} state ${CHANNEL(state)})
 same => n,Set(sim_answer_after=2)
 same => n,Set(sim_hangup_after=1)
 same => n,GotoIf($["${CHANNEL:4:3}" = "bob"]?busy)
 same => n,Return()
 same => n(busy),Set(sim_result=busy)
 same => n,Return()
"""


async def test_b_runs_before_the_device_is_contacted(asterisk: Factory) -> None:
    ast = await asterisk(DIALPLAN)
    caller = await ast.call("100", "default", name="SIP/alice-00000001")
    await ast.ended(caller)
    lines = ast.lines()
    b_lines = [line for line in lines if line.startswith(("B on", "b on"))]
    assert b_lines == [
        "B on SIP/alice-00000001",
        "b on SIP/bob-00000000 state Down",
        "b on SIP/carol-00000001 state Down",
    ]
    called = lines.index("    -- Called SIP/bob")
    assert lines.index("b on SIP/carol-00000001 state Down") < called
    # the devices saw what the routine set: bob busy, carol rang 2 s and answered
    assert "    -- SIP/bob-00000000 is busy" in lines
    assert "    -- SIP/carol-00000001 is ringing" in lines
    assert lines.index("    -- SIP/carol-00000001 is ringing") > called
    assert "    -- SIP/carol-00000001 answered SIP/alice-00000001" in lines
    # events: each leg exists (CREATE) before its routine runs, rings only after it
    events = ast.fired("CHANNEL_CREATE") + ast.fired("CHANNEL_EXECUTE") + ast.fired(
        "CHANNEL_PROGRESS"
    )
    events.sort(key=lambda e: e.sequence)
    carol = [
        (e.name, e.get("Application") or "")
        for e in events
        if (e.get("Channel-Name") or "").startswith("SIP/carol")
    ]
    assert carol[0] == ("CHANNEL_CREATE", "")
    assert carol.index(("CHANNEL_PROGRESS", "")) > carol.index(("CHANNEL_EXECUTE", "Return"))
    answered = ast.fired("CHANNEL_ANSWER")
    leg_answer = next(e for e in answered if e.get("Channel-Name", "").startswith("SIP/carol"))
    creates = ast.fired("CHANNEL_CREATE")
    create = next(e for e in creates if e.get("Channel-Name", "").startswith("SIP/carol"))
    assert leg_answer.timestamp_us - create.timestamp_us == 2_000_000
