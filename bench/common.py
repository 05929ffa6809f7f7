"""Shared benchmark helpers: interleaved timing rounds, medians, ratios, tables.

Timing is wall-clock (``time.perf_counter``) over enough iterations that one round
takes tens of milliseconds; each round measures every implementation once, in turn,
so noise from the shared machine hits them alike. Times are medians over rounds;
ratios are medians of per-round ratios (:func:`paired_ratio`). The garbage collector
is left on (it is part of the real cost).
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Samples:
    """Per-operation times (seconds) from several rounds."""

    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def spread(self) -> str:
        """Min..max relative to the median, e.g. ``-3%/+8%``."""
        med = self.median
        low = (1 - min(self.values) / med) * 100
        high = (max(self.values) / med - 1) * 100
        return f"-{low:.0f}%/+{high:.0f}%"


def per_op(fn: Callable[[], object], iterations: int) -> float:
    """Seconds per call of ``fn`` over ``iterations`` calls."""
    start = time.perf_counter()
    for _ in range(iterations):
        fn()
    return (time.perf_counter() - start) / iterations


def calibrate(fn: Callable[[], object], target: float = 0.05) -> int:
    """Iterations of ``fn`` that take about ``target`` seconds (at least 1)."""
    n = 1
    while True:
        elapsed = per_op(fn, n) * n
        if elapsed >= target / 4 or n >= 1 << 22:
            return max(1, int(n * target / max(elapsed, 1e-9)))
        n *= 4


def interleaved(cases: dict[str, Callable[[], object]], rounds: int,
                target: float = 0.05) -> dict[str, Samples]:
    """Time every case once per round, in turn, for ``rounds`` rounds."""
    iterations = {name: calibrate(fn, target) for name, fn in cases.items()}
    samples = {name: Samples() for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            samples[name].values.append(per_op(fn, iterations[name]))
    return samples


def paired_ratio(numerator: Samples, denominator: Samples) -> float:
    """Median over rounds of numerator/denominator measured in the *same* round.

    Robust to slow drifts in machine load, which hit both sides of a round alike.
    """
    return statistics.median(n / d for n, d in zip(numerator.values, denominator.values,
                                                      strict=True))


def micros(seconds: float) -> str:
    return f"{seconds * 1e6:.2f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def ratio(numerator: float, denominator: float = 1.0) -> str:
    return f"{numerator / denominator:.2f}x"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    return (f"Python {platform.python_version()} ({platform.python_implementation()}), "
            f"{platform.machine()}, {platform.system()} {platform.release()}; "
            f"argv: python -m bench {' '.join(sys.argv[1:])}")


#: One load case: name, message count, the pyerlsw run and the Erlang run (each
#: returns the seconds it took).
LoadCase = tuple[str, int, Callable[[], Awaitable[float]], Callable[[], Awaitable[float]]]


@dataclass(frozen=True)
class Selection:
    """Which cases to run (``only``: names containing it), whether to freeze the GC
    (:func:`gc.freeze`) once the set-up is done, and the pyerlsw node's ``busy_wait``
    window in seconds (0: off), as ``pyerlsw run`` sets them."""

    only: str | None = None
    gc_freeze: bool = False
    busy_wait: float = 0.0


async def run_cases(cases: list[LoadCase], rounds: int, select: Selection | None = None,
                    ) -> list[list[str]]:
    """Run each selected case once to warm up, then ``rounds`` times alternating
    pyerlsw and Erlang; one table row per case: count, median rates, their ratio, and
    the Python process's CPU time per message during the pyerlsw runs (median;
    ``time.process_time``, all threads)."""
    import gc

    select = select or Selection()
    if select.gc_freeze:
        gc.collect()
        gc.freeze()
    rows = []
    for name, count, ours, theirs in cases:
        if select.only is not None and select.only not in name:
            continue
        await ours()  # warm-up
        py_rates, erl_rates, cpu = [], [], []
        for _ in range(rounds):
            before = time.process_time()
            py_rates.append(count / await ours())
            cpu.append((time.process_time() - before) / count)
            erl_rates.append(count / await theirs())
        py_rate, erl_rate = statistics.median(py_rates), statistics.median(erl_rates)
        cpu_us = statistics.median(cpu) * 1e6
        rows.append([name, f"{count}", f"{py_rate:,.0f}", f"{erl_rate:,.0f}",
                     f"{py_rate / erl_rate:.2f}x", f"{cpu_us:.1f}"])
        print(f"{name}: pyerlsw {py_rate:,.0f}/s ({cpu_us:.1f} µs CPU each), "
              f"Erlang {erl_rate:,.0f}/s", flush=True)
    return rows


def run_load_bench(
    name: str,
    measure: Callable[[int, float, Selection], Coroutine[Any, Any, list[list[str]]]],
    argv: list[str],
    *,
    count_header: str,
) -> int:
    """The shared ``main`` of the node and gateway load benchmarks: parse ``--rounds``,
    ``--scale``, ``--gc-threshold``, ``--gc-freeze``, ``--only`` and ``--loop``, run
    ``measure(rounds, scale, selection)`` on that event loop and print the machine line
    and the ratio table."""
    import argparse
    import asyncio
    import gc

    parser = argparse.ArgumentParser(prog=f"python -m bench {name}")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the message counts (default 1.0)")
    parser.add_argument("--gc-threshold", type=int, default=None,
                        help="gen-0 threshold of Python's cyclic GC for this run "
                             "(default: leave CPython's 700)")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() after the set-up (what pyerlsw run does)")
    parser.add_argument("--only", default=None, metavar="TEXT",
                        help="run only the cases whose name contains TEXT")
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio",
                        help="event loop to run on (default: asyncio's own)")
    parser.add_argument("--busy-wait", type=float, default=0.0, metavar="SECONDS",
                        help="the pyerlsw node's busy_wait window (default 0: off; "
                             "pyerlsw run uses 0.0005)")
    args = parser.parse_args(argv)
    if args.gc_threshold is not None:
        gc.set_threshold(args.gc_threshold, *gc.get_threshold()[1:])
    factory: Callable[[], asyncio.AbstractEventLoop] | None = None
    if args.loop == "uvloop":
        import uvloop

        factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        rows = runner.run(measure(args.rounds, args.scale,
                                       Selection(args.only, args.gc_freeze,
                                                 args.busy_wait)))
    print()
    print(f"{machine()}; loop {args.loop}, gc threshold {gc.get_threshold()}"
          f"{', gc frozen' if args.gc_freeze else ''}"
          f"{f', busy wait {args.busy_wait * 1e6:g} us' if args.busy_wait else ''}")
    print(markdown_table(["case", count_header, "pyerlsw", "Erlang", "pyerlsw/Erlang",
                          "Python CPU µs each"], rows))
    return 0
