"""pyerlsw.etf.fragments writes exactly what encode() writes for the same term."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyerlsw.etf import Atom, EncodeError, encode, fragments

SETTINGS = settings(max_examples=40, deadline=None)
# short texts, and long ones around the 255 and 65535 boundaries (built, not drawn)
texts = st.binary(max_size=300) | st.builds(
    lambda size, fill: (fill * size)[:size],
    st.sampled_from([255, 256, 65535, 65536, 65537]), st.binary(min_size=1, max_size=3))


def test_known_bytes() -> None:
    assert fragments.atom("ok") == b"w\x02ok"
    assert fragments.atom(Atom("ok")) == b"w\x02ok"
    assert fragments.tuple_header(2) == b"h\x02"
    assert fragments.list_header(3) == b"l\x00\x00\x00\x03"
    assert fragments.integer(7) == b"a\x07"
    assert fragments.text(b"", charlist=True) == fragments.NIL == b"j"
    assert fragments.text(b"ab", charlist=True) == b"k\x00\x02ab"
    assert fragments.text(b"ab", charlist=False) == b"m\x00\x00\x00\x02ab"
    long = fragments.text(b"\x01" * 65536, charlist=True)
    assert long[:5] == b"l\x00\x01\x00\x00" and long[5:9] == b"a\x01a\x01"
    assert long.endswith(b"a\x01j") and len(long) == 5 + 2 * 65536 + 1


@SETTINGS
@given(texts, st.booleans())
def test_text_matches_encode(data: bytes, charlist: bool) -> None:
    term = list(data) if charlist else data
    assert fragments.VERSION + fragments.text(data, charlist=charlist) == encode(term)


@SETTINGS
@given(texts, texts, st.booleans())
def test_text_pair_matches_encode(first: bytes, second: bytes, charlist: bool) -> None:
    term = (list(first), list(second)) if charlist else (first, second)
    assert fragments.VERSION + fragments.text_pair(first, second, charlist=charlist) == encode(
        term)


@pytest.mark.parametrize("value", [0, 255, 256, -1, 2**31 - 1, -(2**31), 2**31, -(2**40), 2**64])
def test_integer_matches_encode(value: int) -> None:
    assert fragments.VERSION + fragments.integer(value) == encode(value)


@pytest.mark.parametrize("name", ["ok", "", "a" * 255, "é" * 200, "undefined"])
def test_atom_matches_encode(name: str) -> None:
    assert fragments.VERSION + fragments.atom(name) == encode(Atom(name))


def test_atom_refuses_what_encode_refuses() -> None:
    with pytest.raises(EncodeError):
        fragments.atom("\udcff")


def test_headers_match_encode() -> None:
    assert (fragments.VERSION + fragments.tuple_header(300) + b"j" * 300
            == encode(tuple([[]] * 300)))
    assert (fragments.VERSION + fragments.list_header(1) + fragments.atom("a") + fragments.NIL
            == encode([Atom("a")]))


@SETTINGS
@given(st.lists(st.tuples(st.binary(max_size=70), st.binary(max_size=70)), max_size=30),
       st.booleans())
def test_an_event_built_from_pieces_matches_encode(pairs: list[tuple[bytes, bytes]],
                                                   charlist: bool) -> None:
    head = b"0b5f-uuid"
    parts = [fragments.VERSION, fragments.tuple_header(2), fragments.atom("event"),
             fragments.list_header(len(pairs) + 1), fragments.text(head, charlist=charlist)]
    parts += [fragments.text_pair(a, b, charlist=charlist) for a, b in pairs]
    parts.append(fragments.NIL)
    conv = list if charlist else bytes
    term = (Atom("event"), [conv(head), *[(conv(a), conv(b)) for a, b in pairs]])
    assert b"".join(parts) == encode(term)
