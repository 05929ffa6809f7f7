"""The explicit text helpers: charlists and binaries to str and back."""

from __future__ import annotations

import pytest

from pyerlsw.etf import FrozenList, binary, charlist, decode, encode, is_charlist, to_str


def test_charlist_round_trip() -> None:
    assert charlist("h\u00e9\u042f") == [104, 233, 0x42F]
    assert to_str([104, 233, 0x42F]) == "h\u00e9\u042f"
    assert to_str(decode(encode("abc", strings="charlist"))) == "abc"
    assert to_str(FrozenList([97])) == "a"
    assert to_str([]) == ""


def test_utf8_byte_charlists() -> None:
    assert charlist("h\u00e9", encoding="utf-8") == [104, 0xC3, 0xA9]
    assert to_str([104, 0xC3, 0xA9], charlist_encoding="utf-8") == "h\u00e9"
    with pytest.raises(ValueError):
        to_str([0xFF], charlist_encoding="utf-8")
    with pytest.raises(ValueError):
        to_str([300], charlist_encoding="utf-8")
    with pytest.raises(ValueError):
        to_str([97], charlist_encoding="no-such-codec")


def test_binaries() -> None:
    assert binary("h\u00e9") == b"h\xc3\xa9"
    assert to_str(b"h\xc3\xa9") == "h\u00e9"
    assert to_str(bytearray(b"a")) == "a"
    assert to_str("already") == "already"
    with pytest.raises(ValueError):
        to_str(b"\xff")
    with pytest.raises(ValueError):
        binary("\ud800")


def test_not_text() -> None:
    assert is_charlist([])
    assert is_charlist([0x10FFFF])
    assert not is_charlist([0xD800])
    assert not is_charlist([True])
    assert not is_charlist([-1])
    assert not is_charlist((97,))
    with pytest.raises(ValueError):
        to_str([97, "b"])
    with pytest.raises(ValueError):
        to_str([0x110000])
    with pytest.raises(TypeError):
        to_str(97)
    with pytest.raises(TypeError):
        to_str((97,))
