"""The core masquerade primitive (pyerlsw.switch.masquerade) on the virtual clock."""

from __future__ import annotations

from pyerlsw.switch import Session, Switch
from pyerlsw.switch.bridge import uuid_bridge
from pyerlsw.switch.causes import CAUSES
from pyerlsw.switch.masquerade import masquerade
from tests.switch.support import TableDialplan, route, settle, wait_for


async def _answered(switch: Switch, dest: str, number: str, **variables: str) -> Session:
    session = await switch.inbound_call(
        dest, dialplan="test", caller_id_number=number, variables=variables or None
    )
    await switch.clock.sleep(0.1)
    assert session.channel.answered
    return session


async def test_original_keeps_running_under_the_clone_identity(
    switch: Switch, table: TableDialplan
) -> None:
    table.routes["play"] = route(
        "answer", "set:own=a", "playback:long.wav", "set:after=done", "park"
    )
    table.routes["park"] = route("answer", "set:own=b", "set:only_b=yes", "park")
    switch.config.file_seconds["long.wav"] = 5.0
    a = await _answered(switch, "play", "100")
    b = await _answered(switch, "park", "200")
    a_uuid, a_name, b_uuid, b_name = a.uuid, a.channel.name, b.uuid, b.channel.name
    a_task = a.task
    seen: list[tuple[Session, Session]] = []
    switch.hooks.masquerade.append(lambda o, c: seen.append((o, c)))
    events = switch.subscribe()

    assert masquerade(a, b, clone_name=f"{a_name}<ZOMBIE>", cause=CAUSES["NORMAL_CLEARING"])

    assert seen == [(a, b)]
    # the structure (task, application) is the same, the identity is b's
    assert a.task is a_task
    assert (a.uuid, a.channel.name) == (b_uuid, b_name)
    assert a.channel.profile.caller_id_number == "200"
    assert a.channel.get_variable("uuid") == b_uuid
    assert a.channel.get_variable("channel_name") == b_name
    assert switch.session(b_uuid) is a
    # the clone carries a's old identity, renamed, and is hung up
    assert (b.uuid, b.channel.name) == (a_uuid, f"{a_name}<ZOMBIE>")
    assert b.channel.get_variable("channel_name") == f"{a_name}<ZOMBIE>"
    assert not b.channel.ready
    # variables: the original keeps its own and gains the clone's; the clone gets a copy
    assert a.channel.get_variable("own") == "a"
    assert a.channel.get_variable("only_b") == "yes"
    assert b.channel.get_variable("own") == "a"

    await wait_for(switch, b.destroyed)
    assert switch.session(a_uuid) is None
    fired = events.drain()
    hangups = [e for e in fired if e.name == "CHANNEL_HANGUP"]
    assert [(e.unique_id, e.get("Channel-Name")) for e in hangups] == [
        (a_uuid, f"{a_name}<ZOMBIE>")
    ]
    assert [e.unique_id for e in fired if e.name == "CHANNEL_DESTROY"] == [a_uuid]
    state = next(e for e in fired if e.name == "CHANNEL_STATE")
    assert (state.unique_id, state.get("Channel-State")) == (b_uuid, "CS_EXECUTE")
    # the playback goes on and the dialplan continues on the original structure
    await settle(switch, 6)
    assert a.channel.ready
    assert a.channel.get_variable("after") == "done"
    assert a.channel.name == b_name
    a.hangup()
    await wait_for(switch, a.destroyed)


async def test_names_are_exchanged_by_default(switch: Switch, table: TableDialplan) -> None:
    table.routes["park"] = route("answer", "park")
    a = await _answered(switch, "park", "100")
    b = await _answered(switch, "park", "200")
    a_name, b_name = a.channel.name, b.channel.name
    assert masquerade(a, b)
    assert (a.channel.name, b.channel.name) == (b_name, a_name)
    await wait_for(switch, b.destroyed)
    a.hangup()
    await wait_for(switch, a.destroyed)


async def test_refused_for_the_same_or_a_hung_up_session(
    switch: Switch, table: TableDialplan
) -> None:
    table.routes["park"] = route("answer", "park")
    a = await _answered(switch, "park", "100")
    b = await _answered(switch, "park", "200")
    assert not masquerade(a, a)
    b.hangup()
    assert not masquerade(a, b)
    assert not masquerade(b, a)
    assert a.channel.name == "sim/100" and a.channel.ready
    a.hangup()
    await wait_for(switch, a.destroyed)


async def test_the_driver_follows_the_identity(switch: Switch, table: TableDialplan) -> None:
    """b's device hangs up 5 s after answer: after the masquerade that hangs up the
    structure now carrying b's identity, not the zombie."""
    table.routes["park"] = route("answer", "park")
    a = await _answered(switch, "park", "100")
    b = await _answered(switch, "park", "200", sim_hangup_after="5")
    start = switch.clock.now()
    assert masquerade(a, b)
    await wait_for(switch, b.destroyed)
    assert a.channel.ready
    await wait_for(switch, a.destroyed)
    assert switch.clock.now() - start < 5.0


async def test_bridge_partner_sees_the_new_identity(switch: Switch, table: TableDialplan) -> None:
    table.routes["park"] = route("answer", "park")
    a = await _answered(switch, "park", "100")
    c = await _answered(switch, "park", "300")
    b = await _answered(switch, "park", "200")
    assert uuid_bridge(a, c)
    await settle(switch, 0.1)
    assert c.channel.get_variable("bridge_to") == a.uuid
    b_uuid = b.uuid
    assert masquerade(a, b)
    assert a.bridge is not None and a.bridge.active
    assert c.channel.get_variable("bridge_to") == b_uuid
    assert c.channel.get_variable("bridge_channel") == "sim/200"
    assert c.channel.other_profile is a.channel.profile
    assert a.channel.get_variable("bridge_to") == c.uuid
    assert b.channel.get_variable("bridge_to") is None
    await wait_for(switch, b.destroyed)
    assert a.channel.ready and c.channel.ready
    a.hangup()
    await wait_for(switch, c.destroyed)
