"""Limits of the dialplan engines, explicit and configurable, with safe defaults."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DialplanLimits"]


@dataclass(frozen=True, slots=True)
class DialplanLimits:
    """Bounds for one hunt.

    ``max_actions``: most actions one hunt may return (default 10 000; a hunt that
    produces more is refused as a broken dialplan). ``max_loop``: largest ``loop`` count
    of one action (default 1 000). ``max_nesting``: deepest nesting of conditions
    (default 100, FreeSWITCH's ``MAX_RECUR``). ``regex_cache_size``: compiled expressions
    kept per engine (default 1 024). ``max_expression_length``: longest expression
    compiled (default 8 192 characters). ``max_inline_actions``: most applications in one
    inline dialplan string (default 128, FreeSWITCH's limit).
    """

    max_actions: int = 10_000
    max_loop: int = 1_000
    max_nesting: int = 100
    regex_cache_size: int = 1_024
    max_expression_length: int = 8_192
    max_inline_actions: int = 128

    def __post_init__(self) -> None:
        for name in self.__slots__:
            value = getattr(self, name)
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"DialplanLimits.{name} must be a positive int, got {value!r}")
