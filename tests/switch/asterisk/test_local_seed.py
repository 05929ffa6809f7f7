"""Seed 001 (Local channels) examples, run unchanged on sim devices."""

from __future__ import annotations

import pytest

from tests.switch.asterisk.conftest import Factory
from tests.switch.asterisk.harness import Harness, seed

DESK = "SIP/my_desk_phone-00000014"


def _dialplan_lines(ast: Harness) -> list[str]:
    return [
        line
        for line in ast.asterisk_lines()
        if not line.startswith("Call time limit") and "Internal Gosub" not in line
    ]


async def test_trivial_local_channel_example(asterisk: Factory) -> None:
    ast = await asterisk(seed("seed001_trivial.conf"))
    caller = await ast.call("201", "devices", name=DESK)
    await ast.settle(10)
    assert _dialplan_lines(ast) == [
        f'    -- Executing [201@devices:1] Verbose("{DESK}", "2,Dial another part of the '
        'dialplan via the Local chan") in new stack',
        "  == Dial another part of the dialplan via the Local chan",
        f'    -- Executing [201@devices:2] Verbose("{DESK}", "2,Outside channel:  {DESK}") '
        "in new stack",
        f"  == Outside channel:  {DESK}",
        f'    -- Executing [201@devices:3] Dial("{DESK}", "Local/201@extensions") in new stack',
        "    -- Called Local/201@extensions",
        '    -- Executing [201@extensions:1] Verbose("Local/201@extensions-00000000;2", '
        '"2,Made it to the Local channel") in new stack',
        "  == Made it to the Local channel",
        '    -- Executing [201@extensions:2] Verbose("Local/201@extensions-00000000;2", '
        '"2,Inside channel:  Local/201@extensions-00000000;2") in new stack',
        "  == Inside channel:  Local/201@extensions-00000000;2",
        '    -- Executing [201@extensions:3] Dial("Local/201@extensions-00000000;2", '
        '"SIP/some-named-extension,30") in new stack',
        "    -- Called SIP/some-named-extension",
        "    -- SIP/some-named-extension-00000000 answered Local/201@extensions-00000000;2",
        f"    -- Local/201@extensions-00000000;1 answered {DESK}",
        "       > Move-swap optimizing Local/201@extensions-00000000;1 <-- "
        "SIP/some-named-extension-00000000.",
        "  == Spawn extension (extensions, 201, 3) exited non-zero on "
        "'Local/201@extensions-00000000;2'",
    ]
    # The Local pair is gone; the desk phone talks to the SIP device directly.
    assert ast.named("Local/") is None
    callee = ast.named("SIP/some-named-extension")
    assert callee is not None and callee.bridge is not None and caller.bridge is callee.bridge
    assert caller.channel.get_variable("DIALSTATUS") == "ANSWER"
    assert caller.channel.get_variable("DIALEDPEERNAME") == "Local/201@extensions-00000000;1"
    bridge = ast.fired("CUSTOM", subclass="local::bridge")[0]
    assert bridge.get("LocalOneChannel") == "Local/201@extensions-00000000;1"
    assert bridge.get("LocalTwoChannel") == "Local/201@extensions-00000000;2"
    assert bridge.get("LocalTwoChannelStateDesc") == "Ring"
    assert bridge.get("Context") == "extensions"
    assert bridge.get("Exten") == "201"
    assert bridge.get("LocalOptimization") == "Yes"
    begin = ast.fired("CUSTOM", subclass="local::optimization_begin")[0]
    assert begin.get("SourceChannel") == "SIP/some-named-extension-00000000"
    assert begin.get("Id") == "1"
    end = ast.fired("CUSTOM", subclass="local::optimization_end")[0]
    assert end.get("Success") == "No"  # Asterisk's swap quirk
    caller.hangup()
    await ast.idle()


