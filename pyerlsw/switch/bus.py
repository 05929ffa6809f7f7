"""Fan-out of events and log records to many consumers, in order, never blocking.

:meth:`Bus.publish` appends the item to the queue of every subscribed
:class:`Stream` whose filter accepts it, synchronously and in the publisher's order,
so every consumer sees the same order the core produced. Queues are bounded: when a
consumer falls behind, new items are dropped *for that consumer only* and counted in
:attr:`Stream.lost`; the next item that fits triggers the bus's ``on_loss`` callback
with the number dropped since the last report (the switch logs it at CRIT, like
FreeSWITCH's "Lost N events!"). A slow consumer therefore costs memory up to its limit
and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Generic, TypeVar

__all__ = ["Bus", "Stream", "StreamClosed"]

T = TypeVar("T")


class StreamClosed(Exception):
    """Raised by :meth:`Stream.get` once the stream is closed and drained."""


class Stream(Generic[T]):
    """One consumer's bounded queue. Iterate it with ``async for`` or call :meth:`get`."""

    __slots__ = (
        "_accept",
        "_bus",
        "_items",
        "_unreported",
        "_waiter",
        "closed",
        "delivered",
        "lost",
        "maxsize",
        "name",
    )

    def __init__(
        self,
        bus: Bus[T],
        maxsize: int,
        accept: Callable[[T], bool] | None,
        name: str,
    ) -> None:
        self._bus = bus
        self._accept = accept
        self._items: deque[T] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._unreported = 0
        self.maxsize = maxsize
        self.name = name
        self.closed = False
        self.lost = 0
        self.delivered = 0

    def _offer(self, item: T) -> None:
        accept = self._accept
        if accept is not None:
            try:
                if not accept(item):
                    return
            except Exception:
                return
        items = self._items
        if len(items) >= self.maxsize:
            self.lost += 1
            self._unreported += 1
            return
        if self._unreported:
            lost, self._unreported = self._unreported, 0
            self._bus._report_loss(self, lost)
        items.append(item)
        self.delivered += 1
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def __len__(self) -> int:
        return len(self._items)

    def get_nowait(self) -> T | None:
        """The next item, or None when the queue is empty."""
        return self._items.popleft() if self._items else None

    def drain(self) -> list[T]:
        """Everything queued now (possibly nothing), oldest first."""
        items = list(self._items)
        self._items.clear()
        return items

    async def get(self) -> T:
        """Wait for the next item; raises :class:`StreamClosed` after :meth:`close`."""
        while not self._items:
            if self.closed:
                raise StreamClosed(self.name)
            waiter = asyncio.get_running_loop().create_future()
            self._waiter = waiter
            try:
                await waiter
            finally:
                self._waiter = None
        return self._items.popleft()

    def close(self) -> None:
        """Stop receiving; queued items can still be read."""
        if self.closed:
            return
        self.closed = True
        self._bus._remove(self)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[T]:
        while True:
            try:
                yield await self.get()
            except StreamClosed:
                return

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Bus(Generic[T]):
    """Publishes items to subscribed streams. One bus per switch and kind of item."""

    def __init__(
        self,
        default_maxsize: int,
        on_loss: Callable[[Stream[T], int], None] | None = None,
    ) -> None:
        self.default_maxsize = default_maxsize
        self._on_loss = on_loss
        self._streams: tuple[Stream[T], ...] = ()
        self.published = 0

    def subscribe(
        self,
        accept: Callable[[T], bool] | None = None,
        *,
        maxsize: int | None = None,
        name: str = "",
    ) -> Stream[T]:
        """A new stream receiving every later item ``accept`` returns true for (all items
        when ``accept`` is None), at most ``maxsize`` queued (default: the bus's)."""
        size = self.default_maxsize if maxsize is None else max(1, maxsize)
        stream: Stream[T] = Stream(self, size, accept, name)
        self._streams = (*self._streams, stream)
        return stream

    @property
    def streams(self) -> tuple[Stream[T], ...]:
        return self._streams

    def publish(self, item: T) -> None:
        self.published += 1
        for stream in self._streams:
            stream._offer(item)

    def _remove(self, stream: Stream[T]) -> None:
        self._streams = tuple(s for s in self._streams if s is not stream)

    def _report_loss(self, stream: Stream[T], lost: int) -> None:
        if self._on_loss is not None:
            with contextlib.suppress(Exception):
                self._on_loss(stream, lost)
