"""The fast paths for runs of binaries, strings and pairs of them (FreeSWITCH event
headers) must give exactly what the general paths give, and stop cleanly on anything
else: a list encodes as its elements encoded one by one, and decodes as its elements
decoded one by one, whatever mixture of shapes it holds."""

from __future__ import annotations

import struct
from enum import IntEnum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyerlsw.etf import (
    Atom,
    DecodeError,
    DecodeLimits,
    FrozenList,
    FrozenMap,
    decode,
    decode_body,
    encode,
)
from pyerlsw.etf._decode_runs import binary_pairs, leading_leaves, string_pairs

# Strings and binaries around every boundary the fast paths check: empty, 0/1 bytes
# (which could be bools), 255/256 elements, ints past 255, bools themselves.
strings = st.one_of(
    st.lists(st.integers(2, 255), min_size=1, max_size=20),
    st.lists(st.integers(0, 255), max_size=6),
    st.lists(st.sampled_from([97, 255, 256, -1, 0, 1]), min_size=1, max_size=4),
    st.lists(st.one_of(st.booleans(), st.integers(0, 3)), min_size=1, max_size=4),
    st.integers(254, 257).map(lambda n: [120] * n),
)
binaries = st.one_of(st.binary(max_size=20), st.integers(254, 257).map(lambda n: b"b" * n))
elements = st.one_of(
    st.tuples(strings, strings),
    st.tuples(binaries, binaries),
    st.tuples(strings, binaries),
    st.tuples(binaries, strings),
    strings,
    binaries,
    st.tuples(strings),
    st.tuples(binaries, binaries, binaries),
    st.sampled_from([Atom("a"), 7, 1000, (), [[]], [(b"x", b"y")], {b"k": [98]}]),
)


def _one_by_one(items: list[Any]) -> bytes:
    body = b"".join(encode(item)[1:] for item in items)
    return b"\x83l" + struct.pack(">I", len(items)) + body + b"j"


@settings(max_examples=400, deadline=None)
@given(st.lists(elements, min_size=1, max_size=8))
def test_list_is_its_elements_one_by_one(items: list[Any]) -> None:
    data = encode(items)
    if all(type(i) is int and 0 <= i < 256 for i in items):
        return  # a STRING_EXT, not a list of elements
    assert data == _one_by_one(items)
    assert decode(data) == items
    assert _types(decode(data)) == _types(items)


plain_strings = st.lists(st.integers(2, 255), min_size=1, max_size=12)
string_runs = st.lists(
    st.one_of(st.tuples(plain_strings, plain_strings), plain_strings,
              st.tuples(strings, strings), strings, elements),
    min_size=1, max_size=30)


@settings(max_examples=400, deadline=None)
@given(string_runs)
def test_string_runs_are_their_elements_one_by_one(items: list[Any]) -> None:
    """Runs of strings and string pairs (the batch path), with every kind of string
    that must stop or defeat it: empty, 0/1 chars, bools, ints past 255, 256 long."""
    data = encode(items)
    if all(type(i) is int and 0 <= i < 256 for i in items):
        return
    assert data == _one_by_one(items)
    assert _types(decode(data)) == _types(items)
    assert decode(data) == items


def _event(n: int, charlist: bool) -> Any:
    pairs = [(f"Name-{i}".encode(), f"value {i}".encode()) for i in range(n)]
    if charlist:
        return (Atom("event"), [list(b"uuid"), *[(list(k), list(v)) for k, v in pairs]])
    return (Atom("event"), [b"uuid", *pairs])


@pytest.mark.parametrize("charlist", [False, True])
def test_event_round_trip_and_types(charlist: bool) -> None:
    event = _event(40, charlist)
    back = decode(encode(event))
    assert back == event
    assert _types(back) == _types(event)


@pytest.mark.parametrize("charlist", [False, True])
def test_truncated_event_is_a_decode_error_at_every_length(charlist: bool) -> None:
    data = encode(_event(5, charlist))
    for size in range(1, len(data)):
        with pytest.raises(DecodeError):
            decode(data[:size])


