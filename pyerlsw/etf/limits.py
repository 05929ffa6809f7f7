"""Resource limits for decoding untrusted external terms."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "DecodeLimits"]


@dataclass(frozen=True, slots=True)
class DecodeLimits:
    """Limits the decoder enforces before it allocates anything.

    Attributes:
        max_depth: deepest nesting of lists, tuples, maps, improper-list tails and
            fun free variables. The decoder does not recurse in Python, so this is a
            policy limit, not a stack limit; Erlang itself has none.
        max_decompressed: largest declared uncompressed size of a compressed term
            (tag 80), in bytes.
        max_bignum_bytes: largest number of digit bytes in SMALL_BIG/LARGE_BIG.
        max_elements: most elements all containers of one term may declare together
            (tuple elements, list elements plus tail, map keys plus values, fun free
            variables). This bounds memory whatever the input: each element costs at
            most about 72 bytes of Python objects (a one-byte ``[]`` in the input
            becomes a 56-byte list), so the default allows about 300 MB at worst.
            Characters of Erlang strings (STRING_EXT) are not counted: they are small
            shared ints.
    """

    max_depth: int = 1_000_000
    max_decompressed: int = 64 * 1024 * 1024
    max_bignum_bytes: int = 64 * 1024
    max_elements: int = 4_000_000

    def __post_init__(self) -> None:
        for name in ("max_depth", "max_decompressed", "max_bignum_bytes", "max_elements"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"DecodeLimits.{name} must be a positive int, got {value!r}")


DEFAULT_LIMITS = DecodeLimits()
