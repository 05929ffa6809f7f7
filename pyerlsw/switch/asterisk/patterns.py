"""Asterisk extension pattern matching and extension ordering.

Pure functions over strings, following ``_extension_match_core`` and ``ext_cmp`` of
Asterisk's ``main/pbx.c`` (``extenpatternmatchnew=no``), as described in
``asterisk_dialplan.md`` section 2:

* a pattern starts with ``_``; in it ``X``/``Z``/``N`` (either case) are the digit
  classes 0-9, 1-9 and 2-9, ``[...]`` a set with ``a-b`` ranges, ``.`` one or more of
  anything, ``!`` zero or more of anything (an *early match*), and ``-`` (and a blank)
  decoration; anything else matches itself, case-sensitively;
* a literal extension matches when equal once dashes are removed;
* :func:`sort_key` orders extensions like a context's sorted list: literals first (ASCII,
  dashes ignored), then patterns position by position, the smaller character set first.

Deviations from Asterisk (documented in ``docs/asterisk.md``): an empty set ``[]`` is
skipped when matching (the spec's rule); a missing ``]`` never matches and is reported
through the optional ``log`` sink with Asterisk's ``Wrong usage of [] in the extension``.
"""

from __future__ import annotations

from enum import IntEnum

from pyerlsw.switch.asterisk.diagnostics import WARNING, LogRecord, LogSink, null_sink

__all__ = [
    "MatchMode",
    "cid_matches",
    "extension_match",
    "is_pattern",
    "sort_key",
    "strip_dashes",
]

_WRONG_SET = "Wrong usage of [] in the extension"


class MatchMode(IntEnum):
    """What a match asks.

    ``MATCH``: the data is a complete extension for the pattern. ``CANMATCH``: the data
    matches, or could with more characters. ``MATCHMORE``: more characters are needed or
    possible (for ``WaitExten``/``BackGround`` digit collection).
    """

    MATCH = 0
    CANMATCH = 1
    MATCHMORE = 2


def is_pattern(exten: str) -> bool:
    """True for a pattern extension (``_`` prefix)."""
    return exten.startswith("_")


def strip_dashes(text: str) -> str:
    """The extension with its ``-`` decoration removed."""
    return text.replace("-", "")


def extension_match(
    pattern: str, data: str, mode: MatchMode = MatchMode.MATCH, log: LogSink = null_sink
) -> int:
    """Match ``data`` (dialled digits) against ``pattern`` (an extension as written).

    Returns 0 (no match), 1 (match) or 2 (an early match through ``!``), like Asterisk.
    For ``MATCHMORE`` a non-zero result means "more digits may follow".
    """
    if mode == MatchMode.MATCH and pattern.startswith("_") and pattern.lower() == data.lower():
        return 1
    if not pattern.startswith("_"):
        return _literal_match(pattern, data, mode)
    if mode == MatchMode.MATCH and data.startswith("_") and sort_key(pattern) == sort_key(data):
        return 1
    return _pattern_match(pattern[1:], data, mode, log)


def _literal_match(pattern: str, data: str, mode: MatchMode) -> int:
    p = strip_dashes(pattern)
    d = strip_dashes(data)
    if len(p) < len(d):
        return 0
    if mode == MatchMode.MATCH:
        return 1 if p == d else 0
    if not d or p.startswith(d):
        if mode == MatchMode.MATCHMORE:
            return 1 if len(p) > len(d) else 0
        return 1
    return 0


def _pattern_match(pattern: str, data: str, mode: MatchMode, log: LogSink) -> int:
    pi = 0
    di = 0
    plen = len(pattern)
    dlen = len(data)
    while di < dlen and pi < plen and pattern[pi] != "/":
        ch = data[di]
        if ch == "-":
            di += 1
            continue
        pc = pattern[pi].upper()
        if pc == "[":
            end = pattern.find("]", pi + 1)
            if end < 0:
                log(LogRecord(WARNING, _WRONG_SET))
                return 0
            if end == pi + 1:  # empty set: skipped, the data character is not consumed
                pi = end + 1
                continue
            if not _in_set(pattern[pi + 1 : end], ch):
                return 0
            pi = end
        elif pc == "N":
            if not "2" <= ch <= "9":
                return 0
        elif pc == "X":
            if not "0" <= ch <= "9":
                return 0
        elif pc == "Z":
            if not "1" <= ch <= "9":
                return 0
        elif pc == ".":
            return 1
        elif pc == "!":
            return 2
        elif pc in " -":
            pi += 1
            continue
        elif ch != pattern[pi]:
            return 0
        di += 1
        pi += 1
    if di < dlen:  # data longer than the pattern
        return 0
    while pattern.startswith("[]", pi):  # empty sets are skipped
        pi += 2
    if pi >= plen or pattern[pi] == "/":
        return 0 if mode == MatchMode.MATCHMORE else 1
    if pattern[pi] == "!":
        return 2
    return 0 if mode == MatchMode.MATCH else 1


