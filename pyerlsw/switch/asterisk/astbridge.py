"""The bridge after a successful Dial (``ast_bridge_call``), on the core's bridges.

:func:`bridge_call` joins the channel that ran Dial (the *owner*) with the answered
leg (the *peer*) using the core's :class:`~pyerlsw.switch.bridge.Bridge` (so
CHANNEL_BRIDGE/CHANNEL_UNBRIDGE and the ``bridge_*`` variables are FreeSWITCH's) and
waits, in the owner's task, until the call ends:

* the owner leaves (hangs up or is transferred): the peer is hung up with the owner's
  cause (or the core's after-bridge rules for the peer apply);
* the peer hangs up: the owner's Dial returns;
* the ``L()``/``S()`` limit expires: the peer is hung up (NORMAL_CLEARING) and Dial
  returns; warnings are logged when the configured time remains;
* the link is *optimized*: a Local pair in the middle was removed and the peer now
  belongs to another link (see :mod:`~pyerlsw.switch.asterisk.localchan`); the
  owner's Dial returns without touching the peer, and its limit is gone with it.

Every live link is indexed in ``layer.links`` by the UUIDs of both sides, which is
how Local optimisation finds "both halves are bridged".
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk.dialopts import CallLimit
from pyerlsw.switch.bridge import Bridge
from pyerlsw.switch.causes import CAUSES
from pyerlsw.switch.states import ChannelState

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer
    from pyerlsw.switch.session import Session

__all__ = ["BridgeLink", "Outcome", "bridge_call"]


class Outcome(enum.Enum):
    CALLER_LEFT = "caller"
    PEER_LEFT = "peer"
    LIMIT = "limit"
    OPTIMIZED = "optimized"


def _start_bridge(bridge: Bridge) -> Bridge:
    peer = bridge.b
    peer.channel.flags.discard("originating")
    peer.channel.request_state(ChannelState.CS_EXCHANGE_MEDIA)
    bridge.start()
    return bridge


class BridgeLink:
    """A live Dial bridge: ``owner`` runs the loop, ``peer`` may be swapped."""

    __slots__ = ("bridge", "optimized", "owner", "peer")

    def __init__(self, owner: Session, peer: Session) -> None:
        self.owner = owner
        self.peer = peer
        self.optimized = False
        self.bridge = Bridge(owner, peer, originated=True)

    def start(self) -> None:
        """Start the core bridge (register the link in ``layer.links`` first, so
        watchers that run on the bridge's start see it)."""
        _start_bridge(self.bridge)

    def uuids(self) -> tuple[str, str]:
        return self.owner.uuid, self.peer.uuid

    def detach_peer(self) -> Session:
        """End the bridge quietly (the owner's loop ends as optimized); returns the
        peer, which stays up and free for another bridge."""
        self.optimized = True
        if self.bridge.active:
            self.bridge.end(self.peer)
        return self.peer

    def swap_peer(self, new_peer: Session) -> Session:
        """Replace the peer (which stays up) by ``new_peer``; returns the old peer."""
        old = self.peer
        if self.bridge.active:
            self.bridge.end(old)
        self.peer = new_peer
        self.bridge = _start_bridge(Bridge(self.owner, new_peer, originated=True))
        return old


def _forget(layer: AsteriskLayer, link: BridgeLink) -> None:
    for uuid in [u for u, candidate in layer.links.items() if candidate is link]:
        del layer.links[uuid]


async def bridge_call(
    layer: AsteriskLayer, owner: Session, peer: Session, *, limit: CallLimit | None = None
) -> tuple[Outcome, Session]:
    """Bridge ``owner`` with ``peer`` until the call ends (module docstring); returns
    how it ended and the last peer (another channel after a Local optimisation)."""
    from pyerlsw.switch.asterisk.localchan import optimize_after_link

    clock = layer.switch.clock
    link = BridgeLink(owner, peer)
    layer.links[owner.uuid] = link
    layer.links[peer.uuid] = link
    link.start()
    started = clock.monotonic()
    warnings = limit.warning_times() if limit is not None else []
    deadline = started + limit.max_ms / 1000.0 if limit is not None else None
    if limit is not None:
        layer.verbose(
            3, f"Setting call duration limit to {limit.max_ms / 1000.0:.3f} seconds.", owner,
            "features.c",
        )  # fmt: skip
    optimize_after_link(layer, link)
    outcome = Outcome.PEER_LEFT
    try:
        while True:
            if link.optimized:
                outcome = Outcome.OPTIMIZED
                break
            if not owner.channel.ready or owner.interrupted():
                outcome = Outcome.CALLER_LEFT
                break
            if not link.peer.channel.ready or not link.bridge.active:
                outcome = Outcome.PEER_LEFT
                break
            elapsed = clock.monotonic() - started
            while warnings and warnings[0] <= elapsed:
                warnings.pop(0)
                if limit is not None:
                    left = limit.max_ms - int(elapsed * 1000)
                    layer.verbose(
                        4, f"Call time limit: {left} ms left on '{owner.channel.name}'", owner,
                        "features.c",
                    )  # fmt: skip
            if deadline is not None and clock.monotonic() >= deadline:
                outcome = Outcome.LIMIT
                break
            if owner.pending_commands:
                await owner.process_commands()
                continue
            candidates = (deadline, started + warnings[0] if warnings else None)
            wake_at = [t for t in candidates if t is not None]
            timeout = max(0.0, min(wake_at) - clock.monotonic()) if wake_at else None
            await owner.wait(timeout, idle=True)
    finally:
        _finish(link, outcome)
        _forget(layer, link)
    return outcome, link.peer


def _finish(link: BridgeLink, outcome: Outcome) -> None:
    bridge = link.bridge
    if outcome is Outcome.OPTIMIZED:
        return
    if outcome is Outcome.LIMIT:
        link.peer.channel.hangup(CAUSES["NORMAL_CLEARING"])
    if bridge.active:
        bridge.end(link.owner if outcome is Outcome.CALLER_LEFT else link.peer)
