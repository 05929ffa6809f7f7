"""Byte-exact vectors, one or more per tag, taken from OTP 25's term_to_binary.

``ENCODE`` vectors are what ``term_to_binary(T, [{minor_version, 2}])`` produces (UTF-8
atoms, the form our encoder emits): our encoder must produce exactly these bytes and
decode them back. ``DECODE_ONLY`` vectors are other valid encodings (old and
non-canonical forms) that must decode to the given value.
"""

from __future__ import annotations

import math
import struct
import zlib
from typing import Any

import pytest

from pyerlsw.etf import (
    Atom,
    BitString,
    ExportFun,
    FrozenList,
    FrozenMap,
    ImproperList,
    OpaqueFun,
    Pid,
    Port,
    Reference,
    decode,
    decode_body,
    decode_from,
    encode,
    encode_into,
)

NODE = Atom("vv3604@vm")
ATOM_NODE = bytes([119, 9]) + b"vv3604@vm"

ENCODE: list[tuple[str, Any, list[int]]] = [
    ("atom", Atom("hello"), [131, 119, 5, 104, 101, 108, 108, 111]),
    ("utf8 atom", Atom("héllo"), [131, 119, 6, 104, 195, 169, 108, 108, 111]),
    ("non-latin atom", Atom("\u042f"), [131, 119, 2, 208, 175]),
    ("true", True, [131, 119, 4, *b"true"]),
    ("false", False, [131, 119, 5, *b"false"]),
    ("undefined", Atom("undefined"), [131, 119, 9, *b"undefined"]),
    ("string", [40, 2], [131, 107, 0, 2, 40, 2]),
    ("small int", 255, [131, 97, 255]),
    ("zero", 0, [131, 97, 0]),
    ("int 256", 256, [131, 98, 0, 0, 1, 0]),
    ("int -1", -1, [131, 98, 255, 255, 255, 255]),
    ("int max", 2147483647, [131, 98, 127, 255, 255, 255]),
    ("int min", -2147483648, [131, 98, 128, 0, 0, 0]),
    ("big 2^31", 2147483648, [131, 110, 4, 0, 0, 0, 0, 128]),
    ("big -2^31-1", -2147483649, [131, 110, 4, 1, 1, 0, 0, 128]),
    ("big 2^64", 1 << 64, [131, 110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
    ("big -2^64", -(1 << 64), [131, 110, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
    ("float", 1.5, [131, 70, 63, 248, 0, 0, 0, 0, 0, 0]),
    ("tiny float", 3.0e-300, [131, 70, 1, 192, 18, 151, 210, 58, 182, 131]),
    ("negative zero", -0.0, [131, 70, 128, 0, 0, 0, 0, 0, 0, 0]),
    ("binary", b"\x01\x02", [131, 109, 0, 0, 0, 2, 1, 2]),
    ("empty binary", b"", [131, 109, 0, 0, 0, 0]),
    ("bitstring", BitString(b"\x20", 3), [131, 77, 0, 0, 0, 1, 3, 32]),
    ("empty tuple", (), [131, 104, 0]),
    ("tuple", (Atom("a"), Atom("b")), [131, 104, 2, 119, 1, 97, 119, 1, 98]),
    ("nil", [], [131, 106]),
    ("list", [1, 256], [131, 108, 0, 0, 0, 2, 97, 1, 98, 0, 0, 1, 0, 106]),
    ("improper", ImproperList([Atom("a")], Atom("b")),
     [131, 108, 0, 0, 0, 1, 119, 1, 97, 119, 1, 98]),
    ("map", {Atom("a"): 1}, [131, 116, 0, 0, 0, 1, 119, 1, 97, 97, 1]),
    ("empty map", {}, [131, 116, 0, 0, 0, 0]),
    ("export", ExportFun(Atom("erlang"), Atom("node"), 0),
     [131, 113, 119, 6, *b"erlang", 119, 4, *b"node", 97, 0]),
    ("pid", Pid(NODE, 9, 0, 0x6B044EA3), [131, 88, *ATOM_NODE, 0, 0, 0, 9, 0, 0, 0, 0,
                                          107, 4, 78, 163]),
    ("port", Port(NODE, 0, 0x6B044EA3), [131, 89, *ATOM_NODE, 0, 0, 0, 0, 107, 4, 78, 163]),
    ("v4 port", Port(NODE, 1 << 40, 7), [131, 120, *ATOM_NODE, 0, 0, 1, 0, 0, 0, 0, 0,
                                         0, 0, 0, 7]),
    ("5-word reference", Reference(NODE, 1, (1, 2, 3, 4, 5)),
     [131, 90, 0, 5, *ATOM_NODE, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
      0, 0, 0, 5]),
    ("full-range pid", Pid(NODE, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF),
     [131, 88, *ATOM_NODE, *[255] * 12]),
    ("reference", Reference(NODE, 0x6B044EA3, (0xE714E87C, 0x21270, 0x2D55)),
     [131, 90, 0, 3, *ATOM_NODE, 107, 4, 78, 163, 231, 20, 232, 124, 0, 2, 18, 112, 0, 0,
      45, 85]),
]

LATIN1_NODE = bytes([100, 0, 9]) + b"vv3604@vm"
FUN_BYTES = bytes([
    131, 112, 0, 0, 0, 139, 0, 6, 83, 97, 170, 70, 21, 144, 209, 189, 241, 235, 98, 209,
    166, 235, 8, 0, 0, 0, 43, 0, 0, 0, 1, 100, 0, 8, 101, 114, 108, 95, 101, 118, 97, 108,
    97, 43, 98, 0, 50, 155, 13, 88, 100, 0, 9, 118, 118, 51, 54, 48, 52, 64, 118, 109, 0,
    0, 0, 9, 0, 0, 0, 0, 107, 4, 78, 163, 104, 6, 97, 17, 106, 100, 0, 4, 110, 111, 110,
    101, 100, 0, 4, 110, 111, 110, 101, 116, 0, 0, 0, 0, 108, 0, 0, 0, 1, 104, 5, 100, 0,
    6, 99, 108, 97, 117, 115, 101, 97, 17, 106, 106, 108, 0, 0, 0, 1, 104, 3, 100, 0, 4,
    97, 116, 111, 109, 97, 17, 100, 0, 2, 111, 107, 106, 106])

DECODE_ONLY: list[tuple[str, list[int] | bytes, Any]] = [
    ("ATOM_EXT", [131, 100, 0, 5, *b"hello"], Atom("hello")),
    ("ATOM_EXT latin-1", [131, 100, 0, 2, 0xE9, 0x41], Atom("\u00e9A")),
    ("SMALL_ATOM_EXT", [131, 115, 2, 0xE9, 0x41], Atom("\u00e9A")),
    ("ATOM_UTF8_EXT", [131, 118, 0, 2, 208, 175], Atom("\u042f")),
    ("ATOM_EXT true", [131, 100, 0, 4, *b"true"], True),
    ("SMALL_ATOM_EXT false", [131, 115, 5, *b"false"], False),
    ("old pid", [131, 103, *LATIN1_NODE, 0, 0, 0, 9, 0, 0, 0, 1, 3], Pid(NODE, 9, 1, 3)),
    ("old port", [131, 102, *LATIN1_NODE, 0, 0, 0, 5, 2], Port(NODE, 5, 2)),
    ("old reference", [131, 101, *LATIN1_NODE, 0, 0, 0, 5, 2], Reference(NODE, 2, (5,))),
    ("new reference", [131, 114, 0, 2, *LATIN1_NODE, 1, 0, 0, 0, 5, 0, 0, 0, 6],
     Reference(NODE, 1, (5, 6))),
    ("FLOAT_EXT", b"\x83c" + b"1.50000000000000000000e+00".ljust(31, b"\0"), 1.5),
    ("FLOAT_EXT short", b"\x83c" + b"1.5e0".ljust(31, b"\0"), 1.5),
    ("FLOAT_EXT no exponent", b"\x83c" + b"+1.5".ljust(31, b"\0"), 1.5),
    ("FLOAT_EXT capital E", b"\x83c" + b"-1.5E3".ljust(31, b"\0"), -1500.0),
    ("LARGE_TUPLE_EXT", [131, 105, 0, 0, 0, 1, 97, 7], (7,)),
    ("LARGE_BIG_EXT", [131, 111, 0, 0, 0, 1, 1, 5], -5),
    ("bignum with zero digits", [131, 110, 0, 0], 0),
    ("bignum leading zeros", [131, 110, 2, 0, 5, 0], 5),
    ("bignum sign 2 (Erlang: negative)", [131, 110, 1, 2, 5], -5),
    ("bitstring with 8 bits is a binary", [131, 77, 0, 0, 0, 1, 8, 7], b"\x07"),
    ("bitstring unused bits masked", [131, 77, 0, 0, 0, 1, 3, 255], BitString(b"\xe0", 3)),
    ("empty STRING_EXT", [131, 107, 0, 0], []),
    ("LIST_EXT without elements", [131, 108, 0, 0, 0, 0, 97, 1], 1),
    ("LIST_EXT tail is a list", [131, 108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 1, 97, 2, 106],
     [1, 2]),
    ("LIST_EXT tail is a string", [131, 108, 0, 0, 0, 1, 97, 1, 107, 0, 1, 2], [1, 2]),
    ("LIST_EXT tail is improper", [131, 108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 1, 97, 2, 97, 3],
     ImproperList([1, 2], 3)),
    ("compressed", [131, 80, 0, 0, 0, 103, 120, 156, 203, 102, 72, 73, 164, 3, 0, 0, 204, 203,
                    38, 180], [97] * 100),
]


@pytest.mark.parametrize(("name", "term", "expected"), ENCODE, ids=[v[0] for v in ENCODE])
def test_encode_matches_otp(name: str, term: Any, expected: list[int]) -> None:
    assert encode(term) == bytes(expected)


@pytest.mark.parametrize(("name", "term", "expected"), ENCODE, ids=[v[0] for v in ENCODE])
def test_decode_otp_bytes(name: str, term: Any, expected: list[int]) -> None:
    value = decode(bytes(expected))
    assert value == term
    assert type(value) is type(term)


def test_negative_zero_keeps_its_sign() -> None:
    assert math.copysign(1.0, decode(encode(-0.0))) == -1.0


@pytest.mark.parametrize(("name", "data", "expected"), DECODE_ONLY,
                         ids=[v[0] for v in DECODE_ONLY])
def test_decode_other_forms(name: str, data: list[int] | bytes, expected: Any) -> None:
    value = decode(bytes(data))
    assert value == expected
    assert type(value) is type(expected)


def test_fun_is_opaque_and_reencodes_identically() -> None:
    fun = decode(FUN_BYTES)
    assert isinstance(fun, OpaqueFun)
    assert fun.module == Atom("erl_eval")
    assert fun.arity == 0
    assert len(fun.free_vars) == 1
    assert encode(fun) == FUN_BYTES


def test_strings_option_charlist() -> None:
    assert encode("abc", strings="charlist") == b"\x83k\x00\x03abc"
    assert encode("", strings="charlist") == b"\x83j"
    wide = encode("a\u042f", strings="charlist")
    assert wide == bytes([131, 108, 0, 0, 0, 2, 97, 97, 98, 0, 0, 4, 47, 106])
    assert decode(wide) == [97, 0x42F]
    long = "x" * 70_000
    assert decode(encode(long, strings="charlist")) == [120] * 70_000


def test_str_encodes_as_utf8_binary_by_default() -> None:
    assert encode("h\u00e9") == b"\x83m\x00\x00\x00\x03h\xc3\xa9"
    assert decode(encode({"k": ["v"]})) == {b"k": [b"v"]}


def test_list_of_bytes_becomes_string_ext_but_bools_do_not() -> None:
    assert encode([1, 0]) == b"\x83k\x00\x02\x01\x00"
    assert encode([True, 0]) == bytes([131, 108, 0, 0, 0, 2, 119, 4, *b"true", 97, 0, 106])
    assert decode(encode([1, True, False, 0])) == [1, True, False, 0]
    assert encode([1] * 65_536)[:6] == bytes([131, 108, 0, 1, 0, 0])


def test_other_python_types() -> None:
    assert encode(bytearray(b"ab")) == encode(b"ab") == encode(memoryview(b"ab"))
    assert encode(FrozenList([1, 2])) == encode([1, 2])
    assert encode(FrozenMap({1: 2})) == encode({1: 2})
    assert decode(encode((1, [2], {3: 4}))) == (1, [2], {3: 4})


def test_map_keys_are_frozen() -> None:
    term = decode(encode({FrozenList([1, (FrozenMap({2: FrozenList([3])}),)]): [4]}))
    (key,) = term
    assert type(key) is FrozenList
    assert type(key[1][0]) is FrozenMap
    assert type(key[1][0][2]) is FrozenList
    assert type(term[key]) is list
    # Composite keys that decode to frozen wrappers compare equal to the plain values.
    assert key == [1, (FrozenMap({2: FrozenList([3])}),)]
    nested = decode(bytes([131, 116, 0, 0, 0, 1, 106, 116, 0, 0, 0, 1, 106, 106]))
    assert nested == {FrozenList(): {FrozenList(): []}}
    assert type(nested[FrozenList()][FrozenList()]) is list
    improper_key = decode(encode({ImproperList(FrozenList([1]), 2): 3}))
    assert type(next(iter(improper_key)).items) is FrozenList
    string_key = decode(encode({FrozenList([104, 105]): 1}))
    assert type(next(iter(string_key))) is FrozenList


def test_pairs_inside_map_keys_are_frozen() -> None:
    key = (FrozenList([97]), FrozenList([98]))
    term = decode(encode({key: (b"x", b"y")}))
    assert term == {key: (b"x", b"y")}
    (decoded_key,) = term
    assert all(type(part) is FrozenList for part in decoded_key)
    assert decode(encode([([97], [98]), (b"a", [98]), ([97], b"b")])) == [
        ([97], [98]), (b"a", [98]), ([97], b"b")]


def test_binary_pairs_of_any_size() -> None:
    assert encode((b"a", b"bc")) == b"\x83h\x02m\x00\x00\x00\x01am\x00\x00\x00\x02bc"
    for first, second in ((b"x" * 255, b""), (b"x" * 256, b"y"), (b"", b"y" * 300)):
        data = encode((first, second))
        assert data == b"\x83h\x02" + encode(first)[1:] + encode(second)[1:]
        assert decode(data) == (first, second)


def test_string_pairs() -> None:
    assert encode(([97], [98, 99])) == b"\x83h\x02k\x00\x01ak\x00\x02bc"
    for pair in (([97], [True]), ([0], [1]), ([False], [1]), ([300], [1]), ([97] * 256, [1]),
                 ([97], [1.0]), ([97], [])):
        data = encode(pair)
        assert decode(data) == pair
        assert data == b"\x83h\x02" + encode(pair[0])[1:] + encode(pair[1])[1:]


def test_compressed_output() -> None:
    term = [b"x" * 1000, list(range(300))]
    packed = encode(term, compressed=True)
    assert packed[:2] == b"\x83P"
    assert struct.unpack(">I", packed[2:6])[0] == len(encode(term)) - 1
    assert zlib.decompress(packed[6:]) == encode(term)[1:]
    assert decode(packed) == term
    assert encode(term, compressed=9) != encode(term)
    # Not smaller: stays uncompressed, like term_to_binary.
    assert encode(b"abc", compressed=True) == encode(b"abc")
    assert encode(term, compressed=0) == encode(term)


def test_decode_from_reads_consecutive_terms() -> None:
    data = encode((Atom("ctrl"), 1)) + encode([b"payload"], compressed=False)
    first, end = decode_from(data)
    second, end2 = decode_from(data, end)
    assert first == (Atom("ctrl"), 1)
    assert second == [b"payload"]
    assert end2 == len(data)
    packed = encode([b"x" * 200], compressed=True)
    term, end3 = decode_from(packed + b"tail")
    assert term == [b"x" * 200]
    assert end3 == len(packed)


def test_bodies_without_version_byte() -> None:
    out = bytearray(b"hdr")
    encode_into((Atom("a"), [1, 2]), out)
    assert bytes(out[3:]) == encode((Atom("a"), [1, 2]))[1:]
    assert decode_body(out, 3) == ((Atom("a"), [1, 2]), len(out))


def test_buffer_types() -> None:
    data = encode([1, b"x"])
    assert decode(bytearray(data)) == decode(memoryview(data)) == [1, b"x"]
