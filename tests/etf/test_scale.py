"""Deep and large terms: no recursion limits, no quadratic behaviour (sizes only; timing
lives in bench/)."""

from __future__ import annotations

import sys
from typing import Any

from pyerlsw.etf import ImproperList, decode, encode


def _nest(depth: int, make: Any) -> Any:
    term: Any = []
    for _ in range(depth):
        term = make(term)
    return term


def test_100k_nested_lists_both_ways() -> None:
    assert sys.getrecursionlimit() < 100_000
    term = _nest(100_000, lambda t: [t])
    data = encode(term)
    assert len(data) == 1 + 100_000 * 6 + 1
    back = decode(data)
    for _ in range(100_000):
        assert type(back) is list and len(back) == 1
        back = back[0]
    assert back == []


def test_deep_tuples_maps_and_improper_lists() -> None:
    for make in (lambda t: (t,), lambda t: {1: t}, lambda t: ImproperList([1], (t,))):
        term = _nest(30_000, make)
        assert encode(decode(encode(term))) == encode(term)


def test_long_flat_terms() -> None:
    big = list(range(80_000))
    assert decode(encode(big)) == big
    text = [0x42F] * 70_000
    assert decode(encode(text)) == text
    assert decode(encode([97] * 70_000)) == [97] * 70_000
    wide = tuple(range(70_000))
    assert decode(encode(wide)) == wide
    mapping = {i: str(i).encode() for i in range(20_000)}
    assert decode(encode(mapping)) == mapping
