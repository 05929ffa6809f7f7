"""Regex matching for dialplan conditions: a bounded cache of compiled expressions and
FreeSWITCH's capture handling (``$1`` substitution, ``DP_MATCH`` arrays)."""

from __future__ import annotations

import re
from collections import OrderedDict

from pyerlsw.switch.dialplan.pcre import RegexError, compile_expression

__all__ = ["RegexCache", "capture_array", "substitute_captures"]

# ^literal$ where the literal has no regex metacharacters ($ also matches before a final
# newline, as in PCRE).
_ANCHORED_LITERAL = re.compile(r"\^([A-Za-z0-9_]*)\$")


class RegexCache:
    """Compiled expressions by their text, least recently used dropped beyond
    ``max_entries``. Expressions longer than ``max_length`` are refused."""

    def __init__(self, max_entries: int = 1024, max_length: int = 8192) -> None:
        self.max_entries = max_entries
        self.max_length = max_length
        self._entries: OrderedDict[str, re.Pattern[str] | RegexError] = OrderedDict()

    def compile(self, expression: str) -> re.Pattern[str]:
        """The compiled ``expression``; raises :class:`RegexError` when it is invalid."""
        entry = self._entries.get(expression)
        if entry is None:
            if len(expression) > self.max_length:
                entry = RegexError(f"expression longer than {self.max_length} characters")
            else:
                try:
                    entry = compile_expression(expression)
                except RegexError as exc:
                    entry = exc
            self._entries[expression] = entry
            if len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(expression)
        if isinstance(entry, RegexError):
            raise entry
        return entry

    def search(self, expression: str, subject: str) -> re.Match[str] | None:
        """``expression`` searched in ``subject`` (unanchored, like ``pcre_exec``).

        An expression that is only an anchored literal (``^1000$``, the most common
        dialplan condition) is first compared as text, so large dialplans do not compile
        an expression per extension on every hunt."""
        literal = _ANCHORED_LITERAL.fullmatch(expression)
        if literal is not None:
            text = literal.group(1)
            if subject != text and subject != text + "\n":
                return None
        return self.compile(expression).search(subject)


def substitute_captures(data: str, match: re.Match[str]) -> str:
    """``switch_perform_substitution``: ``$N`` and ``${N}`` (N any number of digits) are
    replaced by capture N (``$0`` the whole match; a group that did not take part or does
    not exist gives ""). Any other ``$`` (such as ``${var}``) is kept for the core to
    expand when the application runs."""
    if "$" not in data:
        return data
    out: list[str] = []
    index = 0
    length = len(data)
    while index < length:
        char = data[index]
        if char != "$":
            out.append(char)
            index += 1
            continue
        start = index + 1
        braced = start < length and data[start] == "{"
        if braced:
            start += 1
        end = start
        while end < length and data[end] in "0123456789":
            end += 1
        if end == start or (braced and (end >= length or data[end] != "}")):
            out.append("$")
            index += 1
            continue
        number = int(data[start:end])
        if number <= (match.re.groups or 0):
            out.append(match.group(number) or "")
        index = end + 1 if braced else end
    return "".join(out)


def capture_array(match: re.Match[str]) -> str:
    """The value FreeSWITCH stores in ``DP_MATCH``/``DP_REGEX_MATCH_N``: the whole match
    and each group pushed onto a channel-variable array (``ARRAY::a|:b`` when more than
    one)."""
    values = [match.group(0), *(group or "" for group in match.groups())]
    if len(values) == 1:
        return values[0]
    return "ARRAY::" + "|:".join(values)
