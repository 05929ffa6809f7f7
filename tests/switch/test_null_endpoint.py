"""``null/`` (mod_loopback's dummy endpoint): answers by itself, optionally late,
pre-answers, fails with a named cause, records digits sent to it."""

from __future__ import annotations

import pytest

from pyerlsw.switch import Switch
from tests.switch.support import next_event, wait_for


async def test_null_answers_at_once(switch: Switch) -> None:
    start = switch.clock.now()
    session = await switch.originate("null/anything", app="park")
    assert session.channel.name == "null/anything"
    assert session.channel.answered
    assert switch.clock.now() - start == pytest.approx(0.0)
    assert session.channel.profile.source == "mod_loopback"
    session.hangup()
    await wait_for(switch, session.destroyed)


async def test_null_auto_answer_delay_and_pre_answer(switch: Switch) -> None:
    events = switch.subscribe("CHANNEL_PROGRESS_MEDIA", "CHANNEL_ANSWER")
    start = switch.clock.now()
    session = await switch.originate(
        "{null_auto_answer_delay=2500,null_pre_answer=true}null/late", app="park"
    )
    assert switch.clock.now() - start == pytest.approx(2.5)
    await next_event(switch, events, "CHANNEL_PROGRESS_MEDIA")
    await next_event(switch, events, "CHANNEL_ANSWER")
    session.hangup()
    await wait_for(switch, session.destroyed)


async def test_null_delay_is_clamped_and_auto_answer_can_be_off(switch: Switch) -> None:
    start = switch.clock.now()
    session = await switch.originate("{null_auto_answer_delay=999999}null/x", app="park")
    assert switch.clock.now() - start == pytest.approx(60.0)
    session.hangup()
    await wait_for(switch, session.destroyed)
    result = await switch.api(
        "originate", "{originate_timeout=5,null_enable_auto_answer=false}null/never &park()"
    )
    assert result.output == "-ERR NO_ANSWER\n"


@pytest.mark.parametrize(
    ("dial", "reply"),
    [
        ("null/cause-USER_BUSY", "-ERR USER_BUSY\n"),
        ("{null_hangup_cause=CALL_REJECTED}null/x", "-ERR CALL_REJECTED\n"),
        ("null/cause-17", "-ERR USER_BUSY\n"),
    ],
)
async def test_null_fails_with_a_cause(switch: Switch, dial: str, reply: str) -> None:
    assert (await switch.api("originate", f"{dial} &park()")).output == reply


async def test_digits_sent_to_null_are_recorded(switch: Switch) -> None:
    session = await switch.originate("null/dtmf", app="park")
    assert (await switch.api("uuid_send_dtmf", f"{session.uuid} 12#")).found
    await switch.clock.sleep(2)
    assert session.channel.get_variable("null_channel_dtmf_queued") == "12#"
    session.hangup()
    await wait_for(switch, session.destroyed)
