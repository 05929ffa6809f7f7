"""Runs of ``{Binary, Binary}`` or ``{String, String}`` pairs, decoded in one tight loop.

A FreeSWITCH event is ``{event, [UUID, {Name, Value}, ...]}`` with every header such a
pair, so most of an event's bytes are consecutive 2-tuples of two BINARY_EXT (binary
mode) or two STRING_EXT (charlist mode). The general decoding loop dispatches on every
tag; these helpers instead check a whole pair header with one ``struct`` read and slice
both values directly, which roughly halves the cost per header.

Contract of both helpers: starting at ``pos`` (a tuple tag), decode at most ``count``
consecutive pairs of the one shape, pass each to ``append`` and return the offset just
after the last pair decoded (``pos`` itself when the first one does not fit). They stop,
without raising, at the first element that is anything else, not fully inside ``data``
or malformed in any way: the general loop then decodes that element and reports its
errors with the usual tag and offset. They allocate nothing before the bounds of a pair
are checked, and the caller accounts for the elements they decode (``count`` is
derived from the remaining ``max_elements`` budget).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

_TAG_U16 = struct.Struct(">BH").unpack_from
_TAG_U32 = struct.Struct(">BI").unpack_from
_STRING_PAIR = struct.Struct(">HBH").unpack_from  # 0x6802 (arity-2 SMALL_TUPLE_EXT), 107, Len
_BINARY_PAIR = struct.Struct(">HBI").unpack_from  # 0x6802 (arity-2 SMALL_TUPLE_EXT), 109, Len


def string_pairs(data: bytes, pos: int, count: int, append: Callable[[Any], None]) -> int:
    """Decode up to ``count`` ``{String, String}`` (two STRING_EXT, or a STRING_EXT and
    NIL_EXT: an empty value) as ``(list, list)``."""
    end = len(data)
    pair_header, string_header = _STRING_PAIR, _TAG_U16  # locals: this loop is hot
    try:
        for _ in range(count):
            head, tag, size = pair_header(data, pos)
            if head != 0x6802 or tag != 107:  # STRING_EXT
                break
            second = pos + 5 + size
            tag, size = string_header(data, second)
            stop = second + 3 + size
            if tag != 107 or stop > end:
                if tag != 106:
                    break
                append(([*data[pos + 5:second]], []))  # NIL_EXT: an empty value
                pos = second + 1
                continue
            append(([*data[pos + 5:second]], [*data[second + 3:stop]]))
            pos = stop
    except struct.error:  # a pair cut short: the general loop reports it
        pass
    return pos


def binary_pairs(data: bytes, pos: int, count: int, append: Callable[[Any], None]) -> int:
    """Decode up to ``count`` ``{Binary, Binary}`` (two BINARY_EXT) as ``(bytes, bytes)``."""
    end = len(data)
    pair_header, binary_header = _BINARY_PAIR, _TAG_U32
    try:
        for _ in range(count):
            head, tag, size = pair_header(data, pos)
            if head != 0x6802 or tag != 109:  # BINARY_EXT
                break
            second = pos + 7 + size
            tag, size = binary_header(data, second)
            stop = second + 5 + size
            if tag != 109 or stop > end:
                break
            append((data[pos + 7:second], data[second + 5:stop]))
            pos = stop
    except struct.error:
        pass
    return pos


def leading_leaves(data: bytes, pos: int, count: int, budget: int, items: list[Any]
                   ) -> tuple[int, int]:
    """Decode up to ``count`` elements of a list that are STRING_EXT, BINARY_EXT or runs
    of the pairs above, appending them to ``items``; return ``(offset, budget)``.

    ``budget`` is what remains of ``max_elements``; each pair takes 2 from it (a string
    or a binary nothing, as in the general loop) and no pair is decoded that it cannot
    pay for. Stops like the pair helpers: at anything else, cut short or malformed.
    """
    end = len(data)
    append = items.append
    left = count
    try:
        while left:
            tag = data[pos]
            if tag == 104:  # SMALL_TUPLE_EXT: a run of pairs?
                before = len(items)
                pos = (binary_pairs if data[pos + 2] == 109 else string_pairs)(
                    data, pos, min(left, budget // 2), append)
                done = len(items) - before
                if not done:
                    break
                left -= done
                budget -= 2 * done
            elif tag == 107:  # STRING_EXT
                _, size = _TAG_U16(data, pos)
                stop = pos + 3 + size
                if stop > end:
                    break
                append([*data[pos + 3:stop]])
                pos = stop
                left -= 1
            elif tag == 109:  # BINARY_EXT
                _, size = _TAG_U32(data, pos)
                stop = pos + 5 + size
                if stop > end:
                    break
                append(data[pos + 5:stop])
                pos = stop
                left -= 1
            else:
                break
    except (IndexError, struct.error):  # cut short: the general loop reports it
        pass
    return pos, budget