@pytest.mark.parametrize("charlist", [False, True])
def test_corrupt_pair_is_reported_at_its_value(charlist: bool) -> None:
    data = bytearray(encode(_event(6, charlist)))
    value = data.index(b"value 3") - (3 if charlist else 5)  # the tag of that value
    data[value + 1:value + (3 if charlist else 5)] = b"\xff" * (2 if charlist else 4)
    with pytest.raises(DecodeError, match="runs past the end") as info:
        decode(bytes(data))
    assert info.value.offset == value


@pytest.mark.parametrize("charlist", [False, True])
def test_element_budget_holds_inside_a_run(charlist: bool) -> None:
    event = _event(10, charlist)
    data = encode(event)
    # {event, List}: 2; the list: 11 elements + tail; then 2 per pair.
    needed = 2 + 12 + 2 * 10
    assert decode(data, limits=DecodeLimits(max_elements=needed)) == event
    with pytest.raises(DecodeError, match="max_elements") as info:
        decode(data, limits=DecodeLimits(max_elements=needed - 1))
    last_pair = data.index(b"Name-9") - (5 if charlist else 7)
    assert info.value.offset == last_pair


def test_pairs_in_map_keys_are_frozen() -> None:
    # #{[{"a","b"},{"c","d"}] => {"e","f"}}
    string = b"k\x00\x01"
    pair = b"h\x02" + string + b"a" + string + b"b"
    key = b"l\x00\x00\x00\x02" + pair + pair + b"j"
    data = b"\x83t\x00\x00\x00\x01" + key + pair
    [(k, v)] = decode(data).items()
    assert type(k) is FrozenList
    assert all(type(s) is FrozenList for element in k for s in element)
    assert type(v) is tuple and all(type(s) is list for s in v)


def test_pairs_in_a_tuple_and_after_other_elements() -> None:
    term = (1, (b"a", b"b"), (b"c", b"d"), ([99], [100]), ([101], [102]), Atom("x"))
    assert decode(encode(term)) == term
    assert decode_body(encode(term)[1:]) == (term, len(encode(term)) - 1)


def test_bools_never_become_strings() -> None:
    for value in ([True, 2], [2, False], [True], [False]):
        items = [(value, [97]), ([97], value), value]
        back = decode(encode(items))
        assert _types(back) == _types(items)  # == alone would take True for 1


def _types(term: Any) -> Any:
    if isinstance(term, (list, tuple)):
        return [type(term), *map(_types, term)]
    return type(term)


class _Char(IntEnum):
    A = 97
    B = 98


def test_int_subclasses_are_ints_wherever_they_are() -> None:
    string = [_Char.A, 98]
    items = [(string, [_Char.B]), string, ([97], string)]
    data = encode(items)
    assert data == _one_by_one(items)
    assert data.count(b"k\x00\x02ab") == 3  # STRING_EXT, as term_to_binary makes it
    assert decode(data) == [([97, 98], [98]), [97, 98], ([97], [97, 98])]


@st.composite
def mutated_runs(draw: st.DrawFn) -> bytes:
    """The body (no version byte) of a list of string/binary pairs, damaged a little."""
    items = draw(st.lists(st.one_of(st.tuples(plain_strings, plain_strings),
                                    st.tuples(binaries, binaries), plain_strings,
                                    st.tuples(st.sampled_from([Atom("a"), 7, b"", [2]]),
                                              plain_strings),
                                    elements),
                          min_size=1, max_size=8))
    data = bytearray(encode((Atom("event"), items))[1:])
    for _ in range(draw(st.integers(1, 3))):
        if not data:
            break
        where = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["set", "insert", "delete", "truncate"]))
        if op == "set":
            data[where] = draw(st.sampled_from([0, 1, 2, 97, 104, 106, 107, 109, 119, 255]))
        elif op == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=3))
        elif op == "delete":
            del data[where]
        else:
            del data[where:]
    return bytes(data)


