"""Event values, standard headers, channel data and the FreeSWITCH event sequences."""

from __future__ import annotations

import pytest

from pyerlsw.switch import Switch, event_type_name
from pyerlsw.switch.events import EVENT_TYPES, headers_with_deletions
from tests.switch.support import TableDialplan, names, next_event, route, settle, wait_for

STANDARD = [
    "Event-Name",
    "Core-UUID",
    "FreeSWITCH-Hostname",
    "FreeSWITCH-Switchname",
    "FreeSWITCH-IPv4",
    "FreeSWITCH-IPv6",
    "Event-Date-Local",
    "Event-Date-GMT",
    "Event-Date-Timestamp",
    "Event-Calling-File",
    "Event-Calling-Function",
    "Event-Calling-Line-Number",
    "Event-Sequence",
]


def test_event_type_names() -> None:
    assert EVENT_TYPES[0] == "CUSTOM" and EVENT_TYPES[-1] == "ALL"
    assert event_type_name("channel_answer") == "CHANNEL_ANSWER"
    assert event_type_name("SWITCH_EVENT_HEARTBEAT") == "HEARTBEAT"
    assert event_type_name("nope") is None
    assert len(EVENT_TYPES) == len(set(EVENT_TYPES))


def test_empty_value_deletes() -> None:
    pairs = [("a", "1"), ("B", "2"), ("b", ""), ("c", "3"), ("a", "4")]
    assert headers_with_deletions(pairs) == (("a", "1"), ("c", "3"), ("a", "4"))


async def test_standard_headers_in_order(switch: Switch) -> None:
    events = switch.subscribe()
    await switch.api("uptime")
    await settle(switch, 2.25)
    await switch.api("uptime")
    first, second = events.drain()
    assert [k for k, _ in first.headers[:13]] == STANDARD
    assert first.get("Core-UUID") == "00000000-0000-4000-8000-000000000000"
    assert first.get("FreeSWITCH-Hostname") == "testhost"
    assert first.get("FreeSWITCH-IPv4") == "127.0.0.1"
    assert first.get("Event-Date-GMT") == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert first.get("Event-Date-Timestamp") == "1700000000000000"
    assert second.get("Event-Date-Timestamp") == "1700000002250000"
    assert int(second.get("Event-Sequence") or 0) == int(first.get("Event-Sequence") or 0) + 1
    assert first.unique_id is None


async def test_channel_event_headers(switch: Switch) -> None:
    switch.dialplans.register(TableDialplan({"1000": route("answer", "park")}))
    events = switch.subscribe("CHANNEL_ANSWER", "CHANNEL_CALLSTATE")
    call = await switch.inbound_call(
        "1000",
        caller_id_name="Alice",
        caller_id_number="1001",
        dialplan="test",
        variables={"team": "red"},
    )
    ringing = await next_event(switch, events, "CHANNEL_CALLSTATE")
    keys = [k for k, _ in ringing.headers]
    assert keys[13:17] == [
        "Original-Channel-Call-State",
        "Channel-Call-State-Number",
        "Channel-State",
        "Channel-Call-State",
    ]
    assert ringing.get("Original-Channel-Call-State") == "DOWN"
    assert ringing.get("Channel-Call-State") == "RINGING"
    assert ringing.get("Channel-Call-State-Number") == "2"
    assert not any(k.startswith("variable_") for k in keys)  # CALLSTATE carries no variables
    answer = await next_event(switch, events, "CHANNEL_ANSWER")
    keys = [k for k, _ in answer.headers]
    assert keys[13:22] == [
        "Channel-State",
        "Channel-Call-State",
        "Channel-State-Number",
        "Channel-Name",
        "Unique-ID",
        "Session-External-ID",
        "Call-Direction",
        "Presence-Call-Direction",
        "Channel-HIT-Dialplan",
    ]
    assert answer.get("Unique-ID") == call.uuid == answer.unique_id
    assert answer.get("Answer-State") == "answered"
    assert answer.get("Channel-Read-Codec-Name") == "PCMU"
    assert answer.get("Caller-Caller-ID-Name") == "Alice"
    assert answer.get("Caller-Destination-Number") == "1000"
    assert answer.get("Caller-Channel-Answered-Time") == "1700000000000000"
    assert answer.get("variable_team") == "red"
    assert answer.get("variable_direction") == "inbound"
    assert (
        keys.index("Caller-Direction")
        < keys.index("Caller-Screen-Bit")
        < keys.index("variable_team")
    )
    call.hangup("USER_BUSY")
    await wait_for(switch, call.destroyed)


