"""Property tests: round trips over generated terms, and a fuzzer that must only ever
see DecodeError."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pyerlsw.etf import DecodeError, DecodeLimits, decode, decode_body, decode_from, encode

from .strategies import terms

SMALL_LIMITS = DecodeLimits(max_depth=200, max_decompressed=1 << 20, max_bignum_bytes=4096)


@settings(max_examples=250, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(terms)
def test_round_trip(term: Any) -> None:
    data = encode(term)
    back = decode(data)
    assert back == term
    assert encode(back) == data
    assert decode(encode(term, compressed=True)) == term


@settings(max_examples=100, deadline=None)
@given(terms, terms)
def test_decode_from_concatenation(a: Any, b: Any) -> None:
    data = encode(a) + encode(b, compressed=True)
    first, end = decode_from(data)
    second, end2 = decode_from(data, end)
    assert (first, second, end2) == (a, b, len(data))


def _decode_or_error(data: bytes) -> None:
    try:
        decode(data, limits=SMALL_LIMITS)
    except DecodeError as exc:
        assert exc.offset >= 0
        assert exc.tag is None or 0 <= exc.tag <= 255


@settings(max_examples=600, deadline=None)
@given(st.binary(max_size=64))
@example(b"\x83\x6c\xff\xff\xff\xff")
@example(b"\x83\x50\xff\xff\xff\xff")
def test_fuzz_random_bytes(data: bytes) -> None:
    _decode_or_error(data)
    _decode_or_error(b"\x83" + data)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(encode(draw(terms), compressed=draw(st.booleans())))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]))
        where = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and data:
            data[where] = draw(st.sampled_from([0, 1, 0x7F, 0x80, 0xFF, 106, 108, 131]))
        elif op == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=4))
        elif op == "delete" and data:
            del data[where]
        else:
            del data[where:]
    return bytes(data)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fuzz_mutated_terms(data: bytes) -> None:
    _decode_or_error(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.integers(0, 80))
def test_fuzz_offsets_and_bodies(data: bytes, offset: int) -> None:
    for decoder in (decode_from, decode_body):
        try:
            _term, end = decoder(data, offset, limits=SMALL_LIMITS)
        except DecodeError:
            continue
        assert offset < end <= len(data)
