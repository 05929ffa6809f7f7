"""DTMF in the core: digit strings, the queue and its DTMF events, the API commands,
scripted sim devices, bridges and parked channels (virtual clock)."""

from __future__ import annotations

import pytest

from pyerlsw.switch import Event, Switch
from pyerlsw.switch.config import SwitchConfig
from pyerlsw.switch.dtmf import Digit, Pause, invalid_chars, parse_digits
from pyerlsw.switch.endpoints.sim import SimDevice
from tests.switch.support import make_switch, settle


@pytest.fixture
async def switch() -> Switch:
    sw = make_switch()
    await sw.start()
    yield sw  # type: ignore[misc]
    await sw.stop()


def digits(events: list[Event]) -> str:
    return "".join(e.get("DTMF-Digit") or "?" for e in events)


def test_parse_digit_strings() -> None:
    assert parse_digits("1w2") == [Digit("1"), Pause(0.5), Digit("2")]
    assert parse_digits("~12@100+3") == [Digit("1", 800), Digit("2", 800), Digit("3")]
    # too short a length keeps the default, too long is capped, garbage is skipped
    assert parse_digits("5@40") == [Digit("5")]
    assert parse_digits("5@99999")[0].duration == 192_000
    assert parse_digits("xyz#W", "RTP") == [Digit("#", source="RTP"), Pause(1.0)]
    assert invalid_chars("1w2#+3@250") == ""
    assert invalid_chars("12x@abc") == "x@abc"


async def test_parked_channel_reads_digits_and_fires_dtmf(switch: Switch) -> None:
    events = switch.subscribe("DTMF")
    uuid = (await switch.api("originate", "sim/alice &park()")).output.split()[1]
    assert (await switch.api("uuid_recv_dtmf", f"{uuid} 1w2@100+#")).output == ""
    await settle(switch, 2)
    got = events.drain()
    assert digits(got) == "12#"
    first = got[0]
    assert first.get("Unique-ID") == uuid
    assert first.get("Channel-State") == "CS_EXECUTE"
    assert first.get("Event-Calling-Function") == "switch_channel_dequeue_dtmf"
    assert [(e.get("DTMF-Duration"), e.get("DTMF-Source")) for e in got] == [
        ("800", "APP"), ("800", "APP"), ("2000", "APP"),
    ]  # fmt: skip
    assert got[1].timestamp_us - got[0].timestamp_us == 500_000  # the w
    names = [h for h, _ in first.headers]
    assert names[-3:] == ["DTMF-Digit", "DTMF-Duration", "DTMF-Source"]


async def test_digits_wait_in_the_queue_until_read_and_flush(switch: Switch) -> None:
    events = switch.subscribe("DTMF")
    session = await switch.originate("sim/bob")  # waits in CS_CONSUME_MEDIA, reads nothing
    await switch.api("uuid_recv_dtmf", f"{session.uuid} 123")
    await settle(switch, 1)
    assert events.drain() == [] and len(session.dtmf) == 3
    assert (await switch.api("uuid_flush_dtmf", session.uuid)).output == "+OK\n"
    assert len(session.dtmf) == 0
    await switch.api("uuid_recv_dtmf", f"{session.uuid} 45")
    await switch.api("uuid_park", session.uuid)
    await settle(switch, 1)
    assert digits(events.drain()) == "45"


async def test_bad_input_gives_freeswitch_replies(switch: Switch) -> None:
    uuid = (await switch.api("originate", "sim/carol &park()")).output.split()[1]
    for command in ("uuid_recv_dtmf", "uuid_send_dtmf"):
        assert (await switch.api(command, "no-such-uuid 12")).output == (
            "-ERR Cannot locate session!\n"
        )
        assert (await switch.api(command, uuid)).output == "-USAGE: <uuid> <dtmf_data>\n"
        assert (await switch.api(command, "")).output == "-USAGE: <uuid> <dtmf_data>\n"
        assert (await switch.api(command, f"{uuid} xyz!@%")).output == ""  # nothing sent
    assert (await switch.api("uuid_flush_dtmf", "nope")).output == "-ERR no such session\n"
    assert switch.session(uuid) is not None and switch.session(uuid).channel.ready  # type: ignore[union-attr]


