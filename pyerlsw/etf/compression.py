"""Compressed terms (tag 80): bounded inflation on input, optional deflation on output.

A compressed term is ``80 · UncompressedSize:32 · zlib stream``; the stream inflates to
a term body (tag and data, no version byte). The declared size is attacker-controlled
and zlib ratios exceed 1000:1, so :func:`inflate_term` checks the declared size against
:attr:`DecodeLimits.max_decompressed` first and never inflates more than declared + 1
bytes.
"""

from __future__ import annotations

import struct
import zlib

from .errors import DecodeError, EncodeError
from .limits import DecodeLimits
from .tags import COMPRESSED

_U32 = struct.Struct(">I").unpack_from
_HEADER = struct.Struct(">BI").pack

DEFAULT_LEVEL = 6
"""zlib level used for ``compressed=True`` (Erlang's default)."""


def inflate_term(data: bytes, pos: int, limits: DecodeLimits) -> tuple[bytes, int]:
    """Inflate the compressed term whose tag 80 is at ``pos``.

    Returns the inflated term body and the offset just after the zlib stream. Raises
    :class:`DecodeError` when the declared size breaks the limit, the stream is
    corrupt or truncated, or it inflates to a size other than the declared one.
    """
    if pos + 5 > len(data):
        raise DecodeError("compressed term header runs past the end", pos, COMPRESSED)
    declared = _U32(data, pos + 1)[0]
    if declared > limits.max_decompressed:
        raise DecodeError(
            f"compressed term declares {declared} bytes, over "
            f"max_decompressed={limits.max_decompressed}", pos, COMPRESSED)
    inflater = zlib.decompressobj()
    try:
        body = inflater.decompress(memoryview(data)[pos + 5:], declared + 1)
    except zlib.error as exc:
        raise DecodeError(f"corrupt zlib stream: {exc}", pos, COMPRESSED) from None
    if len(body) > declared or (not inflater.eof and inflater.unconsumed_tail):
        raise DecodeError(f"compressed term inflates past its declared {declared} bytes",
                          pos, COMPRESSED)
    if not inflater.eof:
        raise DecodeError("zlib stream is truncated", pos, COMPRESSED)
    if len(body) != declared:
        raise DecodeError(f"compressed term inflates to {len(body)} bytes, "
                          f"declared {declared}", pos, COMPRESSED)
    return body, len(data) - len(inflater.unused_data)


def compression_level(compressed: bool | int) -> int | None:
    """The zlib level meant by ``encode(..., compressed=...)``, or None for no compression."""
    if compressed is True:
        return DEFAULT_LEVEL
    if compressed is False:
        return None
    if type(compressed) is not int or not 0 <= compressed <= 9:
        raise EncodeError(f"compressed must be a bool or a zlib level 0..9, got {compressed!r}")
    return compressed or None


def deflate_term(body: bytes | bytearray | memoryview, level: int) -> bytes | None:
    """``80 · size · zlib(body)``, or None when that is not smaller than ``body`` (then the
    caller emits the body uncompressed, as ``term_to_binary(T, [compressed])`` does)."""
    if len(body) > 0xFFFFFFFF:
        raise EncodeError("term too large to compress (over 4 GiB)")
    packed = zlib.compress(body, level)
    if len(packed) + 5 >= len(body):
        return None
    return _HEADER(COMPRESSED, len(body)) + packed
