"""Calls attached to a connection: outbound mode and ``handlecall`` (spec §9.5-§9.7).

An :class:`AttachedCall` is what FreeSWITCH keeps per attached session: the UUID, the
handler (a pid, or a registered name on the peer node), the call's own subscription
(:class:`~pyerlsw.gateway.subscriptions.CallEvents`, initially ALL) and a bounded queue
of ``{call_event, ..}`` payloads. Attaching hooks the channel's state changes and
takes a soft lock, so the channel's final destruction waits (at most the switch's
``soft_lock_timeout``, 5 s) until the gateway has sent ``{call_hangup, UUID}``.

Life of an attachment, driven by the connection's delivery turns
(:mod:`pyerlsw.gateway.delivery`):

=============  ==========================================  ==============================
phase          what a delivery turn does                   next
=============  ==========================================  ==============================
waiting        pid modes: events queue up, nothing is      ``{Ref, Pid}`` -> active
               sent until ``{Ref, Pid}`` arrives
active         first ``{call, CHANNEL_DATA}``, then one    CS_DESTROY seen, or the
               ``{call_event, ..}`` per turn               handler died -> complete
complete       queued events flushed, ``{call_hangup}``    destroyed
               (dropped silently if ``{call, ..}`` never
               went out)
destroyed      hook and soft lock released, an outbound
               call leaves its park
=============  ==========================================  ==============================

Connection loss or gateway shutdown destroys an attachment without ``call_hangup``
(§11.3); the handler's death completes it (§9.7).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING

from pyerlsw.dist import EncodedTerm
from pyerlsw.etf import Atom, Pid, Reference
from pyerlsw.switch.states import ChannelState

from .eventterm import PreparedEvent
from .queues import DeliveryQueue
from .subscriptions import CallEvents
from .text import Encoding

if TYPE_CHECKING:
    from pyerlsw.switch.channel import Channel
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["AttachedCall", "CallPhase", "Handler", "channel_data_event"]

Handler = Pid | tuple[Atom, Atom]
"""Who gets a call's messages: a pid, or ``(RegisteredName, Node)``."""

_LOCK_IDS = itertools.count(1)
_CHANNEL_DATA_ORIGIN = ("mod_erlang_event.c", "notify_new_session", 0)
_REPLY_HEADERS = (("Content-Type", "command/reply"), ("Reply-Text", "+OK\n"))


class CallPhase(Enum):
    """Where an attachment is in its life (see the module docstring)."""

    WAITING = "waiting"
    ACTIVE = "active"
    COMPLETE = "complete"
    DESTROYED = "destroyed"


def channel_data_event(switch: Switch, channel: Channel) -> PreparedEvent:
    """The ``CHANNEL_DATA`` event of a call's first message (§9.5): standard headers,
    the caller profile with the ``Channel-`` prefix, the channel data with every
    variable, then ``Content-Type: command/reply`` and ``Reply-Text: +OK``."""
    event = switch.new_event(
        "CHANNEL_DATA",
        pre=tuple(channel.profile_headers("Channel")),
        channel=channel.snapshot(True),
        post=_REPLY_HEADERS,
        origin=_CHANNEL_DATA_ORIGIN,
    )
    return PreparedEvent(event.headers, event.body, event_type=event.name, subclass=None)


