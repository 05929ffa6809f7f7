"""Which peers a node is connected to, and how connections come and go.

One connection per peer name. :meth:`PeerTable.remote` is how everything reaches a
peer: it runs an action on the peer's :class:`~pyerlsw.dist.connection.DistConnection`
when connected, or queues it (bounded) and dials on demand, like Erlang's ``!``.

Simultaneous connects (both sides dial at once) follow OTP: the acceptor whose own
name is greater answers ``nok`` (its outgoing attempt wins), the other answers
``ok_simultaneous`` and drops its own attempt. A second connection from a peer we are
connected to gets ``alive``; if the peer confirms, the new connection replaces the old
one (the old one's links and monitors fire with ``noconnection``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyerlsw.dist.connection import DistConnection
from pyerlsw.dist.errors import ProtocolError
from pyerlsw.dist.handshake import Role, Status
from pyerlsw.etf import ETFError
from pyerlsw.node import epmd_client
from pyerlsw.node.errors import NodeError
from pyerlsw.node.peer import PeerLink

if TYPE_CHECKING:
    from pyerlsw.node.node import Node

__all__ = ["PeerTable", "RemoteAction"]

log = logging.getLogger("pyerlsw.node")

RemoteAction = Callable[[DistConnection], None]


@dataclass(eq=False, slots=True)
class _Peer:
    name: str
    up: asyncio.Future[None]
    link: PeerLink | None = None
    attempts: set[PeerLink] = field(default_factory=set)
    pending: list[RemoteAction] = field(default_factory=list)
    dialing: bool = False


def _consume_exception(fut: asyncio.Future[None]) -> None:
    if not fut.cancelled():
        fut.exception()


class PeerTable:
    """The connections of one node (internal to :class:`~pyerlsw.node.Node`)."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.peers: dict[str, _Peer] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        self.closing = False

    def connected(self) -> list[str]:
        return [name for name, p in self.peers.items() if p.link is not None]

    def connected_link(self, name: str) -> PeerLink | None:
        """The established connection to ``name`` (its ``conn`` is set), or ``None``."""
        peer = self.peers.get(name)
        if peer is None or peer.link is None or peer.link.conn is None:
            return None
        return peer.link

    def link_of(self, name: str) -> PeerLink | None:
        peer = self.peers.get(name)
        return peer.link if peer is not None else None

    def _new_peer(self, name: str) -> _Peer:
        up: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        up.add_done_callback(_consume_exception)
        peer = _Peer(name, up)
        self.peers[name] = peer
        return peer

    # ------------------------------------------------------------------ sending

    def remote(self, name: str, action: RemoteAction, *, raise_errors: bool = False) -> None:
        """Run ``action`` on the connection to ``name`` now, or once it is up.

        With ``raise_errors`` an encoding error of the action reaches the caller
        (connected case); otherwise it is logged.
        """
        if self.closing:
            return
        peer = self.peers.get(name)
        if peer is not None and peer.link is not None and peer.link.conn is not None:
            link = peer.link
            try:
                action(link.conn)  # type: ignore[arg-type]
            except (ETFError, ProtocolError):
                if raise_errors:
                    raise
                log.exception("cannot send a signal to %s", name)
            link.schedule_flush()
            return
        if peer is None:
            peer = self.dial(name)
        if len(peer.pending) >= self.node.config.max_pending_signals:
            log.warning("%s: %d signals queued while connecting; dropping more",
                        name, len(peer.pending))
            return
        peer.pending.append(action)

    # ------------------------------------------------------------------ dialling

    def dial(self, name: str) -> _Peer:
        """Start connecting to ``name`` (if not already); return its entry."""
        peer = self.peers.get(name)
        if peer is not None:
            return peer
        peer = self._new_peer(name)
        peer.dialing = True
        task = asyncio.get_running_loop().create_task(self._dial(peer))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return peer

    async def _dial(self, peer: _Peer) -> None:
        node, cfg = self.node, self.node.config
        alive, _, host = peer.name.partition("@")
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(cfg.connect_timeout):
                entry = await epmd_client.port_please(host, cfg.epmd_port, alive,
                                                      cfg.epmd_timeout)
                if entry is None:
                    raise NodeError(f"{peer.name} is not registered with EPMD on {host}")
                await loop.create_connection(
                    lambda: PeerLink(node, Role.INITIATOR, peer.name), host, entry.port)
                await asyncio.shield(peer.up)
        except (OSError, TimeoutError, NodeError, ProtocolError) as exc:
            if not peer.up.done():
                log.info("cannot connect to %s: %s", peer.name, exc or type(exc).__name__)
                self._fail(peer, str(exc) or type(exc).__name__)
        finally:
            peer.dialing = False

    def attempt_started(self, link: PeerLink) -> None:
        """An outgoing connection is open and its handshake begins."""
        assert link.peer_name is not None
        peer = self.peers.get(link.peer_name)
        if peer is None or self.closing:
            link.close("not wanted any more")
            return
        peer.attempts.add(link)

    def decide_incoming(self, link: PeerLink, name: str) -> Status:
        """The status for an incoming handshake from ``name`` (see the module docstring)."""
        if self.closing or name == self.node.name:
            return Status.NOT_ALLOWED
        peer = self.peers.get(name)
        if peer is None:
            self._new_peer(name).attempts.add(link)
            return Status.OK
        if peer.link is not None:
            peer.attempts.add(link)
            return Status.ALIVE
        if peer.dialing or any(a.role is Role.INITIATOR for a in peer.attempts):
            if self.node.name > name:
                return Status.NOK
            peer.attempts.add(link)
            return Status.OK_SIMULTANEOUS
        return Status.NOT_ALLOWED  # another incoming handshake from that name is running

    # ------------------------------------------------------------------ up / down

    def link_up(self, link: PeerLink) -> None:
        """A handshake completed: make ``link`` the connection to its peer."""
        name = link.peer_name
        assert name is not None and link.conn is not None
        if self.closing:
            link.close("node is closing")
            return
        peer = self.peers.get(name) or self._new_peer(name)
        peer.attempts.discard(link)
        old = peer.link
        if old is not None and old is not link:
            peer.link = None
            old.close("replaced by a new connection")
            self.node._node_down(name)
        peer.link = link
        for other in list(peer.attempts):
            other.close("superseded by another connection")
        peer.attempts.clear()
        pending, peer.pending = peer.pending, []
        for action in pending:
            try:
                action(link.conn)
            except (ETFError, ProtocolError):
                log.exception("cannot send a queued signal to %s", name)
        link.flush()
        if not peer.up.done():
            peer.up.set_result(None)
        log.info("connected to %s", name)
        self.node._node_up(name)

    def link_lost(self, link: PeerLink) -> None:
        """A connection (or a handshake) ended."""
        name = link.peer_name
        peer = self.peers.get(name) if name is not None else None
        if peer is None or name is None:
            return
        if peer.link is link:
            del self.peers[name]
            log.info("disconnected from %s (%s)", name, link.close_reason)
            self.node._node_down(name)
            return
        peer.attempts.discard(link)
        if peer.link is not None or link.lost_race or peer.attempts:
            return
        if link.role is Role.ACCEPTOR and peer.dialing:
            return
        self._fail(peer, link.close_reason)

    def _fail(self, peer: _Peer, reason: str) -> None:
        if self.peers.get(peer.name) is peer:
            del self.peers[peer.name]
        if not peer.up.done():
            peer.up.set_exception(ConnectionError(f"cannot connect to {peer.name}: {reason}"))
        peer.pending.clear()
        for link in list(peer.attempts):
            link.close("connection attempt failed")
        self.node.kernel.node_down(peer.name)

    async def wait_up(self, name: str, timeout: float) -> bool:
        """Dial ``name`` if needed and wait until connected; ``False`` on failure."""
        peer = self.peers.get(name)
        if peer is not None and peer.link is not None:
            return True
        peer = self.dial(name)
        try:
            async with asyncio.timeout(timeout):
                await asyncio.shield(peer.up)
        except (ConnectionError, TimeoutError):
            return False
        return True

    def disconnect(self, name: str) -> bool:
        peer = self.peers.get(name)
        if peer is None or peer.link is None:
            return False
        peer.link.close("disconnected on request")
        return True

    async def close(self) -> None:
        self.closing = True
        for task in list(self.tasks):
            task.cancel()
        for peer in list(self.peers.values()):
            for link in [peer.link, *peer.attempts]:
                if link is not None:
                    link.close("node closing")
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
