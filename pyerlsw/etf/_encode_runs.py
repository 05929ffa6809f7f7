"""The leading binaries, strings and pairs of them in a list, encoded in one tight loop.

A FreeSWITCH event is ``{event, [UUID, {Name, Value}, ...]}``: a list whose elements
are a binary or a string and then 2-tuples of two binaries (binary mode) or two
strings (charlist mode). The general encoding loop pushes every element on its work
list and dispatches on its type; :func:`encode_leading_leaves` walks such a list once
and appends the encodings directly, which is most of an event's cost.

Strings follow the codec's mapping (``docs/terms.md``): a ``list`` of 1..255 ints
0..255 is a STRING_EXT, provided it holds no bool. Two ways, same bytes:

* **In one batch** (:func:`_strings`), for a run of strings and pairs of strings: the
  header ints and the strings' own ints are concatenated into one list (a C-level
  copy of pointers per string) and converted by a single ``bytearray()``, which
  type-checks and range-checks every int in C. Only ``True``/``False`` can give a
  byte 0 or 1 there, and every header holds exactly one 0 byte (the high byte of its
  length) and a 1 only as the length byte right after it; so when the bytes hold
  exactly one 0 per string and every 1 follows a 0, no string held a bool (nor a
  0 or 1). Otherwise, or when the conversion fails, nothing is written and:
* **One by one** (:func:`_one_by_one`), which also does binaries: each string is
  converted and tested for 0/1 bytes on its own.

An empty list, a string with a 0 or 1 (or anything ``bytearray`` refuses), a longer
one, or anything else ends the run: the general loop encodes it (checking element by
element for bools). Int subclasses (``IntEnum``) are ints here as in the general
path; ``bytearray`` would also take a non-int object with ``__index__`` as an int, as
the general path does after a list's first element (such objects are outside the
documented mapping).
"""

from __future__ import annotations

from operator import length_hint
from typing import Any

from ._encode_leaves import BINARY_HEADERS, PAIR_HEADERS, PAIR_STRING_HEADERS, STRING_HEADERS

# The headers above as tuples of ints, to be concatenated with the strings' ints.
_PAIR_STRING_INTS: tuple[tuple[int, ...], ...] = tuple(map(tuple, PAIR_STRING_HEADERS))
_STRING_INTS: tuple[tuple[int, ...], ...] = tuple(map(tuple, STRING_HEADERS))


def encode_leading_leaves(items: list[Any], out: bytearray) -> list[Any] | None:
    """Append the encodings of the leading elements of ``items`` that are binaries or
    strings of 1..255 bytes, or 2-tuples of two such binaries or two such strings.

    Returns None when that was every element; otherwise the elements still to encode,
    starting with the first one not handled (``items`` itself when that is the
    first). Nothing is appended for an element that is not handled.
    """
    rest = _strings(items, out)
    return None if rest is None else _one_by_one(rest, out)


def _strings(items: list[Any], out: bytearray) -> list[Any] | None:
    """The leading strings and pairs of strings of ``items`` in one batch (see above);
    returns like :func:`encode_leading_leaves` (``items`` when it wrote nothing)."""
    ints: list[Any] = []
    singles = 0  # strings that were not in a pair
    pair_ints, string_ints = _PAIR_STRING_INTS, _STRING_INTS  # locals: hot loop
    elements = iter(items)
    stopped = True  # ended at an element it does not take (not at the end of items)
    try:
        for item in elements:
            if type(item) is tuple:
                first, second = item  # ValueError unless a pair
                if type(first) is not list or type(second) is not list:
                    break
                if not first or not second:  # [] is NIL_EXT
                    break
                head = pair_ints[len(first)]  # IndexError past 255
                middle = string_ints[len(second)]
                ints += head
                ints += first
                ints += middle
                ints += second
            elif type(item) is list:
                if not item:
                    break
                head = string_ints[len(item)]
                ints += head
                ints += item
                singles += 1
            else:
                break
        else:
            stopped = False
    except (ValueError, IndexError):
        pass
    if not ints:
        return items
    try:
        chars = bytearray(ints)
    except (TypeError, ValueError):  # a non-int or an int past 255 somewhere
        return items
    done = len(items) - length_hint(elements) - stopped
    if chars.count(0) != 2 * done - singles:  # one 0 per string header, none else
        return items
    one = chars.find(1)
    while one != -1:  # (a 1 is never the first byte: that is a tag)
        if chars[one - 1] != 0:  # not a length byte: a 1 (or True) in a string
            return items
        one = chars.find(1, one + 1)
    out += chars
    return items[done:] if stopped else None


def _one_by_one(items: list[Any], out: bytearray) -> list[Any] | None:
    """:func:`encode_leading_leaves` element by element (binaries, and strings the
    batch could not take)."""
    start = len(out)
    # Locals for the hot loop. Every check comes before the first write of an element;
    # a check that raises (a header lookup past its table for a value longer than 255,
    # ``[][0]``, ``bytearray`` of something else) ends the run like a failed one.
    pair_headers, pair_string_headers = PAIR_HEADERS, PAIR_STRING_HEADERS
    binary_headers, string_headers = BINARY_HEADERS, STRING_HEADERS
    elements = iter(items)
    item: Any = None
    try:
        for item in elements:
            kind = type(item)
            if kind is tuple:
                first, second = item  # ValueError unless a pair
                kind = type(first)
                if kind is list:
                    if type(second) is not list:
                        break
                    head, tail = bytearray(first), bytearray(second)
                    head_header = pair_string_headers[len(head)]
                    tail_header = string_headers[len(tail)]
                    if not head or not tail or 0 in head or 1 in head or 0 in tail or 1 in tail:
                        break  # [] (NIL_EXT) or maybe bools
                    out += head_header
                    out += head
                    out += tail_header
                    out += tail
                elif kind is bytes:
                    if type(second) is not bytes:
                        break
                    head_header = pair_headers[len(first)]
                    tail_header = binary_headers[len(second)]
                    out += head_header
                    out += first
                    out += tail_header
                    out += second
                else:
                    break
            elif kind is bytes:
                head_header = binary_headers[len(item)]
                out += head_header
                out += item
            elif kind is list:
                if not item or not isinstance(item[0], int):
                    break
                chars = bytearray(item)
                head_header = string_headers[len(chars)]
                if 0 in chars or 1 in chars:
                    break
                out += head_header
                out += chars
            else:
                break
        else:
            return None
    except (ValueError, TypeError, IndexError):
        pass
    if len(out) == start:
        return items
    return [item, *elements]
