"""Local channels and Dial: DIALSTATUS as Asterisk computes it, causes crossing the
pair, variables and caller ID, Local from FreeSWITCH originate/bridge."""

from __future__ import annotations

import pytest

from pyerlsw.switch.causes import CAUSES
from tests.switch.asterisk.conftest import Factory

STATUS = """
[caller]
exten => _X!,1,Set(_INHERIT=one)
 same => n,Set(__FOREVER=two)
 same => n,Set(PLAIN=three)
 same => n,Dial(Local/${EXTEN}@inner)
 same => n,Verbose(0,status=${DIALSTATUS})

[inner]
exten => 1,1,Busy()
exten => 2,1,Congestion()
exten => 3,1,Hangup()
exten => 4,1,Hangup(19)
exten => 5,1,Hangup(21)
exten => 6,1,NoOp(just ends)
exten => 7,1,Dial(SIP/busy-device)
exten => 8,1,Dial(SIP/nobody,1)
exten => 9,1,Answer()
 same => n,Verbose(0,vars ${INHERIT} ${FOREVER} ${__FOREVER} [${PLAIN}] cid ${CALLERID(num)})
 same => n,Hangup()
"""


@pytest.mark.parametrize(
    ("exten", "status"),
    [
        ("1", "BUSY"),
        ("2", "CONGESTION"),
        ("3", "NOANSWER"),
        ("4", "NOANSWER"),
        ("5", "CHANUNAVAIL"),
        ("6", "CHANUNAVAIL"),
        ("7", "BUSY"),  # ;2's auto-fallthrough with DIALSTATUS=BUSY indicates busy
        ("8", "CHANUNAVAIL"),  # ;2's NOANSWER ends ;2 with cause 0
        ("0", "CHANUNAVAIL"),  # no such extension: Couldn't call
    ],
)
async def test_dialstatus_through_local(asterisk: Factory, exten: str, status: str) -> None:
    ast = await asterisk(
        STATUS,
        devices={"busy-device": {"sim_result": "busy"}, "nobody": {"sim_result": "noanswer"}},
    )
    caller = await ast.call(exten, "caller", name="SIP/x-1")
    await ast.ended(caller)
    await ast.idle()
    assert f"status={status}" in ast.lines()


async def test_couldnt_call_missing_local_extension(asterisk: Factory) -> None:
    ast = await asterisk(STATUS)
    caller = await ast.call("0", "caller", name="SIP/x-1")
    await ast.ended(caller)
    lines = ast.lines()
    assert "No such extension/context 0@inner while calling Local channel" in lines
    assert "    -- Couldn't call Local/0@inner" in lines


async def test_variables_and_caller_id_cross_the_pair(asterisk: Factory) -> None:
    ast = await asterisk(STATUS)
    caller = await ast.call("9", "caller", name="SIP/x-1", number="2125551234")
    await ast.ended(caller)
    await ast.idle()
    assert "vars one two two [] cid 2125551234" in ast.lines()
    assert "status=ANSWER" not in ast.lines()  # a bridged Dial ends the caller's PBX


async def test_busy_on_two_gives_cause_17_to_both_halves(asterisk: Factory) -> None:
    ast = await asterisk(STATUS)
    caller = await ast.call("1", "caller", name="SIP/x-1")
    await ast.ended(caller)
    await ast.idle()
    causes = {
        e.get("Channel-Name"): e.get("Hangup-Cause")
        for e in ast.fired("CHANNEL_HANGUP")
        if e.get("Channel-Name", "").startswith("Local/")
    }
    assert causes == {
        "Local/1@inner-00000000;1": "USER_BUSY",
        "Local/1@inner-00000000;2": "USER_BUSY",
    }
    assert "    -- Local/1@inner-00000000;1 is busy" in ast.lines()


DIAL = """
[c]
exten => 1,1,Dial(SIP/a&SIP/b&PJSIP/c,10)
 same => n,Verbose(0,status=${DIALSTATUS} peer=${DIALEDPEERNAME})
exten => 2,1,Dial(SIP/a,,g)
 same => n,Verbose(0,after g ${DIALSTATUS} ${HANGUPCAUSE})
exten => 3,1,Dial(nodevice)
 same => n,Verbose(0,never)
exten => 4,1,Dial(Unknown/x&SIP/rej)
 same => n,Verbose(0,status=${DIALSTATUS})
exten => 5,1,Dial(SIP/a,abc)
exten => 6,1,Dial(SIP/a,,L(0))
 same => n,Verbose(0,never)
"""


