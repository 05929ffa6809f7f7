"""The virtual clock and the event bus."""

from __future__ import annotations

import asyncio

import pytest

from pyerlsw.switch.bus import Bus, StreamClosed
from pyerlsw.switch.clock import RealClock, VirtualClock
from tests.switch.support import make_switch


async def test_virtual_clock_jumps_in_order() -> None:
    clock = VirtualClock(start=1000.0)
    fired: list[tuple[str, float]] = []
    clock.call_later(30, lambda: fired.append(("b", clock.now())))
    clock.call_later(5, lambda: fired.append(("a", clock.now())))
    clock.call_later(30, lambda: fired.append(("c", clock.now())))
    cancelled = clock.call_later(10, lambda: fired.append(("x", clock.now())))
    cancelled.cancel()
    await clock.sleep(31)
    assert fired == [("a", 1005.0), ("b", 1030.0), ("c", 1030.0)]
    assert clock.now() == 1031.0
    await clock.aclose()


async def test_virtual_clock_waits_for_runnable_work() -> None:
    clock = VirtualClock(start=0.0)
    progress: list[int] = []

    async def busy() -> None:
        for i in range(200):
            progress.append(i)
            await asyncio.sleep(0)

    task = asyncio.ensure_future(busy())
    await clock.sleep(1)
    # time only moved after the busy task stopped being runnable
    assert task.done() and len(progress) == 200
    await clock.aclose()


async def test_clock_wait() -> None:
    clock = VirtualClock(start=0.0)
    fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    assert not await clock.wait(fut, 3)
    assert clock.now() == 3.0
    clock.call_later(1, fut.set_result, None)
    assert await clock.wait(fut, 10)
    assert clock.now() == 4.0
    assert await clock.wait(fut, None)
    assert not fut.cancelled()
    clock.advance(2)
    assert clock.now() == 6.0
    await clock.aclose()


async def test_real_clock() -> None:
    clock = RealClock()
    before = clock.now()
    await clock.sleep(0.001)
    assert clock.now() >= before
    fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    assert not await clock.wait(fut, 0.001)


async def test_thirty_second_timeout_is_virtual() -> None:
    switch = make_switch()
    await switch.start()
    start = switch.clock.now()
    result = await switch.api("originate", "{sim_result=noanswer}sim/x &park() XML d a b 30")
    assert result.output == "-ERR NO_ANSWER\n"
    assert switch.clock.now() - start == pytest.approx(30.0)
    await switch.stop()


async def test_bus_order_and_filters() -> None:
    bus: Bus[int] = Bus(10)
    evens = bus.subscribe(lambda x: x % 2 == 0, name="evens")
    every = bus.subscribe()
    for i in range(6):
        bus.publish(i)
    assert every.drain() == [0, 1, 2, 3, 4, 5]
    assert [await evens.get() for _ in range(3)] == [0, 2, 4]
    evens.close()
    bus.publish(6)
    assert len(evens) == 0 and every.get_nowait() == 6
    with pytest.raises(StreamClosed):
        await evens.get()


async def test_bus_bounded_loss_is_counted_and_reported() -> None:
    reports: list[tuple[str, int]] = []
    bus: Bus[int] = Bus(3, on_loss=lambda s, n: reports.append((s.name, n)))
    slow = bus.subscribe(name="slow")
    fast = bus.subscribe(maxsize=100, name="fast")
    for i in range(10):
        bus.publish(i)
    assert slow.drain() == [0, 1, 2] and slow.lost == 7
    assert len(fast.drain()) == 10 and fast.lost == 0
    assert reports == []
    bus.publish(10)  # fits again: the loss is reported once
    assert reports == [("slow", 7)]
    assert slow.drain() == [10]


async def test_bus_waiters_and_iteration() -> None:
    bus: Bus[str] = Bus(10)
    stream = bus.subscribe()

    async def consume() -> list[str]:
        return [item async for item in stream]

    task = asyncio.ensure_future(consume())
    await asyncio.sleep(0)
    bus.publish("a")
    bus.publish("b")
    await asyncio.sleep(0)
    stream.close()
    assert await task == ["a", "b"]


async def test_broken_filter_does_not_break_delivery() -> None:
    bus: Bus[int] = Bus(10)
    bad = bus.subscribe(lambda x: 1 / 0 > 0)  # type: ignore[operator]
    good = bus.subscribe()
    bus.publish(1)
    assert bad.drain() == [] and good.drain() == [1]


async def test_switch_reports_lost_events_in_the_log() -> None:
    switch = make_switch(event_queue_size=2)
    await switch.start()
    logs = switch.subscribe_logs(level=2)
    events = switch.subscribe(name="tiny")
    for _ in range(5):
        await switch.api("uptime")
    events.drain()
    await switch.api("uptime")
    assert [r.text for r in logs.drain()] == ["Lost 3 events (tiny)!\n"]
    assert events.lost == 3
    await switch.stop()


async def test_real_clock_scenario() -> None:
    from pyerlsw.switch import RealClock, Switch, SwitchConfig

    base = SwitchConfig(heartbeat_interval=None)
    switch = Switch(base, hostname="real")  # keyword overrides on top of a config
    assert isinstance(switch.clock, RealClock) and switch.config.hostname == "real"
    await switch.start()
    session = await switch.originate(
        "{sim_answer_after=0.01,sim_hangup_after=0.01}sim/x", app="park"
    )
    await asyncio.wait_for(session.destroyed, 5)
    assert session.channel.hangup_cause == 16
    await switch.stop()