async def test_queue_is_bounded_oldest_dropped() -> None:
    sw = make_switch(dtmf_queue_size=3)
    await sw.start()
    try:
        session = await sw.originate("sim/x")
        await sw.api("uuid_recv_dtmf", f"{session.uuid} 12345")
        assert len(session.dtmf) == 3
        assert [session.dtmf.pop().digit for _ in range(3)] == ["3", "4", "5"]  # type: ignore[union-attr]
    finally:
        await sw.stop()


async def test_sim_device_presses_digits_after_answer() -> None:
    sw = make_switch(devices={"dave": {"sim_dtmf": "9W8", "sim_dtmf_after": "2"}})
    await sw.start()
    try:
        events = sw.subscribe("DTMF", "CHANNEL_ANSWER")
        await sw.api("originate", "sim/dave &park()")
        await settle(sw, 5)
        got = events.drain()
        answered = got[0].timestamp_us
        assert [(e.get("DTMF-Digit"), e.timestamp_us - answered) for e in got[1:]] == [
            ("9", 2_000_000), ("8", 3_000_000),
        ]  # fmt: skip
        assert {e.get("DTMF-Source") for e in got[1:]} == {"RTP"}
    finally:
        await sw.stop()


def test_device_dtmf_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="sim_dtmf"):
        SwitchConfig(devices={"x": {"sim_dtmf": "12!"}})
    with pytest.raises(ValueError, match="sim_dtmf_after"):
        SwitchConfig(devices={"x": {"sim_dtmf": "1", "sim_dtmf_after": "soon"}})
    SwitchConfig(devices={"x": {"sim_dtmf": "1w2+3@100+#", "sim_dtmf_after": "0.5"}})
    with pytest.raises(ValueError, match="@100#"):  # digits after @ms would be lost
        SwitchConfig(devices={"x": {"sim_dtmf": "3@100#"}})


async def test_bridge_passes_digits_to_the_other_side(switch: Switch) -> None:
    events = switch.subscribe("DTMF")
    a = await switch.originate("sim/a", app="park")
    b = await switch.originate("sim/b", app="park")
    assert (await switch.api("uuid_bridge", f"{a.uuid} {b.uuid}")).ok
    await settle(switch, 1)
    await switch.api("uuid_recv_dtmf", f"{a.uuid} 42")
    await switch.api("uuid_recv_dtmf", f"{b.uuid} 7")
    await settle(switch, 1)
    got = events.drain()
    assert [(e.get("Unique-ID"), e.get("DTMF-Digit")) for e in got] == [
        (a.uuid, "4"), (a.uuid, "2"), (b.uuid, "7"),
    ]  # fmt: skip
    assert isinstance(b.driver, SimDevice) and list(b.driver.heard) == ["4", "2"]
    assert isinstance(a.driver, SimDevice) and list(a.driver.heard) == ["7"]


async def test_uuid_send_dtmf_reaches_the_far_end(switch: Switch) -> None:
    session = await switch.originate("sim/e", app="park")
    assert (await switch.api("uuid_send_dtmf", f"{session.uuid} 1w#")).output == ""
    await settle(switch, 1)
    assert isinstance(session.driver, SimDevice) and list(session.driver.heard) == ["1", "#"]
    assert len(session.dtmf) == 0  # sending is not receiving


async def test_loopback_passes_sent_digits_to_its_other_leg() -> None:
    from pyerlsw.switch.asterisk.install import install_asterisk, uninstall_asterisk

    sw = make_switch()
    await sw.start()
    layer = install_asterisk(sw, extensions_text="", spool=False)
    try:
        events = sw.subscribe("DTMF")
        sw.bgapi("originate", "loopback/app=park &park()")
        await settle(sw, 1)
        legs = {s.channel.name: s for s in sw.sessions.values()}
        a, b = legs["loopback/park-a"], legs["loopback/park-b"]
        await sw.api("uuid_send_dtmf", f"{a.uuid} 5")
        await settle(sw, 1)
        assert [(e.get("Unique-ID"), e.get("DTMF-Digit")) for e in events.drain()] == [
            (b.uuid, "5")
        ]
    finally:
        await sw.stop()
        uninstall_asterisk(layer)
