"""The decoding loop: one term body (no version byte) from ``bytes``, without recursion.

Containers (tuples, lists, maps, fun free variables) are decoded with an explicit stack
of suspended parents, so nesting depth costs heap memory, never Python stack frames:
100,000 nested lists decode like any other term. The loop keeps the container being
filled in local variables (``kind``, ``items``, ``remaining``, ``frozen``, ``start``)
and decodes its leaf children in place; a child container suspends the parent on the
stack, and a finished container is appended to its resumed parent.

Every length or count is checked against the bytes that remain *before* anything is
allocated for it (a count of N elements needs at least N bytes), and the counts of all
containers together against ``max_elements`` (which bounds memory: a one-byte ``[]``
becomes a 56-byte Python list). Fixed-size reads past
the end raise ``IndexError``/``struct.error``, which are turned into a "truncated"
:class:`DecodeError` naming the tag being decoded and its offset.

Tag numbers appear as literals in the hot loop (named in comments and in
:mod:`pyerlsw.etf.tags`): a constant compare is measurably cheaper than a global lookup.

Inside a map key (and anything nested in one) lists and maps decode to the hashable
:class:`FrozenList`/:class:`FrozenMap`; the ``frozen`` flag carries that context down.
"""

from __future__ import annotations

import struct
from typing import Any

from ._decode_leaves import (
    AtomCache,
    atom_body,
    big_body,
    bit_binary_body,
    export_body,
    float_text_body,
    new_float_body,
    pid_body,
    port_body,
    read_atom,
    reference_body,
)
from ._decode_runs import binary_pairs, leading_leaves, string_pairs
from .errors import DecodeError
from .limits import DecodeLimits
from .tags import TAG_NAMES
from .terms import FrozenList, FrozenMap, ImproperList, OpaqueFun

_U16 = struct.Struct(">H").unpack_from
_U32 = struct.Struct(">I").unpack_from
_I32 = struct.Struct(">i").unpack_from
_FUN_HEADER = struct.Struct(">IB16sII").unpack_from  # Size, Arity, Uniq, Index, NumFree

# Kinds of container being filled.
_ROOT = 0  # the pseudo-container holding the one term being decoded
_TUPLE = 1
_LIST = 2  # the elements of a LIST_EXT
_TAIL = 3  # the tail of a LIST_EXT that did not end with NIL_EXT
_MAP = 4  # keys and values, alternating
_FUN = 5  # the free variables of a NEW_FUN_EXT

Frame = tuple[int, list[Any], int, bool, Any]


