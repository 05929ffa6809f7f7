"""FreeSWITCH applications that read or send DTMF: playback terminators, sleep,
read, play_and_get_digits, flush_dtmf, send_dtmf (virtual clock)."""

from __future__ import annotations

import pytest

from pyerlsw.switch import Session, Switch
from pyerlsw.switch.endpoints.sim import SimDevice
from tests.switch.support import make_switch, settle


@pytest.fixture
async def switch() -> Switch:
    sw = make_switch(file_seconds={"prompt": 3.0, "bad": 1.0, "long": 10.0})
    await sw.start()
    yield sw  # type: ignore[misc]
    await sw.stop()


async def run(switch: Switch, apps: str, digits: str = "", after: float = 0.0) -> Session:
    """A parked-then-driven leg: runs ``apps`` (``app:arg|app:arg``), digits queued
    ``after`` seconds later; returns once the apps finished (the leg is parked)."""
    session = await switch.originate("sim/u")
    steps = [step.partition(":") for step in apps.split("|")]
    for name, _, arg in steps:
        session.queue_command(
            [("call-command", "execute"), ("execute-app-name", name), ("execute-app-arg", arg)]
        )
    session.queue_command(
        [("call-command", "execute"), ("execute-app-name", "park"), ("execute-app-arg", "")]
    )
    await switch.api("uuid_park", session.uuid)
    if digits:
        await settle(switch, after)
        await switch.api("uuid_recv_dtmf", f"{session.uuid} {digits}")
    return session


async def test_playback_stops_on_a_terminator(switch: Switch) -> None:
    stops = switch.subscribe("PLAYBACK_STOP")
    start = switch.clock.now()
    session = await run(switch, "playback:long", "5*", after=2)
    await settle(switch, 20)
    stop = stops.drain()[0]
    assert stop.get("Playback-Status") == "break"
    assert stop.timestamp_us / 1e6 - start == pytest.approx(2)
    assert session.channel.get_variable("playback_terminator_used") == "*"
    assert len(session.dtmf) == 0  # 5 was read too (and dropped)


async def test_playback_terminators_variable(switch: Switch) -> None:
    stops = switch.subscribe("PLAYBACK_STOP")
    session = await run(switch, "set:playback_terminators=none|playback:prompt", "*#", after=1)
    await settle(switch, 5)
    assert stops.drain()[0].get("Playback-Status") == "done"
    assert session.channel.get_variable("playback_terminator_used") is None
    session = await run(switch, "set:playback_terminators=any|playback:prompt", "7", after=1)
    await settle(switch, 5)
    assert stops.drain()[0].get("Playback-Status") == "break"
    assert session.channel.get_variable("playback_terminator_used") == "7"


async def test_sleep_breaks_on_a_digit_and_leaves_it(switch: Switch) -> None:
    parked = switch.subscribe("CHANNEL_PARK")
    start = switch.clock.now()
    session = await run(switch, "answer|sleep:10000|flush_dtmf", "1", after=1)
    await settle(switch, 20)
    park = [e for e in parked.drain() if e.get("Unique-ID") == session.uuid][-1]
    assert park.timestamp_us / 1e6 - start == pytest.approx(1)
    assert len(session.dtmf) == 0  # flushed by flush_dtmf, never read: no DTMF event


async def test_read_collects_until_terminator(switch: Switch) -> None:
    dtmf = switch.subscribe("DTMF")
    session = await run(switch, "read:2 5 prompt pin 5000 #", "12#", after=1)
    await settle(switch, 10)
    ch = session.channel
    assert (ch.get_variable("pin"), ch.get_variable("read_result")) == ("12", "success")
    assert ch.get_variable("read_terminator_used") == "#"
    assert [e.get("DTMF-Digit") for e in dtmf.drain()] == ["1", "2", "#"]


async def test_read_timeout_and_too_few(switch: Switch) -> None:
    # nothing at all: fewer than min (read's min is at least 1) is a failure
    session = await run(switch, "read:0 4 silence pin 2000 #")
    await settle(switch, 10)
    ch = session.channel
    assert ch.get_variable("read_result") == "failure" and ch.get_variable("pin") is None
    # enough digits, then the digit timeout: timeout, with the digits
    started = switch.clock.now()
    session = await run(switch, "read:1 4 silence pin 2000 # 500", "12", after=0)
    await settle(switch, 10)
    ch = session.channel
    assert ch.get_variable("read_result") == "timeout" and ch.get_variable("pin") == "12"
    parked = session.channel.times.hungup  # still up
    assert parked == 0
    # too few digits
    session = await run(switch, "read:3 4 silence pin 2000 # 500", "12", after=0)
    await settle(switch, 10)
    ch = session.channel
    assert ch.get_variable("read_result") == "failure" and ch.get_variable("pin") == "12"
    assert switch.clock.now() - started == pytest.approx(20)


async def test_read_max_digits_and_kept_terminator(switch: Switch) -> None:
    session = await run(switch, "read:1 3 silence v 5000 #", "98765")
    await settle(switch, 1)
    assert session.channel.get_variable("v") == "987"
    assert len(session.dtmf) == 0  # the park after read read 6 and 5
    session = await run(switch, "read:1 5 silence v 5000 +#", "4#")
    await settle(switch, 1)
    assert session.channel.get_variable("v") == "4#"


async def test_play_and_get_digits_regex_retries_and_failure(switch: Switch) -> None:
    plays = switch.subscribe("PLAYBACK_START")
    session = await run(
        switch,
        r"play_and_get_digits:2 4 3 3000 # prompt bad choice ^\d{3}$ 1000 failed XML default",
        "12#",
        after=1,
    )
    await settle(switch, 30)
    ch = session.channel
    assert ch.get_variable("choice_invalid") == "12"
    assert ch.get_variable("choice") is None
    files = [e.get("Playback-File-Path") for e in plays.drain()]
    assert files == ["prompt", "bad", "prompt", "bad", "prompt", "bad"]
    assert ch.profile.destination_number == "failed"  # transfer on failure


async def test_play_and_get_digits_success(switch: Switch) -> None:
    session = await run(
        switch, r"play_and_get_digits:1 3 2 3000 # prompt bad choice ^[0-9]+$", "42#", after=1
    )
    await settle(switch, 10)
    assert session.channel.get_variable("choice") == "42"
    assert session.channel.get_variable("choice_invalid") is None


async def test_send_dtmf_application(switch: Switch) -> None:
    session = await run(switch, "send_dtmf:1w2")
    await settle(switch, 2)
    assert isinstance(session.driver, SimDevice) and list(session.driver.heard) == ["1", "2"]
    assert session.channel.early_media or session.channel.answered


async def test_digits_during_an_app_run_from_park_are_kept_for_the_next_reader(
    switch: Switch,
) -> None:
    # an unanswered parked call; sendmsg runs sleep (no media yet: it reads nothing),
    # answer, then read
    session = await switch.inbound_call("park", dialplan="inline", caller_id_number="7")
    await settle(switch, 0.1)
    assert "park" in session.channel.flags and not session.channel.answered
    for name, arg in (("sleep", "2000"), ("answer", ""), ("read", "1 3 silence v 3000 #")):
        session.queue_command(
            [("call-command", "execute"), ("execute-app-name", name), ("execute-app-arg", arg)]
        )
    await settle(switch, 1)
    await switch.api("uuid_recv_dtmf", f"{session.uuid} 12#")
    await settle(switch, 5)
    assert session.channel.get_variable("v") == "12"
