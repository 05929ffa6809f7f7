"""POSIX extended regular expressions (``regcomp(REG_EXTENDED)``) translated to Python
``re`` syntax, for the ``:`` and ``=~`` operators of ``$[...]``.

Handled: bracket expressions with ``[:class:]``, ``[=x=]``, ``[.x.]`` and a literal
backslash inside brackets; ``\\<``/``\\>`` word boundaries; a leading repetition operator
taken literally. ``(?`` is rejected as POSIX does. Matching semantics stay Python's
(leftmost-first alternation instead of POSIX leftmost-longest).
"""

from __future__ import annotations

import re

__all__ = ["translate_ere"]

_PUNCT = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_POSIX_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z",
    "lower": "a-z", "space": " \\t\\n\\r\\f\\v", "blank": " \\t", "punct": _PUNCT,
    "xdigit": "0-9A-Fa-f", "cntrl": "\\x00-\\x1f\\x7f", "print": "\\x20-\\x7e",
    "graph": "\\x21-\\x7e", "word": "\\w",
}  # fmt: skip


def translate_ere(pattern: str) -> str:
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise ValueError("Trailing backslash")
            nxt = pattern[i + 1]
            if nxt in "wWsSbB" or nxt.isdigit():
                out.append("\\" + nxt)
            elif nxt == "<":
                out.append(r"\b(?=\w)")
            elif nxt == ">":
                out.append(r"\b(?<=\w)")
            else:
                out.append(re.escape(nxt))
            i += 2
        elif c == "[":
            end, body = _translate_bracket(pattern, i)
            out.append(body)
            i = end
        elif c == "(" and pattern.startswith("?", i + 1):
            raise ValueError("Invalid preceding regular expression")
        elif c in "*+?" and (not out or out[-1] in ("(", "|")):
            out.append("\\" + c)  # a leading repetition operator is literal
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _translate_bracket(pattern: str, start: int) -> tuple[int, str]:
    i = start + 1
    n = len(pattern)
    negate = False
    if i < n and pattern[i] == "^":
        negate = True
        i += 1
    items: list[str] = []
    first = True
    while i < n:
        c = pattern[i]
        if c == "]" and not first:
            return i + 1, "[" + ("^" if negate else "") + "".join(items) + "]"
        first = False
        if c == "[" and i + 1 < n and pattern[i + 1] in ":=.":
            kind = pattern[i + 1]
            close = pattern.find(kind + "]", i + 2)
            if close < 0:
                raise ValueError("Unmatched [ or [^")
            name = pattern[i + 2 : close]
            if kind == ":":
                if name not in _POSIX_CLASSES:
                    raise ValueError("Invalid character class name")
                items.append(_POSIX_CLASSES[name])
            else:
                items.append(re.escape(name))
            i = close + 2
            continue
        if c == "-" and items and i + 1 < n and pattern[i + 1] != "]":
            items.append("-")
        elif c in "\\]^[-":
            items.append("\\" + c)
        else:
            items.append(c)
        i += 1
    raise ValueError("Unmatched [ or [^")
