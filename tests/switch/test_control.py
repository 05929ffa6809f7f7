"""Commands queued on channels from outside (sendmsg), hooks, soft locks, limits."""

from __future__ import annotations

import pytest

from pyerlsw.switch import Switch
from pyerlsw.switch.session import Session
from tests.switch.support import TableDialplan, make_switch, next_event, route, settle, wait_for


async def parked(switch: Switch) -> Session:
    parks = switch.subscribe("CHANNEL_PARK")
    session = await switch.originate("sim/alice", app="park")
    await next_event(switch, parks)
    parks.close()
    return session


def execute(app: str, arg: str = "", **extra: str) -> list[tuple[str, str]]:
    headers = [("call-command", "execute"), ("execute-app-name", app)]
    if arg:
        headers.append(("execute-app-arg", arg))
    headers += [(k.replace("_", "-"), v) for k, v in extra.items()]
    return headers


async def test_execute_while_parked(switch: Switch) -> None:
    session = await parked(switch)
    events = switch.subscribe("CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE", uuid=session.uuid)
    assert session.queue_command(
        execute("set", "greeting=hi", event_uuid="my-uuid", event_uuid_name="greeter")
    )
    started = await next_event(switch, events)
    done = await next_event(switch, events)
    assert started.get("Application") == "set"
    assert started.get("Application-UUID") == "my-uuid"
    assert started.get("Application-UUID-Name") == "greeter"
    assert done.get("Application-UUID") == "my-uuid"
    assert session.channel.get_variable("greeting") == "hi"
    assert session.channel.current_application == "park"  # still parked


async def test_execute_loops(switch: Switch) -> None:
    session = await parked(switch)
    events = switch.subscribe("PLAYBACK_STOP")
    start = switch.clock.now()
    session.queue_command(execute("playback", "x.wav", loops="3"))
    for _ in range(3):
        await next_event(switch, events)
    assert switch.clock.now() - start == pytest.approx(3.0)
    # negative loops repeat until a run is shorter than half a second
    session.queue_command(execute("set", "a=b", loops="-1"))
    await settle(switch, 1)
    assert session.channel.get_variable("a") == "b"


async def test_hangup_command(switch: Switch) -> None:
    session = await parked(switch)
    session.queue_command([("call-command", "hangup"), ("hangup-cause", "USER_BUSY")])
    await wait_for(switch, session.destroyed)
    assert session.channel.hangup_cause == 17
    other = await parked(switch)
    other.queue_command([("Call-Command", "HANGUP")])
    await wait_for(switch, other.destroyed)
    assert other.channel.hangup_cause == 16


async def test_xferext_replaces_the_extension(switch: Switch) -> None:
    session = await parked(switch)
    events = switch.subscribe("CHANNEL_EXECUTE", uuid=session.uuid)
    session.queue_command(
        [
            ("call-command", "xferext"),
            ("application", "set foo=bar"),
            ("application", "hangup CALL_REJECTED"),
        ]
    )
    await wait_for(switch, session.destroyed)
    assert [e.get("Application") for e in events.drain()] == ["set", "hangup"]
    assert session.channel.hangup_cause == 21


async def test_bad_commands_are_logged(switch: Switch) -> None:
    session = await parked(switch)
    logs = switch.subscribe_logs(level=4)
    session.queue_command([("no-command", "x")])
    session.queue_command([("call-command", "nomedia")])
    session.queue_command([("call-command", "execute")])
    session.queue_command([("call-command", "fly")])
    await settle(switch)
    texts = [r.text for r in logs.drain()]
    assert len(texts) == 4
    assert session.channel.ready


async def test_execute_unknown_application_hangs_up(switch: Switch) -> None:
    session = await parked(switch)
    session.queue_command(execute("does_not_exist"))
    await wait_for(switch, session.destroyed)
    assert session.channel.hangup_cause == 27


async def test_command_queue_is_bounded() -> None:
    switch = make_switch(message_queue_size=2)
    await switch.start()
    session = await parked(switch)
    # queue_command never yields, so the session cannot drain the queue in between
    assert session.queue_command(execute("set", "a=1"))
    assert session.queue_command(execute("set", "b=1"))
    assert not session.queue_command(execute("set", "c=1"))
    await settle(switch)
    assert session.queue_command(execute("set", "c=1"))
    await switch.stop()


