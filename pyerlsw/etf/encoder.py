"""Public encoding API: Python terms in, external-format bytes out (sans I/O).

* :func:`encode` -- a standalone term: ``131`` then the term (optionally compressed).
* :func:`encode_into` -- append a term body (no version byte) to a ``bytearray``; what
  the distribution layer needs after a distribution header or to build packets
  without extra copies.

The mapping is in :mod:`pyerlsw.etf.terms` and ``docs/terms.md``. Encoding is
iterative (an explicit stack of iterators, no recursion), so nesting depth is bounded
only by ``max_depth``, which also stops self-referencing containers. Every value that
has no encoding raises :class:`~pyerlsw.etf.errors.EncodeError` and nothing else.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from itertools import chain
from typing import Any, Literal

from ._encode_leaves import (
    BINARY_HEADERS,
    FALSE_BYTES,
    NONE_HINT,
    PAIR_HEADERS,
    PAIR_STRING_HEADERS,
    SMALL_INTS,
    STRING_HEADERS,
    TAG_F64,
    TAG_I32,
    TAG_U8,
    TAG_U16,
    TAG_U32,
    TRUE_BYTES,
    TUPLE_HEADERS,
    atom_bytes,
    big_bytes,
    bitstring_bytes,
    charlist_bytes,
    export_bytes,
    int_bytes,
    pid_bytes,
    port_bytes,
    reference_bytes,
    string_ext_or_none,
    utf8_binary_bytes,
)
from ._encode_runs import encode_leading_leaves
from .compression import compression_level, deflate_term
from .errors import EncodeError
from .terms import (
    Atom,
    BitString,
    ExportFun,
    FrozenList,
    FrozenMap,
    ImproperList,
    OpaqueFun,
    Pid,
    Port,
    Reference,
    Term,
)

__all__ = ["DEFAULT_MAX_ENCODE_DEPTH", "StringMode", "encode", "encode_into"]

StringMode = Literal["binary", "charlist"]

DEFAULT_MAX_ENCODE_DEPTH = 1_000_000
"""Deepest nesting of lists and maps :func:`encode` accepts (this also stops cycles)."""


def encode(
    term: Term,
    *,
    compressed: bool | int = False,
    strings: StringMode = "binary",
    max_depth: int = DEFAULT_MAX_ENCODE_DEPTH,
) -> bytes:
    """Encode ``term`` as a standalone external term (starts with the byte 131).

    Args:
        compressed: ``True`` (zlib level 6) or a level 0..9 compresses the term (tag
            80) when that makes it smaller, exactly like ``term_to_binary(T,
            [{compressed, Level}])``; ``False``/0 never compresses.
        strings: how Python ``str`` is encoded: ``"binary"`` (UTF-8 BINARY_EXT, the
            default) or ``"charlist"`` (a list of code points: STRING_EXT when all are
            below 256 and there are at most 65535, else LIST_EXT).
        max_depth: deepest nesting of lists and maps accepted (tuples, which cannot
            form a cycle, are not counted; nothing is recursive either way).

    Raises:
        EncodeError: a value with no encoding (``None``, NaN/infinite floats, lone
            surrogates in a ``str``, unknown types), or nesting deeper than
            ``max_depth`` (e.g. a list that contains itself).
    """
    level = None if compressed is False else compression_level(compressed)
    out = bytearray(b"\x83")
    _encode(term, out, _charlist(strings), max_depth)
    if level is not None:
        packed = deflate_term(memoryview(out)[1:], level)
        if packed is not None:
            return b"\x83" + packed
    return bytes(out)


def encode_into(
    term: Term,
    out: bytearray,
    *,
    strings: StringMode = "binary",
    max_depth: int = DEFAULT_MAX_ENCODE_DEPTH,
) -> None:
    """Append the encoding of ``term`` *without* the version byte to ``out``.

    Same arguments and errors as :func:`encode`. On error, ``out`` may hold a partial
    encoding: truncate it to its previous length if you reuse it.
    """
    _encode(term, out, _charlist(strings), max_depth)


def _charlist(strings: StringMode) -> bool:
    if strings == "binary":
        return False
    if strings == "charlist":
        return True
    raise EncodeError(f"strings must be 'binary' or 'charlist', got {strings!r}")


def _encode(term: Term, out: bytearray, charlist: bool, max_depth: int) -> None:
    """:func:`encode_into` with its arguments checked (positional: called per term)."""
    # Values still to encode, the next one last. A container writes its header and
    # pushes its elements in reverse order; lists and maps (the only containers that
    # can be part of a cycle) also push a closing marker that writes the NIL_EXT tail
    # and counts their nesting depth.
    todo: list[Any] = [term]
    pop = todo.pop
    push = todo.append
    extend = todo.extend
    depth = 0
    try:
        while todo:
            value = pop()
            kind = type(value)
            if kind is bytes:
                size = len(value)
                out += BINARY_HEADERS[size] if size < 256 else TAG_U32(109, size)
                out += value
            elif kind is tuple:
                size = len(value)
                if size == 2:
                    first, second = value
                    if type(first) is bytes and type(second) is bytes:
                        # {Binary, Binary} in one step: every FreeSWITCH event header.
                        first_size, second_size = len(first), len(second)
                        if first_size < 256 and second_size < 256:
                            out += PAIR_HEADERS[first_size]
                            out += first
                            out += BINARY_HEADERS[second_size]
                            out += second
                            continue
                    elif type(first) is list and type(second) is list:
                        # {"Name", "Value"}: the same for charlist events.
                        pair = _string_pair(first, second)
                        if pair is not None:
                            out += pair
                            continue
                out += TUPLE_HEADERS[size] if size < 256 else TAG_U32(105, size)
                extend(reversed(value))
            elif kind is int:
                if 0 <= value < 256:
                    out += SMALL_INTS[value]
                elif -0x80000000 <= value <= 0x7FFFFFFF:
                    out += TAG_I32(98, value)
                else:
                    out += big_bytes(value)
            elif kind is list:
                size = len(value)
                if not size:
                    out.append(106)
                    continue
                head = value[0]
                if size <= 0xFFFF and isinstance(head, int):
                    # Ints 0..255 make a STRING_EXT, as in term_to_binary (inlined
                    # string_ext_or_none: charlists are common and this is hot).
                    try:
                        raw = bytearray(value)
                    except (TypeError, ValueError):
                        pass
                    else:
                        if not ((0 in raw or 1 in raw) and bool in set(map(type, value))):
                            out += STRING_HEADERS[size] if size < 256 else TAG_U16(107, size)
                            out += raw
                            continue
                if depth >= max_depth:
                    raise _too_deep(max_depth)
                out += TAG_U32(108, size)
                # Leading binaries, strings and pairs of them (an event's headers) are
                # written in one pass; only what follows goes through the work list.
                head_kind = type(head)
                rest = (encode_leading_leaves(value, out)
                        if head_kind is tuple or head_kind is list or head_kind is bytes
                        else value)
                if rest is None:
                    out.append(106)
                else:
                    depth += 1
                    push(_CLOSE_LIST)
                    extend(reversed(rest))
            elif kind is Atom:
                wire = value._wire
                out += wire if wire is not None else atom_bytes(value)
            elif kind is _Close:
                depth -= 1
                if value is _CLOSE_LIST:
                    out.append(106)
            elif kind is str:
                out += charlist_bytes(value) if charlist else utf8_binary_bytes(value)
            elif kind is bool:
                out += TRUE_BYTES if value else FALSE_BYTES
            elif kind is dict:
                out += TAG_U32(116, len(value))
                if value:
                    depth += 1
                    if depth > max_depth:
                        raise _too_deep(max_depth)
                    push(_CLOSE)
                    extend(reversed(list(chain.from_iterable(value.items()))))
            elif kind is float:
                if value - value != 0.0:
                    raise EncodeError(f"{value} has no Erlang equivalent (floats are finite)")
                out += TAG_F64(70, value)
            else:
                children = _encode_other(value, out, charlist)
                if children is not None:
                    elements, closer = children
                    if closer is not None:
                        depth += 1
                        if depth > max_depth:
                            raise _too_deep(max_depth)
                        push(closer)
                    extend(reversed(elements))
    except (struct.error, OverflowError) as exc:
        raise EncodeError(f"value out of range for the external format: {exc}") from None


class _Close:
    """Marks the end of a list or map in the encoder's work list."""

    __slots__ = ()


