"""Parsing Dial's arguments: options (``ast_app_parse_options``), the timeout and the
``L()``/``S()`` call limits (``asterisk_local_channels.md`` section 6).

Options are single letters (case-sensitive: ``b`` and ``B`` differ), each optionally
followed by ``(argument)``; nested parentheses are kept (``B(predial^xtn^c1(201))``),
a backslash protects the next character, unknown letters are accepted and ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CallLimit",
    "DialOptions",
    "OptionError",
    "parse_limit",
    "parse_options",
    "parse_timeout",
]

_LEADING_INT = re.compile(r"\s*([+-]?\d+)")


class OptionError(ValueError):
    """Malformed option text (the message is Asterisk's warning)."""


@dataclass(frozen=True, slots=True)
class DialOptions:
    """Option letter -> argument ("" for a letter without one)."""

    flags: dict[str, str]

    def has(self, letter: str) -> bool:
        return letter in self.flags

    def arg(self, letter: str) -> str:
        return self.flags.get(letter, "")


def parse_options(text: str) -> DialOptions:
    """Parse an option string; raises :class:`OptionError` for a missing ``)``."""
    flags: dict[str, str] = {}
    i = 0
    n = len(text)
    while i < n:
        letter = text[i]
        i += 1
        if i < n and text[i] == "(":
            start = i + 1
            depth = 1
            quote = False
            parse_quotes = start < n and text[start] == '"'
            chars: list[str] = []
            j = start
            while j < n:
                c = text[j]
                if c == '"' and parse_quotes:
                    quote = not quote
                    j += 1
                    continue
                if c == "\\" and j + 1 < n:
                    chars.append(text[j + 1])
                    j += 2
                    continue
                if not quote and c == "(":
                    depth += 1
                elif not quote and c == ")":
                    depth -= 1
                    if depth == 0:
                        break
                chars.append(c)
                j += 1
            if j >= n:
                raise OptionError(
                    f"Missing closing parenthesis for argument '{letter}' in string "
                    f"'{text[start:]}'"
                )
            flags[letter] = "".join(chars)
            i = j + 1
        else:
            flags[letter] = ""
    return DialOptions(flags)


def parse_timeout(text: str) -> tuple[float | None, float | None, str | None]:
    """``answer[^progress]`` in (fractional) seconds -> ``(answer, progress, warning)``;
    None means no limit. An invalid or non-positive value gives Asterisk's warning and
    no limit."""
    if not text.strip():
        return None, None, None
    answer_text, _, progress_text = text.partition("^")
    answer = _positive(answer_text)
    warning = None
    if answer is None and answer_text.strip():
        warning = f"Invalid timeout specified: '{answer_text}'. Setting timeout to infinite"
    progress = _positive(progress_text) if progress_text.strip() else None
    return answer, progress, warning


def _positive(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if value > 0 else None


def _atol(text: str | None) -> int:
    if not text:
        return 0
    m = _LEADING_INT.match(text)
    return int(m.group(1)) if m else 0


@dataclass(frozen=True, slots=True)
class CallLimit:
    """A bridge time limit: end the call ``max_ms`` after answer; warn when
    ``warning_ms`` remain, then every ``repeat_ms`` (0: no warning / no repeat)."""

    max_ms: int
    warning_ms: int = 0
    repeat_ms: int = 0

    def warning_times(self) -> list[float]:
        """Seconds after answer at which a warning plays."""
        if not self.warning_ms:
            return []
        times: list[float] = []
        at = self.max_ms - self.warning_ms
        while 0 <= at < self.max_ms:
            times.append(at / 1000.0)
            if not self.repeat_ms:
                break
            at += self.repeat_ms
        return times


def parse_limit(text: str) -> CallLimit | None:
    """``L(x[:y][:z])`` (milliseconds, ``ast_bridge_timelimit``); None when ``x`` is 0
    or not a number (the caller logs ``Bridge does not accept L(%s)``)."""
    parts = text.split(":")
    limit = _atol(parts[0])
    warning = _atol(parts[1]) if len(parts) > 1 else 0
    repeat = _atol(parts[2]) if len(parts) > 2 else 0
    if limit <= 0:
        return None
    if warning and warning > limit:
        if not repeat:
            warning = 0
        else:
            while warning > limit:
                warning -= repeat
            if warning < 1:
                warning = repeat = 0
    return CallLimit(limit, max(0, warning), max(0, repeat))
