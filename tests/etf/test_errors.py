"""Every malformed input raises DecodeError (with tag and offset); every value without an
encoding raises EncodeError."""

from __future__ import annotations

import zlib
from typing import Any

import pytest

from pyerlsw.etf import (
    Atom,
    BitString,
    DecodeError,
    DecodeLimits,
    EncodeError,
    ImproperList,
    Pid,
    Reference,
    decode,
    decode_from,
    encode,
)

BAD: list[tuple[str, bytes, int | None, int]] = [
    # name, input, expected tag, expected offset
    ("empty", b"", None, 0),
    ("no version byte", b"\x61\x01", 0x61, 0),
    ("version only", b"\x83", None, 1),
    ("unknown tag", b"\x83\x01", 1, 1),
    ("atom cache ref", b"\x83\x52\x00", 82, 1),
    ("local ext", b"\x83\x79\x00", 121, 1),
    ("old FUN_EXT", b"\x83\x75\x00\x00\x00\x00", 117, 1),
    ("nested version byte", b"\x83\x68\x01\x83", 131, 3),
    ("nested compressed", b"\x83\x68\x01\x50", 80, 3),
    ("truncated int", b"\x83\x62\x00\x00", 98, 1),
    ("truncated small int", b"\x83\x61", 97, 1),
    ("huge list count", b"\x83\x6c\xff\xff\xff\xff", 108, 1),
    ("huge tuple count", b"\x83\x69\xff\xff\xff\xff\x6a", 105, 1),
    ("huge map count", b"\x83\x74\xff\xff\xff\xff\x6a\x6a", 116, 1),
    ("huge binary", b"\x83\x6d\xff\xff\xff\xff\x00", 109, 1),
    ("binary past end", b"\x83\x6d\x00\x00\x00\x03ab", 109, 1),
    ("huge string", b"\x83\x6b\xff\xff", 107, 1),
    ("huge bignum", b"\x83\x6f\xff\xff\xff\xff\x00", 111, 1),
    ("bignum past end", b"\x83\x6e\x05\x00\x01", 110, 1),
    ("tuple missing element", b"\x83\x68\x02\x61\x01", None, 5),
    ("list missing tail", b"\x83\x6c\x00\x00\x00\x01\x61\x01", None, 8),
    ("pair: first binary past end", b"\x83\x68\x02\x6d\x00\x00\x00\x09a", 109, 3),
    ("pair: second binary past end",
     b"\x83\x68\x02\x6d\x00\x00\x00\x01a\x6d\x00\x00\x00\x05ab", 109, 9),
    ("pair: second binary truncated length", b"\x83\x68\x02\x6d\x00\x00\x00\x01a\x6d\x00",
     109, 9),
    ("pair: second string past end", b"\x83\x68\x02\x6b\x00\x01a\x6b\x00\x05ab", 107, 7),
    ("pair: second element missing", b"\x83\x68\x02\x6b\x00\x01a", None, 7),
    ("NaN", b"\x83\x46\x7f\xf8\x00\x00\x00\x00\x00\x00", 70, 1),
    ("infinity", b"\x83\x46\x7f\xf0\x00\x00\x00\x00\x00\x00", 70, 1),
    ("FLOAT_EXT junk", b"\x83\x63" + b"nan".ljust(31, b"\0"), 99, 1),
    ("FLOAT_EXT underscore", b"\x83\x63" + b"1_0".ljust(31, b"\0"), 99, 1),
    ("FLOAT_EXT space", b"\x83\x63" + b" 1.5".ljust(31, b"\0"), 99, 1),
    ("FLOAT_EXT short", b"\x83\x63" + b"1.5", 99, 1),
    *[(f"FLOAT_EXT {text!r} (erl rejects it)", b"\x83\x63" + text.ljust(31, b"\0"), 99, 1)
      for text in (b"15", b"1.e5", b"1e5", b".5", b"1.5e", b"0x10", b"1.5e400", b"\xd9\xa1.5")],
    ("bad utf-8 atom", b"\x83\x77\x02\xff\xfe", 119, 1),
    ("256-char latin-1 atom", b"\x83\x64\x01\x00" + b"a" * 256, 100, 1),
    ("256-char utf-8 atom", b"\x83\x76\x02\x00" + "\u00e9".encode() * 128, 118, 1),
    ("atom past end", b"\x83\x77\x05abc", 119, 1),
    ("duplicate map keys", b"\x83\x74\x00\x00\x00\x02\x61\x01\x61\x01\x61\x01\x61\x02", 116, 1),
    ("bit binary bits 0", b"\x83\x4d\x00\x00\x00\x01\x00\xff", 77, 1),
    ("bit binary bits 9", b"\x83\x4d\x00\x00\x00\x01\x09\xff", 77, 1),
    ("empty bit binary", b"\x83\x4d\x00\x00\x00\x00\x08", 77, 1),
    ("reference with 6 words", b"\x83\x5a\x00\x06\x77\x01a" + b"\x00" * 28, 90, 1),
    ("reference with 0 words", b"\x83\x5a\x00\x00\x77\x01a\x00\x00\x00\x00", 90, 1),
    ("pid node not an atom", b"\x83\x58\x61\x01" + b"\x00" * 12, 97, 2),
    ("pid node true", b"\x83\x58\x77\x04true" + b"\x00" * 12, 119, 2),
    ("export arity not small int", b"\x83\x71\x77\x01m\x77\x01f\x62\x00\x00\x00\x01", 98, 8),
    ("fun size lies", b"\x83\x70\x00\x00\x00\x05", 112, 1),
    ("trailing bytes", b"\x83\x6a\x6a", None, 2),
    ("compressed too big", b"\x83\x50\xff\xff\xff\xff", 80, 1),
    ("compressed garbage", b"\x83\x50\x00\x00\x00\x02garbage", 80, 1),
    ("compressed size lies (short)",
     b"\x83\x50\x00\x00\x00\x09" + zlib.compress(b"\x6a"), 80, 1),
    ("compressed size lies (long)",
     b"\x83\x50\x00\x00\x00\x01" + zlib.compress(b"\x6b\x00\x03abc"), 80, 1),
    ("compressed truncated", b"\x83\x50\x00\x00\x00\x06" + zlib.compress(b"\x6b\x00\x03abc")[:-3],
     80, 1),
    ("compressed trailing inside", b"\x83\x50\x00\x00\x00\x02" + zlib.compress(b"\x6a\x6a"),
     80, 1),
    ("compressed bad inner term", b"\x83\x50\x00\x00\x00\x01" + zlib.compress(b"\x01"), 1, 1),
]


