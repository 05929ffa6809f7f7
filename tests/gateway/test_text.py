from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyerlsw.etf.terms import Atom, ImproperList, Pid, Port, Reference
from pyerlsw.gateway.text import (
    UUID_MAX_BYTES,
    Encoding,
    ascii_equal_ci,
    atom_text,
    from_c_bytes,
    hdr_str,
    str_in,
    text_term,
    to_c_bytes,
    url_decode,
)

NODE = Atom("a@b")
PID = Pid(NODE, 1, 0, 0)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (list(b"hello"), "hello"),
        (b"hello", "hello"),
        ([], ""),
        (Atom(""), ""),
        (0, ""),
        (123456, ""),
        (-5, ""),
        (1.5, ""),
        (PID, ""),
        (Port(NODE, 1, 0), ""),
        ((), ""),
        ({}, ""),
        (b"", ""),
        (list("héllo".encode()), "héllo"),
        ("é".encode("latin-1"), "\udce9"),  # not UTF-8: kept losslessly
        (b"ab\x00cd", "ab"),  # C strings end at the first NUL
        ([97, 0, 98], "a"),
    ],
)
def test_str_in_accepts(term, expected):
    assert str_in(term) == expected


@pytest.mark.parametrize(
    "term",
    [
        Atom("status"),  # a non-empty atom is not text for ei
        [256],  # a char > 255: Erlang sends a proper list
        [97] * 65536,  # longer than STRING_EXT
        [True],
        ["a"],
        2**40,  # a bignum has a non-zero size
        (1,),
        {1: 2},
        ImproperList([1], 2),
        Reference(NODE, 1, (1, 2, 3)),
        True,
        "a python str",
    ],
)
def test_str_in_rejects(term):
    assert str_in(term) is None


def test_str_in_max_bytes_counts_before_nul_cut():
    assert str_in(b"x" * UUID_MAX_BYTES, UUID_MAX_BYTES) == "x" * UUID_MAX_BYTES
    assert str_in(b"x" * (UUID_MAX_BYTES + 1), UUID_MAX_BYTES) is None
    assert str_in(list(b"x" * (UUID_MAX_BYTES + 1)), UUID_MAX_BYTES) is None


def test_hdr_str_charlists_only():
    assert hdr_str(list(b"Key")) == "Key"
    assert hdr_str([]) == ""
    assert hdr_str([97] * 70000) == "a" * 70000  # LIST_EXT of small ints is fine here
    assert hdr_str(b"Key") is None
    assert hdr_str(Atom("Key")) is None
    assert hdr_str([300]) is None
    assert hdr_str(list(b"abc"), 2) is None


def test_atom_text_latin1_only():
    assert atom_text(Atom("status")) == "status"
    assert atom_text(Atom("ÿé")) == "ÿé"
    assert atom_text(Atom("€")) is None
    assert atom_text("status") is None
    assert atom_text(True) is None


def test_text_term_per_encoding():
    assert text_term("", Encoding.STRING) == []
    assert text_term("", Encoding.BINARY) == b""
    assert text_term("ok", Encoding.STRING) == [111, 107]
    assert text_term("é", Encoding.STRING) == [0xC3, 0xA9]
    assert text_term("é", Encoding.BINARY) == b"\xc3\xa9"
    assert text_term(from_c_bytes(b"\xe9"), Encoding.BINARY) == b"\xe9"


def test_c_bytes_round_trip():
    assert to_c_bytes(from_c_bytes(b"\xff\xfeok")) == b"\xff\xfeok"
    assert to_c_bytes("a\x00b") == b"a"


def test_ascii_equal_ci():
    assert ascii_equal_ci("Unique-ID", "unique-id")
    assert not ascii_equal_ci("É", "é")  # strcasecmp folds ASCII only
    assert not ascii_equal_ci("MEßAGE", "MESSAGE")


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        (b"plain", b"plain"),
        (b"a%20b", b"a b"),
        (b"a+b", b"a+b"),
        (b"%41%42", b"AB"),
        (b"%e9", b"\xe9"),
        (b"100%", b"100%"),
        (b"%4", b"%4"),  # needs two more bytes
        (b"%4G!", b"\x04!"),  # sscanf reads one digit, both bytes are consumed
        (b"%zz", b"%zz"),
        (b"%-1x", b"\xffx"),
        (b"% 41", b"A1"),  # whitespace skipped (not counted), yet only 2 bytes consumed
        (b"%0x41", b""),  # "0x" uses up the width: 0, and a NUL ends the string
        (b"ab%00cd", b"ab"),
        (b"50% done", b"50\rone"),  # what FreeSWITCH really does to such a value
    ],
)
def test_url_decode(raw, decoded):
    assert url_decode(raw) == decoded


def _reference_url_decode(data: bytes) -> bytes:
    """The obvious byte-by-byte transcription of switch_url_decode."""
    from pyerlsw.gateway.text import _scan_hex2

    out = bytearray()
    pos = 0
    while pos < len(data):
        if data[pos] == 0x25 and len(data) - pos > 2:
            value = _scan_hex2(data, pos + 1)
            if value is not None:
                if value & 0xFF == 0:
                    break
                out.append(value & 0xFF)
                pos += 3
                continue
        out.append(data[pos])
        pos += 1
    return bytes(out)


@given(
    st.binary(max_size=40).map(lambda b: b.replace(b"\x00", b""))
    | st.text("%0aF -+x1g ").map(str.encode)
)
def test_url_decode_matches_reference(data):
    assert url_decode(data) == _reference_url_decode(data)