def decode_term(data: bytes, pos: int, limits: DecodeLimits) -> tuple[Any, int]:
    """Decode one term body starting at ``pos`` (a tag byte); return it and its end offset.

    Raises :class:`DecodeError` on malformed input or a broken limit, and nothing else.
    """
    end = len(data)
    max_depth = limits.max_depth
    budget = limits.max_elements  # elements that containers may still declare
    atoms: AtomCache = {}
    stack: list[Frame] = []
    kind = _ROOT
    items: list[Any] = []
    remaining = 1
    frozen = False
    start: Any = pos
    tag = -1
    tag_pos = pos
    try:
        while True:
            while remaining:
                remaining -= 1
                tag_pos = pos
                tag = data[pos]
                pos += 1
                if tag == 109:  # BINARY_EXT
                    n = _U32(data, pos)[0]
                    pos += 4
                    if n > end - pos:
                        raise DecodeError(f"binary of {n} bytes runs past the end", tag_pos, tag)
                    items.append(data[pos:pos + n])
                    pos += n
                elif tag in {104, 105}:  # SMALL_TUPLE_EXT, LARGE_TUPLE_EXT
                    if tag == 104:
                        n = data[pos]
                        pos += 1
                    else:
                        n = _U32(data, pos)[0]
                        pos += 4
                    if n > end - pos:
                        raise DecodeError(f"tuple of {n} elements runs past the end",
                                          tag_pos, tag)
                    budget -= n
                    if budget < 0:
                        raise _too_many(limits, tag_pos, tag)
                    tuple_pos = tag_pos
                    child_frozen = frozen or (kind == _MAP and remaining & 1 == 1)
                    # {Binary, Binary} or {String, String}, and as many more of the same
                    # shape as follow in this container (every FreeSWITCH event header),
                    # in one helper call; it stops at anything else, which the general
                    # path below then decodes (and reports errors for).
                    if n == 2:  # two bytes at least remain (checked above)
                        first_tag = data[pos]
                        if first_tag == 109 or (first_tag == 107 and kind != _MAP
                                                and not child_frozen):
                            extra = min(remaining, budget // 2) if kind != _MAP else 0
                            before = len(items)
                            stop = (binary_pairs if first_tag == 109 else string_pairs)(
                                data, tag_pos, extra + 1, items.append)
                            done = len(items) - before
                            if done:
                                pos = stop
                                remaining -= done - 1
                                budget -= 2 * (done - 1)
                                continue
                    # Fast path: decode leading leaf elements (binaries, strings,
                    # integers, atoms, pids, references, floats, []) right here; only a
                    # tuple holding something else is suspended on the stack. Tuples of
                    # leaves are the commonest shape ({Name, Value} pairs, records,
                    # control messages) and this saves a suspend/resume per tuple.
                    elements: list[Any] = []
                    left = n
                    while left:
                        tag_pos = pos
                        tag = data[pos]
                        if tag == 109:  # BINARY_EXT
                            size = _U32(data, pos + 1)[0]
                            pos += 5
                            if size > end - pos:
                                raise DecodeError(f"binary of {size} bytes runs past the end",
                                                  tag_pos, tag)
                            elements.append(data[pos:pos + size])
                            pos += size
                        elif tag == 97:  # SMALL_INTEGER_EXT
                            elements.append(data[pos + 1])
                            pos += 2
                        elif tag in {119, 100, 118, 115}:  # atoms
                            atom, pos = atom_body(data, pos + 1, tag, atoms)
                            elements.append(atom)
                        elif tag == 107:  # STRING_EXT
                            size = _U16(data, pos + 1)[0]
                            pos += 3
                            if size > end - pos:
                                raise DecodeError(f"string of {size} bytes runs past the end",
                                                  tag_pos, tag)
                            chars = data[pos:pos + size]
                            elements.append(FrozenList(chars) if child_frozen else list(chars))
                            pos += size
                        elif tag == 98:  # INTEGER_EXT
                            elements.append(_I32(data, pos + 1)[0])
                            pos += 5
                        elif tag == 88:  # NEW_PID_EXT
                            pid, pos = pid_body(data, pos + 1, tag, atoms)
                            elements.append(pid)
                        elif tag == 106:  # NIL_EXT
                            elements.append(FrozenList() if child_frozen else [])
                            pos += 1
                        elif tag == 90:  # NEWER_REFERENCE_EXT
                            ref, pos = reference_body(data, pos + 1, tag, atoms)
                            elements.append(ref)
                        elif tag == 70:  # NEW_FLOAT_EXT
                            number, pos = new_float_body(data, pos + 1)
                            elements.append(number)
                        else:
                            break
                        left -= 1
                    if not left:
                        items.append(tuple(elements))
                        continue
                    if len(stack) >= max_depth:
                        raise _too_deep(limits, tuple_pos, data[tuple_pos])
                    stack.append((kind, items, remaining, frozen, start))
                    kind, items, remaining, frozen, start = (
                        _TUPLE, elements, left, child_frozen, tuple_pos)
                elif tag == 97:  # SMALL_INTEGER_EXT
                    items.append(data[pos])
                    pos += 1
                elif tag in {119, 100, 118, 115}:  # atoms
                    atom, pos = atom_body(data, pos, tag, atoms)
                    items.append(atom)
                elif tag == 107:  # STRING_EXT
                    n = _U16(data, pos)[0]
                    pos += 2
                    if n > end - pos:
                        raise DecodeError(f"string of {n} bytes runs past the end", tag_pos, tag)
                    if frozen or (kind == _MAP and remaining & 1 == 1):
                        items.append(FrozenList(data[pos:pos + n]))
                    else:
                        items.append(list(data[pos:pos + n]))
                    pos += n
                elif tag == 106:  # NIL_EXT
                    if frozen or (kind == _MAP and remaining & 1 == 1):
                        items.append(FrozenList())
                    else:
                        items.append([])
                elif tag == 108:  # LIST_EXT
                    n = _U32(data, pos)[0]
                    pos += 4
                    if n >= end - pos:  # n elements and a tail need n + 1 bytes at least
                        raise DecodeError(f"list of {n} elements runs past the end",
                                          tag_pos, tag)
                    budget -= n + 1
                    if budget < 0:
                        raise _too_many(limits, tag_pos, tag)
                    if len(stack) >= max_depth:
                        raise _too_deep(limits, tag_pos, tag)
                    child_frozen = frozen or (kind == _MAP and remaining & 1 == 1)
                    list_pos = tag_pos
                    elements = []
                    if not child_frozen and data[pos] in {107, 109, 104}:
                        # Leading strings, binaries and pairs of them (an event's UUID
                        # and headers) in one helper call; a list of nothing else is
                        # complete here, without a stack frame.
                        pos, budget = leading_leaves(data, pos, n, budget, elements)
                        left = n - len(elements)
                        tag_pos = pos  # what a missing tail is reported at
                        if not left and data[pos] == 106:  # NIL_EXT
                            pos += 1
                            items.append(elements)
                            continue
                    else:
                        left = n
                    stack.append((kind, items, remaining, frozen, start))
                    kind, items, remaining, frozen, start = (
                        _LIST, elements, left, child_frozen, list_pos)
                elif tag == 98:  # INTEGER_EXT
                    items.append(_I32(data, pos)[0])
                    pos += 4
                elif tag == 116:  # MAP_EXT
                    n = _U32(data, pos)[0]
                    pos += 4
                    child_frozen = frozen or (kind == _MAP and remaining & 1 == 1)
                    if n == 0:
                        items.append(FrozenMap() if child_frozen else {})
                        continue
                    if 2 * n > end - pos:
                        raise DecodeError(f"map of {n} pairs runs past the end", tag_pos, tag)
                    budget -= 2 * n
                    if budget < 0:
                        raise _too_many(limits, tag_pos, tag)
                    if len(stack) >= max_depth:
                        raise _too_deep(limits, tag_pos, tag)
                    stack.append((kind, items, remaining, frozen, start))
                    kind, items, remaining, frozen, start = _MAP, [], 2 * n, child_frozen, tag_pos
                elif tag == 70:  # NEW_FLOAT_EXT
                    number, pos = new_float_body(data, pos)
                    items.append(number)
                elif tag in {110, 111}:  # SMALL_BIG_EXT, LARGE_BIG_EXT
                    big, pos = big_body(data, pos, tag, limits)
                    items.append(big)
                elif tag in {88, 103}:  # NEW_PID_EXT, PID_EXT
                    pid, pos = pid_body(data, pos, tag, atoms)
                    items.append(pid)
                elif tag in {90, 114, 101}:  # references
                    ref, pos = reference_body(data, pos, tag, atoms)
                    items.append(ref)
                elif tag in {89, 120, 102}:  # ports
                    port, pos = port_body(data, pos, tag, atoms)
                    items.append(port)
                elif tag == 77:  # BIT_BINARY_EXT
                    bits, pos = bit_binary_body(data, pos)
                    items.append(bits)
                elif tag == 113:  # EXPORT_EXT
                    export, pos = export_body(data, pos, atoms)
                    items.append(export)
                elif tag == 99:  # FLOAT_EXT
                    number, pos = float_text_body(data, pos)
                    items.append(number)
                elif tag == 112:  # NEW_FUN_EXT
                    if len(stack) >= max_depth:
                        raise _too_deep(limits, tag_pos, tag)
                    fun_start, pos, numfree = _fun_header(data, pos, atoms)
                    budget -= numfree
                    if budget < 0:
                        raise _too_many(limits, tag_pos, tag)
                    child_frozen = frozen or (kind == _MAP and remaining & 1 == 1)
                    stack.append((kind, items, remaining, frozen, start))
                    kind, items, remaining, frozen, start = (
                        _FUN, [], numfree, child_frozen, fun_start)
                else:
                    raise _bad_tag(tag, tag_pos)
            # The container in the locals is complete: build it, then resume its parent.
            if kind == _TUPLE:
                value: Any = tuple(items)
            elif kind == _LIST:
                tag_pos = pos
                tag = data[pos]
                if tag == 106:  # NIL_EXT: a proper list
                    pos += 1
                    value = FrozenList(items) if frozen else items
                else:  # decode the tail into the same items, then join
                    kind = _TAIL
                    remaining = 1
                    continue
            elif kind == _MAP:
                pairs = iter(items)
                mapping = dict(zip(pairs, pairs))  # noqa: B905 (even length)
                if 2 * len(mapping) != len(items):
                    raise DecodeError("map has duplicate keys", start, 116)
                value = FrozenMap(mapping) if frozen else mapping
            elif kind == _TAIL:
                value = _join_tail(items, frozen)
            elif kind == _FUN:
                value = _finish_fun(data, pos, start, items)
            else:  # _ROOT
                return items[0], pos
            kind, items, remaining, frozen, start = stack.pop()
            items.append(value)
    except (IndexError, struct.error):
        if tag_pos >= end:
            raise DecodeError("input ends where a term should start", tag_pos) from None
        raise DecodeError("input ends in the middle of a term", tag_pos, tag) from None


def _too_deep(limits: DecodeLimits, pos: int, tag: int) -> DecodeError:
    return DecodeError(f"nesting deeper than max_depth={limits.max_depth}", pos, tag)


def _too_many(limits: DecodeLimits, pos: int, tag: int) -> DecodeError:
    return DecodeError(f"term has more than max_elements={limits.max_elements} elements",
                       pos, tag)


def _bad_tag(tag: int, pos: int) -> DecodeError:
    if tag == 82:
        return DecodeError("ATOM_CACHE_REF is only valid after a distribution header", pos, tag)
    if tag == 121:
        return DecodeError("LOCAL_EXT is node-local and cannot be decoded here", pos, tag)
    if tag == 80:
        return DecodeError("a compressed term is only allowed at the top level", pos, tag)
    if tag == 131:
        return DecodeError("version byte 131 inside a term", pos, tag)
    if tag == 117:
        return DecodeError("FUN_EXT is obsolete (not decoded since OTP 23)", pos, tag)
    name = TAG_NAMES.get(tag)
    what = f"tag {name}" if name else "unknown tag"
    return DecodeError(f"{what} is not valid in a term", pos, tag)


def _join_tail(items: list[Any], frozen: bool) -> Any:
    """Build ``[items... | tail]`` where ``tail`` (the last of ``items``) was not NIL_EXT.

    Non-canonical encodings (a tail that is itself a list, a LIST_EXT with no elements)
    are normalised the way Erlang reads them, so the mapping stays one-to-one.
    """
    tail = items.pop()
    if type(tail) is list or type(tail) is FrozenList:
        joined = items + list(tail)
        return FrozenList(joined) if frozen else joined
    if type(tail) is ImproperList:
        items.extend(tail.items)
        tail = tail.tail
    if not items:
        return tail
    return ImproperList(FrozenList(items) if frozen else items, tail)


def _fun_header(data: bytes, pos: int, atoms: AtomCache) -> tuple[Any, int, int]:
    """Parse NEW_FUN_EXT up to its free variables.

    Returns ``(start, offset of the first free variable, number of free variables)``
    where ``start`` is what :func:`_finish_fun` needs.
    """
    tag_pos = pos - 1
    size, arity, _uniq, _index, numfree = _FUN_HEADER(data, pos)
    fun_end = pos + size
    if size < 29 or fun_end > len(data):
        raise DecodeError(f"fun of {size} bytes runs past the end", tag_pos, 112)
    if numfree > fun_end - pos:
        raise DecodeError(f"fun with {numfree} free variables runs past its size", tag_pos, 112)
    body = pos
    module, pos = read_atom(data, pos + 29, atoms, "fun module")
    for what in ("OldIndex", "OldUniq"):
        int_tag = data[pos]
        if int_tag == 97:
            pos += 2
        elif int_tag == 98:
            pos += 5
        else:
            raise DecodeError(f"fun {what} must be an integer", pos, int_tag)
    pid_tag = data[pos]
    if pid_tag not in {88, 103}:
        raise DecodeError("fun creator must be a pid", pos, pid_tag)
    _pid, pos = pid_body(data, pos + 1, pid_tag, atoms)
    return (tag_pos, body, fun_end, module, arity), pos, numfree


def _finish_fun(data: bytes, pos: int, start: Any, free_vars: list[Any]) -> OpaqueFun:
    tag_pos, body, fun_end, module, arity = start
    if pos != fun_end:
        raise DecodeError(f"fun size field says {fun_end - body} bytes, found {pos - body}",
                          tag_pos, 112)
    return OpaqueFun(data[body:pos], module, arity, tuple(free_vars))