@pytest.mark.parametrize(("name", "data", "tag", "offset"), BAD, ids=[b[0] for b in BAD])
def test_malformed_input_raises_decode_error(
    name: str, data: bytes, tag: int | None, offset: int
) -> None:
    with pytest.raises(DecodeError) as info:
        decode(data)
    assert info.value.tag == tag
    assert info.value.offset == offset
    assert str(info.value)


def test_decode_from_bad_offset() -> None:
    with pytest.raises(DecodeError):
        decode_from(encode(1), 5)
    with pytest.raises(DecodeError):
        decode_from(encode(1), -1)


def test_depth_limit_is_a_decode_error() -> None:
    data = b"\x83" + b"\x6c\x00\x00\x00\x01" * 11 + b"\x6a" + b"\x6a" * 11
    assert decode(data, limits=DecodeLimits(max_depth=11)) is not None
    with pytest.raises(DecodeError, match="max_depth"):
        decode(data, limits=DecodeLimits(max_depth=10))
    tuples = b"\x83" + b"\x69\x00\x00\x00\x01" + b"\x68\x01" * 11 + b"\x6a"
    with pytest.raises(DecodeError, match="max_depth") as info:
        decode(tuples, limits=DecodeLimits(max_depth=10))
    assert info.value.tag in (104, 105)
    maps = b"\x83" + b"\x74\x00\x00\x00\x01\x61\x01" * 12 + b"\x6a"
    with pytest.raises(DecodeError, match="max_depth"):
        decode(maps, limits=DecodeLimits(max_depth=10))


