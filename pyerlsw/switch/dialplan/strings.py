"""FreeSWITCH's string conventions (``switch_true``/``switch_false``, list splitting,
atoi), shared by the dialplans, applications and endpoints of the core.

:func:`separate_string` follows ``switch_separate_string``: a leading ``^^X`` picks
``X`` as the separator instead of the default; single quotes group (only when a closing
quote follows), a backslash escapes the separator, quotes and itself (``\\n``, ``\\r``,
``\\t``, ``\\s`` give newline, CR, tab, space); tokens lose their quotes, escapes and
surrounding spaces; a trailing empty token is dropped; the last token keeps the rest of
the input once ``max_tokens`` is reached. With a space separator, runs of spaces split.
"""

from __future__ import annotations

import re

__all__ = ["atoi", "is_false", "is_true", "separate_string"]

_TRUE_WORDS = frozenset({"yes", "on", "true", "t", "enabled", "active", "allow"})
_FALSE_WORDS = frozenset({"no", "off", "false", "f", "disabled", "inactive", "disallow"})
_NUMBER = re.compile(r"[0-9.]+")
_LEADING_INT = re.compile(r"\s*([+-]?\d+)")
_UNESCAPES = {"n": "\n", "r": "\r", "t": "\t", "s": " "}


def is_true(value: str | None) -> bool:
    """``switch_true``: yes/on/true/t/enabled/active/allow (any case) or a non-zero number."""
    if value is None:
        return False
    if value.lower() in _TRUE_WORDS:
        return True
    return bool(_NUMBER.fullmatch(value)) and atoi(value) != 0


def is_false(value: str | None) -> bool:
    """``switch_false``: no/off/false/f/disabled/inactive/disallow (any case) or a number
    that is zero. Unset is neither true nor false."""
    if value is None:
        return False
    if value.lower() in _FALSE_WORDS:
        return True
    return bool(_NUMBER.fullmatch(value)) and atoi(value) == 0


def atoi(value: str | None) -> int:
    """C ``atoi``: the leading integer of ``value`` (after blanks), 0 when there is none."""
    if not value:
        return 0
    match = _LEADING_INT.match(value)
    return int(match.group(1)) if match else 0


def separate_string(text: str, separator: str = ",", max_tokens: int = 128) -> list[str]:
    """Split ``text`` the way FreeSWITCH splits application lists (module docstring)."""
    if text.startswith("^^") and len(text) >= 4:
        separator, text = text[2], text[3:]
    if separator == " ":
        raw = _split_blank(text, max_tokens)
    else:
        raw = _split(text, separator, max_tokens)
    return [_cleanup(token, separator) for token in raw]


def _opens_quote(text: str, index: int, inside: bool) -> bool:
    return text[index] == "'" and (inside or "'" in text[index + 1 :])


def _split(text: str, separator: str, max_tokens: int) -> list[str]:
    tokens: list[str] = []
    start = 0
    index = 0
    inside = False
    length = len(text)
    if not text:
        return tokens
    while index < length:
        if len(tokens) == max_tokens - 1:
            break
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if _opens_quote(text, index, inside):
            inside = not inside
        elif char == separator and not inside:
            tokens.append(text[start:index])
            start = index + 1
        index += 1
    if start < length or not tokens:
        tokens.append(text[start:])
    return tokens


def _split_blank(text: str, max_tokens: int) -> list[str]:
    tokens: list[str] = []
    index = 0
    length = len(text)
    while index < length:
        while index < length and text[index] == " ":
            index += 1
        if index >= length:
            break
        if len(tokens) == max_tokens - 1:
            tokens.append(text[index:])
            break
        start = index
        inside = False
        while index < length:
            char = text[index]
            if char == "\\":
                index += 2
                continue
            if _opens_quote(text, index, inside):
                inside = not inside
            elif char == " " and not inside:
                break
            index += 1
        tokens.append(text[start:index])
    return tokens


def _cleanup(token: str, separator: str) -> str:
    """Drop leading spaces, quotes and escapes; keep trailing spaces only when quoted."""
    index = 0
    length = len(token)
    while index < length and token[index] == " ":
        index += 1
    out: list[str] = []
    keep = 0
    inside = False
    while index < length:
        char = token[index]
        if char == "\\" and index + 1 < length:
            escaped = token[index + 1]
            if escaped in ("'", '"', "\\", separator):
                out.append(escaped)
            elif escaped in _UNESCAPES:
                out.append(_UNESCAPES[escaped])
            else:
                out.append(char)
                keep = len(out)
                index += 1
                continue
            keep = len(out)
            index += 2
            continue
        if _opens_quote(token, index, inside):
            inside = not inside
            if inside:
                keep = len(out)
            index += 1
            continue
        out.append(char)
        if char != " " or inside:
            keep = len(out)
        index += 1
    return "".join(out[:keep])
