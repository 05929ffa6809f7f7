"""Time for the switch: real time, or a virtual clock that jumps when everything waits.

Every wait in the core (ring timeouts, ``sleep``, ``sched_hangup``, heartbeats, sim
device behaviour) goes through a :class:`Clock`, never through ``asyncio.sleep``
directly. With :class:`RealClock` that is plain asyncio time. With
:class:`VirtualClock` time stands still while any task can run and, as soon as every
task of the loop is waiting, jumps to the next timer's deadline: a 30 second ring
timeout completes in microseconds of real time, with the same event order and the same
(virtual) timestamps as in real time.

Idle detection yields to the event loop and inspects its ready queue (CPython's
``BaseEventLoop._ready``); on loops without one it falls back to a fixed number of
yields. Work that waits on the outside world (sockets) is invisible to it: set
``autojump_threshold`` to a few real milliseconds when the switch talks to peers while
on virtual time, so virtual time only moves after the loop stayed idle that long.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["Clock", "RealClock", "TimerHandle", "VirtualClock"]


class TimerHandle(Protocol):
    """What :meth:`Clock.call_later` returns."""

    def cancel(self) -> None: ...


class Clock(ABC):
    """Wall-clock time (:meth:`now`), monotonic time and timers for one switch."""

    virtual: bool = False

    @abstractmethod
    def now(self) -> float:
        """Epoch seconds."""

    @abstractmethod
    def monotonic(self) -> float:
        """Seconds on a monotonic scale (only differences are meaningful)."""

    @abstractmethod
    def call_later(self, delay: float, callback: Callable[..., Any], *args: Any) -> TimerHandle:
        """Run ``callback(*args)`` after ``delay`` seconds (in the event loop thread)."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release background resources (the virtual clock's driver task)."""

    async def sleep(self, delay: float) -> None:
        """Wait ``delay`` seconds of this clock's time."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        handle = self.call_later(delay, _resolve, fut)
        try:
            await fut
        finally:
            handle.cancel()

    async def wait(self, fut: asyncio.Future[Any], timeout: float | None) -> bool:
        """Wait until ``fut`` is done or ``timeout`` seconds passed; True when done.

        ``fut`` is never cancelled by the timeout (unlike ``asyncio.wait_for``).
        """
        if fut.done():
            return True
        if timeout is None:
            await asyncio.shield(fut)
            return True
        if timeout <= 0:
            return False
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()

        def done(_: object) -> None:
            _resolve(waiter)

        fut.add_done_callback(done)
        handle = self.call_later(timeout, _resolve, waiter)
        try:
            await waiter
        finally:
            handle.cancel()
            fut.remove_done_callback(done)
        return fut.done()


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class RealClock(Clock):
    """Real time: ``time.time()`` and the event loop's timers."""

    virtual = False

    def now(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def call_later(self, delay: float, callback: Callable[..., Any], *args: Any) -> TimerHandle:
        return asyncio.get_running_loop().call_later(max(0.0, delay), callback, *args)


class _VirtualTimer:
    __slots__ = ("args", "callback", "cancelled", "clock", "deadline", "seq")

    def __init__(
        self,
        clock: VirtualClock,
        deadline: float,
        seq: int,
        callback: Callable[..., Any],
        args: tuple[Any, ...],
    ) -> None:
        self.clock = clock
        self.deadline = deadline
        self.seq = seq
        self.callback = callback
        self.args = args
        self.cancelled = False

    def __lt__(self, other: _VirtualTimer) -> bool:
        return (self.deadline, self.seq) < (other.deadline, other.seq)

    def cancel(self) -> None:
        if not self.cancelled:
            self.cancelled = True
            self.clock._cancelled += 1


class VirtualClock(Clock):
    """Virtual time that advances to the next timer whenever the event loop is idle.

    ``start`` is the epoch the clock shows at creation. The driver task starts with
    the first timer and lives until :meth:`aclose`. Timers with equal deadlines fire
    in the order they were created, so runs are deterministic.
    """

    virtual = True
    #: Loop iterations probed per idle check before giving up and trying again.
    MAX_SPINS = 64
    #: Consecutive empty ready-queue observations that count as idle.
    QUIET_SPINS = 2
    #: Yields used as the idle test on loops without an inspectable ready queue.
    FALLBACK_SPINS = 20

    def __init__(self, start: float | None = None, autojump_threshold: float = 0.0) -> None:
        self._start = time.time() if start is None else float(start)
        self._elapsed = 0.0
        self._threshold = max(0.0, autojump_threshold)
        self._heap: list[_VirtualTimer] = []
        self._seq = 0
        self._cancelled = 0
        self._driver: asyncio.Task[None] | None = None
        self._wakeup: asyncio.Future[None] | None = None
        self._closed = False
        self.jumps = 0

    def now(self) -> float:
        return self._start + self._elapsed

    def monotonic(self) -> float:
        return self._elapsed

    def call_later(self, delay: float, callback: Callable[..., Any], *args: Any) -> TimerHandle:
        self._seq += 1
        timer = _VirtualTimer(self, self._elapsed + max(0.0, delay), self._seq, callback, args)
        heapq.heappush(self._heap, timer)
        self._ensure_driver()
        return timer

    def advance(self, seconds: float) -> None:
        """Move time forward by hand, firing due timers (for tests that step time)."""
        self._elapsed += max(0.0, seconds)
        self._fire_due()

    async def aclose(self) -> None:
        self._closed = True
        if self._driver is not None:
            self._driver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._driver
            self._driver = None

    # -- driver -----------------------------------------------------------------------

    def _ensure_driver(self) -> None:
        if self._closed:
            return
        if self._driver is None or self._driver.done():
            loop = asyncio.get_running_loop()
            self._driver = loop.create_task(self._drive(), name="pyerlsw-virtual-clock")
        elif self._wakeup is not None:
            _resolve(self._wakeup)

    def _drop_cancelled(self) -> None:
        heap = self._heap
        while heap and heap[0].cancelled:
            heapq.heappop(heap)
            self._cancelled -= 1
        if self._cancelled > 1024 and self._cancelled * 2 > len(heap):
            self._heap = [t for t in heap if not t.cancelled]
            heapq.heapify(self._heap)
            self._cancelled = 0

    async def _drive(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._closed:
            self._drop_cancelled()
            if not self._heap:
                self._wakeup = loop.create_future()
                try:
                    await self._wakeup
                finally:
                    self._wakeup = None
                continue
            if not await self._idle(loop):
                continue
            if self._threshold > 0:
                await asyncio.sleep(self._threshold)
                if not await self._idle(loop):
                    continue
            self._drop_cancelled()
            if not self._heap:
                continue
            deadline = self._heap[0].deadline
            if deadline > self._elapsed:
                self._elapsed = deadline
                self.jumps += 1
            self._fire_due()

    async def _idle(self, loop: asyncio.AbstractEventLoop) -> bool:
        ready = getattr(loop, "_ready", None)
        if ready is None:
            for _ in range(self.FALLBACK_SPINS):
                await asyncio.sleep(0)
            return True
        quiet = 0
        for _ in range(self.MAX_SPINS):
            await asyncio.sleep(0)
            if ready:
                quiet = 0
            else:
                quiet += 1
                if quiet >= self.QUIET_SPINS:
                    return True
        return False

    def _fire_due(self) -> None:
        heap = self._heap
        while heap and heap[0].deadline <= self._elapsed:
            timer = heapq.heappop(heap)
            if timer.cancelled:
                self._cancelled -= 1
                continue
            timer.cancelled = True  # a fired timer cannot be cancelled any more
            try:
                timer.callback(*timer.args)
            except Exception as exc:  # a broken callback must not stop time
                asyncio.get_running_loop().call_exception_handler(
                    {"message": "virtual clock timer callback failed", "exception": exc}
                )