def test_element_budget_bounds_memory() -> None:
    limits = DecodeLimits(max_elements=100)
    assert decode(encode([[]] * 99), limits=limits) == [[]] * 99
    for term in ([[]] * 100, tuple([()] * 101), {i: [] for i in range(51)},
                 [(1, 2)] * 40, [[[[]]]] * 30):
        with pytest.raises(DecodeError, match="max_elements"):
            decode(encode(term), limits=limits)
    # A compressed run of [] (1 byte each) cannot make millions of lists.
    bomb = encode([[]] * 5_000_000, compressed=True)
    assert len(bomb) < 30_000
    with pytest.raises(DecodeError, match="max_elements"):
        decode(bomb)


def test_bignum_limit() -> None:
    data = encode(1 << 8000)
    assert decode(data) == 1 << 8000
    with pytest.raises(DecodeError, match="max_bignum_bytes"):
        decode(data, limits=DecodeLimits(max_bignum_bytes=1000))


def test_decompressed_limit() -> None:
    data = encode(b"\0" * 100_000, compressed=True)
    assert len(data) < 1000
    with pytest.raises(DecodeError, match="max_decompressed"):
        decode(data, limits=DecodeLimits(max_decompressed=50_000))


def test_decompression_bomb_is_refused_cheaply() -> None:
    bomb = b"\x83\x50" + (0xFFFFFFFF).to_bytes(4, "big") + zlib.compress(b"\0" * 10_000_000)
    with pytest.raises(DecodeError, match="max_decompressed"):
        decode(bomb)
    lying = b"\x83\x50" + (1000).to_bytes(4, "big") + zlib.compress(b"\0" * 10_000_000)
    with pytest.raises(DecodeError, match="inflates past"):
        decode(lying)


def test_limits_validate() -> None:
    with pytest.raises(ValueError):
        DecodeLimits(max_depth=0)
    with pytest.raises(ValueError):
        DecodeLimits(max_elements=-1)


def test_not_a_buffer() -> None:
    with pytest.raises(TypeError):
        decode("abc")  # type: ignore[arg-type]


UNENCODABLE: list[tuple[str, Any, str]] = [
    ("None", None, "undefined"),
    ("None inside", [1, (None,)], "undefined"),
    ("NaN", float("nan"), "finite"),
    ("inf", float("inf"), "finite"),
    ("set", {1, 2}, "set"),
    ("object", object(), "object"),
    ("lone surrogate", "\ud800", "surrogate"),
    ("improper with list tail", ImproperList.__new__(ImproperList), "ImproperList"),
    ("bad strings option", 1, "strings"),
]


@pytest.mark.parametrize(("name", "value", "match"), UNENCODABLE,
                         ids=[u[0] for u in UNENCODABLE])
def test_unencodable_values(name: str, value: Any, match: str) -> None:
    if name == "improper with list tail":
        object.__setattr__(value, "items", [1])
        object.__setattr__(value, "tail", [2])
    kwargs: dict[str, Any] = {"strings": "text"} if name == "bad strings option" else {}
    with pytest.raises(EncodeError, match=match):
        encode(value, **kwargs)


def test_cyclic_value_is_an_encode_error() -> None:
    loop: list[Any] = [1]
    loop.append(loop)
    with pytest.raises(EncodeError, match="max_depth"):
        encode(loop, max_depth=1000)


def test_bad_compression_level() -> None:
    with pytest.raises(EncodeError):
        encode(1, compressed=10)


def test_value_objects_validate() -> None:
    with pytest.raises(ValueError):
        Atom("x" * 256)
    with pytest.raises(ValueError):
        Atom("true")
    with pytest.raises(TypeError):
        Atom(b"x")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        BitString(b"\x01", 3)
    with pytest.raises(ValueError):
        BitString(b"\x00", 8)
    with pytest.raises(ValueError):
        Pid(Atom("n@h"), -1, 0, 0)
    with pytest.raises(TypeError):
        Pid("n@h", 1, 0, 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Reference(Atom("n@h"), 0, ())
    with pytest.raises(ValueError):
        ImproperList([], 1)
    with pytest.raises(ValueError):
        ImproperList([1], [2])
    with pytest.raises(AttributeError):
        Atom("x").name = "y"  # type: ignore[misc]
