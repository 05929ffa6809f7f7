"""The connected phase of a distribution connection, sans-I/O.

After :class:`~pyerlsw.dist.handshake.HandshakeComplete`, packets are ``Len:32 ·
Body``; an empty packet is a tick. :class:`DistConnection` turns received bytes into
:class:`Tick` and :class:`~pyerlsw.dist.control.ControlMessage` events, in order, and
queues outgoing messages as bytes. It also picks the right variant of a signal for
the negotiated flags (SEND vs SEND_SENDER, EXIT vs PAYLOAD_EXIT, ...), as OTP does.

Limits: a packet whose length prefix exceeds ``max_packet_size`` is refused as soon as
the prefix arrives (nothing is buffered for it), and terms decode under
``decode_limits``. Both raise :class:`RemoteProtocolError`: close the connection.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any, Final, NoReturn

from pyerlsw.dist import control as c
from pyerlsw.dist.buffer import ReceiveBuffer
from pyerlsw.dist.errors import LocalProtocolError, RemoteProtocolError
from pyerlsw.dist.flags import DistFlags
from pyerlsw.dist.packet import PacketCodec
from pyerlsw.etf import Atom, Pid, Reference
from pyerlsw.etf.limits import DEFAULT_LIMITS, DecodeLimits

__all__ = ["DEFAULT_MAX_PACKET_SIZE", "TICK", "ConnectionEvent", "DistConnection", "Tick"]

DEFAULT_MAX_PACKET_SIZE: Final = 64 * 1024 * 1024
"""Largest packet accepted by default (64 MiB); OTP itself has no limit."""

_TICK_BYTES: Final = b"\x00\x00\x00\x00"
_U32_FROM: Final = struct.Struct(">I").unpack_from


@dataclass(frozen=True, slots=True)
class Tick:
    """The peer sent an empty packet (keep-alive)."""


TICK: Final = Tick()

ConnectionEvent = Tick | c.ControlMessage


class DistConnection:
    """One connected peer.

    Args:
        peer_name: the peer's node name (for messages only).
        flags: the negotiated flags (``HandshakeComplete.flags``).
        max_packet_size: largest packet accepted, in bytes.
        decode_limits: limits for every term received.
    """

    def __init__(
        self,
        peer_name: str,
        flags: int,
        *,
        max_packet_size: int = DEFAULT_MAX_PACKET_SIZE,
        decode_limits: DecodeLimits = DEFAULT_LIMITS,
    ) -> None:
        if max_packet_size < 1:
            raise LocalProtocolError("max_packet_size must be positive")
        self.peer_name = peer_name
        self.flags = DistFlags(flags)
        self.max_packet_size = max_packet_size
        self.decode_limits = decode_limits
        self._buffer = ReceiveBuffer()
        self._out = bytearray()
        self._codec = PacketCodec(decode_limits)
        self.closed = False
        f = self.flags
        self._send_sender = bool(f & DistFlags.SEND_SENDER)
        self._exit_payload = bool(f & DistFlags.EXIT_PAYLOAD)
        self.supports_unlink_id = bool(f & DistFlags.UNLINK_ID)
        self.supports_monitors = bool(f & DistFlags.DIST_MONITOR)
        self.supports_alias = bool(f & DistFlags.ALIAS)
        self.supports_spawn = bool(f & DistFlags.SPAWN)

    # ------------------------------------------------------------------ receiving

    def receive_data(self, data: bytes | bytearray | memoryview) -> list[ConnectionEvent]:
        """Feed bytes from the peer; return every complete event, in order.

        Complete packets are decoded straight from ``data``; only an incomplete last
        packet is buffered, and a buffered packet is copied out once, when complete.

        Raises:
            RemoteProtocolError: oversized packet, malformed packet or term. The
                connection is then marked closed; later calls raise LocalProtocolError.
        """
        if self.closed:
            raise LocalProtocolError(f"connection to {self.peer_name} is closed")
        events: list[ConnectionEvent] = []
        buf = self._buffer
        limit = self.max_packet_size
        if len(buf):
            buf.append(data)
            length = buf.peek_length(4)
            if length is None:
                return events
            if length > limit:
                self._oversized(length)
            if len(buf) < 4 + length:
                return events
            data = buf.take_all()
        elif type(data) is not bytes:
            data = bytes(data)
        assert isinstance(data, bytes)
        decode = self._codec.decode
        pos, size = 0, len(data)
        try:
            while size - pos >= 4:
                length = _U32_FROM(data, pos)[0]
                if length > limit:
                    self._oversized(length)
                end = pos + 4 + length
                if end > size:
                    break
                events.append(decode(data, pos + 4, end) if length else TICK)
                pos = end
        except RemoteProtocolError:
            self.closed = True
            raise
        if pos < size:
            buf.append(data[pos:])
        return events

    def _oversized(self, length: int) -> NoReturn:
        self.closed = True
        raise RemoteProtocolError(
            f"{self.peer_name} sent a {length}-byte packet (limit {self.max_packet_size})")

    # ------------------------------------------------------------------ sending

    def send(self, msg: c.ControlMessage) -> None:
        """Queue ``msg``. Raises :class:`pyerlsw.etf.EncodeError` (nothing queued) if a
        term cannot be encoded."""
        self._codec.write(msg, self._out)

    def send_tick(self) -> None:
        """Queue an empty packet."""
        self._out += _TICK_BYTES

    def data_to_send(self) -> bytes:
        """Drain the queued bytes (performs no I/O)."""
        out = bytes(self._out)
        self._out.clear()
        return out

    @property
    def pending(self) -> int:
        """Bytes queued and not yet taken by :meth:`data_to_send`."""
        return len(self._out)

    # ------------------------------------------------------- variants by flags

    def send_message(self, from_pid: Pid | None, to_pid: Pid, message: Any) -> None:
        """A message to a pid: SEND_SENDER when negotiated (and a sender is known).
        Raises :class:`pyerlsw.etf.EncodeError` (nothing queued) like :meth:`send`."""
        self._codec.write_message(from_pid if self._send_sender else None, to_pid, message,
                                  self._out)

    def send_reg(self, from_pid: Pid, to_name: Atom, message: Any) -> None:
        """A message to a registered name (REG_SEND). Raises
        :class:`pyerlsw.etf.EncodeError` (nothing queued) like :meth:`send`."""
        self._codec.write_reg_send(from_pid, to_name, message, self._out)

    def send_exit(self, from_pid: Pid, to_pid: Pid, reason: Any) -> None:
        """The exit signal of a broken link (EXIT or PAYLOAD_EXIT)."""
        if self._exit_payload:
            self.send(c.PayloadExit(from_pid, to_pid, reason))
        else:
            self.send(c.Exit(from_pid, to_pid, reason))

    def send_exit2(self, from_pid: Pid, to_pid: Pid, reason: Any) -> None:
        """``exit(ToPid, Reason)`` (EXIT2 or PAYLOAD_EXIT2)."""
        if self._exit_payload:
            self.send(c.PayloadExit2(from_pid, to_pid, reason))
        else:
            self.send(c.Exit2(from_pid, to_pid, reason))

    def send_monitor_exit(self, from_proc: Pid | Atom, to_pid: Pid, ref: Reference,
                          reason: Any) -> None:
        """The DOWN signal (MONITOR_P_EXIT or PAYLOAD_MONITOR_P_EXIT)."""
        if self._exit_payload:
            self.send(c.PayloadMonitorPExit(from_proc, to_pid, ref, reason))
        else:
            self.send(c.MonitorPExit(from_proc, to_pid, ref, reason))
