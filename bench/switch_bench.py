"""Call-core benchmark: call setups/teardowns per second and memory per parked call.

    python -m bench switch [--calls N] [--concurrency K] [--parked N] [--clock real|virtual]
                           [--markdown]

Throughput: K workers each loop ``originate sim/<n> &park()`` -> wait for CHANNEL_PARK
-> ``uuid_kill`` -> wait for the channel's destruction, until N calls are done, while an
event consumer drains the bus (every event of every call, ~25 per call). Reported for a
consumer that only counts events and for one that renders every event's headers (what
the gateway does for the events it forwards).

Memory: N calls originated and parked at the same time (``&park()``); the
``tracemalloc`` growth divided by N is the memory per call (Python objects: channel,
session task, profile, variables, queued commands), plus the process RSS growth.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
import tracemalloc
from typing import Any

from bench.common import machine, markdown_table
from pyerlsw.switch import Event, Switch


def _rss_kib() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


async def _consume(stream: Any, render: bool, counter: list[int]) -> None:
    async for event in stream:
        counter[0] += 1
        if render:
            assert isinstance(event, Event)
            _ = event.headers


async def throughput(calls: int, concurrency: int, clock: str, render: bool) -> dict[str, float]:
    switch = Switch(clock=clock, heartbeat_interval=None, max_sessions=calls + concurrency + 10)
    await switch.start()
    counter = [0]
    stream = switch.subscribe(maxsize=1_000_000, name="bench")
    consumer = asyncio.ensure_future(_consume(stream, render, counter))
    remaining = [calls]

    async def worker(index: int) -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            result = await switch.api("originate", f"sim/dev{index} &park()")
            uuid = result.output.split()[1]
            session = switch.session(uuid)
            assert session is not None
            await session.until(lambda s=session: "park" in s.channel.flags)
            await switch.api("uuid_kill", uuid)
            await session.destroyed

    gc.collect()
    start = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    while len(stream):
        await asyncio.sleep(0)
    elapsed = time.perf_counter() - start
    stream.close()
    await consumer
    await switch.stop()
    return {
        "calls_per_s": calls / elapsed,
        "events_per_call": counter[0] / calls,
        "events_per_s": counter[0] / elapsed,
        "lost": float(stream.lost),
    }


async def memory(parked: int, clock: str) -> dict[str, float]:
    switch = Switch(clock=clock, heartbeat_interval=None, max_sessions=parked + 10)
    await switch.start()
    stream = switch.subscribe(maxsize=100, name="drained")
    counter = [0]
    consumer = asyncio.ensure_future(_consume(stream, False, counter))
    # warm up allocator caches and lazy imports with one call
    warm = await switch.originate("sim/warm", app="park")
    warm.hangup()
    await warm.destroyed
    gc.collect()
    rss_before = _rss_kib()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    sessions = []
    batch = 500
    for first in range(0, parked, batch):
        results = await asyncio.gather(
            *(
                switch.api("originate", f"sim/p{n} &park()")
                for n in range(first, min(parked, first + batch))
            )
        )
        sessions += [switch.session(r.output.split()[1]) for r in results]
    for session in sessions:
        assert session is not None
        await session.until(lambda s=session: "park" in s.channel.flags)
    while len(stream):
        await asyncio.sleep(0)
    gc.collect()
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    rss_after = _rss_kib()
    live = len(switch.sessions)
    start = time.perf_counter()
    await switch.api("hupall")
    for session in sessions:
        assert session is not None
        await session.destroyed
    teardown = time.perf_counter() - start
    stream.close()
    await consumer
    await switch.stop()
    return {
        "parked": float(live),
        "bytes_per_call": used / parked,
        "rss_kib_per_call": (rss_after - rss_before) / parked,
        "teardown_per_s": parked / teardown,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench switch", description=__doc__)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--parked", type=int, default=10_000)
    parser.add_argument("--clock", choices=("real", "virtual"), default="real")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)

    rows: list[list[str]] = []
    for render in (False, True):
        result = asyncio.run(throughput(args.calls, args.concurrency, args.clock, render))
        label = "consumer renders headers" if render else "consumer counts events"
        rows.append(
            [
                f"setup+teardown, {label}",
                f"{result['calls_per_s']:,.0f} calls/s",
                f"{result['events_per_call']:.1f} events/call, "
                f"{result['events_per_s']:,.0f} events/s, lost {result['lost']:.0f}",
            ]
        )
        print(rows[-1], flush=True)
    mem = asyncio.run(memory(args.parked, args.clock))
    rows.append(
        [
            f"{mem['parked']:,.0f} parked calls",
            f"{mem['bytes_per_call'] / 1024:.1f} KiB/call (tracemalloc)",
            f"RSS {mem['rss_kib_per_call']:.1f} KiB/call; hupall teardown "
            f"{mem['teardown_per_s']:,.0f} calls/s",
        ]
    )
    print(rows[-1], flush=True)
    table = markdown_table(["case", "result", "detail"], rows)
    print()
    print(f"clock={args.clock} calls={args.calls} concurrency={args.concurrency}")
    print(machine())
    print(table)
    return 0