_CLOSE_LIST = _Close()  # writes NIL_EXT
_CLOSE = _Close()  # writes nothing

_Children = tuple[Sequence[Any], _Close | None]


def _too_deep(max_depth: int) -> EncodeError:
    return EncodeError(f"nesting deeper than max_depth={max_depth} (or a cyclic value)")


def _encode_other(value: Any, out: bytearray, charlist: bool) -> _Children | None:
    """Encode a value of a less common type.

    Leaves are appended to ``out`` and None is returned; for a container its header is
    appended and ``(elements to encode next, closing marker or None)`` returned.
    """
    if type(value) is Pid:
        out += pid_bytes(value)
    elif type(value) is Reference:
        out += reference_bytes(value)
    elif type(value) is FrozenList:
        return _open_list(value, out)
    elif type(value) is FrozenMap:
        out += TAG_U32(116, len(value))
        return (list(chain.from_iterable(value.items())), _CLOSE) if len(value) else None
    elif type(value) is ImproperList:
        items = value.items
        if not items or isinstance(value.tail, (list, FrozenList)):
            raise EncodeError("ImproperList needs items and a tail that is not a list")
        out += TAG_U32(108, len(items))
        return [*items, value.tail], _CLOSE
    elif type(value) is Port:
        out += port_bytes(value)
    elif type(value) is BitString:
        out += bitstring_bytes(value)
    elif type(value) is ExportFun:
        out += export_bytes(value)
    elif type(value) is OpaqueFun:
        out += b"\x70"
        out += value.raw
    elif value is None:
        raise EncodeError(NONE_HINT)
    elif isinstance(value, Atom):
        out += atom_bytes(value)
    elif isinstance(value, (bytearray, memoryview)):
        raw = bytes(value)
        out += TAG_U32(109, len(raw))
        out += raw
    elif isinstance(value, bool):
        out += TRUE_BYTES if value else FALSE_BYTES
    elif isinstance(value, int):
        out += int_bytes(int(value))
    elif isinstance(value, float):
        number = float(value)
        if number - number != 0.0:
            raise EncodeError(f"{number} has no Erlang equivalent (floats are finite)")
        out += TAG_F64(70, number)
    elif isinstance(value, str):
        text = str(value)
        out += charlist_bytes(text) if charlist else utf8_binary_bytes(text)
    elif isinstance(value, bytes):
        out += TAG_U32(109, len(value))
        out += value
    elif isinstance(value, tuple):
        size = len(value)
        out += TAG_U8(104, size) if size < 256 else TAG_U32(105, size)
        return value, None
    elif isinstance(value, list):
        return _open_list(value, out)
    elif isinstance(value, dict):
        out += TAG_U32(116, len(value))
        return (list(chain.from_iterable(value.items())), _CLOSE) if value else None
    else:
        raise EncodeError(f"cannot encode a {type(value).__qualname__} as an Erlang term: "
                          f"{value!r:.80}")
    return None


def _string_pair(first: list[Any], second: list[Any]) -> bytearray | None:
    """``{First, Second}`` when both are 1..255-element strings (STRING_EXT), else None."""
    if not (0 < len(first) < 256 and 0 < len(second) < 256
            and isinstance(first[0], int) and isinstance(second[0], int)):
        return None
    try:
        head, tail = bytearray(first), bytearray(second)
    except (TypeError, ValueError):
        return None
    if (0 in head or 1 in head) and bool in set(map(type, first)):
        return None
    if (0 in tail or 1 in tail) and bool in set(map(type, second)):
        return None
    head[0:0] = PAIR_STRING_HEADERS[len(head)]
    head += STRING_HEADERS[len(tail)]
    head += tail
    return head


def _open_list(items: Sequence[Any], out: bytearray) -> _Children | None:
    if not items:
        out.append(106)
        return None
    if len(items) <= 0xFFFF and isinstance(items[0], int):
        string = string_ext_or_none(items)
        if string is not None:
            out += string
            return None
    out += TAG_U32(108, len(items))
    return items, _CLOSE_LIST