async def test_delay_dialing_cellphone_six_seconds_after_desk_phone(asterisk: Factory) -> None:
    ast = await asterisk(
        seed("seed001_delay.conf"),
        devices={
            "0004f2040001": {"sim_result": "noanswer"},
            "14165551212": {"sim_answer_after": "10"},
        },
    )
    start = ast.switch.clock.now()
    caller = await ast.call("201", "devices", name=DESK)
    await ast.settle(5)
    created = {e.get("Channel-Name"): e.timestamp - start for e in ast.fired("CHANNEL_CREATE")}
    assert created.get("SIP/0004f2040001-00000000") == pytest.approx(0.0)
    assert not any(name and name.startswith("DAHDI/") for name in created)
    await ast.settle(2)
    created = {e.get("Channel-Name"): e.timestamp - start for e in ast.fired("CHANNEL_CREATE")}
    assert created["DAHDI/g0-00000001"] == pytest.approx(6.0)
    lines = ast.asterisk_lines()
    assert "  == -- Waiting 6 seconds before dialing" in lines
    assert "  == Dialing desk phone of extension 201" in lines
    # the cellphone answers at 16 s: the desk phone's leg is cancelled
    await ast.settle(20)
    assert caller.channel.get_variable("DIALSTATUS") == "ANSWER"
    assert caller.channel.get_variable("DIALEDPEERNAME") == (
        "Local/cellphone-201@extensions-00000001;1"
    )
    dahdi = ast.named("DAHDI/g0")
    assert dahdi is not None and caller.bridge is dahdi.bridge
    assert ast.named("SIP/0004f2040001") is None
    caller.hangup()
    await ast.idle()


async def test_delay_dialing_busy_goes_to_voicemail_with_b(asterisk: Factory) -> None:
    ast = await asterisk(
        seed("seed001_delay.conf"),
        devices={"0004f2040001": {"sim_result": "busy"}, "14165551212": {"sim_result": "busy"}},
    )
    caller = await ast.call("201", "devices", name=DESK)
    await ast.ended(caller)
    assert caller.channel.get_variable("DIALSTATUS") == "BUSY"
    [message] = ast.layer.voicemails
    assert (message.mailbox, message.context, message.greeting) == ("201", "default", "busy")
    assert "  == Everyone is busy/congested at this time (2:2/0/0)" in ast.asterisk_lines()


async def test_delay_dialing_no_answer_goes_to_voicemail_with_u(asterisk: Factory) -> None:
    ast = await asterisk(
        seed("seed001_delay.conf"),
        devices={
            "0004f2040001": {"sim_result": "noanswer"},
            "14165551212": {"sim_result": "noanswer"},
        },
    )
    start = ast.switch.clock.now()
    caller = await ast.call("201", "devices", name=DESK)
    await ast.ended(caller)
    assert ast.switch.clock.now() - start == pytest.approx(30.0)
    assert caller.channel.get_variable("DIALSTATUS") == "NOANSWER"
    assert "    -- Nobody picked up in 30000 ms" in ast.asterisk_lines()
    [message] = ast.layer.voicemails
    assert message.greeting == "unavail"
    event = ast.fired("CUSTOM", subclass="asterisk::voicemail")[0]
    assert (event.get("Mailbox"), event.get("Greeting")) == ("201", "unavail")


async def test_different_caller_id_per_leg(asterisk: Factory) -> None:
    ast = await asterisk(
        seed("seed001_callerid.conf"),
        devices={
            "0004f2040001": {"sim_result": "noanswer"},
            "14165551212": {"sim_result": "noanswer"},
        },
    )
    caller = await ast.call("201", "devices", name=DESK, number="4165550000", cid_name="Boss")
    await ast.settle(1)
    sip = ast.named("SIP/0004f2040001")
    dahdi = ast.named("DAHDI/g0")
    assert sip is not None and dahdi is not None
    assert sip.channel.profile.caller_id_name == "From Sales"
    assert dahdi.channel.profile.caller_id_name == "Acme Cleaning"
    assert sip.channel.profile.caller_id_number == "4165550000"
    internal = ast.named("Local/201@internal")
    assert internal is not None  # ;1, whose caller ID is still the caller's
    assert internal.channel.profile.caller_id_name == "Boss"
    await ast.ended(caller)
    lines = ast.lines()
    # ${DEVICE_STATE} is empty: the expression is a syntax error, 0, so "u"
    assert any(line.startswith("ast_yyerror():  syntax error") for line in lines)
    assert ast.layer.voicemails[0].greeting == "unavail"


