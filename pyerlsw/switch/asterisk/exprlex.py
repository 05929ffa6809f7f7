"""Tokens of ``$[...]`` expressions (``main/ast_expr2.fl``) and the token-name
substitution Asterisk applies to bison's error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Token", "token_subst", "tokenize"]

_OPERATORS = (
    # longest first
    ("||", "TOK_OR"), ("&&", "TOK_AND"), ("==", "TOK_EQ"), ("=~", "TOK_EQTILDE"),
    ("~~", "TOK_TILDETILDE"), (">=", "TOK_GE"), ("<=", "TOK_LE"), ("!=", "TOK_NE"),
    ("::", "TOK_COLONCOLON"),
    ("|", "TOK_OR"), ("&", "TOK_AND"), ("=", "TOK_EQ"), (">", "TOK_GT"), ("<", "TOK_LT"),
    ("+", "TOK_PLUS"), (",", "TOK_COMMA"), ("-", "TOK_MINUS"), ("*", "TOK_MULT"),
    ("/", "TOK_DIV"), ("%", "TOK_MOD"), ("?", "TOK_COND"), ("!", "TOK_COMPL"),
    (":", "TOK_COLON"), ("(", "TOK_LP"), (")", "TOK_RP"),
)  # fmt: skip
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.';\\_^#@")
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "TOKEN", an operator name, or "$end"
    text: str
    column: int
    numeric: bool = False


def _word_end(text: str, i: int) -> int:
    n = len(text)
    while i < n:
        c = text[i]
        if c in _WORD_CHARS or ord(c) >= 0x80:
            i += 1
        elif c == "$" and i + 1 < n and text[i + 1] != "{":
            i += 2
        elif c == "$" and i + 1 < n:  # an unexpanded ${...}: keep it in the word
            depth = 0
            j = i + 1
            while j < n:
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            i = j + 1
        else:
            break
    return i


_OPERATOR_NAMES = dict(_OPERATORS)
_OPERATOR_STARTS = frozenset(op[0] for op, _ in _OPERATORS)
_OPERATOR_RE = re.compile("|".join(re.escape(op) for op, _ in _OPERATORS))  # longest first


def tokenize(text: str) -> list[Token]:
    """Split an expression into tokens, ending with a ``$end`` token (whose column is
    that of the last real token, as bison reports it)."""
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
            continue
        if c == '"':
            end = text.find('"', i + 1)
            end = n - 1 if end < 0 else end
            tokens.append(Token("TOKEN", text[i : end + 1], i))
            i = end + 1
            continue
        if c in _OPERATOR_STARTS:
            m = _OPERATOR_RE.match(text, i)
            if m is not None:
                op = m.group()
                tokens.append(Token(_OPERATOR_NAMES[op], op, i))
                i = m.end()
                continue
        end = _word_end(text, i)
        if end == i:  # no rule matches this character: flex's default skips it
            i += 1
            continue
        word = text[i:end]
        tokens.append(Token("TOKEN", word, i, numeric=_NUMBER_RE.fullmatch(word) is not None))
        i = end
    tokens.append(Token("$end", "", tokens[-1].column if tokens else 0))
    return tokens


_TOKEN_EQUIVS = (
    ("TOKEN", "<token>"), ("TOK_COND", "?"), ("TOK_COLONCOLON", "::"), ("TOK_OR", "|"),
    ("TOK_AND", "&"), ("TOK_EQ", "="), ("TOK_GT", ">"), ("TOK_LT", "<"), ("TOK_GE", ">="),
    ("TOK_LE", "<="), ("TOK_NE", "!="), ("TOK_PLUS", "+"), ("TOK_MINUS", "-"),
    ("TOK_MULT", "*"), ("TOK_DIV", "/"), ("TOK_MOD", "%"), ("TOK_COMPL", "!"),
    ("TOK_COLON", ":"), ("TOK_EQTILDE", "=~"), ("TOK_COMMA", ","), ("TOK_RP", ")"),
    ("TOK_LP", "("),
)  # fmt: skip


def token_subst(message: str) -> str:
    """Asterisk's ``expr2_token_subst``: token names become quoted operator text (first
    table entry whose name is a prefix wins, quirks included)."""
    out: list[str] = []
    i = 0
    while i < len(message):
        for raw, shown in _TOKEN_EQUIVS:
            if message.startswith(raw, i):
                out.append(f"'{shown}'")
                i += len(raw)
                break
        else:
            out.append(message[i])
            i += 1
    return "".join(out)