async def test_inbound_parked_call_sequence(switch: Switch) -> None:
    """The sequence of FreeSWITCH's fs_core_events 5.3 for a call parked by an app."""
    switch.dialplans.register(TableDialplan({"1000": route("park")}))
    events = switch.subscribe()
    parks = switch.subscribe("CHANNEL_PARK")
    call = await switch.inbound_call("1000", dialplan="test")
    await next_event(switch, parks)
    assert (await switch.api("uuid_answer", call.uuid)).ok
    call.hangup()
    await wait_for(switch, call.destroyed)
    assert names(events.drain(), call.uuid) == [
        "STATE:CS_INIT",
        "CHANNEL_CREATE",
        "CHANNEL_CALLSTATE",
        "STATE:CS_ROUTING",
        "STATE:CS_EXECUTE",
        "CHANNEL_EXECUTE",
        "CHANNEL_PARK",
        "CHANNEL_ANSWER",
        "CHANNEL_CALLSTATE",
        "CHANNEL_HANGUP",
        "CHANNEL_CALLSTATE",
        "CHANNEL_UNPARK",
        "CHANNEL_EXECUTE_COMPLETE",
        "STATE:CS_HANGUP",
        "CHANNEL_HANGUP_COMPLETE",
        "STATE:CS_REPORTING",
        "CHANNEL_DESTROY",
        "STATE:CS_DESTROY",
    ]


async def test_hangup_events_content(switch: Switch) -> None:
    parks = switch.subscribe("CHANNEL_PARK")
    session = await switch.originate("sim/x", app="park")
    await next_event(switch, parks)
    events = switch.subscribe(uuid=session.uuid)
    session.hangup("NO_USER_RESPONSE")
    await wait_for(switch, session.destroyed)
    got = events.drain()
    hangup = next(e for e in got if e.name == "CHANNEL_HANGUP")
    assert hangup.get("Hangup-Cause") == "NO_USER_RESPONSE"
    assert hangup.get("Channel-State") == "CS_EXECUTE"
    assert hangup.get("Channel-State-Number") == "10"
    assert hangup.get("Answer-State") == "hangup"
    complete = next(e for e in got if e.name == "CHANNEL_HANGUP_COMPLETE")
    assert complete.get_all("Hangup-Cause") == ["NO_USER_RESPONSE", "NO_USER_RESPONSE"]
    assert complete.get("Channel-State") == "CS_REPORTING"
    assert complete.get("variable_hangup_cause") == "NO_USER_RESPONSE"
    assert complete.get("variable_hangup_cause_q850") == "18"
    destroy = next(e for e in got if e.name == "CHANNEL_DESTROY")
    assert destroy.get("Channel-State") == "CS_DESTROY"


async def test_originated_leg_sequence(switch: Switch) -> None:
    events = switch.subscribe()
    parks = switch.subscribe("CHANNEL_PARK")
    session = await switch.originate("{sim_answer_after=1}sim/x", app="park")
    await next_event(switch, parks)
    assert names(events.drain(), session.uuid) == [
        "STATE:CS_INIT",
        "CHANNEL_CREATE",
        "CHANNEL_ORIGINATE",
        "CHANNEL_PROGRESS",
        "CHANNEL_CALLSTATE",
        "STATE:CS_ROUTING",
        "STATE:CS_CONSUME_MEDIA",
        "CHANNEL_ANSWER",
        "CHANNEL_CALLSTATE",
        "STATE:CS_EXECUTE",
        "CHANNEL_EXECUTE",
        "CHANNEL_PARK",
    ]
    session.hangup()
    await wait_for(switch, session.destroyed)


async def test_execute_events_and_application_uuid(switch: Switch) -> None:
    switch.dialplans.register(TableDialplan({"1": route("set:x=${destination_number}", "park")}))
    events = switch.subscribe("CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE")
    call = await switch.inbound_call("1", dialplan="test")
    execute = await next_event(switch, events)
    complete = await next_event(switch, events)
    assert execute.get("Application") == "set"
    assert execute.get("Application-Data") == "x=1"
    assert complete.get("Application-Response") == "_none_"
    assert execute.get("Application-UUID") == complete.get("Application-UUID")
    keys = [k for k, _ in complete.headers]
    assert keys[-4:] == [
        "Application",
        "Application-Data",
        "Application-Response",
        "Application-UUID",
    ]
    assert call.channel.get_variable("x") == "1"
    call.hangup()
    await wait_for(switch, call.destroyed)