async def test_unpark_continues_the_dialplan(switch: Switch) -> None:
    switch.dialplans.register(TableDialplan({"1": route("park", "set:after=yes", "park")}))
    parks = switch.subscribe("CHANNEL_PARK")
    call = await switch.inbound_call("1", dialplan="test")
    await next_event(switch, parks)
    call.unpark()
    await next_event(switch, parks)
    assert call.channel.get_variable("after") == "yes"
    call.hangup()
    await wait_for(switch, call.destroyed)


async def test_hangup_hooks_run_after_hangup(switch: Switch) -> None:
    seen: list[tuple[str, bool]] = []

    async def hook(session: Session) -> None:
        response = await switch.applications.execute(session, "set", "after_hangup=1")
        seen.append((response, session.channel.ready))

    switch.hooks.hangup.append(hook)
    events = switch.subscribe("CHANNEL_EXECUTE", "CHANNEL_HANGUP_COMPLETE")
    session = await parked(switch)
    session.hangup()
    await wait_for(switch, session.destroyed)
    assert seen == [("_none_", False)]
    got = [e.name for e in events.drain() if e.unique_id == session.uuid]
    assert got[-2:] == ["CHANNEL_EXECUTE", "CHANNEL_HANGUP_COMPLETE"]
    complete = [e for e in got if e == "CHANNEL_HANGUP_COMPLETE"]
    assert complete


async def test_create_and_destroy_hooks(switch: Switch) -> None:
    created: list[str] = []
    destroyed: list[str] = []
    switch.hooks.create.append(lambda s: created.append(s.uuid))
    switch.hooks.destroy.append(lambda s: destroyed.append(s.uuid))
    session = await parked(switch)
    session.hangup()
    await wait_for(switch, session.destroyed)
    assert created == destroyed == [session.uuid]


async def test_soft_lock_delays_destroy(switch: Switch) -> None:
    session = await parked(switch)
    release = session.add_soft_lock("gateway")
    events = switch.subscribe("CHANNEL_DESTROY", "CHANNEL_HANGUP_COMPLETE")
    state_seen: list[str] = []
    session.channel.state_hooks.append(lambda ch, st: state_seen.append(st.name))
    session.hangup()
    await next_event(switch, events, "CHANNEL_HANGUP_COMPLETE")
    await settle(switch, 1)
    assert events.drain() == [] and "CS_DESTROY" in state_seen
    release()
    await next_event(switch, events, "CHANNEL_DESTROY")
    # a lock nobody releases only delays destruction by soft_lock_timeout
    other = await parked(switch)
    other.add_soft_lock("forgotten")
    start = switch.clock.now()
    other.hangup()
    await wait_for(switch, other.destroyed)
    assert switch.clock.now() - start == pytest.approx(5.0)


async def test_max_sessions() -> None:
    switch = make_switch(max_sessions=1)
    await switch.start()
    await parked(switch)
    assert (await switch.api("originate", "sim/b &park()")).output == "-ERR SWITCH_CONGESTION\n"
    await switch.stop()


async def test_stop_hangs_up_everything() -> None:
    switch = make_switch()
    await switch.start()
    sessions = [await parked(switch) for _ in range(3)]
    await switch.stop()
    assert all(s.channel.hangup_cause == 701 for s in sessions)  # SYSTEM_SHUTDOWN
    assert switch.sessions == {}


async def test_application_crash_is_contained(switch: Switch) -> None:
    async def boom(session: Session, data: str) -> str | None:
        raise RuntimeError("kaboom")

    switch.applications.register("boom", boom)
    switch.dialplans.register(TableDialplan({"1": route("boom", "set:survived=1")}))
    logs = switch.subscribe_logs(level=3)
    call = await switch.inbound_call("1", dialplan="test")
    await wait_for(switch, call.destroyed)
    assert call.channel.get_variable("survived") == "1"
    assert any("kaboom" in r.text for r in logs.drain())


async def test_dialplan_engine_crash_is_contained(switch: Switch) -> None:
    class Broken:
        name = "broken"

        async def hunt(self, target: object, destination: str, context: str, args: str) -> None:
            raise ValueError("bad dialplan")

    switch.dialplans.register(Broken())  # type: ignore[arg-type]
    call = await switch.inbound_call("1", dialplan="broken,nosuchengine")
    await wait_for(switch, call.destroyed)
    assert call.channel.hangup_cause == 3