class AttachedCall:
    """One session attached to one connection.

    Args:
        session: the switch session.
        handler: where messages go; ``None`` while waiting for a pid.
        outbound: attached by the ``erlang`` application (its park ends when the
            attachment is destroyed); ``False`` for ``handlecall``.
        max_queue: bound of the call's event queue.
        on_change: called when the call needs a delivery turn (its CS_DESTROY).
    """

    __slots__ = (
        "_on_change",
        "_release_lock",
        "events",
        "handler",
        "initial_sent",
        "outbound",
        "phase",
        "queue",
        "ref",
        "session",
        "state",
        "uuid",
        "waiter",
    )

    def __init__(self, session: Session, handler: Handler | None, *, outbound: bool,
                 max_queue: int, on_change: Callable[[], None]) -> None:  # fmt: skip
        self.session = session
        self.uuid = session.uuid
        self.handler = handler
        self.outbound = outbound
        self.events = CallEvents()
        self.queue: DeliveryQueue[EncodedTerm] = DeliveryQueue(max_queue)
        self.phase = CallPhase.ACTIVE if handler is not None else CallPhase.WAITING
        self.initial_sent = False
        self.state = "CS_NEW"
        self.ref: Reference | None = None
        self.waiter: asyncio.Future[Pid | None] | None = None
        self._on_change = on_change
        self._release_lock = session.add_soft_lock(f"mod_erlang_event:{next(_LOCK_IDS)}")
        session.channel.state_hooks.append(self._on_state)
        if session.channel.running_state >= ChannelState.CS_DESTROY:
            self.phase = CallPhase.COMPLETE

    def __repr__(self) -> str:
        return f"<AttachedCall {self.uuid} {self.phase.value} -> {self.handler!r}>"

    # ------------------------------------------------------------------ handler

    @property
    def handler_pid(self) -> Pid | None:
        """The handler when it is a pid (pid modes, ``handlecall/2``)."""
        return self.handler if type(self.handler) is Pid else None

    def wait_for_pid(self, ref: Reference) -> asyncio.Future[Pid | None]:
        """Start waiting for ``{Ref, Pid}``; the future gets the pid, or ``None`` when
        the attachment goes away first."""
        self.ref = ref
        self.waiter = asyncio.get_running_loop().create_future()
        return self.waiter

    def bind_pid(self, pid: Pid) -> None:
        """The answer arrived: messages go to ``pid`` from now on."""
        self.handler = pid
        self.ref = None
        if self.phase is CallPhase.WAITING:
            self.phase = CallPhase.ACTIVE
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(pid)
        self._on_change()

    # ------------------------------------------------------------------ events

    @property
    def channel_gone(self) -> bool:
        """The session has been destroyed (or is past its final state)."""
        return self.session.destroyed.done()

    def queue_event(self, payload: EncodedTerm) -> int:
        """Queue a ``{call_event, ..}``; returns how many events were lost before it
        (``> 0``: report the loss) or ``-1`` when this one was lost."""
        result = self.queue.push(payload)
        if not result.queued:
            return -1
        return result.report_lost

    def _on_state(self, _channel: Channel, state: ChannelState) -> None:
        self.state = state.name
        if state >= ChannelState.CS_DESTROY and self.phase is not CallPhase.DESTROYED:
            self.phase = CallPhase.COMPLETE
            self._on_change()

    def complete(self) -> None:
        """Finish the call as if it had ended (the handler died, §9.7)."""
        if self.phase is not CallPhase.DESTROYED:
            self.phase = CallPhase.COMPLETE
            self._on_change()

    def initial_payload(self, switch: Switch, encoding: Encoding) -> EncodedTerm:
        """``{call, {event, [...]}}`` with the channel as it is now."""
        event = channel_data_event(switch, self.session.channel)
        return EncodedTerm(event.call_payload(encoding))

    # ------------------------------------------------------------------ end

    def destroy(self, *, release_park: bool = True) -> None:
        """Detach: drop the hook and the soft lock; an outbound call leaves its park
        (its dialplan continues, or it hangs up after the last action) unless
        ``release_park`` is false (a new attachment takes over). Idempotent."""
        if self.phase is CallPhase.DESTROYED:
            return
        self.phase = CallPhase.DESTROYED
        self.queue.clear()
        hooks = self.session.channel.state_hooks
        if self._on_state in hooks:
            hooks.remove(self._on_state)
        self._release_lock()
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)
        if self.outbound and release_park and not self.channel_gone:
            self.session.unpark()
