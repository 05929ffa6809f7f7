"""The leading binaries, strings and pairs of them in a list, encoded in one tight loop.

A FreeSWITCH event is ``{event, [UUID, {Name, Value}, ...]}``: a list whose elements
are a binary or a string and then 2-tuples of two binaries (binary mode) or two
strings (charlist mode). The general encoding loop pushes every element on its work
list and dispatches on its type; :func:`encode_leading_leaves` walks such a list once
and appends the encodings directly, which is most of an event's cost.

Strings follow the codec's mapping (``docs/terms.md``): a ``list`` of 1..255 ints
0..255 is a STRING_EXT, provided it holds no bool. ``bytearray(items)`` converts,
type-checks and range-checks in C, and only ``True``/``False`` can give a byte 0 or 1
there, so a string with neither byte certainly holds no bool. An empty list, a string
with a 0 or 1 byte, a longer one, or anything else ends the run: the general loop
encodes it (checking element by element for bools). Int subclasses (``IntEnum``)
are ints here as in the general path; ``bytearray`` would also take a non-int object
with ``__index__`` as an int, as the general path does after a list's first element
(such objects are outside the documented mapping).
"""

from __future__ import annotations

from typing import Any

from ._encode_leaves import BINARY_HEADERS, PAIR_HEADERS, PAIR_STRING_HEADERS, STRING_HEADERS


def encode_leading_leaves(items: list[Any], out: bytearray) -> list[Any] | None:
    """Append the encodings of the leading elements of ``items`` that are binaries or
    strings of 1..255 bytes, or 2-tuples of two such binaries or two such strings.

    Returns None when that was every element; otherwise the elements still to encode,
    starting with the first one not handled (``items`` itself when that is the
    first). Nothing is appended for an element that is not handled.
    """
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