def _in_set(body: str, ch: str) -> bool:
    i = 0
    n = len(body)
    while i < n:
        if i + 2 < n and body[i + 1] == "-":
            if body[i] <= ch <= body[i + 2]:
                return True
            i += 3
            continue
        if body[i] == ch:
            return True
        i += 1
    return False


def cid_matches(cid_pattern: str, callerid: str | None) -> bool:
    """Caller-ID match (``matchcid``): an empty caller number matches only an empty
    pattern; otherwise the usual extension match applies."""
    if not callerid:
        return not cid_pattern
    return extension_match(cid_pattern, callerid) != 0


# ---------------------------------------------------------------------------
# Ordering (ext_cmp)

_END = 0x30000
_DOT = 0x18000
_BANG = 0x28000
_BAD_SET = 0x40000


def _pattern_positions(body: str) -> tuple[tuple[int, int], ...]:
    """The weight of each position of a pattern body (without ``_``).

    Each position gives ``(score, -bitmap)``: ``score`` is the number of characters the
    position accepts (times 0x100) plus the lowest one, with ``.``, ``!`` and the end of
    the pattern after any set; ``-bitmap`` orders sets of equal size so that the one with
    lower characters comes first (Asterisk compares MSB-first bitmaps reversed).
    """
    out: list[tuple[int, int]] = []
    i = 0
    n = len(body)
    while True:
        while i < n and body[i] == "-":
            i += 1
        if i >= n:
            out.append((_END, 0))
            return tuple(out)
        c = body[i]
        i += 1
        u = c.upper()
        if u == "N":
            out.append((0x0800 | ord("2"), -_bits("23456789")))
        elif u == "X":
            out.append((0x0A00 | ord("0"), -_bits("0123456789")))
        elif u == "Z":
            out.append((0x0900 | ord("1"), -_bits("123456789")))
        elif c == ".":
            out.append((_DOT, 0))
            return tuple(out)
        elif c == "!":
            out.append((_BANG, 0))
            return tuple(out)
        elif c == "[":
            end = body.find("]", i)
            if end < 0:
                out.append((_BAD_SET, 0))
                return tuple(out)
            chars = _set_chars(body[i:end])
            i = end + 1
            if not chars:
                continue  # an empty set is skipped
            out.append((0x100 * len(chars) | min(ord(x) for x in chars), -_bits(chars)))
        else:
            out.append((0x0100 | (ord(c) & 0xFF), -_bits(c)))


def _set_chars(body: str) -> set[str]:
    chars: set[str] = set()
    i = 0
    n = len(body)
    while i < n:
        if i + 2 < n and body[i + 1] == "-":
            lo, hi = ord(body[i]), ord(body[i + 2])
            chars.update(chr(x) for x in range(lo, hi + 1))
            i += 3
        else:
            chars.add(body[i])
            i += 1
    return {c for c in chars if ord(c) < 256}


def _bits(chars: str | set[str]) -> int:
    """A 256-bit MSB-first bitmap of the characters (character 0 is the top bit)."""
    value = 0
    for c in chars:
        code = ord(c)
        if code < 256:
            value |= 1 << (255 - code)
    return value


def sort_key(exten: str) -> tuple[int, tuple[tuple[int, int], ...] | bytes]:
    """A key that sorts extensions in Asterisk's context order (``ext_cmp``).

    Literal extensions come first in ASCII order with dashes ignored; then patterns,
    position by position, the position that accepts fewer characters first.
    """
    if not exten.startswith("_"):
        return (0, strip_dashes(exten).encode("utf-8", "surrogateescape"))
    return (1, _pattern_positions(exten[1:]))