async def test_parallel_dial_first_answer_wins(asterisk: Factory) -> None:
    ast = await asterisk(
        DIAL,
        devices={
            "a": {"sim_answer_after": "4"},
            "b": {"sim_answer_after": "2"},
            "c": {"sim_result": "busy"},
        },
    )
    caller = await ast.call("1", "c", name="SIP/x-1")
    await ast.settle(3)
    assert caller.channel.get_variable("DIALSTATUS") == "ANSWER"
    assert caller.channel.get_variable("DIALEDPEERNAME") == "SIP/b-00000001"
    assert caller.channel.get_variable("DIALEDPEERNUMBER") == "b"
    lines = ast.lines()
    assert "    -- PJSIP/c-00000002 is busy" in lines
    assert "    -- SIP/b-00000001 answered SIP/x-1" in lines
    caller.hangup()
    await ast.idle()


async def test_g_continues_after_the_callee_hangs_up(asterisk: Factory) -> None:
    ast = await asterisk(DIAL, devices={"a": {"sim_hangup_after": "5"}})
    caller = await ast.call("2", "c", name="SIP/x-1")
    await ast.ended(caller)
    assert "after g ANSWER 16" in ast.lines()


async def test_dial_errors(asterisk: Factory) -> None:
    ast = await asterisk(DIAL, devices={"rej": {"sim_result": "reject"}})
    for exten in ("3", "4", "5", "6"):
        caller = await ast.call(exten, "c", name=f"SIP/x-{exten}")
        if exten == "5":
            await ast.settle(1)
            caller.hangup()
        await ast.ended(caller)
    lines = ast.lines()
    assert "Dial argument takes format (technology/resource) at line 7 of extensions.conf" in lines
    assert "never" not in lines
    assert "Unable to create channel of type 'Unknown' (cause 66 - CHAN_NOT_IMPLEMENTED)" in lines
    assert "  == Everyone is busy/congested at this time (2:0/0/2)" in lines
    assert "status=CHANUNAVAIL" in lines
    assert "Invalid timeout specified: 'abc'. Setting timeout to infinite" in lines
    assert "Bridge does not accept L(0)" in lines


async def test_caller_hangup_cancels_dial(asterisk: Factory) -> None:
    ast = await asterisk(
        DIAL,
        devices={
            "a": {"sim_result": "noanswer"},
            "b": {"sim_result": "noanswer"},
            "c": {"sim_result": "noanswer"},
        },
    )
    caller = await ast.call("1", "c", name="SIP/x-1", variables={"sim_cancel_after": "3"})
    await ast.ended(caller)
    await ast.idle()
    assert caller.channel.get_variable("DIALSTATUS") == "CANCEL"
    causes = {e.get("Channel-Name"): e.get("Hangup-Cause") for e in ast.fired("CHANNEL_HANGUP")}
    assert causes["SIP/a-00000000"] == "ORIGINATOR_CANCEL"


async def test_local_from_freeswitch_originate_and_bridge(asterisk: Factory) -> None:
    ast = await asterisk(
        "[ctx]\nexten => 100,1,Answer()\n same => n,Wait(5)\n same => n,Hangup()\n"
    )
    result = await ast.switch.api("originate", "Local/100@ctx &park()")
    assert result.ok, result.output
    uuid = result.output.split()[1]
    one = ast.switch.session(uuid)
    assert one is not None and one.channel.name == "Local/100@ctx-00000000;1"
    await ast.ended(one)
    assert one.channel.hangup_cause == CAUSES["NORMAL_CLEARING"]
    failed = await ast.switch.api("originate", "Local/999@ctx &park()")
    assert failed.output == "-ERR NO_ROUTE_DESTINATION\n"
    await ast.idle()


async def test_loopback_app_form_and_cause_propagation(asterisk: Factory) -> None:
    ast = await asterisk("[c]\nexten => 1,1,NoOp()\n")
    job = ast.switch.bgapi("originate", "loopback/app=park &park()")
    assert job
    await ast.settle(1)
    a = ast.named("loopback/park-a")
    b = ast.named("loopback/park-b")
    assert a is not None and b is not None
    assert b.channel.get_variable("loopback_app") == "park"
    assert b.channel.get_variable("loopback_leg") == "B"
    assert a.channel.get_variable("loopback_leg") == "A"
    assert b.channel.early_media and a.channel.early_media  # B pre-answers, A follows
    b.hangup("USER_BUSY")
    await ast.ended(a)
    assert a.channel.hangup_cause == CAUSES["USER_BUSY"]


