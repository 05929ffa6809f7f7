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
    "CompiledPattern",
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
    For ``MATCHMORE`` a non-zero result means "more digits may follow". Compiles the
    pattern each time; keep a :class:`CompiledPattern` to match one pattern repeatedly.
    """
    return CompiledPattern(pattern).match(data, mode, log)


# Token kinds of a compiled pattern.
_LIT, _SET, _DOT, _BANG, _DASH, _EMPTY, _BAD = range(7)
_DIGIT_SETS = {"N": (("2", "9"),), "X": (("0", "9"),), "Z": (("1", "9"),)}


def _tokenize_pattern(body: str) -> tuple[tuple[int, object], ...]:
    tokens: list[tuple[int, object]] = []
    i = 0
    n = len(body)
    while i < n and body[i] != "/":
        c = body[i]
        u = c.upper()
        if u in _DIGIT_SETS:
            tokens.append((_SET, _DIGIT_SETS[u]))
        elif c == "[":
            end = body.find("]", i + 1)
            if end < 0:
                tokens.append((_BAD, None))
                break
            if end == i + 1:
                tokens.append((_EMPTY, None))
            else:
                tokens.append((_SET, _set_ranges(body[i + 1 : end])))
            i = end
        elif c == ".":
            tokens.append((_DOT, None))
        elif c == "!":
            tokens.append((_BANG, None))
        elif c in " -":
            tokens.append((_DASH, None))
        else:
            tokens.append((_LIT, c))
        i += 1
    return tuple(tokens)


def _set_ranges(body: str) -> tuple[tuple[str, str], ...]:
    ranges: list[tuple[str, str]] = []
    i = 0
    n = len(body)
    while i < n:
        if i + 2 < n and body[i + 1] == "-":
            ranges.append((body[i], body[i + 2]))
            i += 3
        else:
            ranges.append((body[i], body[i]))
            i += 1
    return tuple(ranges)


class CompiledPattern:
    """One extension (literal or ``_pattern``) prepared for repeated matching."""

    __slots__ = ("_key", "_literal", "_lower", "_tokens", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._lower = pattern.lower()
        self._literal: str | None = None
        self._tokens: tuple[tuple[int, object], ...] = ()
        self._key: object = None
        if pattern.startswith("_"):
            self._tokens = _tokenize_pattern(pattern[1:])
        else:
            self._literal = strip_dashes(pattern)

    @property
    def literal(self) -> str | None:
        """The dash-free text of a literal extension (None for a pattern)."""
        return self._literal

    def match(self, data: str, mode: MatchMode = MatchMode.MATCH, log: LogSink = null_sink) -> int:
        """Like :func:`extension_match` for this pattern."""
        if self._literal is not None:
            return _literal_match(self._literal, strip_dashes(data), mode)
        if mode == MatchMode.MATCH:
            if self._lower == data.lower():
                return 1
            if data.startswith("_"):
                if self._key is None:
                    self._key = sort_key(self.pattern)
                if self._key == sort_key(data):
                    return 1
        return self._match_tokens(data, mode, log)

    def _match_tokens(self, data: str, mode: MatchMode, log: LogSink) -> int:
        tokens = self._tokens
        ti = di = 0
        n = len(tokens)
        dlen = len(data)
        while di < dlen and ti < n:
            ch = data[di]
            if ch == "-":
                di += 1
                continue
            kind, payload = tokens[ti]
            if kind == _LIT:
                if ch != payload:
                    return 0
            elif kind == _SET:
                if not any(lo <= ch <= hi for lo, hi in payload):  # type: ignore[attr-defined]
                    return 0
            elif kind == _DOT:
                return 1
            elif kind == _BANG:
                return 2
            elif kind in (_DASH, _EMPTY):
                ti += 1
                continue
            else:
                log(LogRecord(WARNING, _WRONG_SET))
                return 0
            di += 1
            ti += 1
        if di < dlen:  # data longer than the pattern
            return 0
        while ti < n and tokens[ti][0] == _EMPTY:  # empty sets are skipped
            ti += 1
        if ti >= n:
            return 0 if mode == MatchMode.MATCHMORE else 1
        if tokens[ti][0] == _BANG:
            return 2
        return 0 if mode == MatchMode.MATCH else 1


def _literal_match(p: str, d: str, mode: MatchMode) -> int:
    if len(p) < len(d):
        return 0
    if mode == MatchMode.MATCH:
        return 1 if p == d else 0
    if not d or p.startswith(d):
        if mode == MatchMode.MATCHMORE:
            return 1 if len(p) > len(d) else 0
        return 1
    return 0


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