@settings(max_examples=1000, deadline=None)
@given(mutated_runs())
def test_damaged_runs_decode_as_the_general_path_does(body: bytes) -> None:
    """Inside a map key every fast path for strings is off (keys need FrozenList), so
    the same bytes there go through the general loop: whatever the fast paths accept
    must decode to an equal value there, and they may only ever raise DecodeError."""
    try:
        plain = decode(b"\x83" + body)
    except DecodeError:
        return
    keyed = decode(b"\x83t\x00\x00\x00\x01" + body + b"a\x00")
    assert list(keyed) == [plain]
    assert _types(_thaw(next(iter(keyed)))) == _types(plain)


def _thaw(term: Any) -> Any:
    if type(term) is FrozenList:
        return [_thaw(x) for x in term]
    if type(term) is tuple:
        return tuple(_thaw(x) for x in term)
    if type(term) is FrozenMap:  # keys stay frozen, as in any map
        return {key: _thaw(value) for key, value in term.items()}
    return term


def test_run_helpers_take_only_their_own_tags() -> None:
    """Bytes that would parse if a tag were not checked: every other tag is refused."""
    for tag in range(256):
        pair = b"h\x02" + bytes([tag]) + b"\x00\x01a"
        out: list[Any] = []
        if tag != 107:
            assert string_pairs(pair + b"k\x00\x01b", 0, 1, out.append) == 0, tag
        if tag not in (106, 107):  # a value may be [] (NIL_EXT)
            assert string_pairs(b"h\x02k\x00\x01a" + bytes([tag]) + b"\x00\x01b", 0, 1,
                                out.append) == 0, tag
        if tag != 109:
            assert binary_pairs(b"h\x02" + bytes([tag]) + b"\x00\x00\x00\x01am\x00\x00\x00\x01b",
                                0, 1, out.append) == 0, tag
        if tag not in (104, 107, 109):
            assert leading_leaves(bytes([tag]) + b"\x00\x01a", 0, 1, 100, out) == (0, 100), tag
        if tag != 2:  # a 2-tuple only
            assert string_pairs(b"h" + bytes([tag]) + b"k\x00\x01ak\x00\x01b", 0, 1,
                                out.append) == 0, tag
        assert out == [], tag
    out = []
    assert string_pairs(b"h\x02k\x00\x01ak\x00\x01b", 0, 1, out.append) == 10
    assert binary_pairs(b"h\x02m\x00\x00\x00\x01am\x00\x00\x00\x01b", 0, 1, out.append) == 14
    assert string_pairs(b"h\x02k\x00\x01ajh\x02k\x00\x01bjjj", 0, 2, out.append) == 14
    assert out == [([97], [98]), (b"a", b"b"), ([97], []), ([98], [])]


@pytest.mark.parametrize("charlist", [False, True])
def test_events_with_empty_and_long_values(charlist: bool) -> None:
    """Empty values ([] in charlist mode) and values past 255 bytes (an SDP body) keep
    the fast paths going and give the general paths' bytes."""
    name, _ = _event(1, charlist)
    _, items = _event(30, charlist)
    empty: Any = [] if charlist else b""
    long_value: Any = [120] * 700 if charlist else b"x" * 700
    items[5] = (items[5][0], empty)
    items[9] = (items[9][0], long_value)
    items[12] = (empty, items[12][1])
    items[20] = (items[20][0], long_value)
    items.insert(25, empty)
    data = encode((name, items))
    assert encode(items) == _one_by_one(items)
    assert _types(decode(data)) == _types((name, items))
    assert decode(data) == (name, items)


def test_the_batch_resumes_after_a_long_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """One long value must not send the rest of the event element by element."""
    from pyerlsw.etf import _encode_runs

    calls: list[tuple[int, tuple[int, bool]]] = []
    batch = _encode_runs._strings

    def recording(items: list[Any], start: int, out: bytearray) -> tuple[int, bool]:
        result = batch(items, start, out)
        calls.append((start, result))
        return result

    monkeypatch.setattr(_encode_runs, "_strings", recording)
    _, items = _event(20, charlist=True)
    items[10] = (items[10][0], [120] * 300)
    assert encode(items) == _one_by_one(items)
    assert calls == [(0, (10, False)), (11, (21, False))]
