"""Bridges: two channels joined, and what happens to each when the bridge ends.

A :class:`Bridge` has an *originator* ``a`` and a *peer* ``b``. The ``bridge``
application makes the calling channel the originator (it stays in CS_EXECUTE running
the application) and the answered leg the peer (CS_EXCHANGE_MEDIA); ``uuid_bridge``
moves both channels to CS_EXCHANGE_MEDIA. CHANNEL_BRIDGE and CHANNEL_UNBRIDGE are fired
once each, on the originator, with ``Bridge-A-Unique-ID``/``Bridge-B-Unique-ID``.

When one side leaves (hangs up, is transferred or parked), the bridge ends and the
other side follows FreeSWITCH's after-bridge rules:

* the peer: ``park_after_bridge=true`` parks it, ``transfer_after_bridge=<exten>
  [dialplan] [context]`` transfers it, otherwise it is hung up with the leaving side's
  cause (NORMAL_CLEARING when that side did not hang up);
* the originator: ``hangup_after_bridge=true`` hangs it up (with the peer's cause),
  ``park_after_bridge``/``transfer_after_bridge`` as above, otherwise it continues its
  dialplan (the ``bridge`` application returns; after ``uuid_bridge`` it re-enters
  CS_EXECUTE).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.causes import CAUSES, cause_name
from pyerlsw.switch.dialplan.strings import is_true
from pyerlsw.switch.states import ChannelState

if TYPE_CHECKING:
    from pyerlsw.switch.session import Session

__all__ = ["Bridge", "after_bridge", "bridge_sessions", "leave_bridge", "uuid_bridge"]

class Bridge:
    """A live bridge between originator ``a`` and peer ``b``."""

    __slots__ = ("a", "active", "b", "originated")

    def __init__(self, a: Session, b: Session, *, originated: bool) -> None:
        self.a = a
        self.b = b
        self.originated = originated
        self.active = False

    def _ids(self) -> tuple[tuple[str, str], ...]:
        return (("Bridge-A-Unique-ID", self.a.uuid), ("Bridge-B-Unique-ID", self.b.uuid))

    def start(self) -> None:
        a, b = self.a, self.b
        now_us = int(a.switch.clock.now() * 1_000_000)
        self.active = True
        for me, other, kind in ((a, b, "originatee"), (b, a, "originator")):
            me.bridge = self
            ch = me.channel
            ch.set_other(kind, other.channel)
            ch.set_variable("bridge_to", other.uuid)
            ch.set_variable("bridge_channel", other.channel.name)
            ch.set_variable("bridge_uuid", other.uuid)
            ch.set_variable("signal_bond", other.uuid)
            ch.set_variable("last_bridge_to", other.uuid)
            ch.stamp(bridged=now_us)
            me.watchers.append(other.wake)
        a.channel.fire("CHANNEL_BRIDGE", pre=self._ids())
        a.poke()
        b.poke()

    def end(self, leaver: Session) -> None:
        """End the bridge because ``leaver`` left; apply the after-bridge rules to the
        other side."""
        if not self.active:
            return
        self.active = False
        a, b = self.a, self.b
        for me, other in ((a, b), (b, a)):
            if me.bridge is self:
                me.bridge = None
            if other.wake in me.watchers:
                me.watchers.remove(other.wake)
            ch = me.channel
            if ch.ready:
                ch.set_variable("bridge_to", None)
                ch.set_variable("bridge_channel", None)
                ch.set_variable("bridge_uuid", None)
                ch.set_variable("signal_bond", None)
        a.channel.fire("CHANNEL_UNBRIDGE", pre=self._ids())
        other = b if leaver is a else a
        left_cause = leaver.channel.hangup_cause
        if left_cause is not None and other.channel.ready:
            other.channel.set_variable("bridge_hangup_cause", cause_name(left_cause))
            other.channel.set_variable("last_bridge_hangup_cause", cause_name(left_cause))
        if other is a:
            if not self.originated:
                after_bridge(a, left_cause, resume=True)
        else:
            _peer_after_bridge(b, left_cause)
        a.poke()
        b.poke()


def _transfer_after(session: Session, target: str) -> None:
    parts = target.replace(":", " ").split()
    if parts:
        session.transfer(parts[0], *(parts[1:3]))


def _peer_after_bridge(peer: Session, left_cause: int | None) -> None:
    ch = peer.channel
    if not ch.ready or peer.interrupted():
        return
    transfer = ch.get_variable("transfer_after_bridge")
    if is_true(ch.get_variable("park_after_bridge")):
        ch.request_state(ChannelState.CS_PARK)
    elif transfer:
        _transfer_after(peer, transfer)
    else:
        ch.hangup(left_cause if left_cause is not None else CAUSES["NORMAL_CLEARING"])


def after_bridge(originator: Session, peer_cause: int | None, *, resume: bool) -> None:
    """Apply the originator's after-bridge rules. ``resume`` re-enters CS_EXECUTE (after
    ``uuid_bridge``); the ``bridge`` application simply returns instead."""
    ch = originator.channel
    if not ch.ready or (originator.interrupted() and not resume):
        return
    transfer = ch.get_variable("transfer_after_bridge")
    if is_true(ch.get_variable("hangup_after_bridge")):
        ch.hangup(peer_cause if peer_cause is not None else CAUSES["NORMAL_CLEARING"])
    elif is_true(ch.get_variable("park_after_bridge")):
        ch.request_state(ChannelState.CS_PARK)
    elif transfer:
        _transfer_after(originator, transfer)
    elif resume:
        ch.request_state(ChannelState.CS_EXECUTE)


def leave_bridge(session: Session) -> None:
    """End ``session``'s bridge, if any, with ``session`` as the side that left."""
    bridge = session.bridge
    if bridge is not None and bridge.active:
        bridge.end(session)
    session.bridge = None
    ch = session.channel
    if ch.ready and ch.state == ChannelState.CS_EXCHANGE_MEDIA:
        # Nothing left to exchange media with and no rule moved us: hang up.
        ch.hangup(CAUSES["NORMAL_CLEARING"])


async def bridge_sessions(a: Session, b: Session) -> int | None:
    """Bridge originator ``a`` (the running session) with answered peer ``b`` until one
    side leaves; returns the peer's hangup cause (None when it did not hang up)."""
    if a.bridge is not None:
        leave_bridge(a)
    bridge = Bridge(a, b, originated=True)
    b.channel.flags.discard("originating")
    b.channel.request_state(ChannelState.CS_EXCHANGE_MEDIA)
    bridge.start()
    try:
        while bridge.active and not a.interrupted() and b.channel.ready:
            await a.process_commands()
            if not bridge.active or a.interrupted() or not b.channel.ready:
                break
            if a.pending_commands:
                continue
            await a.wait(idle=True)
    finally:
        if bridge.active:
            bridge.end(a if a.interrupted() else b)
    return b.channel.hangup_cause


def uuid_bridge(a: Session, b: Session) -> bool:
    """``uuid_bridge``: move both channels into a bridge (both leave whatever they were
    running). False when either is gone or they are the same channel."""
    if a is b or not a.channel.ready or not b.channel.ready:
        return False
    for session in (a, b):
        session.channel.flags.discard("originating")
        session.channel.request_state(ChannelState.CS_EXCHANGE_MEDIA)
    for session in (a, b):
        old = session.bridge
        if old is not None and old.active:
            old.end(session)
    if not (a.channel.ready and b.channel.ready):
        return False
    Bridge(a, b, originated=False).start()
    return True
