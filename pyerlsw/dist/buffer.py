"""A receive buffer whose cost is linear in the bytes that pass through it.

Bytes are appended to a ``bytearray`` and consumed by advancing an offset; the consumed
prefix is dropped only when it is at least half of the buffer, so a long stream of small
frames never copies the same bytes more than a constant number of times (the trap
``buf = buf[n:]`` falls into: quadratic time on a large burst).
"""

from __future__ import annotations

import struct

__all__ = ["ReceiveBuffer"]

_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")


class ReceiveBuffer:
    """Incoming bytes not yet parsed.

    Methods that read a frame return ``None`` when the frame is not complete yet and
    consume nothing in that case.
    """

    __slots__ = ("_data", "_start")

    def __init__(self) -> None:
        self._data = bytearray()
        self._start = 0

    def __len__(self) -> int:
        return len(self._data) - self._start

    def append(self, data: bytes | bytearray | memoryview) -> None:
        """Add bytes received from the peer."""
        if self._start and self._start * 2 >= len(self._data):
            del self._data[: self._start]
            self._start = 0
        self._data += data

    def peek_length(self, width: int) -> int | None:
        """The big-endian length prefix (2 or 4 bytes) at the front, without consuming."""
        if len(self) < width:
            return None
        fmt = _U16 if width == 2 else _U32
        return int(fmt.unpack_from(self._data, self._start)[0])

    def take_frame(self, width: int) -> bytes | None:
        """Consume one ``Len:width · payload`` frame and return the payload."""
        length = self.peek_length(width)
        if length is None or len(self) < width + length:
            return None
        begin = self._start + width
        end = begin + length
        payload = bytes(self._data[begin:end])
        self._start = end
        return payload

    def take_all(self) -> bytes:
        """Consume and return everything buffered."""
        data = bytes(self._data[self._start :])
        self._data.clear()
        self._start = 0
        return data

    @property
    def raw(self) -> bytearray:
        """The underlying bytes; valid data starts at :attr:`start`. Do not modify."""
        return self._data

    @property
    def start(self) -> int:
        return self._start

    def skip(self, count: int) -> None:
        """Consume ``count`` bytes (the caller has parsed them in place via :attr:`raw`)."""
        if count < 0 or count > len(self):
            raise ValueError(f"cannot skip {count} of {len(self)} buffered bytes")
        self._start += count
