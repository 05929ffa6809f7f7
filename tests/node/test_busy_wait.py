"""pyerlsw.node.busy_wait: the loop keeps polling for a window after each read."""

from __future__ import annotations

import asyncio
import time

import pytest
from pydantic import ValidationError

from pyerlsw.node import Node, NodeConfig
from pyerlsw.node.busy_wait import BusyWait
from tests.erlang_support import free_port, unique_name

from .test_event_loops import LOOPS, _run


async def _spins_for(busy: BusyWait) -> float:
    """Seconds until ``busy`` stops spinning (it must be spinning now)."""
    start = time.perf_counter()
    while busy.spinning:
        await asyncio.sleep(0)
    return time.perf_counter() - start


@pytest.mark.parametrize("loop", LOOPS)
def test_activity_keeps_the_loop_polling_for_the_window(loop: str) -> None:
    async def main() -> None:
        running = asyncio.get_running_loop()
        busy = BusyWait(running, 0.02)
        assert not busy.spinning
        busy.activity()
        assert busy.spinning
        spun = await _spins_for(busy)
        assert 0.015 <= spun < 1.0
        # a sleeping loop gets no callbacks from it any more
        calls = 0
        original = running.call_soon

        def counting(*args: object, **kwargs: object) -> asyncio.Handle:
            nonlocal calls
            calls += 1
            return original(*args, **kwargs)  # type: ignore[arg-type]

        if loop == "asyncio":
            running.call_soon = counting  # type: ignore[method-assign]
            await asyncio.sleep(0.01)
            running.call_soon = original  # type: ignore[method-assign]
            assert calls <= 2  # the sleep's own wake-up, nothing from the busy wait

    _run(loop, main)


def test_each_activity_extends_the_window() -> None:
    async def main() -> None:
        busy = BusyWait(asyncio.get_running_loop(), 0.02)
        start = time.perf_counter()
        busy.activity()
        for _ in range(4):
            await asyncio.sleep(0.01)
            busy.activity()
        await _spins_for(busy)
        assert time.perf_counter() - start >= 0.055

    asyncio.run(main())


def test_stop_ends_the_spin_and_refuses_new_windows() -> None:
    async def main() -> None:
        busy = BusyWait(asyncio.get_running_loop(), 10.0)
        busy.activity()
        busy.stop()
        assert await _spins_for(busy) < 1.0
        busy.activity()
        assert not busy.spinning

    asyncio.run(main())


def test_window_must_be_positive_and_bounded() -> None:
    with pytest.raises(ValueError):
        BusyWait(asyncio.new_event_loop(), 0)
    assert NodeConfig().busy_wait == 0.0  # off in the library unless asked for
    for bad in (-0.001, 1.0):
        with pytest.raises(ValidationError):
            NodeConfig(busy_wait=bad)


@pytest.mark.parametrize("loop", LOOPS)
def test_a_node_spins_after_reads_and_stops_when_idle(loop: str) -> None:
    epmd_port = free_port()  # a private built-in EPMD, gone with the first node

    async def main() -> None:
        async with Node(unique_name("bwa"), cookie="bw", epmd_port=epmd_port,
                        epmd_command=None, listen_host="127.0.0.1", busy_wait=0.1) as a, \
                Node(unique_name("bwb"), cookie="bw", epmd_port=epmd_port,
                     epmd_command=None, listen_host="127.0.0.1") as b:
            assert b.busy_wait is None and a.busy_wait is not None
            inbox = a.register("inbox")
            for i in range(20):  # request/reply traffic through a's socket
                b.send(("inbox", a.name), i)
                assert await inbox.receive(timeout=5) == i
            assert a.busy_wait.spinning
            assert await _spins_for(a.busy_wait) < 2.0
        assert not a.busy_wait.spinning

    _run(loop, main)
