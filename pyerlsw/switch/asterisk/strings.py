"""Small string helpers with Asterisk's exact rules (``ast_true``,
``ast_shrink_phone_number``)."""

from __future__ import annotations

__all__ = ["is_true", "shrink_phone_number"]

_TRUE_WORDS = frozenset(("yes", "true", "y", "t", "1", "on"))


def is_true(value: str) -> bool:
    """Asterisk's ``ast_true``."""
    return value.strip().lower() in _TRUE_WORDS


def shrink_phone_number(number: str) -> str:
    """``ast_shrink_phone_number``: drop blanks, parentheses and dashes (dashes inside
    ``[]`` stay), and dots except a final one."""
    out: list[str] = []
    bracketed = 0
    for i, c in enumerate(number):
        if c == "[":
            bracketed += 1
            out.append(c)
        elif c == "]":
            bracketed -= 1
            out.append(c)
        elif c == "-":
            if bracketed:
                out.append(c)
        elif c == ".":
            if i == len(number) - 1:
                out.append(c)
        elif c not in "( )":
            out.append(c)
    return "".join(out)
