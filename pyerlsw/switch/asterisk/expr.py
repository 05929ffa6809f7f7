"""Asterisk ``$[...]`` expressions (Expr2, floating point since 1.6).

:func:`evaluate` takes the text between ``$[`` and ``]`` (already variable-substituted)
and returns the result string exactly as Asterisk prints it. It never raises: a syntax
error logs Asterisk's ``ast_yyerror()`` warning and yields ``"0"``; any other failure
yields ``""``.

Semantics (``asterisk_dialplan.md`` section 6, after ``main/ast_expr2.y``/``.fl``):

* tokens: operators (recognised without spaces), ``"quoted"`` strings (the quotes stay in
  the value), numbers ``[0-9]+(\\.[0-9]+)?``, and words of letters, digits, bytes >= 0x80
  and ``.';\\_^#@`` (``$`` followed by anything but ``{`` is part of a word);
* precedence, lowest first: ``? ::`` (left), ``|``, ``&``, comparisons, ``+ -``,
  ``* / %``, unary ``-`` and ``!`` (right), ``:`` ``=~`` ``~~``, parentheses;
* numbers are long doubles printed with ``%.18Lg``; here they are :class:`decimal.Decimal`
  with 34 digits, which prints the same 18 significant digits;
* ``FUNC(a,b)`` calls the maths built-ins or, through ``functions``, dialplan functions.

Known differences: regular expressions use Python's ``re`` (POSIX ERE syntax is
translated; matching is leftmost-first rather than POSIX leftmost-longest), and
trigonometric built-ins are computed in double precision.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, localcontext

from pyerlsw.switch.asterisk.diagnostics import ERROR, WARNING, LogRecord, LogSink, null_sink
from pyerlsw.switch.asterisk.ere import translate_ere
from pyerlsw.switch.asterisk.exprlex import Token, token_subst, tokenize
from pyerlsw.switch.asterisk.exprnum import (
    DECIMAL_CONTEXT,
    MATH_FUNCTIONS,
    format_number,
    strtod,
)

__all__ = ["ExprLimits", "FunctionReader", "evaluate", "format_number"]

FunctionReader = Callable[[str, str], str | None]
"""``(NAME, "arg1,arg2") -> value`` for dialplan functions called inside ``$[...]``;
None when the function is unknown or fails."""

_DOCS_HINT = (
    "If you have questions, please refer to "
    "https://docs.asterisk.org/Configuration/Dialplan/Variables/Channel-Variables/"
)
_INT_MAX = Decimal(2147483647)
_CTX = DECIMAL_CONTEXT


@dataclass(frozen=True, slots=True)
class ExprLimits:
    """``max_length``: longer input is truncated (Asterisk's buffers are 4 KB);
    ``max_depth``: parenthesis/operator nesting beyond this is a syntax error."""

    max_length: int = 8192
    max_depth: int = 200


# ---------------------------------------------------------------------------
# Values

_NUMBER = 0
_NUMERIC_STRING = 1
_STRING = 2


@dataclass(slots=True)
class _Val:
    kind: int
    text: str = ""
    num: Decimal = Decimal(0)


def _number(value: Decimal) -> _Val:
    return _Val(_NUMBER, num=value)


def _make_str(text: str) -> _Val:
    """``make_str``: all digits/dots (starting with a digit or dot) is a numeric string."""
    numeric = (
        bool(text)
        and (text[0].isdigit() or text[0] == ".")
        and all(c.isdigit() or c == "." for c in text if c.isascii())
        and text.isascii()
    )
    return _Val(_NUMERIC_STRING if numeric else _STRING, text=text)


def _to_number(v: _Val) -> bool:
    if v.kind == _NUMBER:
        return True
    if v.kind == _STRING:
        return False
    v.num = strtod(v.text)
    v.kind = _NUMBER
    return True


def _to_string(v: _Val) -> None:
    if v.kind == _NUMBER:
        v.text = format_number(v.num)
        v.kind = _STRING


def _is_zero_or_null(v: _Val) -> bool:
    if v.kind == _NUMBER:
        return v.num == 0
    return v.text == "" or (_to_number(v) and v.num == 0)


def _strip_quotes(v: _Val) -> None:
    if v.kind != _NUMBER and v.text.startswith('"') and v.text.endswith('"'):
        v.text = v.text.replace('"', "")


def _render(v: _Val) -> str:
    return format_number(v.num) if v.kind == _NUMBER else v.text


# ---------------------------------------------------------------------------
# Tokens

# ---------------------------------------------------------------------------
# Parser (precedence climbing over the yacc grammar)

_BINARY_LEVEL = {
    "TOK_OR": 2, "TOK_AND": 3,
    "TOK_EQ": 4, "TOK_GT": 4, "TOK_LT": 4, "TOK_GE": 4, "TOK_LE": 4, "TOK_NE": 4,
    "TOK_PLUS": 5, "TOK_MINUS": 5, "TOK_MULT": 6, "TOK_DIV": 6, "TOK_MOD": 6,
    "TOK_COLON": 8, "TOK_EQTILDE": 8, "TOK_TILDETILDE": 8,
}  # fmt: skip
_COND_LEVEL = 1
_UNARY_LEVEL = 7
_OPERAND_EXPECTED = "TOK_MINUS or TOK_COMPL or TOK_LP or TOKEN"


class _SyntaxError(Exception):
    def __init__(self, token: Token, expecting: str | None) -> None:
        super().__init__(token.kind)
        self.token = token
        self.expecting = expecting


class _Parser:
    def __init__(self, tokens: list[Token], ops: _Operations, max_depth: int) -> None:
        self.tokens = tokens
        self.pos = 0
        self.ops = ops
        self.depth = 0
        self.max_depth = max_depth

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.kind != "$end":
            self.pos += 1
        return tok

    def parse(self) -> _Val | None:
        if self.peek().kind == "$end":
            return None
        if self.peek().kind not in ("TOKEN", "TOK_LP", "TOK_MINUS", "TOK_COMPL"):
            raise _SyntaxError(self.peek(), "$end")
        value = self.expr(_COND_LEVEL)
        if self.peek().kind != "$end":
            raise _SyntaxError(self.peek(), "$end")
        return value

    def expr(self, min_level: int) -> _Val:
        self.depth += 1
        if self.depth > self.max_depth:
            raise _SyntaxError(self.peek(), None)
        try:
            left = self.operand()
            while True:
                tok = self.peek()
                if tok.kind == "TOK_COND" and min_level <= _COND_LEVEL:
                    self.take()
                    middle = self.expr(_COND_LEVEL)
                    if self.peek().kind != "TOK_COLONCOLON":
                        raise _SyntaxError(self.peek(), None)
                    self.take()
                    right = self.expr(_COND_LEVEL + 1)
                    left = self.ops.cond(left, middle, right)
                    continue
                level = _BINARY_LEVEL.get(tok.kind)
                if level is None or level < min_level:
                    return left
                self.take()
                right = self.expr(level + 1)
                left = self.ops.binary(tok.kind, left, right)
        finally:
            self.depth -= 1

    def operand(self) -> _Val:
        tok = self.take()
        if tok.kind in ("TOK_MINUS", "TOK_COMPL"):
            self.depth += 1
            if self.depth > self.max_depth:
                raise _SyntaxError(tok, None)
            try:
                inner = self.expr(_UNARY_LEVEL)
            finally:
                self.depth -= 1
            return self.ops.negate(inner) if tok.kind == "TOK_MINUS" else self.ops.compl(inner)
        if tok.kind == "TOK_LP":
            inner = self.expr(_COND_LEVEL)
            if self.peek().kind != "TOK_RP":
                raise _SyntaxError(self.peek(), None)
            self.take()
            return inner
        if tok.kind == "TOKEN":
            if self.peek().kind == "TOK_LP":
                self.take()
                args = [self.expr(_COND_LEVEL)]
                while self.peek().kind == "TOK_COMMA":
                    self.take()
                    args.append(self.expr(_COND_LEVEL))
                if self.peek().kind != "TOK_RP":
                    raise _SyntaxError(self.peek(), None)
                self.take()
                return self.ops.call(tok.text, args)
            if tok.numeric:
                return _Val(_NUMERIC_STRING, text=tok.text)
            return _Val(_STRING, text=tok.text)
        raise _SyntaxError(tok, _OPERAND_EXPECTED)


# ---------------------------------------------------------------------------
# Operations


class _Operations:
    def __init__(self, functions: FunctionReader | None, log: LogSink) -> None:
        self.functions = functions
        self.log = log

    def warn(self, message: str) -> None:
        self.log(LogRecord(WARNING, message))

    def binary(self, kind: str, a: _Val, b: _Val) -> _Val:
        if kind == "TOK_OR":
            return b if _is_zero_or_null(a) else a
        if kind == "TOK_AND":
            if _is_zero_or_null(a) or _is_zero_or_null(b):
                return _number(Decimal(0))
            return a
        if kind in ("TOK_EQ", "TOK_GT", "TOK_LT", "TOK_GE", "TOK_LE", "TOK_NE"):
            return self.compare(kind, a, b)
        if kind == "TOK_PLUS":
            return self.plus(a, b)
        if kind == "TOK_MINUS":
            return self.minus(a, b)
        if kind == "TOK_MULT":
            return self.times(a, b)
        if kind == "TOK_DIV":
            return self.divide(a, b)
        if kind == "TOK_MOD":
            return self.remainder(a, b)
        if kind == "TOK_COLON":
            return self.regex(a, b, anchored=True)
        if kind == "TOK_EQTILDE":
            return self.regex(a, b, anchored=False)
        return self.concat(a, b)

    @staticmethod
    def compare(kind: str, a: _Val, b: _Val) -> _Val:
        if _STRING in (a.kind, b.kind):
            _to_string(a)
            _to_string(b)
            left: object = a.text
            right: object = b.text
        else:
            _to_number(a)
            _to_number(b)
            left, right = a.num, b.num
        result = {
            "TOK_EQ": left == right,
            "TOK_NE": left != right,
            "TOK_GT": left > right,  # type: ignore[operator]
            "TOK_LT": left < right,  # type: ignore[operator]
            "TOK_GE": left >= right,  # type: ignore[operator]
            "TOK_LE": left <= right,  # type: ignore[operator]
        }[kind]
        return _number(Decimal(1 if result else 0))

    def plus(self, a: _Val, b: _Val) -> _Val:
        if not _to_number(a):
            self.warn("non-numeric argument")
            return b if _to_number(b) else _number(Decimal(0))
        if not _to_number(b):
            self.warn("non-numeric argument")
            return a
        with localcontext(_CTX):
            return _number(a.num + b.num)

    def minus(self, a: _Val, b: _Val) -> _Val:
        if not _to_number(a):
            self.warn("non-numeric argument")
            if not _to_number(b):
                return _number(Decimal(0))
            with localcontext(_CTX):
                return _number(Decimal(0) - b.num)
        if not _to_number(b):
            self.warn("non-numeric argument")
            return a
        with localcontext(_CTX):
            return _number(a.num - b.num)

    def times(self, a: _Val, b: _Val) -> _Val:
        if not _to_number(a) or not _to_number(b):
            self.warn("non-numeric argument")
            return _number(Decimal(0))
        with localcontext(_CTX):
            return _number(a.num * b.num)

    def divide(self, a: _Val, b: _Val) -> _Val:
        if not _to_number(a):
            self.warn("non-numeric argument")
            return _number(Decimal(0))
        if not _to_number(b):
            self.warn("non-numeric argument")
            return _number(_INT_MAX)
        if b.num == 0:
            self.warn("division by zero")
            return _number(_INT_MAX)
        with localcontext(_CTX):
            return _number(a.num / b.num)

    def remainder(self, a: _Val, b: _Val) -> _Val:
        if not _to_number(a) or not _to_number(b):
            self.warn("non-numeric argument")
            return _number(Decimal(0))
        if b.num == 0:
            self.warn("div by zero")
            return b
        with localcontext(_CTX):
            return _number(a.num % b.num)  # fmod: the sign of the dividend

    def negate(self, a: _Val) -> _Val:
        if not _to_number(a):
            self.warn("non-numeric argument")
            return _number(Decimal(0))
        return _number(a.num.copy_negate())  # -0 stays signed, as with long doubles

    @staticmethod
    def compl(a: _Val) -> _Val:
        if a.kind == _NUMBER:
            truth = a.num != 0
        elif a.text in ("", "0"):
            truth = False
        else:
            truth = _atoi(a.text) != 0
        return _number(Decimal(0 if truth else 1))

    @staticmethod
    def cond(a: _Val, b: _Val, c: _Val) -> _Val:
        if a.kind == _STRING:
            return b if a.text not in ("", '""', "0") else c
        _to_number(a)
        return b if a.num != 0 else c

    def regex(self, a: _Val, b: _Val, *, anchored: bool) -> _Val:
        _to_string(a)
        _to_string(b)
        _strip_quotes(a)
        _strip_quotes(b)
        try:
            compiled = re.compile(translate_ere(b.text))
        except (re.error, ValueError, OverflowError, RecursionError) as exc:
            self.warn(f"regcomp() error : {exc}")
            return _make_str("")
        m = compiled.search(a.text)
        if m is not None and (not anchored or m.start() == 0):
            if compiled.groups and m.group(1) is not None:
                return _make_str(m.group(1))
            return _number(Decimal(m.end() - m.start()))
        return _number(Decimal(0)) if compiled.groups == 0 else _make_str("")

    @staticmethod
    def concat(a: _Val, b: _Val) -> _Val:
        _to_string(a)
        _to_string(b)
        _strip_quotes(a)
        _strip_quotes(b)
        return _make_str(a.text + b.text)

    def call(self, name: str, args: list[_Val]) -> _Val:
        if not name or any(c not in _FUNC_NAME_CHARS for c in name):
            self.log(LogRecord(ERROR, f"Error! '{name}' is not possibly a function name!"))
            return _number(Decimal(0))
        math_fn = MATH_FUNCTIONS.get(name)
        if math_fn is not None:
            arity, fn = math_fn
            if len(args) != arity:
                self.warn(f"Wrong args to {name}() function")
                return _number(Decimal(0))
            numbers = [a.num if _to_number(a) else Decimal(0) for a in args]
            with localcontext(_CTX):
                try:
                    return _number(fn(*numbers))
                except (ArithmeticError, ValueError, OverflowError):
                    return _number(Decimal("NaN"))
        arg_text = ",".join(_render(a) for a in args)
        value = self.functions(name, arg_text) if self.functions is not None else None
        if value is None:
            self.log(
                LogRecord(ERROR, f"Error! '{name}' doesn't appear to be an available function!")
            )
            return _number(Decimal(0))
        if all(c in "-0123456789. \t" for c in value):
            return _number(strtod(value))
        return _make_str(value)


_FUNC_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _atoi(text: str) -> int:
    m = re.match(r"\s*([+-]?\d+)", text)
    return int(m.group(1)) if m else 0


# ---------------------------------------------------------------------------
# POSIX ERE -> Python re

# ---------------------------------------------------------------------------
# Entry point


def _syntax_message(err: _SyntaxError) -> str:
    message = f"syntax error, unexpected {err.token.kind}"
    if err.expecting:
        message += f", expecting {err.expecting}"
    return token_subst(message)


def evaluate(
    expression: str,
    *,
    functions: FunctionReader | None = None,
    log: LogSink = null_sink,
    limits: ExprLimits | None = None,
) -> str:
    """Evaluate ``expression`` (the inside of ``$[...]``) and return the result text."""
    limits = limits or ExprLimits()
    text = expression[: limits.max_length]
    ops = _Operations(functions, log)
    try:
        tokens = tokenize(text)
        parser = _Parser(tokens, ops, limits.max_depth)
        value = parser.parse()
    except _SyntaxError as err:
        caret = " " * err.token.column + "^"
        log(
            LogRecord(
                WARNING,
                f"ast_yyerror():  syntax error: {_syntax_message(err)}; Input:\n{text}\n{caret}",
            )
        )
        log(LogRecord(WARNING, _DOCS_HINT))
        return "0"
    except Exception as exc:  # never raise to the dialplan
        log(LogRecord(WARNING, f"expression evaluation failed: {exc!r}; Input:\n{text}"))
        return ""
    if value is None:
        return ""
    return _render(value)