async def test_parallel_dial_rings_both(asterisk: Factory) -> None:
    ast = await asterisk(
        seed("seed001_parallel.conf"),
        devices={
            "0004f2040001": {"sim_answer_after": "3"},
            "14165551212": {"sim_answer_after": "5"},
        },
    )
    caller = await ast.call("201", "devices", name=DESK)
    await ast.settle(4)
    lines = ast.asterisk_lines()
    assert "    -- Called SIP/0004f2040001" in lines
    assert "    -- Called DAHDI/g0/14165551212" in lines
    assert "    -- SIP/0004f2040001-00000000 is ringing" in lines
    assert f"    -- SIP/0004f2040001-00000000 answered {DESK}" in lines
    assert caller.channel.answered
    losers = [
        e for e in ast.fired("CHANNEL_HANGUP") if e.get("Channel-Name", "").startswith("DAHDI")
    ]
    assert losers and losers[0].get("Hangup-Cause") == "LOSE_RACE"
    caller.hangup()
    await ast.idle()


@pytest.mark.parametrize(
    ("conf", "exten", "limited"),
    [
        ("seed001_limit.conf", "4", False),
        ("seed001_limit.conf", "5", True),
        ("seed001_limit_outer.conf", "4", True),
    ],
    ids=["without-n-limit-lost", "with-n", "limit-on-outer-dial"],
)
async def test_limit_with_and_without_n(
    asterisk: Factory, conf: str, exten: str, limited: bool
) -> None:
    ast = await asterisk(seed(conf))
    start = ast.switch.clock.now()
    caller = await ast.call(exten, "internal", name="SIP/PHONE_A-00000001")
    await ast.settle(1)
    phone_b = ast.named("SIP/PHONE_B")
    assert phone_b is not None and phone_b.channel.answered
    optimized = bool(ast.fired("CUSTOM", subclass="local::optimization_begin"))
    assert optimized == (exten != "5")
    await ast.settle(90)
    if limited:
        assert not caller.channel.ready
        hangup = next(
            e
            for e in ast.fired("CHANNEL_HANGUP")
            if e.get("Channel-Name") == "SIP/PHONE_A-00000001"
        )
        assert hangup.timestamp - start == pytest.approx(60.0)
        warnings = [line for line in ast.lines() if "Call time limit" in line]
        assert len(warnings) == 3  # at 15, 30 and 45 s: 45 s, 30 s and 15 s left
    else:
        # The L() of the optimised Local channel is gone: the call goes on.
        assert caller.channel.ready and phone_b.channel.ready
        assert caller.bridge is phone_b.bridge
        caller.hangup()
    await ast.idle()


async def test_n_keeps_the_pair_and_local_show_channels(asterisk: Factory) -> None:
    ast = await asterisk(seed("seed001_limit.conf"))
    none = await ast.switch.api("local", "show channels")
    assert none.output == "No local channels in use\n"
    caller = await ast.call("5", "internal", name="SIP/PHONE_A-00000001")
    await ast.settle(1)
    shown = await ast.switch.api("local", "show channels")
    assert shown.output == "Local/2@services-00000000;1 -- 2@services\n"
    usage = await ast.switch.api("local", "show")
    assert usage.output.startswith("Usage: local show channels\n")
    bridge = ast.fired("CUSTOM", subclass="local::bridge")[0]
    assert bridge.get("LocalOptimization") == "No"
    one = ast.named("Local/2@services-00000000;1")
    assert one is not None and caller.bridge is one.bridge
    caller.hangup()
    await ast.idle()
