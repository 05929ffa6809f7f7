"""Bounded delivery queues with FreeSWITCH's loss accounting (spec §5.2, §6, §9.5).

Each connection has an event queue and a log queue, each attached call an event queue
(100,000 entries by default, see ``max-*-queue`` in :mod:`pyerlsw.gateway.config`).
When a queue is full the item is dropped and counted; the next item that fits reports
the count once, and the caller then logs ``Lost N events!`` (CRIT) and fires a
``TRAP`` event built with :func:`lost_items_trap`. The console shows the count of the
current run of losses (it drops back to 0 once reported), as FreeSWITCH does.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

__all__ = ["DeliveryQueue", "PushResult", "SentCounters", "lost_items_trap"]

Item = TypeVar("Item")


@dataclass(frozen=True, slots=True)
class PushResult:
    """What :meth:`DeliveryQueue.push` did: ``queued``, and when it queued after a run
    of losses, how many items were lost (``report_lost > 0``: log and fire the TRAP)."""

    queued: bool
    report_lost: int = 0


_DROPPED = PushResult(False)
_QUEUED = PushResult(True)


class DeliveryQueue(Generic[Item]):
    """A FIFO of at most ``maxlen`` items that counts what it had to drop."""

    __slots__ = ("_items", "_maxlen", "lost", "total_lost")

    def __init__(self, maxlen: int) -> None:
        if maxlen < 1:
            raise ValueError("a delivery queue needs room for at least one item")
        self._items: deque[Item] = deque()
        self._maxlen = maxlen
        self.lost = 0
        """Items lost since the last report (what ``erlang listeners`` shows)."""
        self.total_lost = 0
        """Items lost over the queue's life."""

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Item]:
        return iter(self._items)

    @property
    def maxlen(self) -> int:
        """The bound."""
        return self._maxlen

    def push(self, item: Item) -> PushResult:
        """Queue ``item`` unless the queue is full (then count it as lost)."""
        if len(self._items) >= self._maxlen:
            self.lost += 1
            self.total_lost += 1
            return _DROPPED
        self._items.append(item)
        if self.lost:
            lost, self.lost = self.lost, 0
            return PushResult(True, lost)
        return _QUEUED

    def pop(self, limit: int) -> list[Item]:
        """Up to ``limit`` items, oldest first (``limit <= 0``: none, like a
        ``max-event-bulk`` of 0)."""
        items = self._items
        count = min(limit, len(items))
        return [items.popleft() for _ in range(count)]

    def clear(self) -> None:
        """Drop everything queued (``noevents``, ``nolog``); loss counts stay."""
        self._items.clear()


def lost_items_trap(
    count: int, kind: Literal["events", "log lines"]
) -> tuple[tuple[str, str], ...]:
    """The headers (after the standard ones) of the ``TRAP`` event reporting losses:
    ``info: lost N events`` or ``info: lost N log lines``."""
    return (("info", f"lost {count} {kind}"),)


@dataclass(slots=True)
class SentCounters:
    """What ``erlang listeners`` shows per connection: events and log lines sent, and
    the CHANNEL_CREATE and CHANNEL_HANGUP_COMPLETE events among them."""

    events: int = 0
    logs: int = 0
    creates: int = 0
    hangups: int = 0

    def event_sent(self, event_type: str | None) -> None:
        """Count one event sent to the event handler."""
        self.events += 1
        if event_type == "CHANNEL_CREATE":
            self.creates += 1
        elif event_type == "CHANNEL_HANGUP_COMPLETE":
            self.hangups += 1

    def log_sent(self) -> None:
        """Count one log line sent to the log handler."""
        self.logs += 1
