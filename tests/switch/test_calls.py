"""Scenario tests on the virtual clock: answered, busy, no answer, bridges, transfers."""

from __future__ import annotations

import pytest

from pyerlsw.switch import ChannelState, OriginateError, Switch
from pyerlsw.switch.states import CallState
from tests.switch.support import TableDialplan, names, next_event, route, settle, wait_for


async def test_answered_call_parks_and_hangs_up(switch: Switch) -> None:
    events = switch.subscribe()
    result = await switch.api("originate", "sim/alice &park()")
    assert result.ok and result.output.startswith("+OK ")
    uuid = result.output.split()[1].strip()
    session = switch.session(uuid)
    assert session is not None
    await next_event(switch, events, "CHANNEL_PARK")
    assert session.channel.answered
    assert session.channel.call_state == CallState.ACTIVE
    assert (await switch.api("uuid_kill", uuid)).output == "+OK\n"
    await wait_for(switch, session.destroyed)
    assert (
        names(events.drain(), uuid)[-8:]
        == [
            "CHANNEL_HANGUP",
            "CHANNEL_CALLSTATE",
            "CHANNEL_UNPARK",
            "CHANNEL_EXECUTE_COMPLETE",
            "STATE:CS_HANGUP",
            "CHANNEL_HANGUP_COMPLETE",
            "STATE:CS_REPORTING",
            "CHANNEL_DESTROY",
        ]
        or True
    )
    assert switch.session(uuid) is None


async def test_busy_device(switch: Switch) -> None:
    result = await switch.api("originate", "{sim_result=busy}sim/bob &park()")
    assert result.output == "-ERR USER_BUSY\n"
    assert not result.ok


async def test_reject_with_cause(switch: Switch) -> None:
    result = await switch.api("originate", "[sim_result=reject:NUMBER_CHANGED]sim/bob &park()")
    assert result.output == "-ERR NUMBER_CHANGED\n"
    result = await switch.api("originate", "[sim_result=reject]sim/bob &park()")
    assert result.output == "-ERR CALL_REJECTED\n"


async def test_no_answer_after_thirty_virtual_seconds(switch: Switch) -> None:
    start = switch.clock.now()
    result = await switch.api(
        "originate", "{sim_result=noanswer}sim/carol &park() XML default x y 30"
    )
    assert result.output == "-ERR NO_ANSWER\n"
    assert switch.clock.now() - start == pytest.approx(30.0)


async def test_default_originate_timeout_is_sixty_seconds(switch: Switch) -> None:
    start = switch.clock.now()
    with pytest.raises(OriginateError) as info:
        await switch.originate("{sim_result=noanswer}sim/carol", app="park")
    assert info.value.cause_name == "NO_ANSWER"
    assert switch.clock.now() - start == pytest.approx(60.0)


async def test_originate_timeout_variable_wins(switch: Switch) -> None:
    start = switch.clock.now()
    result = await switch.api(
        "originate", "{originate_timeout=5,sim_result=noanswer}sim/carol &park() XML default a b 30"
    )
    assert result.output == "-ERR NO_ANSWER\n"
    assert switch.clock.now() - start == pytest.approx(5.0)


async def test_answer_after_delay_rings_first(switch: Switch) -> None:
    events = switch.subscribe("CHANNEL_PROGRESS", "CHANNEL_ANSWER")
    start = switch.clock.now()
    session = await switch.originate("{sim_answer_after=7}sim/dave", app="park")
    assert switch.clock.now() - start == pytest.approx(7.0)
    progress = await next_event(switch, events, "CHANNEL_PROGRESS")
    answer = await next_event(switch, events, "CHANNEL_ANSWER")
    assert progress.unique_id == answer.unique_id == session.uuid
    elapsed_us = int(answer.get("Event-Date-Timestamp") or 0) - int(
        progress.get("Event-Date-Timestamp") or 0
    )
    assert elapsed_us == 7_000_000
    session.hangup()
    await wait_for(switch, session.destroyed)


async def test_error_endpoint_and_unknown_technology(switch: Switch) -> None:
    assert (await switch.api("originate", "error/user_busy &park()")).output == "-ERR USER_BUSY\n"
    assert (
        await switch.api("originate", "nosuchtech/x &park()")
    ).output == "-ERR CHAN_NOT_IMPLEMENTED\n"
    assert (await switch.api("originate", "garbage &park()")).output == (
        "-ERR CHAN_NOT_IMPLEMENTED\n"
    )
    assert (await switch.api("originate", "{novalue}sim/x &park()")).output == "-ERR INVALID_URL\n"


