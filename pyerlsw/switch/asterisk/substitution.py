"""Variable substitution (``${...}``/``$[...]``) and application argument splitting.

:class:`Substituter` follows ``pbx_substitute_variables_helper_full`` of Asterisk's
``main/pbx_variables.c`` (``asterisk_dialplan.md`` section 7):

* ``${NAME}`` asks the :class:`Scope` for a variable (built-ins, channel variables and
  globals are the scope's business); unset gives nothing;
* ``${NAME:offset[:length]}`` takes a substring (negative offset from the end, negative
  length leaves characters off the end; a non-numeric offset counts as 0 and then no
  length is read, as with ``sscanf("%d:%d")``);
* ``${FUNC(args)}`` (a ``(`` anywhere in the name) reads a dialplan function through the
  scope; ``${FUNC(args):1}`` works too;
* the inside of ``${...}`` and ``$[...]`` is substituted first when it contains ``${`` or
  ``$[`` (nesting: ``${${X}}``, ``${DB(f/${EXTEN})}``);
* ``$[...]`` is evaluated by :mod:`~pyerlsw.switch.asterisk.expr`;
* a ``$`` not followed by ``{`` or ``[`` is literal; there is no escape character
  (backslashes are handled later, by :func:`separate_args`);
* a missing ``}``/``]`` logs ``Error in extension logic (missing '}')`` and, like
  Asterisk, drops the last character of the unterminated reference;
* values are cut to :attr:`SubstitutionLimits.max_value` characters, the whole result to
  :attr:`SubstitutionLimits.max_output`; nested substitution deeper than
  :attr:`SubstitutionLimits.max_depth` logs Asterisk's recursion error.

Lengths and offsets count characters (Asterisk counts bytes; the same for ASCII).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from pyerlsw.switch.asterisk.diagnostics import ERROR, WARNING, LogRecord, LogSink, null_sink
from pyerlsw.switch.asterisk.expr import ExprLimits, evaluate

__all__ = [
    "Scope",
    "Substituter",
    "SubstitutionLimits",
    "needs_substitution",
    "parse_variable_name",
    "separate_args",
    "substring",
]

_INT_MAX = 2**31 - 1


class Scope(Protocol):
    """What substitution reads. The interpreter implements it per channel."""

    def variable(self, name: str) -> str | None:
        """The value of ``name`` (built-in, channel variable or global), None if unset."""
        ...

    def function(self, call: str) -> str | None:
        """Read the dialplan function ``call`` (``"NAME(args)"``, as written, already
        substituted). None on failure (unknown function, bad arguments): the reference
        then produces nothing. The scope logs the reason.

        A scope may also define ``has_function(name) -> bool``; ``$[...]`` then skips
        unknown names without calling :meth:`function` (so only the expression's own
        error is logged, as in Asterisk)."""
        ...


@dataclass(frozen=True, slots=True)
class SubstitutionLimits:
    """Asterisk's buffer sizes: ``VAR_BUF_SIZE`` (4096) for one value and the 8 KB
    application-data buffer for a whole result; recursion depth 15."""

    max_depth: int = 15
    max_value: int = 4095
    max_output: int = 8191


def needs_substitution(text: str) -> bool:
    """True when ``text`` contains ``${`` or ``$[`` (app data without them is passed
    through verbatim)."""
    return "${" in text or "$[" in text


_LEADING_INT = re.compile(r"\s*([+-]?\d+)")


def _scan_int(text: str) -> tuple[int, int] | None:
    m = _LEADING_INT.match(text)
    if not m:
        return None
    value = int(m.group(1))
    return max(-_INT_MAX - 1, min(_INT_MAX, value)), m.end()


def parse_variable_name(text: str) -> tuple[str, int, int, bool]:
    """Split ``NAME[:offset[:length]]`` (``parse_variable_name``).

    Returns ``(name, offset, length, is_function)``; ``length`` is a very large number
    when absent. A ``:`` inside parentheses belongs to the name.
    """
    parens = 0
    is_function = False
    for i, c in enumerate(text):
        if c == "(":
            is_function = True
            parens += 1
        elif c == ")":
            parens -= 1
        elif c == ":" and parens == 0:
            offset, length = 0, _INT_MAX
            rest = text[i + 1 :]
            first = _scan_int(rest)
            if first is not None:
                offset = first[0]
                after = rest[first[1] :]
                if after.startswith(":"):
                    second = _scan_int(after[1:])
                    if second is not None:
                        length = second[0]
            return text[:i], offset, length, is_function
    return text, 0, _INT_MAX, is_function


def substring(value: str, offset: int, length: int) -> str:
    """Asterisk's ``substring()`` for ``${VAR:offset:length}``."""
    size = len(value)
    if offset == 0 and length >= size:
        return value
    if offset < 0:
        offset = max(0, size + offset)
    if offset >= size:
        return ""
    result = value[offset:]
    if 0 <= length < size - offset:
        return result[:length]
    if length < 0:
        if size > offset - length:
            return result[: size + length - offset]
        return ""
    return result


class Substituter:
    """Substitutes text against one :class:`Scope`. Cheap to create; not thread-safe."""

    def __init__(
        self,
        scope: Scope,
        *,
        log: LogSink = null_sink,
        limits: SubstitutionLimits | None = None,
        expr_limits: ExprLimits | None = None,
    ) -> None:
        self.scope = scope
        self.log = log
        self.limits = limits or SubstitutionLimits()
        self.expr_limits = expr_limits
        self._depth = 0

    def substitute(self, text: str) -> str:
        """The substituted text (never raises)."""
        if self._depth >= self.limits.max_depth:
            self.log(
                LogRecord(
                    ERROR,
                    "Exceeded maximum variable substitution recursion depth "
                    f"({self.limits.max_depth}) - possible infinite recursion in dialplan?",
                )
            )
            return ""
        self._depth += 1
        try:
            return self._substitute(text)
        finally:
            self._depth -= 1

    def app_data(self, data: str) -> str:
        """Application data as the PBX passes it: substituted only when it contains
        ``${`` or ``$[``, otherwise verbatim (cut to the output limit)."""
        if not needs_substitution(data):
            return data[: self.limits.max_output]
        return self.substitute(data)

    def _expression_function(self, name: str, args: str) -> str | None:
        # Inside $[...] Asterisk looks the function up first and only the expression
        # reports an unknown one; a scope may offer has_function() to allow that.
        has_function = getattr(self.scope, "has_function", None)
        if has_function is not None and not has_function(name):
            return None
        return self.scope.function(f"{name}({args})")

    def _substitute(self, text: str) -> str:
        out: list[str] = []
        room = self.limits.max_output
        pos = 0
        n = len(text)
        while pos < n and room > 0:
            dollar = text.find("$", pos)
            if dollar < 0:
                chunk = text[pos:]
                out.append(chunk[:room])
                room -= len(out[-1])
                break
            nxt = text[dollar + 1] if dollar + 1 < n else ""
            if nxt not in ("{", "["):
                chunk = text[pos : dollar + 1]
                out.append(chunk[:room])
                room -= len(out[-1])
                pos = dollar + 1
                continue
            if dollar > pos:
                chunk = text[pos:dollar]
                out.append(chunk[:room])
                room -= len(out[-1])
                if room <= 0:
                    break
            inner, needsub, pos = self._scan(text, dollar + 2, nxt)
            if needsub:
                inner = self.substitute(inner)
            value = self._variable(inner) if nxt == "{" else self._expression(inner)
            if value:
                value = value[:room]
                out.append(value)
                room -= len(value)
        return "".join(out)

    def _scan(self, text: str, start: int, kind: str) -> tuple[str, bool, int]:
        """Find the end of a ``${``/``$[`` reference starting after the opener.

        Returns the inner text, whether it needs substitution, and where to continue.
        """
        brackets = 1
        needsub = False
        i = start
        n = len(text)
        opener, closer = ("{", "}") if kind == "{" else ("[", "]")
        while brackets and i < n:
            c = text[i]
            two = text[i : i + 2]
            if kind == "{":
                if two in ("${", "$["):
                    needsub = True
                elif c == opener:
                    brackets += 1
                elif c == closer:
                    brackets -= 1
            elif two == "$[":
                needsub = True
                brackets += 1
                i += 1
            elif c == opener:
                brackets += 1
            elif c == closer:
                brackets -= 1
            elif two == "${":
                needsub = True
                i += 1
            i += 1
        if brackets:
            self.log(LogRecord(WARNING, f"Error in extension logic (missing '{closer}')"))
        length = i - start - 1
        return text[start : start + max(length, 0)], needsub, start + length + 1

    def _variable(self, inner: str) -> str:
        name, offset, length, is_function = parse_variable_name(inner)
        value = self.scope.function(name) if is_function else self.scope.variable(name)
        if value is None:
            return ""
        value = value[: self.limits.max_value]
        return substring(value, offset, length)

    def _expression(self, inner: str) -> str:
        result = evaluate(
            inner, functions=self._expression_function, log=self.log, limits=self.expr_limits
        )
        return result[: self.limits.max_value]


def separate_args(
    text: str, delim: str = ",", max_args: int | None = None, *, remove_chars: bool = True
) -> list[str]:
    """Split application arguments like Asterisk's ``__ast_app_separate_args``.

    ``delim`` splits only outside ``(...)``, ``[...]`` and double quotes. With
    ``remove_chars`` (the "standard" parsing) double quotes are removed and a backslash
    makes the next character literal; without it (the "raw" parsing used by Gosub) both
    are kept. Whitespace is never trimmed. When ``max_args`` is given, the last argument
    receives the unparsed rest of the string, delimiters included. An empty text has no
    arguments; a trailing delimiter adds an empty last argument.
    """
    limit = max_args if max_args is not None else len(text) + 2
    if limit < 1 or not text:
        return []
    args: list[str] = []
    i = 0
    n = len(text)
    paren = bracket = 0
    quote = False
    ended_on_delim = False
    while i < n and len(args) < limit - 1:
        current: list[str] = []
        ended_on_delim = False
        while i < n:
            c = text[i]
            if c == "(":
                paren += 1
            elif c == ")":
                paren = max(0, paren - 1)
            elif c == "[":
                bracket += 1
            elif c == "]":
                bracket = max(0, bracket - 1)
            elif c == '"' and delim != '"':
                quote = not quote
                if remove_chars:
                    i += 1
                    continue
            elif c == "\\":
                if remove_chars:
                    i += 1
                    if i < n:
                        current.append(text[i])
                        i += 1
                    continue
                current.append(c)
                i += 1
                if i < n:
                    current.append(text[i])
                    i += 1
                continue
            elif c == delim and not paren and not quote and not bracket:
                i += 1
                ended_on_delim = True
                break
            current.append(c)
            i += 1
        args.append("".join(current))
    if i < n or ended_on_delim:
        args.append(text[i:])
    return args
