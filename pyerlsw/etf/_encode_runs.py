"""The leading binaries, strings and pairs of them in a list, encoded in one tight loop.

A FreeSWITCH event is ``{event, [UUID, {Name, Value}, ...]}``: a list whose elements
are a binary or a string and then 2-tuples of two binaries (binary mode) or two
strings (charlist mode). The general encoding loop pushes every element on its work
list and dispatches on its type; :func:`encode_leading_leaves` walks such a list once
and appends the encodings directly, which is most of an event's cost.

Strings follow the codec's mapping (``docs/terms.md``): a ``list`` of 1..65535 ints
0..255 is a STRING_EXT provided it holds no bool, and ``[]`` is NIL_EXT. Two ways,
same bytes:

* **In one batch** (:func:`_strings`), for a run of strings (up to 255 long) and pairs
  of them: the header ints and the strings' own ints are concatenated into one list (a
  C-level copy of pointers per string) and converted by a single ``bytearray()``,
  which type-checks and range-checks every int in C. Only ``True``/``False`` can give
  a byte 0 or 1 there, and every STRING_EXT header holds exactly one 0 byte (the high
  byte of its length) and a 1 only as the length byte right after it; so when the
  bytes hold exactly one 0 per non-empty string and every 1 follows a 0, no string
  held a bool (nor a 0 or 1). Otherwise, or when the conversion fails, nothing is
  written and:
* **One by one** (:func:`_one_by_one`), which also does binaries: each string is
  encoded exactly as the general loop would (longer strings, legitimate 0 and 1).

Anything else (a list of ints past 255 or of other terms, a 65536-element string,
any other term) ends the run: the general loop encodes it and what follows. Int
subclasses (``IntEnum``) are ints here as in the general path; ``bytearray`` would
also take a non-int object with ``__index__`` as an int, as the general path does
after a list's first element (such objects are outside the documented mapping).
"""

from __future__ import annotations

import struct
from operator import length_hint
from typing import Any

from ._encode_leaves import (
    BINARY_HEADERS,
    PAIR_HEADERS,
    PAIR_STRING_HEADERS,
    STRING_HEADERS,
    TAG_U32,
    string_ext_or_none,
)

# The headers above as tuples of ints, to be concatenated with the strings' ints.
_PAIR_STRING_INTS: tuple[tuple[int, ...], ...] = tuple(map(tuple, PAIR_STRING_HEADERS))
_STRING_INTS: tuple[tuple[int, ...], ...] = tuple(map(tuple, STRING_HEADERS))
_NIL = (106,)  # NIL_EXT: an empty string is []
_PAIR_NIL = (104, 2, 106)  # a 2-tuple starting with []
_NIL_BYTES = b"\x6a"
_PAIR_OPEN = b"\x68\x02"


def encode_leading_leaves(items: list[Any], out: bytearray) -> list[Any] | None:
    """Append the encodings of the leading elements of ``items`` that are binaries,
    strings, or 2-tuples of two binaries or two strings.

    Returns None when that was every element; otherwise the elements still to encode,
    starting with the first one not handled (``items`` itself when that is the
    first). Nothing is appended for an element that is not handled.
    """
    index, end = 0, len(items)
    while True:
        index, failed = _strings(items, index, out)
        if index == end:
            return None
        # The batch stopped at a binary, a long string... : take it (and any binaries
        # after it) one by one, then batch again; after a failed batch, stay one by one.
        after = _one_by_one(items, index, out, not failed)
        if after <= index:  # neither takes this element: the general loop will
            return items if index == 0 else items[index:]
        if after == end:
            return None
        index = after


