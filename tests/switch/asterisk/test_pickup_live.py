"""Pickup and PickupChan (Asterisk 12+ ast_do_pickup through the core's masquerade):
the picker moves into the ringing leg's place; hangup handlers follow the identities."""

from __future__ import annotations

import pytest

from tests.switch.asterisk.conftest import Factory
from tests.switch.asterisk.harness import Harness

PICKUP = """
[from]
exten => 200,1,Set(CHANNEL(hangup_handler_push)=hh,s,1(caller))
 same => n,Dial(SIP/bob,30,b(pre^s^1))
exten => 8,1,Set(CHANNEL(hangup_handler_push)=hh,s,1(picker))
 same => n,{app}
 same => n,Verbose(0,not reached)
exten => h,1,Verbose(0,h of ${CHANNEL})

[pre]
exten => s,1,Set(CHANNEL(hangup_handler_push)=hh,s,1(target))
 same => n,Return()

[hh]
exten => s,1,Verbose(0,handler ${ARG1} on ${CHANNEL} cause ${HANGUPCAUSE})
 same => n,Return()
"""

BOB = "SIP/bob-00000000"
CAROL = "SIP/carol-1"
ALICE = "SIP/alice-1"


def _said(ast: Harness) -> list[str]:
    return [line for line in ast.lines() if line.startswith(("handler ", "h of "))]


async def _pickup(asterisk: Factory, app: str) -> Harness:
    ast = await asterisk(PICKUP.replace("{app}", app), devices={"bob": {"sim_result": "noanswer"}})
    caller = await ast.call("200", "from", name=ALICE, number="100")
    await ast.settle(2)
    bob = ast.named(BOB)
    assert bob is not None and bob.channel.ring_ready
    picker = await ast.call(
        "8", "from", name=CAROL, number="300", variables={"sim_hangup_after": "5"}
    )
    await ast.settle(1)
    # the ringing structure now carries the picker's identity, bridged to the caller
    assert bob.channel.name == CAROL and bob.uuid != caller.uuid
    assert bob.channel.answered
    assert caller.bridge is not None and caller.bridge is bob.bridge
    assert picker.destroyed.done()
    # the zombie carried the target's identity: its handlers ran at pickup time
    assert _said(ast) == [f"h of {BOB}", f"handler target on {BOB} cause 26"]
    lines = ast.asterisk_lines()
    assert f"    -- {CAROL} answered {ALICE}" in lines
    assert f"  == Spawn extension (from, 8, 2) exited non-zero on '{BOB}'" in lines
    assert "not reached" not in ast.lines()
    [event] = ast.fired("CUSTOM", subclass="call::pickup")
    assert (event.get("Channel"), event.get("TargetChannel")) == (CAROL, BOB)
    assert event.get("TargetChannelStateDesc") == "Ringing"
    assert event.get("Unique-ID") == bob.uuid
    await ast.ended(caller)
    await ast.idle()
    # the picker's handler stayed with the picker and ran when it hung up (5 s later)
    assert _said(ast)[2:] == [
        f"handler picker on {CAROL} cause 16",
        f"h of {ALICE}",
        f"handler caller on {ALICE} cause 16",
    ]
    assert caller.channel.get_variable("DIALSTATUS") == "ANSWER"
    assert caller.channel.get_variable("DIALEDPEERNAME") == CAROL
    return ast


async def test_pickup_by_extension_moves_the_picker_into_the_ringing_leg(
    asterisk: Factory,
) -> None:
    await _pickup(asterisk, "Pickup(200@from)")


async def test_pickup_without_context_uses_the_pickers(asterisk: Factory) -> None:
    await _pickup(asterisk, "Pickup(999&200)")


@pytest.mark.parametrize("target", ["SIP/bob", BOB, "SIP/b,p"])
async def test_pickupchan_by_name(asterisk: Factory, target: str) -> None:
    await _pickup(asterisk, f"PickupChan({target})")


async def test_pickup_with_nothing_ringing_goes_on(asterisk: Factory) -> None:
    text = """
[c]
exten => 1,1,Pickup(999)
 same => n,Pickup(5@PICKUPMARK)
 same => n,Pickup()
 same => n,PickupChan(SIP/nobody&SIP/carol)
 same => n,Verbose(0,still here)
 same => n,PickupChan()
 same => n,Verbose(0,not reached)
"""
    ast = await asterisk(text)
    caller = await ast.call("1", "c", name=CAROL)
    await ast.ended(caller)
    lines = ast.lines()
    assert "No target channel found for 999@c." in lines
    assert "No target channel found for 5@PICKUPMARK." in lines
    assert "No target channel found for SIP/nobody." in lines
    assert "Cannot pickup your own channel SIP/carol." in lines
    assert "still here" in lines
    assert "PickupChan requires an argument (channel)!" in lines
    assert "not reached" not in lines


async def test_an_answered_leg_cannot_be_picked_up(asterisk: Factory) -> None:
    text = """
[c]
exten => 1,1,Dial(SIP/bob,30)
exten => 2,1,Pickup(1)
 same => n,Verbose(0,pickup failed)
 same => n,PickupChan(SIP/bob)
 same => n,Hangup()
"""
    ast = await asterisk(text)
    caller = await ast.call("1", "c", name=ALICE)
    await ast.settle(1)
    assert caller.bridge is not None
    picker = await ast.call("2", "c", name=CAROL)
    await ast.ended(picker)
    lines = ast.lines()
    assert "pickup failed" in lines
    assert "No target channel found for SIP/bob." in lines
    assert caller.channel.ready and caller.bridge is not None
    caller.hangup()
    await ast.idle()


async def test_pickup_by_pickupmark(asterisk: Factory) -> None:
    text = """
[c]
exten => 1,1,Set(__PICKUPMARK=42)
 same => n,Dial(SIP/bob,30)
exten => 2,1,Pickup(42@PICKUPMARK)
"""
    ast = await asterisk(text, devices={"bob": {"sim_result": "noanswer"}})
    caller = await ast.call("1", "c", name=ALICE)
    await ast.settle(1)
    await ast.call("2", "c", name=CAROL, variables={"sim_hangup_after": "2"})
    await ast.settle(1)
    assert caller.channel.get_variable("DIALEDPEERNAME") == CAROL
    await ast.ended(caller)
    await ast.idle()