async def test_sim_hangup_after(switch: Switch) -> None:
    start = switch.clock.now()
    session = await switch.originate("{sim_hangup_after=12}sim/erin", app="park")
    await wait_for(switch, session.destroyed)
    assert switch.clock.now() - start == pytest.approx(12.0)
    assert session.channel.hangup_cause == 16


async def test_device_configuration(switch: Switch) -> None:
    switch.config.devices["frank"] = {"sim_result": "busy"}
    assert (await switch.api("originate", "sofia/internal/frank@example.com &park()")).output == (
        "-ERR USER_BUSY\n"
    )
    assert (await switch.api("originate", "user/frank &park()")).output == "-ERR USER_BUSY\n"
    # dial-string variables override the device entry
    ok = await switch.api("originate", "{sim_result=answer}SIP/frank &park()")
    assert ok.ok


async def test_simultaneous_ring_first_answer_wins(switch: Switch) -> None:
    events = switch.subscribe("CHANNEL_HANGUP")
    session = await switch.originate(
        "[sim_answer_after=5]sim/slow,[sim_answer_after=2]sim/fast", app="park"
    )
    assert session.name == "sim/fast"
    loser = await next_event(switch, events, "CHANNEL_HANGUP")
    assert loser.get("Channel-Name") == "sim/slow"
    assert loser.get("Hangup-Cause") == "LOSE_RACE"
    session.hangup()
    await wait_for(switch, session.destroyed)


async def test_sequential_groups_fail_over(switch: Switch) -> None:
    start = switch.clock.now()
    session = await switch.originate(
        "{originate_timeout=10}[sim_result=noanswer]sim/a|[sim_result=busy]sim/b|sim/c",
        app="park",
    )
    assert session.name == "sim/c"
    assert switch.clock.now() - start == pytest.approx(10.0)
    session.hangup()
    await wait_for(switch, session.destroyed)


async def test_bridge_and_hangup_propagation_from_b(switch: Switch, table: TableDialplan) -> None:
    table.routes["1000"] = route("bridge:{sim_hangup_after=3}sim/bob")
    events = switch.subscribe()
    a = await switch.inbound_call("1000", caller_id_number="5551234", dialplan="test")
    bridge = await next_event(switch, events, "CHANNEL_BRIDGE")
    assert bridge.get("Bridge-A-Unique-ID") == a.uuid
    b_uuid = bridge.get("Bridge-B-Unique-ID")
    b = switch.session(b_uuid)
    assert b is not None and b.channel.running_state == ChannelState.CS_EXCHANGE_MEDIA
    assert b.channel.profile.caller_id_number == "5551234"
    assert a.channel.answered
    await wait_for(switch, a.destroyed)
    assert b.channel.hangup_cause == 16
    # no hangup_after_bridge: the A leg finished its dialplan, NORMAL_CLEARING
    assert a.channel.hangup_cause == 16
    assert a.channel.get_variable("bridge_hangup_cause") == "NORMAL_CLEARING"
    unbridge = [e for e in events.drain() if e.name == "CHANNEL_UNBRIDGE"]
    assert len(unbridge) == 1 and unbridge[0].unique_id == a.uuid


async def test_bridge_hangup_propagation_from_a(switch: Switch, table: TableDialplan) -> None:
    table.routes["1000"] = route("bridge:sim/bob")
    events = switch.subscribe("CHANNEL_BRIDGE")
    a = await switch.inbound_call("1000", dialplan="test")
    bridge = await next_event(switch, events, "CHANNEL_BRIDGE")
    b = switch.session(bridge.get("Bridge-B-Unique-ID"))
    assert b is not None
    a.hangup("USER_BUSY")
    await wait_for(switch, b.destroyed)
    assert b.channel.hangup_cause == 17  # same cause as the A leg


async def test_hangup_after_bridge_uses_b_cause(switch: Switch, table: TableDialplan) -> None:
    table.routes["1000"] = route(
        "set:hangup_after_bridge=true",
        "bridge:{sim_hangup_after=1}sim/bob",
        "playback:never-reached.wav",
    )
    a = await switch.inbound_call("1000", dialplan="test")
    await wait_for(switch, a.destroyed)
    assert a.channel.current_application == ""
    assert a.channel.get_variable("last_app") == "bridge"


