"""One TCP connection to a peer node: handshake, then the connected phase.

:class:`PeerLink` is an :class:`asyncio.Protocol` that drives the sans-I/O cores of
:mod:`pyerlsw.dist`. Everything a peer sends is handled inside ``data_received``, in
order, by one reader (no task per message). Writes are coalesced: signals queued by
any number of sends in one loop iteration leave in one ``transport.write``.

It is a :class:`asyncio.BufferedProtocol`: each read fills the link's own buffer of
``read_size`` bytes (64 KiB) instead of the loop's 256 KiB chunks, so fewer decoded
messages are alive at once (a 256 KiB chunk of 40-header events cost ~2 us more CPU
per event: cache misses). Reading is paused until the next loop iteration once
``read_budget`` bytes were handled since the last pause: event loops differ in how much
they read per iteration (asyncio reads once; uvloop up to 32 times), and without the
pause a streaming peer could fill mailboxes with thousands of messages before their
processes run.

Timers: the whole handshake must finish within ``handshake_timeout``; once connected,
every ``net_ticktime / 4`` the link sends a tick if it wrote nothing, and drops the
peer if nothing at all was read during the last ``net_ticktime`` (OTP's rule).

Errors stay on this connection: a protocol violation, an oversized packet or a bad
cookie closes it with one log line and no traceback.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, cast

from pyerlsw.dist.connection import TICK, DistConnection
from pyerlsw.dist.errors import ProtocolError
from pyerlsw.dist.handshake import (
    FailureReason,
    Handshake,
    HandshakeComplete,
    HandshakeEvent,
    HandshakeFailed,
    NameReceived,
    Role,
)

if TYPE_CHECKING:
    from pyerlsw.node.node import Node

__all__ = ["PeerLink"]

log = logging.getLogger("pyerlsw.node")

_TICKS_PER_PERIOD = 4


class PeerLink(asyncio.BufferedProtocol):
    """A connection to one peer (initiated by us, or accepted)."""

    def __init__(self, node: Node, role: Role, peer_name: str | None = None) -> None:
        self.node = node
        self.role = role
        self.peer_name = peer_name
        self.transport: asyncio.Transport | None = None
        self.handshake: Handshake | None = None
        self.conn: DistConnection | None = None
        self.lost_race = False  # our outgoing attempt got "nok": the peer's wins
        self.closed = False
        self.close_reason = "closed"
        self._loop = asyncio.get_running_loop()
        self._timer: asyncio.TimerHandle | None = None
        self._flush_scheduled = False
        self._in_batch = False
        self._burst = 0  # signals queued since the last flush callback
        self._last_burst = 0  # ... and during the iteration before
        self._read_since_tick = True
        self._wrote_since_tick = False
        self._silent_periods = 0
        self._can_write: asyncio.Future[None] | None = None
        self._read_budget = node.config.read_budget
        self._unread_budget = self._read_budget  # bytes left before the next pause
        self._recv_view = memoryview(bytearray(node.config.read_size))
        self._busy_wait = node.busy_wait

    def __repr__(self) -> str:
        return f"<PeerLink {self.role.value} {self.peer_name or '?'}>"

    # ------------------------------------------------------------------ asyncio

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses: no isinstance check
        self.transport = cast(asyncio.Transport, transport)
        cfg = self.node.config
        try:
            self.handshake = Handshake(
                self.role, self.node.name, self.node.cookie, self.node.flags,
                self.node.creation, peer_name=self.peer_name,
                required_flags=cfg.required_flags)
        except ProtocolError as exc:
            self._abort(f"cannot start a handshake: {exc}")
            return
        self._timer = self._loop.call_later(cfg.handshake_timeout, self._handshake_timeout)
        if self.role is Role.INITIATOR:
            self.node._attempt_started(self)
        if not self.closed:
            self._write_handshake()

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._recv_view

    def buffer_updated(self, nbytes: int) -> None:
        if self._busy_wait is not None:
            self._busy_wait.activity()
        self.data_received(bytes(self._recv_view[:nbytes]))

    def data_received(self, data: bytes) -> None:
        """Handle bytes from the peer (called by :meth:`buffer_updated`)."""
        if self.closed:
            return
        if self.conn is None:
            self._handshake_data(data)
            return
        self._connected_data(data)
        self._unread_budget -= len(data)
        if self._unread_budget <= 0 and not self.closed and self.transport is not None:
            self.transport.pause_reading()
            self._loop.call_soon(self._resume_reading)

    def _resume_reading(self) -> None:
        self._unread_budget = self._read_budget
        if not self.closed and self.transport is not None:
            self.transport.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self.closed:
            self.closed = True
            self.close_reason = "connection closed by peer" if exc is None else str(exc)
        if self._can_write is not None and not self._can_write.done():
            self._can_write.set_result(None)
        self.node._link_lost(self)

    def pause_writing(self) -> None:
        if self._can_write is None or self._can_write.done():
            self._can_write = self._loop.create_future()

    def resume_writing(self) -> None:
        if self._can_write is not None and not self._can_write.done():
            self._can_write.set_result(None)

    async def drain(self) -> None:
        """Wait until the transport's write buffer is below its high-water mark."""
        self.flush()
        waiter = self._can_write
        if waiter is not None and not waiter.done():
            await waiter

    # ------------------------------------------------------------------ writing

    def schedule_flush(self, count: int = 1) -> None:
        """Called after queueing ``count`` signals: write them soon, coalescing bursts.

        Inside ``data_received`` nothing happens here (everything is written once at
        the end). Otherwise the signals queued during one loop iteration leave in one
        write at the start of the next iteration; but while the traffic comes one
        signal per iteration (request/reply), the signal is written at once instead,
        saving an iteration of latency.
        """
        if self._in_batch:
            return
        self._burst += count
        if self._flush_scheduled:
            return
        self._flush_scheduled = True
        if self._last_burst <= 1:
            self.flush()
        self._loop.call_soon(self._end_burst)

    def _end_burst(self) -> None:
        self._flush_scheduled = False
        self._last_burst, self._burst = self._burst, 0
        self.flush()

    def flush(self) -> None:
        """Write everything queued now."""
        conn = self.conn
        if conn is None or self.closed or self.transport is None:
            return
        if conn.pending:
            self.transport.write(conn.data_to_send())
            self._wrote_since_tick = True

    def close(self, reason: str) -> None:
        """Flush and close this connection."""
        if self.closed:
            return
        self.flush()
        self.closed = True
        self.close_reason = reason
        if self.transport is not None:
            self.transport.close()

    def _abort(self, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        self.close_reason = reason
        if self.transport is not None:
            self.transport.abort()

    # ------------------------------------------------------------------ handshake

    def _write_handshake(self) -> None:
        assert self.handshake is not None and self.transport is not None
        out = self.handshake.data_to_send()
        if out:
            self.transport.write(out)

    def _handshake_timeout(self) -> None:
        self._timer = None
        who = self.peer_name or self._address()
        log.warning("handshake with %s timed out", who)
        self._abort("handshake timeout")

    def _address(self) -> str:
        peer = self.transport.get_extra_info("peername") if self.transport else None
        return f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else "an unknown peer"

    def _handshake_data(self, data: bytes) -> None:
        hs = self.handshake
        if hs is None:
            return
        try:
            events = hs.receive_data(data)
            while events:
                event = events.pop(0)
                events += self._handshake_event(hs, event)
        except ProtocolError as exc:
            who = self.peer_name or self._address()
            log.warning("handshake with %s failed: %s", who, exc)
            self._abort(f"handshake: {exc}")
            return
        if not self.closed:
            self._write_handshake()

    def _handshake_event(self, hs: Handshake, event: HandshakeEvent) -> list[HandshakeEvent]:
        if isinstance(event, NameReceived):
            self.peer_name = event.peer_name
            return hs.decide(self.node._decide_incoming(self, event.peer_name))
        if isinstance(event, HandshakeFailed):
            self._write_handshake()
            self._handshake_failed(event)
            return []
        assert isinstance(event, HandshakeComplete)
        self._connected(hs, event)
        return []

    def _handshake_failed(self, event: HandshakeFailed) -> None:
        if event.status == "nok":
            self.lost_race = True
            log.debug("%s: simultaneous connect, the peer's attempt wins", self.peer_name)
        elif event.reason is FailureReason.DECLINED:
            log.debug("%s", event.detail)
        else:
            verb = "to" if self.role is Role.INITIATOR else "from"
            log.warning("connection %s %s refused: %s", verb,
                        self.peer_name or self._address(), event.detail)
        self.close(f"handshake failed: {event.reason.value}")

    def _connected(self, hs: Handshake, event: HandshakeComplete) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._write_handshake()
        cfg = self.node.config
        self.conn = DistConnection(event.peer_name, event.flags,
                                   max_packet_size=cfg.max_packet_size,
                                   decode_limits=cfg.decode_limits)
        self.peer_name = event.peer_name
        self._timer = self._loop.call_later(cfg.net_ticktime / _TICKS_PER_PERIOD, self._tick)
        leftover = hs.trailing_data()
        self.node._link_up(self)
        if leftover and not self.closed:
            self._connected_data(leftover)

    # ------------------------------------------------------------------ connected

    def _connected_data(self, data: bytes) -> None:
        conn = self.conn
        assert conn is not None
        self._read_since_tick = True
        try:
            events = conn.receive_data(data)
        except ProtocolError as exc:
            log.warning("connection to %s closed: %s", self.peer_name, exc)
            self._abort(str(exc))
            return
        handle = self.node.router.handle
        peer = self.peer_name or ""
        self._in_batch = True
        try:
            for event in events:
                if event is TICK:  # our own ticker keeps the peer happy; never echo
                    continue
                try:
                    handle(peer, event)  # type: ignore[arg-type]
                except Exception:
                    log.exception("%s: failed to handle %s", peer, type(event).__name__)
        finally:
            self._in_batch = False
        self.flush()

    def _tick(self) -> None:
        self._timer = None
        if self.closed or self.conn is None:
            return
        if self._read_since_tick:
            self._silent_periods = 0
        else:
            self._silent_periods += 1
        self._read_since_tick = False
        if self._silent_periods >= _TICKS_PER_PERIOD:
            log.warning("node %s not responding (net_tick_timeout), disconnecting",
                        self.peer_name)
            self._abort("net_tick_timeout")
            return
        if not self._wrote_since_tick:
            self.conn.send_tick()
            self.flush()
        self._wrote_since_tick = False
        self._timer = self._loop.call_later(
            self.node.config.net_ticktime / _TICKS_PER_PERIOD, self._tick)
