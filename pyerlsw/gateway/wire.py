"""A small hand-written ETF writer for the gateway's hot path (events, logs, fetches).

Every subscriber of an event gets the same bytes, so events are encoded once, straight
from their header bytes, without building an intermediate term. The output is exactly
what :func:`pyerlsw.etf.encode` produces for the equivalent term (atoms as
SMALL_ATOM_UTF8_EXT, charlists as STRING_EXT up to 65535 bytes, then LIST_EXT of
small integers); the tests check that byte for byte.

Functions return term bodies *without* the 131 version byte; :data:`VERSION` is
prepended once per complete message.
"""

from __future__ import annotations

__all__ = [
    "NIL",
    "VERSION",
    "atom",
    "integer",
    "list_header",
    "text",
    "tuple_header",
]

VERSION = b"\x83"
NIL = b"j"

_INT32_MIN = -(2**31)
_INT32_MAX = 2**31 - 1


def atom(name: str) -> bytes:
    """An atom (SMALL_ATOM_UTF8_EXT, or ATOM_UTF8_EXT past 255 bytes)."""
    raw = name.encode("utf-8")
    if len(raw) < 256:
        return b"w" + bytes((len(raw),)) + raw
    return b"v" + len(raw).to_bytes(2, "big") + raw


def tuple_header(arity: int) -> bytes:
    """SMALL_TUPLE_EXT / LARGE_TUPLE_EXT header; the elements follow."""
    if arity < 256:
        return b"h" + bytes((arity,))
    return b"i" + arity.to_bytes(4, "big")


def list_header(length: int) -> bytes:
    """LIST_EXT header for ``length`` elements; the elements and the tail follow."""
    return b"l" + length.to_bytes(4, "big")


def integer(value: int) -> bytes:
    """An integer (SMALL_INTEGER_EXT, INTEGER_EXT or SMALL_BIG_EXT)."""
    if 0 <= value <= 255:
        return b"a" + bytes((value,))
    if _INT32_MIN <= value <= _INT32_MAX:
        return b"b" + value.to_bytes(4, "big", signed=True)
    magnitude = abs(value)
    digits = magnitude.to_bytes((magnitude.bit_length() + 7) // 8, "little")
    return b"n" + bytes((len(digits), 1 if value < 0 else 0)) + digits


def text(data: bytes, binary: bool) -> bytes:
    """``data`` as a binary (``binary=True``) or as a charlist: ``[]`` when empty,
    STRING_EXT up to 65535 bytes, else a LIST_EXT of SMALL_INTEGER_EXT bytes."""
    size = len(data)
    if binary:
        return b"m" + size.to_bytes(4, "big") + data
    if size == 0:
        return NIL
    if size <= 65535:
        return b"k" + size.to_bytes(2, "big") + data
    body = bytearray(2 * size)
    body[0::2] = b"a" * size
    body[1::2] = data
    return b"l" + size.to_bytes(4, "big") + body + NIL