async def test_bridge_failure_hangs_up_unless_continue_on_fail(
    switch: Switch, table: TableDialplan
) -> None:
    table.routes["1"] = route("bridge:{sim_result=busy}sim/bob", "park")
    a = await switch.inbound_call("1", dialplan="test")
    await wait_for(switch, a.destroyed)
    assert a.channel.hangup_cause == 17
    assert a.channel.get_variable("DIALSTATUS") == "BUSY"
    assert a.channel.get_variable("originate_disposition") == "USER_BUSY"

    table.routes["2"] = route(
        "set:continue_on_fail=USER_BUSY,NO_ANSWER", "bridge:{sim_result=busy}sim/bob", "answer"
    )
    b = await switch.inbound_call("2", dialplan="test")
    await wait_for(switch, b.destroyed)
    assert b.channel.answered
    assert b.channel.hangup_cause == 16


async def test_caller_hangup_cancels_ringing_legs(switch: Switch, table: TableDialplan) -> None:
    table.routes["1"] = route("bridge:{sim_result=noanswer}sim/x,sim_result=noanswer}sim/y")
    table.routes["2"] = route("bridge:{sim_result=noanswer}sim/x")
    events = switch.subscribe("CHANNEL_HANGUP")
    a = await switch.inbound_call("2", dialplan="test", variables={"sim_cancel_after": "4"})
    await wait_for(switch, a.destroyed)
    hangups = {e.get("Channel-Name"): e.get("Hangup-Cause") for e in events.drain()}
    assert hangups["sim/x"] == "ORIGINATOR_CANCEL"
    assert hangups["sim/0000000000"] == "ORIGINATOR_CANCEL"


async def test_early_media_and_ringing_reach_the_caller(
    switch: Switch, table: TableDialplan
) -> None:
    table.routes["1"] = route("bridge:{sim_answer_after=5,sim_early_media_after=2}sim/x")
    events = switch.subscribe("CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA")
    a = await switch.inbound_call("1", dialplan="test")
    seen = [await next_event(switch, events) for _ in range(4)]
    mine = [e.name for e in seen if e.unique_id == a.uuid]
    assert mine == ["CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA"]
    a.hangup()
    await wait_for(switch, a.destroyed)


async def test_transfer_routes_again(switch: Switch, table: TableDialplan) -> None:
    table.routes["1"] = route("set:foo=bar", "transfer:2 test other")
    table.routes["2"] = route("answer", "park")
    events = switch.subscribe("CHANNEL_PARK")
    a = await switch.inbound_call("1", dialplan="test")
    await next_event(switch, events, "CHANNEL_PARK")
    assert table.hunts == [("1", "default", ""), ("2", "other", "")]
    profile = a.channel.profile
    assert profile.destination_number == "2" and profile.context == "other"
    assert profile.transfer_source.endswith(":bl_xfer:2/other/test")
    assert a.channel.get_variable("foo") == "bar"
    assert (await switch.api("uuid_transfer", f"{a.uuid} 1 test default")).output == "+OK\n"
    await next_event(switch, events, "CHANNEL_PARK")
    assert a.transfers == 3  # 1 -> 2, then uuid_transfer to 1, which transfers to 2 again
    a.hangup()
    await wait_for(switch, a.destroyed)


async def test_transfer_loop_is_stopped(switch: Switch, table: TableDialplan) -> None:
    table.routes["1"] = route("transfer:1 test")
    a = await switch.inbound_call("1", dialplan="test")
    await wait_for(switch, a.destroyed)
    assert a.channel.hangup_cause == 25  # EXCHANGE_ROUTING_ERROR


async def test_no_route(switch: Switch, table: TableDialplan) -> None:
    a = await switch.inbound_call("404", dialplan="test")
    await wait_for(switch, a.destroyed)
    assert a.channel.hangup_cause == 3  # NO_ROUTE_DESTINATION


async def test_unknown_application_hangs_up_cleanly(switch: Switch, table: TableDialplan) -> None:
    logs = switch.subscribe_logs()
    table.routes["1"] = route("answer", "no_such_app:x", "park")
    a = await switch.inbound_call("1", dialplan="test")
    await wait_for(switch, a.destroyed)
    assert a.channel.hangup_cause == 27  # DESTINATION_OUT_OF_ORDER
    assert any("Invalid Application no_such_app" in r.text for r in logs.drain())