async def test_loopback_bowout_bridges_the_real_channels(asterisk: Factory) -> None:
    ast = await asterisk("[c]\nexten => 1,1,NoOp()\n")
    ast.switch.dialplans.register(_Bridger())
    result = await ast.switch.api("originate", "sim/alice &bridge(loopback/1000/default/bridger)")
    assert result.ok, result.output
    alice = ast.switch.session(result.output.split()[1])
    assert alice is not None
    await ast.settle(1)
    a = ast.named("loopback/1000-a")
    b = ast.named("loopback/1000-b")
    bob = ast.named("sim/bob")
    assert a is not None and b is not None and bob is not None
    assert b.channel.get_variable("other_loopback_leg_uuid") == a.uuid
    assert a.channel.get_variable("loopback_from_uuid") == alice.uuid
    await ast.settle(3)
    assert ast.named("loopback/") is None
    assert alice.bridge is not None and alice.bridge is bob.bridge
    alice.hangup()
    await ast.idle()


class _Bridger:
    """A dialplan engine whose every hunt bridges to sim/bob."""

    name = "bridger"

    async def hunt(self, target: object, destination: str, context: str, args: str) -> list:  # type: ignore[type-arg]
        from pyerlsw.switch.dialplan.base import Action

        return [Action("bridge", "sim/bob")]


LEG_CALLER = """
[c]
exten => 201,1,Dial(Local/x@c&SIP/bob,5,b(pre^s^1))
exten => 202,1,Dial(Local/x@c&SIP/bob,5,ob(pre^s^1))
exten => x,1,Verbose(0,two cid ${CALLERID(all)})
 same => n,Wait(10)
exten => h,1,NoOp()

[pre]
exten => s,1,Verbose(0,pre on ${CHANNEL} cid ${CALLERID(all)})
 same => n,Set(CALLERID(name)=set in b)
 same => n,Verbose(0,then ${CALLERID(all)})
 same => n,Return()
"""


@pytest.mark.parametrize(("exten", "leg_cid"), [("201", '"" <201>'), ("202", '"Boss" <555>')])
async def test_dial_legs_carry_the_exten_as_caller_id(
    asterisk: Factory, exten: str, leg_cid: str
) -> None:
    """app_dial.c: a new leg's caller ID is the dialling exten (and hint name), unless
    ``o``; what the device is sent (the leg's connected line; the core profile) and a
    Local ``;2``'s caller ID stay the caller's, ``;2``'s connected line is ``;1``'s
    caller ID."""
    ast = await asterisk(LEG_CALLER, devices={"bob": {"sim_result": "noanswer"}})
    caller = await ast.call(exten, "c", name="SIP/a-1", number="555", cid_name="Boss")
    await ast.settle(1)
    lines = ast.lines()
    one = "Local/x@c-00000000;1"
    assert f"pre on {one} cid {leg_cid}" in lines
    assert f"pre on SIP/bob-00000000 cid {leg_cid}" in lines
    num = leg_cid.rpartition("<")[2].rstrip(">")
    assert f'then "set in b" <{num}>' in lines
    assert 'two cid "Boss" <555>' in lines
    bob = ast.named("SIP/bob")
    assert bob is not None
    assert (bob.channel.profile.caller_id_name, bob.channel.profile.caller_id_number) == (
        "Boss",
        "555",
    )
    bridge = ast.fired("CUSTOM", subclass="local::bridge")[0]
    assert bridge.get("LocalOneCallerIDNum") == num
    assert bridge.get("LocalOneCallerIDName") == "set in b"
    assert bridge.get("LocalTwoCallerIDNum") == "555"
    assert bridge.get("LocalTwoConnectedLineNum") == num
    assert bridge.get("LocalTwoConnectedLineName") == "set in b"
    await ast.ended(caller)


async def test_m_and_b_options_are_accepted_and_no_context_means_default(
    asterisk: Factory,
) -> None:
    text = (
        "[c]\nexten => 1,1,Dial(Local/2@c/m&Local/3@c/b&Local/4,5)\n"
        " same => n,Verbose(0,status=${DIALSTATUS})\n"
        "exten => 2,1,Verbose(0,two on ${CHANNEL})\nexten => 3,1,Verbose(0,three on ${CHANNEL})\n"
        "[default]\nexten => 4,1,Verbose(0,four on ${CHANNEL})\n"
    )
    ast = await asterisk(text)
    caller = await ast.call("1", "c", name="SIP/mb-1")
    await ast.ended(caller)
    lines = ast.lines()
    for interface in ("Local/2@c/m", "Local/3@c/b", "Local/4"):
        assert f"    -- Called {interface}" in lines
    assert "two on Local/2@c-00000000;2" in lines
    assert "three on Local/3@c-00000001;2" in lines
    assert "four on Local/4@default-00000002;2" in lines
    assert "status=CHANUNAVAIL" in lines  # every ;2 just ended: cause 0, "no channel"