def _strings(items: list[Any], start: int, out: bytearray) -> tuple[int, bool]:
    """Batch the strings and pairs of strings from ``items[start]`` on (see above).

    Returns the index of the first element not written, and whether the batch failed
    (a conversion error or a 0/1 byte: then nothing is written).
    """
    ints: list[Any] = []
    missing = 0  # 0 bytes short of two per element: singles, empty strings
    pair_ints, string_ints = _PAIR_STRING_INTS, _STRING_INTS  # locals: hot loop
    elements: Any = iter(items)
    elements.__setstate__(start)  # a list iterator starts where asked, in O(1)
    stopped = True  # ended at an element it does not take (not at the end of items)
    try:
        for item in elements:
            if type(item) is tuple:
                first, second = item  # ValueError unless a pair
                if type(first) is not list or type(second) is not list:
                    break
                if first and second:
                    head = pair_ints[len(first)]  # IndexError past 255
                    middle = string_ints[len(second)]
                else:  # [] is NIL_EXT (an empty header value): no header, no 0 byte
                    head = pair_ints[len(first)] if first else _PAIR_NIL
                    middle = string_ints[len(second)] if second else _NIL
                    missing += (not first) + (not second)
                ints += head
                ints += first
                ints += middle
                ints += second
            elif type(item) is list:
                head = string_ints[len(item)] if item else _NIL
                missing += 1 if item else 2
                ints += head
                ints += item
            else:
                break
        else:
            stopped = False
    except (ValueError, IndexError):
        pass
    if not ints:
        return start, False
    try:
        chars = bytearray(ints)
    except (TypeError, ValueError):  # a non-int or an int past 255 somewhere
        return start, True
    done = len(items) - length_hint(elements) - stopped
    if chars.count(0) != 2 * (done - start) - missing:  # one 0 per string header
        return start, True
    one = chars.find(1)
    while one != -1:  # (a 1 is never the first byte: that is a tag)
        if chars[one - 1] != 0:  # not a length byte: a 1 (or True) in a string
            return start, True
        one = chars.find(1, one + 1)
    out += chars
    return done, False


def _one_by_one(items: list[Any], start: int, out: bytearray, batch: bool) -> int:
    """Encode elements from ``items[start]`` on one by one: binaries, and strings the
    batch does not take (longer than 255, a legitimate 0 or 1); return the index of the
    first one not written. With ``batch``, stop at a short string or pair of them (for
    the batch to take over again).
    """
    # Locals for the hot loop. Every check comes before the first write of an element;
    # a check that raises (``bytearray`` of something else, a binary past 4 GiB) ends
    # the run like a failed one.
    pair_headers, binary_headers = PAIR_HEADERS, BINARY_HEADERS
    elements: Any = iter(items)
    elements.__setstate__(start)
    stopped = True
    try:
        for item in elements:
            kind = type(item)
            if kind is tuple:
                first, second = item  # ValueError unless a pair
                kind = type(first)
                if kind is bytes:
                    if type(second) is not bytes:
                        break
                    try:
                        head_header = pair_headers[len(first)]
                        tail_header = binary_headers[len(second)]
                    except IndexError:  # longer than 255 (struct.error past 4 GiB)
                        head_header = _PAIR_OPEN + TAG_U32(109, len(first))
                        tail_header = TAG_U32(109, len(second))
                    out += head_header
                    out += first
                    out += tail_header
                    out += second
                elif kind is list:
                    if type(second) is not list or (
                            batch and len(first) < 256 and len(second) < 256):
                        break
                    head = _string_or_none(first)
                    tail = _string_or_none(second)
                    if head is None or tail is None:
                        break
                    out += _PAIR_OPEN
                    out += head
                    out += tail
                else:
                    break
            elif kind is bytes:
                try:
                    head_header = binary_headers[len(item)]
                except IndexError:
                    head_header = TAG_U32(109, len(item))
                out += head_header
                out += item
            elif kind is list:
                if batch and len(item) < 256:
                    break
                chars = _string_or_none(item)
                if chars is None:
                    break
                out += chars
            else:
                break
        else:
            stopped = False
    except (ValueError, TypeError, OverflowError, struct.error):
        pass
    return len(items) - length_hint(elements) - stopped


def _string_or_none(chars: list[Any]) -> bytes | bytearray | None:
    """NIL_EXT or STRING_EXT for ``chars`` exactly when the general loop makes one
    (1..65535 ints 0..255, the first an int, no bool), else None."""
    if not chars:
        return _NIL_BYTES
    if not isinstance(chars[0], int):
        return None
    return string_ext_or_none(chars) if len(chars) <= 0xFFFF else None