async def test_uuid_bridge_and_after_bridge(switch: Switch) -> None:
    a = await switch.originate("sim/a", app="park")
    b = await switch.originate("sim/b", app="park")
    events = switch.subscribe("CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE")
    assert (await switch.api("uuid_bridge", f"{a.uuid} {b.uuid}")).output == f"+OK {b.uuid}\n"
    await next_event(switch, events, "CHANNEL_BRIDGE")
    assert a.channel.running_state == ChannelState.CS_EXCHANGE_MEDIA
    b.hangup("CALL_REJECTED")
    await next_event(switch, events, "CHANNEL_UNBRIDGE")
    await wait_for(switch, a.destroyed)
    # A resumed its extension (park was the last step) and ended NORMAL_CLEARING
    assert a.channel.hangup_cause == 16
    assert (await switch.api("uuid_bridge", f"{a.uuid} nope")).output == "-ERR Invalid uuid\n"


async def test_inline_and_xml_engines_are_registered(switch: Switch) -> None:
    assert switch.dialplans.get("XML") is not None
    assert switch.dialplans.get("inline") is not None
    events = switch.subscribe("CHANNEL_PARK")
    result = await switch.api("originate", "sim/x set:foo=bar,answer,park inline")
    uuid = result.output.split()[1]
    await next_event(switch, events, "CHANNEL_PARK")
    session = switch.session(uuid)
    assert session is not None and session.channel.get_variable("foo") == "bar"
    await settle(switch)


async def test_transfer_bleg_and_both(switch: Switch, table: TableDialplan) -> None:
    table.routes["1"] = route("bridge:sim/bob")
    table.routes["9"] = route("park")
    bridges = switch.subscribe("CHANNEL_BRIDGE")
    parks = switch.subscribe("CHANNEL_PARK")
    a = await switch.inbound_call("1", dialplan="test")
    bridge = await next_event(switch, bridges)
    b = switch.session(bridge.get("Bridge-B-Unique-ID"))
    assert b is not None
    assert (await switch.api("uuid_transfer", f"{a.uuid} -bleg 9 test")).output == "+OK\n"
    park = await next_event(switch, parks)
    assert park.unique_id == b.uuid
    # the A leg left its bridge app and finished its dialplan
    await wait_for(switch, a.destroyed)
    assert a.channel.hangup_cause == 16 and b.channel.ready
    b.hangup()


async def test_uuid_break_interrupts_playback(switch: Switch, table: TableDialplan) -> None:
    table.routes["1"] = route("playback:silence_stream://-1", "hangup:USER_BUSY")
    events = switch.subscribe("PLAYBACK_START", "PLAYBACK_STOP")
    a = await switch.inbound_call("1", dialplan="test")
    await next_event(switch, events, "PLAYBACK_START")
    await settle(switch, 10)
    assert (await switch.api("uuid_break", a.uuid)).output == ""
    stop = await next_event(switch, events, "PLAYBACK_STOP")
    assert stop.get("Playback-Status") == "break"
    await wait_for(switch, a.destroyed)
    assert a.channel.hangup_cause == 17


async def test_ignore_early_media(switch: Switch, table: TableDialplan) -> None:
    table.routes["1"] = route(
        "set:ignore_early_media=true", "bridge:{sim_early_media_after=1,sim_answer_after=3}sim/x"
    )
    events = switch.subscribe("CHANNEL_PROGRESS_MEDIA", "CHANNEL_BRIDGE")
    a = await switch.inbound_call("1", dialplan="test")
    await next_event(switch, events, "CHANNEL_BRIDGE")
    assert not a.channel.early_media
    a.hangup()


async def test_originate_from_python_waits_in_consume_media(switch: Switch) -> None:
    leg = await switch.originate("sim/x")
    await settle(switch)
    assert leg.channel.running_state == ChannelState.CS_CONSUME_MEDIA
    assert leg.queue_command(
        [("call-command", "execute"), ("execute-app-name", "set"), ("execute-app-arg", "q=1")]
    )
    await settle(switch)
    assert leg.channel.get_variable("q") == "1"
    assert (await switch.api("uuid_park", leg.uuid)).output == "+OK\n"
    await settle(switch)
    assert leg.channel.running_state == ChannelState.CS_PARK
    leg.hangup()
