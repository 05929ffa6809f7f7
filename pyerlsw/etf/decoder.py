"""Public decoding API: external-format bytes in, Python terms out (sans I/O).

* :func:`decode` -- the whole buffer is exactly one ``131``-prefixed term.
* :func:`decode_from` -- one ``131``-prefixed term at an offset, plus where it ended
  (the distribution layer reads a control message and a payload from one packet).
* :func:`decode_body` -- one term *without* the version byte (what follows a
  distribution header, or a body embedded in another format).

All three raise :class:`~pyerlsw.etf.errors.DecodeError` (with ``offset`` and ``tag``)
for every malformed input or broken :class:`~pyerlsw.etf.limits.DecodeLimits`, and
nothing else. ``bytes`` input is decoded in place; a ``bytearray`` or ``memoryview`` is
copied once first. The Python values are described in :mod:`pyerlsw.etf.terms` and
``docs/terms.md``.
"""

from __future__ import annotations

from typing import Any

from ._decode_core import decode_term
from .compression import inflate_term
from .errors import DecodeError
from .limits import DEFAULT_LIMITS, DecodeLimits
from .tags import COMPRESSED, VERSION
from .terms import Term

__all__ = ["decode", "decode_body", "decode_from"]

Buffer = bytes | bytearray | memoryview


def decode(data: Buffer, *, limits: DecodeLimits = DEFAULT_LIMITS) -> Term:
    """Decode ``data``, which must hold exactly one term starting with the byte 131.

    Compressed terms (tag 80) are inflated within ``limits.max_decompressed``. Trailing
    bytes after the term are an error (Erlang's ``binary_to_term`` ignores them; use
    :func:`decode_from` to read several terms from one buffer).

    Raises:
        DecodeError: malformed input, trailing bytes, or a broken limit.
    """
    buf = data if type(data) is bytes else _as_bytes(data)
    if len(buf) > 1 and buf[0] == VERSION and buf[1] != COMPRESSED:
        term, end = decode_term(buf, 1, limits)  # the common case, without detours
    else:
        term, end = decode_from(buf, 0, limits=limits)
    if end != len(buf):
        raise DecodeError(f"{len(buf) - end} trailing bytes after the term", end)
    return term


def decode_from(
    data: Buffer, offset: int = 0, *, limits: DecodeLimits = DEFAULT_LIMITS
) -> tuple[Term, int]:
    """Decode the one 131-prefixed term that starts at ``offset``.

    Returns ``(term, end)`` where ``end`` is the offset just after the term; bytes after
    it are left alone.

    Raises:
        DecodeError: no version byte at ``offset``, malformed input, or a broken limit.
    """
    buf = _as_bytes(data)
    if not 0 <= offset < len(buf):
        raise DecodeError("no term at this offset (end of input)", offset)
    if buf[offset] != VERSION:
        raise DecodeError(f"expected the version byte 131, found {buf[offset]}", offset,
                          buf[offset])
    pos = offset + 1
    if pos < len(buf) and buf[pos] == COMPRESSED:
        body, end = inflate_term(buf, pos, limits)
        try:
            term, used = decode_term(body, 0, limits)
        except DecodeError as exc:
            raise DecodeError(f"{exc.reason} at offset {exc.offset} of the inflated term",
                              pos, exc.tag) from None
        if used != len(body):
            raise DecodeError(f"{len(body) - used} trailing bytes inside the compressed term",
                              pos, COMPRESSED)
        return term, end
    if pos >= len(buf):
        raise DecodeError("input ends after the version byte", pos)
    return decode_term(buf, pos, limits)


def decode_body(
    data: Buffer, offset: int = 0, *, limits: DecodeLimits = DEFAULT_LIMITS
) -> tuple[Term, int]:
    """Decode one term body (a tag, no version byte) at ``offset``; return ``(term, end)``.

    Compressed terms (tag 80) and ATOM_CACHE_REF are not accepted here.

    Raises:
        DecodeError: malformed input or a broken limit.
    """
    buf = _as_bytes(data)
    if not 0 <= offset < len(buf):
        raise DecodeError("no term at this offset (end of input)", offset)
    return decode_term(buf, offset, limits)


def _as_bytes(data: Any) -> bytes:
    if type(data) is bytes:
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"expected bytes, bytearray or memoryview, not {type(data).__name__}")