async def test_send_event_custom(switch: Switch) -> None:
    events = switch.subscribe("CUSTOM", subclass="my::thing")
    other = switch.subscribe("CUSTOM", subclass="other::thing")
    sent = switch.send_event(
        "custom",
        [("Key", "1"), ("Drop", "x"), ("Drop", ""), ("body", "hello"), ("Key", "2")],
        subclass="my::thing",
    )
    assert sent is not None
    got = await next_event(switch, events)
    assert got is sent
    keys = [k for k, _ in got.headers]
    assert keys[13] == "Event-Subclass" and got.subclass == "my::thing"
    assert got.get_all("Key") == ["1", "2"]
    assert got.get("Drop") is None
    assert got.body == "hello"
    assert other.drain() == []
    assert switch.send_event("NO_SUCH_EVENT", []) is None
    assert switch.send_event("ALL", []) is None
    plain = switch.send_event("PRESENCE_IN", [("proto", "sip")])
    assert plain is not None and plain.subclass is None


async def test_event_app_fires_channel_application(switch: Switch) -> None:
    switch.dialplans.register(
        TableDialplan(
            {
                "1": route(
                    "event:Event-Subclass=acme::ring,Event-Name=CUSTOM,who=${caller_id_number}",
                    "event:foo=bar",
                )
            }
        )
    )
    events = switch.subscribe("CUSTOM", "CHANNEL_APPLICATION")
    call = await switch.inbound_call("1", caller_id_number="42", dialplan="test")
    custom = await next_event(switch, events)
    assert custom.name == "CUSTOM" and custom.subclass == "acme::ring"
    assert custom.get("who") == "42" and custom.unique_id == call.uuid
    app = await next_event(switch, events)
    assert app.name == "CHANNEL_APPLICATION" and app.get("foo") == "bar"


async def test_playback_events_and_duration(switch: Switch) -> None:
    switch.config.file_seconds["/tmp/hello.wav"] = 4.5
    switch.dialplans.register(
        TableDialplan({"1": route("playback:/tmp/hello.wav", "playback:silence_stream://250")})
    )
    events = switch.subscribe("PLAYBACK_START", "PLAYBACK_STOP", "CHANNEL_EXECUTE_COMPLETE")
    call = await switch.inbound_call("1", dialplan="test")
    start = await next_event(switch, events, "PLAYBACK_START")
    stop = await next_event(switch, events, "PLAYBACK_STOP")
    assert start.get("Playback-File-Path") == "/tmp/hello.wav"
    assert stop.get("Playback-Status") == "done"
    assert stop.timestamp - start.timestamp == pytest.approx(4.5)
    complete = await next_event(switch, events, "CHANNEL_EXECUTE_COMPLETE")
    assert complete.get("Application-Response") == "FILE PLAYED"
    assert call.channel.early_media  # playback brings up early media
    await wait_for(switch, call.destroyed)


async def test_heartbeat(switch: Switch) -> None:
    from tests.switch.support import make_switch

    sw = make_switch(heartbeat_interval=20.0)
    events = sw.subscribe("HEARTBEAT")
    await sw.start()
    beat = await next_event(sw, events, within=25)
    assert beat.get("Event-Info") == "System Ready"
    assert beat.get("Up-Time") == (
        "0 years, 0 days, 0 hours, 0 minutes, 20 seconds, 0 milliseconds, 0 microseconds"
    )
    assert beat.get("Uptime-msec") == "20000"
    assert beat.get("Session-Count") == "0"
    await sw.stop()


async def test_verbose_events(switch: Switch) -> None:
    switch.verbose_events = True
    switch.dialplans.register(TableDialplan({"1": route("park")}))
    events = switch.subscribe("CHANNEL_STATE")
    call = await switch.inbound_call("1", dialplan="test", variables={"v": "1"})
    state = await next_event(switch, events)
    assert state.get("variable_v") == "1"
    call.hangup()


async def test_profile_headers_with_times(switch: Switch) -> None:
    session = await switch.originate("{sim_answer_after=3}sim/x")
    headers = dict(session.channel.profile_headers("Channel"))
    assert headers["Channel-Channel-Answered-Time"] == "1700000003000000"
    assert headers["Channel-Channel-Created-Time"] == "1700000000000000"
    session.hangup()
