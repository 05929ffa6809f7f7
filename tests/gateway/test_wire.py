from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyerlsw.etf.terms import Atom
from pyerlsw.gateway import wire
from tests.gateway.conftest import etf_codec


def test_known_bytes():
    assert wire.atom("ok") == b"w\x02ok"
    assert wire.tuple_header(2) == b"h\x02"
    assert wire.list_header(3) == b"l\x00\x00\x00\x03"
    assert wire.integer(7) == b"a\x07"
    assert wire.integer(-1) == b"b\xff\xff\xff\xff"
    assert wire.integer(2**64) == b"n\x09\x00" + b"\x00" * 8 + b"\x01"
    assert wire.text(b"", binary=False) == b"j"
    assert wire.text(b"ab", binary=False) == b"k\x00\x02ab"
    assert wire.text(b"ab", binary=True) == b"m\x00\x00\x00\x02ab"
    assert wire.text(b"", binary=True) == b"m\x00\x00\x00\x00"
    long = wire.text(b"\x01" * 65536, binary=False)
    assert long[:5] == b"l\x00\x01\x00\x00"
    assert long[5:9] == b"a\x01a\x01"
    assert long.endswith(b"a\x01j")
    assert len(long) == 5 + 2 * 65536 + 1


@given(st.binary(max_size=70000) | st.binary(max_size=40), st.booleans())
def test_text_matches_codec(data, binary):
    etf = etf_codec()
    term = data if binary else list(data)
    assert wire.VERSION + wire.text(data, binary) == etf.encode(term)


@pytest.mark.parametrize("value", [0, 255, 256, -1, 2**31 - 1, -(2**31), 2**31, -(2**40), 2**64])
def test_integer_matches_codec(value):
    etf = etf_codec()
    assert wire.VERSION + wire.integer(value) == etf.encode(value)


@pytest.mark.parametrize("name", ["ok", "", "a" * 255, "é" * 200, "undefined"])
def test_atom_matches_codec(name):
    etf = etf_codec()
    assert wire.VERSION + wire.atom(name) == etf.encode(Atom(name))


def test_headers_match_codec():
    etf = etf_codec()
    assert wire.VERSION + wire.tuple_header(300) + b"j" * 300 == etf.encode(tuple([[]] * 300))
    assert wire.VERSION + wire.list_header(1) + wire.atom("a") + b"j" == etf.encode([Atom("a")])