async def test_sched_hangup_and_sleep(switch: Switch) -> None:
    switch.dialplans.register(
        TableDialplan({"1": route("answer", "sched_hangup:+5 USER_BUSY", "sleep:60000")})
    )
    start = switch.clock.now()
    call = await switch.inbound_call("1", dialplan="test")
    await wait_for(switch, call.destroyed)
    assert switch.clock.now() - start == pytest.approx(5.0)
    assert call.channel.hangup_cause == 17


async def test_respond_and_ring_ready(switch: Switch) -> None:
    switch.dialplans.register(
        TableDialplan({"1": route("ring_ready", "respond:183", "respond:486 Busy Here")})
    )
    events = switch.subscribe("CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA")
    call = await switch.inbound_call("1", dialplan="test")
    await wait_for(switch, call.destroyed)
    assert [e.name for e in events.drain()] == ["CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA"]
    assert call.channel.hangup_cause == 17


async def test_export_reaches_the_b_leg(switch: Switch) -> None:
    switch.dialplans.register(
        TableDialplan(
            {
                "1": route(
                    "export:exported=yes",
                    "export:nolocal:only_b=1",
                    "set:local_only=1",
                    "multiset:m1=a m2=b",
                    "unset:m2",
                    "bridge:[leg_var=2]sim/bob",
                )
            }
        )
    )
    events = switch.subscribe("CHANNEL_BRIDGE")
    call = await switch.inbound_call("1", dialplan="test")
    bridge = await next_event(switch, events)
    peer = switch.session(bridge.get("Bridge-B-Unique-ID"))
    assert peer is not None
    get = peer.channel.get_variable
    assert (get("exported"), get("only_b"), get("local_only"), get("leg_var")) == (
        "yes",
        "1",
        None,
        "2",
    )
    assert get("call_uuid") == call.uuid
    mine = call.channel.get_variable
    assert (mine("exported"), mine("only_b"), mine("m1"), mine("m2")) == ("yes", None, "a", None)
    call.hangup()
    await wait_for(switch, peer.destroyed)


async def test_log_and_info_apps(switch: Switch) -> None:
    switch.dialplans.register(TableDialplan({"1": route("log:NOTICE hi ${uuid}", "info")}))
    logs = switch.subscribe_logs(level=6)
    call = await switch.inbound_call("1", dialplan="test")
    await wait_for(switch, call.destroyed)
    records = logs.drain()
    assert records[0].level == 5 and records[0].text == f"hi {call.uuid}\n"
    assert records[0].uuid == call.uuid
    assert any(r.text.startswith("CHANNEL_DATA:\nEvent-Name: CHANNEL_DATA\n") for r in records)


async def test_hangup_hook_applications_may_wait(switch: Switch) -> None:
    async def hook(session: Session) -> None:
        await switch.applications.execute(session, "sleep", "2000")

    switch.hooks.hangup.append(hook)
    session = await parked(switch)
    start = switch.clock.now()
    session.hangup()
    await wait_for(switch, session.destroyed)
    assert switch.clock.now() - start == pytest.approx(2.0)


async def test_crashing_session_still_tears_down(switch: Switch) -> None:
    from pyerlsw.switch.session import EndpointDriver

    class Exploding(EndpointDriver):
        def on_init(self, session: Session) -> None:
            raise RuntimeError("driver bug")

    events = switch.subscribe()
    session = switch.new_session(name="sim/bug", direction="inbound", driver=Exploding())
    await wait_for(switch, session.destroyed)
    assert session.channel.hangup_cause == 700  # CRASH
    got = [e.name for e in events.drain() if e.unique_id == session.uuid]
    assert got[-3:] == ["CHANNEL_STATE", "CHANNEL_DESTROY", "CHANNEL_STATE"]
    assert "CHANNEL_HANGUP_COMPLETE" in got
    assert not session.queue_command([("call-command", "hangup")])


async def test_rename(switch: Switch) -> None:
    session = await parked(switch)
    session.channel.rename("sim/renamed")
    dump = (await switch.api("uuid_dump", f"{session.uuid} plain")).output
    assert "Channel-Name: sim/renamed" in dump
    assert "Caller-Channel-Name: sim/renamed" in dump
    assert "variable_channel_name: sim/renamed" in dump
