"""Bounded queues and loss reporting (§5.2, §6)."""

from __future__ import annotations

import pytest

from pyerlsw.gateway.queues import DeliveryQueue, PushResult, SentCounters, lost_items_trap


def test_losses_are_counted_and_reported_once():
    queue: DeliveryQueue[int] = DeliveryQueue(2)
    assert queue.push(1) == PushResult(True)
    assert queue.push(2) == PushResult(True)
    assert queue.push(3) == PushResult(False)
    assert queue.push(4) == PushResult(False)
    assert (queue.lost, queue.total_lost) == (2, 2)
    assert queue.pop(1) == [1]
    assert queue.push(5) == PushResult(True, report_lost=2)
    assert (queue.lost, queue.total_lost) == (0, 2)
    assert queue.push(6) == PushResult(False)
    assert list(queue) == [2, 5]


def test_pop_limits_and_clear():
    queue: DeliveryQueue[str] = DeliveryQueue(10)
    for item in "abcde":
        queue.push(item)
    assert queue.pop(0) == []
    assert queue.pop(-1) == []
    assert queue.pop(2) == ["a", "b"]
    assert queue.pop(99) == ["c", "d", "e"]
    queue.push("x")
    queue.clear()
    assert len(queue) == 0 and queue.maxlen == 10
    with pytest.raises(ValueError):
        DeliveryQueue(0)


def test_trap_headers():
    assert lost_items_trap(3, "events") == (("info", "lost 3 events"),)
    assert lost_items_trap(1, "log lines") == (("info", "lost 1 log lines"),)


def test_sent_counters():
    counters = SentCounters()
    for name in ("CHANNEL_CREATE", "CHANNEL_ANSWER", "CHANNEL_HANGUP_COMPLETE", None):
        counters.event_sent(name)
    counters.log_sent()
    assert counters == SentCounters(events=4, logs=1, creates=1, hangups=1)
