"""Pieces of external terms, for writers that assemble one large term from parts.

:func:`pyerlsw.etf.encode` takes a whole Python term. Some producers already hold the
*bytes* of their text and build the same shape again and again: mod_erlang_event's
events are ``{event, [UUID | [{Name, Value}, ...]]}`` where every name and value is a
byte string that must go out as a binary or, by default, as a charlist. Going through
``encode`` would mean building a ``list[int]`` per charlist only for the encoder to turn
it back into bytes. These functions write the pieces straight from ``bytes``, with the
encoder's own tables, so the result is byte for byte what ``encode`` gives for the
equivalent term (the tests in ``tests/etf/test_fragments.py`` check it):

* :func:`text` -- ``bytes`` as a binary, or as a charlist (``[]`` when empty, STRING_EXT
  up to 65535 bytes, else LIST_EXT of SMALL_INTEGER_EXT), as ``term_to_binary`` does for
  ``binary_to_list(B)``;
* :func:`text_pair` -- ``{Text, Text}`` in one step (the hot path: every event header);
* :func:`atom`, :func:`integer`, :func:`tuple_header`, :func:`list_header`, :data:`NIL`,
  :data:`VERSION`.

Everything returns term bodies *without* the 131 version byte; prepend :data:`VERSION`
once per complete term. Nothing here validates structure: a writer that puts a tuple
header before the wrong number of elements gets a malformed term.
"""

from __future__ import annotations

from typing import Final

from ._encode_leaves import (
    BINARY_HEADERS,
    PAIR_HEADERS,
    PAIR_STRING_HEADERS,
    STRING_HEADERS,
    TAG_U16,
    TAG_U32,
    TUPLE_HEADERS,
    atom_bytes,
    int_bytes,
)
from .terms import Atom

__all__ = [
    "NIL",
    "VERSION",
    "atom",
    "integer",
    "list_header",
    "text",
    "text_pair",
    "tuple_header",
]

VERSION: Final = b"\x83"
"""The version byte that starts a complete external term."""

NIL: Final = b"\x6a"
"""NIL_EXT: ``[]``, and the tail that closes a LIST_EXT."""

_STRING_EXT_MAX: Final = 0xFFFF
_PAIR_TUPLE: Final = TUPLE_HEADERS[2]


def atom(name: str | Atom) -> bytes:
    """An atom (SMALL_ATOM_UTF8_EXT, or ATOM_UTF8_EXT past 255 bytes).

    Raises :class:`~pyerlsw.etf.EncodeError` for text that is not valid Unicode, like
    :func:`~pyerlsw.etf.encode`."""
    return atom_bytes(name if isinstance(name, Atom) else Atom(name))


def integer(value: int) -> bytes:
    """An integer, in the encoding ``term_to_binary`` picks for it."""
    return int_bytes(value)


def tuple_header(arity: int) -> bytes:
    """SMALL_TUPLE_EXT / LARGE_TUPLE_EXT header; ``arity`` elements must follow."""
    return TUPLE_HEADERS[arity] if arity < 256 else TAG_U32(105, arity)


def list_header(length: int) -> bytes:
    """LIST_EXT header; ``length`` elements and a tail (usually :data:`NIL`) must follow.

    ``length`` must be at least 1: the empty list is :data:`NIL` alone."""
    return TAG_U32(108, length)


def _charlist(data: bytes) -> bytes:
    size = len(data)
    if size == 0:
        return NIL
    if size <= _STRING_EXT_MAX:
        return (STRING_HEADERS[size] if size < 256 else TAG_U16(107, size)) + data
    body = bytearray(2 * size)
    body[0::2] = b"a" * size  # SMALL_INTEGER_EXT tag before every byte
    body[1::2] = data
    return TAG_U32(108, size) + body + NIL


def text(data: bytes, *, charlist: bool) -> bytes:
    """``data`` as a binary (``charlist=False``) or as the list of its bytes."""
    if charlist:
        return _charlist(data)
    size = len(data)
    return (BINARY_HEADERS[size] if size < 256 else TAG_U32(109, size)) + data


def text_pair(first: bytes, second: bytes, *, charlist: bool) -> bytes:
    """``{First, Second}``, both as :func:`text`; short ones take a single step."""
    first_size, second_size = len(first), len(second)
    if charlist:
        if 0 < first_size < 256 and 0 < second_size < 256:
            return PAIR_STRING_HEADERS[first_size] + first + STRING_HEADERS[second_size] + second
        return _PAIR_TUPLE + _charlist(first) + _charlist(second)
    if first_size < 256 and second_size < 256:
        return PAIR_HEADERS[first_size] + first + BINARY_HEADERS[second_size] + second
    return (_PAIR_TUPLE + text(first, charlist=False) + text(second, charlist=False))

