"""FreeSWITCH log levels: numbers, names and ``switch_log_str2level`` (spec §4.9, §6)."""

from __future__ import annotations

from types import MappingProxyType

from .text import ascii_lower

__all__ = [
    "LEVEL_DEBUG",
    "LEVEL_DISABLE",
    "LEVEL_INVALID",
    "level_name",
    "parse_log_level",
]

LEVEL_DISABLE = -1
LEVEL_DEBUG = 7
LEVEL_INVALID = 64

_NAMES: tuple[str, ...] = ("CONSOLE", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG")
_BY_NAME = MappingProxyType(
    {**{ascii_lower(name): number for number, name in enumerate(_NAMES)}, "disable": LEVEL_DISABLE}
)


def level_name(level: int) -> str:
    """The bracketed name of a level in a log line (``DEBUG``, ``ERR``...)."""
    if 0 <= level < len(_NAMES):
        return _NAMES[level]
    return "DISABLE" if level == LEVEL_DISABLE else "INVALID"


def _is_number(text: str) -> bool:
    """``switch_is_number``: an optional sign, then only digits and dots (may be empty)."""
    body = text[1:] if text[:1] in ("+", "-") else text
    return all(ch == "." or "0" <= ch <= "9" for ch in body)


def _atoi_int32(text: str) -> int:
    """C ``atoi`` on a 64-bit libc: leading sign and digits, ``strtol`` clamping, then
    truncation to a 32-bit ``int``."""
    sign = 1
    pos = 0
    if text[:1] in ("+", "-"):
        sign = -1 if text[0] == "-" else 1
        pos = 1
    digits = ""
    while pos < len(text) and "0" <= text[pos] <= "9":
        digits += text[pos]
        pos += 1
    value = sign * int(digits) if digits else 0
    value = max(-(2**63), min(2**63 - 1, value))
    value &= 0xFFFFFFFF
    return value - 2**32 if value >= 2**31 else value


def parse_log_level(text: str) -> int:
    """``switch_log_str2level``: a level number, or :data:`LEVEL_INVALID`.

    Names are case-insensitive (``err``, not ``error``; ``disable`` is -1). Numeric
    text: above 64 gives 63, negative gives 0, 64 itself is invalid.
    """
    if _is_number(text):
        number = _atoi_int32(text)
        if number > LEVEL_INVALID:
            return LEVEL_INVALID - 1
        return max(number, 0)
    return _BY_NAME.get(ascii_lower(text), LEVEL_INVALID)
