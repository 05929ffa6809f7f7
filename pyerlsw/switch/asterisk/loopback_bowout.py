"""Bow-out of ``loopback/`` pairs (``mod_loopback.md`` section 4).

Two ways a pair leaves the media path:

* **Bridge bow-out** (:func:`bridge_bowout`): both legs bridged and answered, neither
  vetoed with ``loopback_bowout=false``. The real channel on each side is found by
  :func:`find_non_loopback` (through chains of further pairs whose ``loopback_bowout``
  is not false) and the two are joined with ``uuid_bridge``. Both legs get
  ``loopback_hangup_cause=bridge`` and ``loopback_bowout_other_uuid`` (A: the real
  channel on A's side, B: the one on B's side); with ``loopback_fire_bowout_on_bridge``
  two ``loopback::direct`` events are fired first (one per leg, each with its leg's
  channel data); with ``loopback_bowout_controlled_hangup`` both legs are hung up at
  once with ``loopback_bowout_hangup_cause``, otherwise they go away with their bridges.
* **Execute bow-out** (:func:`execute_bowout`): a leg enters CS_EXECUTE with
  ``loopback_bowout_on_execute`` true, or with an extension that holds an application
  flagged "no loopback" (``unloop``). The real channel on the partner leg's side takes
  the leg's caller profile (keeping its own uuid, name and direction) and the leg's
  extension, and runs it from the start (FreeSWITCH: caller-extension masquerade and
  CS_RESET -> CS_EXECUTE); ``loopback::bowout`` is fired (``Resigning-UUID`` = the leg,
  ``Resigning-Peer-UUID`` = its partner leg, ``Acquired-UUID`` = the real channel), the
  leg gets ``loopback_hangup_cause=bowout`` and ``loopback_bowout_other_uuid`` and is
  hung up with ``loopback_bowout_hangup_cause`` (its partner follows with that cause).

The "partner" of a channel is FreeSWITCH's signal-bond partner: the other side of its
bridge, else the channel that originated it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from pyerlsw.switch.bridge import uuid_bridge
from pyerlsw.switch.causes import parse_cause
from pyerlsw.switch.dialplan.strings import is_false, is_true

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.settings import AsteriskConfig
    from pyerlsw.switch.session import Session

__all__ = [
    "NO_LOOPBACK_APPLICATIONS",
    "PAIR_KEY",
    "PairLike",
    "bridge_bowout",
    "execute_bowout",
    "find_non_loopback",
    "partner",
]

#: Session.private key under which each loopback leg keeps its pair.
PAIR_KEY = "loopback_pair"
#: Applications whose presence in a leg's extension makes it bow out on execute
#: (FreeSWITCH's SAF_NO_LOOPBACK flag; mod_spandsp's fax applications carry it too).
NO_LOOPBACK_APPLICATIONS = frozenset({"unloop", "rxfax", "txfax", "t38_gateway"})
#: Bound on the walk through chained pairs (a cycle can only come from a bug).
_MAX_HOPS = 64


class PairLike(Protocol):
    """What the bow-out needs of a pair (see :class:`~.loopback.LoopbackPair`)."""

    a: Session | None
    b: Session | None
    bowed_out: bool

    def other_leg(self, leg: Session) -> Session | None: ...


def partner(session: Session) -> Session | None:
    """The other side of ``session``'s bridge, else the live channel that originated
    it (FreeSWITCH's ``switch_channel_get_partner_uuid``)."""
    bridge = session.bridge
    if bridge is not None and bridge.active:
        return bridge.b if bridge.a is session else bridge.a
    originator = session.originator
    if originator is not None and originator.channel.ready:
        return originator
    return None


def _pair_of(session: Session) -> PairLike | None:
    pair = session.private.get(PAIR_KEY)
    return pair if pair is not None and hasattr(pair, "other_leg") else None


def find_non_loopback(leg: Session) -> Session | None:
    """The first channel past ``leg``'s partner that is not a loopback leg which
    allows bow-out: ``find_non_loopback_bridge`` of mod_loopback. A loopback leg with
    ``loopback_bowout=false`` stops the walk and is itself the answer."""
    current = partner(leg)
    for _ in range(_MAX_HOPS):
        if current is None:
            return None
        pair = _pair_of(current)
        if pair is None or is_false(current.channel.get_variable("loopback_bowout")):
            return current
        other = pair.other_leg(current)
        if other is None:
            return None
        current = partner(other)
    return None


def bridge_bowout(pair: PairLike, config: AsteriskConfig) -> bool:
    """Join the real channels on both sides of ``pair`` (True when done)."""
    a, b = pair.a, pair.b
    if a is None or b is None:
        return False
    x, y = find_non_loopback(a), find_non_loopback(b)
    if x is None or y is None or x is y:
        return False
    for real in (x, y):
        bridge = real.bridge
        if not real.channel.ready or bridge is None or not bridge.active:
            return False
    pair.bowed_out = True
    if config.loopback_fire_bowout_on_bridge:
        _fire_direct(a, b, x, y)
        _fire_direct(b, a, y, x)
    if not uuid_bridge(x, y):
        return False
    for leg, real in ((a, x), (b, y)):
        leg.channel.set_variable("loopback_hangup_cause", "bridge")
        leg.channel.set_variable("loopback_bowout_other_uuid", real.uuid)
    if config.loopback_bowout_controlled_hangup:
        cause = parse_cause(config.loopback_bowout_hangup_cause)
        for leg in (a, b):
            leg.channel.hangup(cause)
    return True


def _fire(
    leg: Session,
    subclass: str,
    fields: tuple[tuple[str, str], ...],
    function: str,
    *,
    channel_data: bool,
) -> None:
    """Fire ``CUSTOM``/``subclass`` with ``fields`` (and ``leg``'s channel data when
    FreeSWITCH adds it: ``loopback::direct`` has it, ``loopback::bowout`` has not)."""
    origin = ("mod_loopback.c", function, 0)
    if channel_data:
        event = leg.channel.make_event("CUSTOM", subclass=subclass, post=fields, origin=origin)
    else:
        event = leg.switch.new_event("CUSTOM", subclass=subclass, post=fields, origin=origin)
    leg.switch.fire(event)


def _fire_direct(leg: Session, peer: Session, mine: Session, theirs: Session) -> None:
    fields = (
        ("Resigning-UUID", leg.uuid),
        ("Resigning-Peer-UUID", peer.uuid),
        ("Connecting-Leg-A-UUID", mine.uuid),
        ("Connecting-Leg-B-UUID", theirs.uuid),
    )
    _fire(leg, "loopback::direct", fields, "channel_write_frame", channel_data=True)


def wants_execute_bowout(leg: Session) -> bool:
    """``loopback_bowout_on_execute`` is true, or the extension holds a no-loopback
    application."""
    if is_true(leg.channel.get_variable("loopback_bowout_on_execute")):
        return True
    return any(
        action.application.lower() in NO_LOOPBACK_APPLICATIONS for action in leg.extension or ()
    )


def execute_bowout(pair: PairLike, leg: Session, config: AsteriskConfig) -> bool:
    """Hand ``leg``'s extension to the real channel on its partner leg's side and
    hang ``leg`` up (True when done; nothing happens without such a channel)."""
    peer = pair.other_leg(leg)
    if peer is None or not wants_execute_bowout(leg):
        return False
    real = find_non_loopback(peer)
    if real is None or real is leg or not real.channel.ready:
        return False
    pair.bowed_out = True
    ch, rch = leg.channel, real.channel
    leg.log("INFO", f"BOWOUT Replacing loopback channel with real channel: {rch.name}\n")
    fields = (
        ("Resigning-UUID", leg.uuid),
        ("Resigning-Peer-UUID", peer.uuid),
        ("Acquired-UUID", real.uuid),
    )
    _fire(leg, "loopback::bowout", fields, "channel_on_execute", channel_data=False)
    rch.update_profile(
        **{
            field: getattr(ch.profile, field)
            for field in (
                "dialplan", "context", "destination_number", "caller_id_name",
                "caller_id_number", "callee_id_name", "callee_id_number", "ani", "aniii",
                "rdnis", "source", "network_addr", "username",
            )
        }
    )  # fmt: skip
    ch.set_variable("loopback_hangup_cause", "bowout")
    ch.set_variable("loopback_bowout_other_uuid", real.uuid)
    real.transfer_to_extension(list(leg.extension or ()))
    ch.hangup(parse_cause(config.loopback_bowout_hangup_cause))
    return True
