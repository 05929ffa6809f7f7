"""What one connection sends on its own: events, log lines and attached calls' messages.

FreeSWITCH's listener loop (spec §3.1) sends, per iteration, at most ``max-log-bulk``
log lines, at most ``max-event-bulk`` events and, for every attached call, its
``{call, ..}``, one ``{call_event, ..}`` or its final flush; then, if it sent nothing,
sleeps 10 ms. :class:`Delivery` keeps that *turn* and its proportions but no sleeping
and no polling: a turn runs when something was queued, turns follow each other
without a pause while there is work, and after every :data:`TURN_BUDGET` messages the
connection yields to the event loop and waits until the peer's socket drains (flow
control), so a slow peer fills only its own bounded queues.

Queues are bounded (``max-event-queue``, ``max-log-queue``, ``max-call-event-queue``,
100,000 by default). Items are pre-encoded :class:`~pyerlsw.dist.EncodedTerm`
payloads, shared by every connection that gets the same event. Events and log lines
that find no handler are dropped when their turn comes, as in FreeSWITCH.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, Literal

from pyerlsw.dist import EncodedTerm

from .calls import AttachedCall, CallPhase
from .messages import call_hangup
from .queues import DeliveryQueue, SentCounters, lost_items_trap

if TYPE_CHECKING:
    from .listener import Listener

__all__ = ["TURN_BUDGET", "Delivery"]

log = logging.getLogger("pyerlsw.gateway")

TURN_BUDGET: Final = 256
"""Messages one connection sends before it yields to the event loop and waits for its
socket to drain."""

_CRIT = 2


class Delivery:
    """The queues, counters and sending task of one connection (a :class:`Listener`)."""

    __slots__ = ("_listener", "_task", "_wake", "counters", "events", "logs")

    def __init__(self, listener: Listener) -> None:
        config = listener.config
        self._listener = listener
        self.events: DeliveryQueue[tuple[EncodedTerm, str | None]] = DeliveryQueue(
            config.max_event_queue)
        self.logs: DeliveryQueue[EncodedTerm] = DeliveryQueue(config.max_log_queue)
        self.counters = SentCounters()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        listener = self._listener
        self._task = listener.gateway.spawn(self._run(),
                                            f"mod_erlang_event delivery {listener.peer}")

    def stop(self) -> None:
        """Stop sending; queued items are dropped."""
        self.events.clear()
        self.logs.clear()
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def wake(self) -> None:
        """Something was queued (or a call changed): run turns soon."""
        if not self._wake.is_set():
            self._wake.set()

    # ------------------------------------------------------------------ queueing

    def queue_event(self, payload: EncodedTerm, event_type: str | None) -> None:
        """Queue an event for the connection's event handler."""
        result = self.events.push((payload, event_type))
        if result.queued:
            if result.report_lost:
                self.report_loss(result.report_lost, "events")
            self.wake()

    def queue_log(self, payload: EncodedTerm) -> None:
        """Queue a log line for the connection's log handler."""
        result = self.logs.push(payload)
        if result.queued:
            if result.report_lost:
                self.report_loss(result.report_lost, "log lines")
            self.wake()

    def queue_call_event(self, call: AttachedCall, payload: EncodedTerm) -> None:
        """Queue a ``{call_event, ..}`` for an attached call."""
        lost = call.queue_event(payload)
        if lost >= 0:
            if lost:
                self.report_loss(lost, "events")
            self.wake()

    def report_loss(self, count: int, kind: Literal["events", "log lines"]) -> None:
        """``Lost N events!`` at CRIT and a ``TRAP`` event (§5.2, §6)."""
        listener = self._listener
        switch = listener.switch
        text = "events" if kind == "events" else "log lines"
        switch.log(_CRIT, f"Lost {count} {text}!\n", file="mod_erlang_event.c",
                   function="event_handler")
        switch.fire(switch.new_event(
            "TRAP", pre=lost_items_trap(count, kind),
            origin=("mod_erlang_event.c", "event_handler", 0)))

    # ------------------------------------------------------------------ turns

    async def _run(self) -> None:
        listener = self._listener
        node = listener.node
        while True:
            await self._wake.wait()
            self._wake.clear()
            while not listener.closed:
                budget = TURN_BUDGET
                progress = 0
                try:
                    while budget > 0:
                        done = self.turn(budget)
                        if not done:
                            break
                        progress += done
                        budget -= done
                except Exception:  # a bug must not silence the connection for good
                    log.exception("%s: a delivery turn failed", listener.peer)
                if not progress:
                    break
                await node.drain(listener.peer)
                if budget > 0:
                    break

    def turn(self, budget: int = 1) -> int:
        """One FreeSWITCH loop iteration's sending (§3.1); returns how many items it
        took from the queues (sent, or dropped for want of a handler).

        When only events are waiting (no log lines, no attached calls) there is nothing
        to interleave them with, so up to ``budget`` of them go at once: the same
        messages in the same order as that many one-event turns, for less work."""
        listener = self._listener
        config = listener.config
        taken = 0
        event_bulk = config.max_event_bulk
        if event_bulk > 0 and budget > event_bulk and not self.logs and not listener.calls:
            event_bulk = budget
        if self.logs and config.max_log_bulk > 0:
            handler = listener.log_handler
            for payload in self.logs.pop(config.max_log_bulk):
                taken += 1
                if handler is not None:
                    listener.send(handler, payload)
                    self.counters.log_sent()
        if self.events and event_bulk > 0:
            handler = listener.event_handler
            items = self.events.pop(event_bulk)
            taken += len(items)
            if handler is not None:
                listener.send_all(handler, [payload for payload, _ in items])
                counted = self.counters.event_sent
                for _, event_type in items:
                    counted(event_type)
        if listener.calls:
            for call in list(listener.calls.values()):
                taken += self._call_turn(call)
        return taken

    def _call_turn(self, call: AttachedCall) -> int:
        """One call's share of a turn, by its phase (:data:`_CALL_TURNS`)."""
        return _CALL_TURNS[call.phase](self, call)

    def _active_turn(self, call: AttachedCall) -> int:
        """``{call, ..}`` first, then one queued ``{call_event, ..}``."""
        listener = self._listener
        handler = call.handler
        assert handler is not None
        if not call.initial_sent:
            if call.channel_gone:
                listener.detach(call)
                return 1
            call.initial_sent = True
            listener.send(handler, call.initial_payload(listener.switch, listener.encoding))
            return 1
        items = call.queue.pop(1)
        if items:
            listener.send(handler, items[0])
            return 1
        return 0

    def _complete_turn(self, call: AttachedCall) -> int:
        self._finish(call)
        return 1

    def _finish(self, call: AttachedCall) -> None:
        """§9.6: every queued event, then ``{call_hangup, UUID}``, then detach. Events
        the switch fired before the channel's end are taken from its bus first, so
        the handler always sees them before ``call_hangup``."""
        listener = self._listener
        handler = call.handler
        if handler is None or not call.initial_sent:
            listener.detach(call)
            return
        listener.gateway.dispatch_pending()
        for payload in call.queue.pop(len(call.queue)):
            listener.send(handler, payload)
        listener.send(handler, call_hangup(call.uuid, listener.encoding))
        listener.detach(call)


def _idle_turn(_delivery: Delivery, _call: AttachedCall) -> int:
    return 0


_CALL_TURNS: dict[CallPhase, Callable[[Delivery, AttachedCall], int]] = {
    CallPhase.WAITING: _idle_turn,  # events queue up until the pid is known
    CallPhase.ACTIVE: Delivery._active_turn,
    CallPhase.COMPLETE: Delivery._complete_turn,
    CallPhase.DESTROYED: _idle_turn,
}
"""What a delivery turn does for an attached call in each phase (see
:mod:`pyerlsw.gateway.calls`)."""
