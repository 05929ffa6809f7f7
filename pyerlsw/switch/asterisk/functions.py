"""Dialplan functions: the registry, its calling convention, and the pure functions.

A function is read as ``${NAME(args)}`` (or ``NAME(args)`` inside ``$[...]``) and written
as ``Set(NAME(args)=value)``. :class:`FunctionRegistry` does what Asterisk's
``ast_func_read``/``ast_func_write`` do around the function itself: split ``NAME(args)``
(first ``(``, last ``)``), look the name up, and log ``Function %s not registered`` /
``Function %s cannot be read`` / ``... cannot be written to``.

Function names are looked up **case-sensitively** by default, as in current Asterisk
(spec section 5: ``${len(x)}`` is not ``${LEN(x)}``); pass ``case_sensitive=False`` for
the 1.4 behaviour.

The pure functions registered by :func:`register_builtin_functions`: ``ISNULL``,
``EXISTS``, ``IF``, ``LEN``, ``SET``, ``DB``, ``DB_DELETE``, ``DB_EXISTS``, ``DB_KEYS``.
The interpreter adds the channel-bound ones (``CHANNEL``, ``CALLERID``, ``LOCAL``,
``LOCAL_PEEK``, ``STACK_PEEK``, ...) with :meth:`FunctionRegistry.register`; they
receive the interpreter's own :class:`FunctionContext` object (which may carry more, such
as the channel) as their first argument.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from pyerlsw.switch.asterisk.astdb import AstDB
from pyerlsw.switch.asterisk.diagnostics import DEBUG, ERROR, WARNING, LogRecord
from pyerlsw.switch.asterisk.substitution import separate_args

__all__ = [
    "MAX_GOSUB_ARGS",
    "DialplanFunction",
    "FunctionContext",
    "FunctionRegistry",
    "check_condition",
    "gosub_arg_variables",
    "register_builtin_functions",
    "split_function_call",
]

MAX_GOSUB_ARGS = 100


class FunctionContext(Protocol):
    """What a function may use. The interpreter's implementation is per channel."""

    def get_variable(self, name: str) -> str | None:
        """A variable as ``${name}`` would read it (None if unset)."""
        ...

    def set_variable(self, name: str, value: str) -> None:
        """Set a channel variable (``pbx_builtin_setvar_helper``)."""
        ...

    def log(self, record: LogRecord) -> None:
        """Emit a log record attributed to the channel."""
        ...

    @property
    def astdb(self) -> AstDB | None:
        """The switch's AstDB, or None when there is none (DB functions then fail)."""
        ...


ReadFn = Callable[[FunctionContext, str, str], str | None]
"""``(ctx, name, args) -> value``; None means failure (logged by the function)."""
WriteFn = Callable[[FunctionContext, str, str, str], bool]
"""``(ctx, name, args, value) -> ok``."""


@dataclass(frozen=True, slots=True)
class DialplanFunction:
    """A registered function; ``read``/``write`` are None when not supported."""

    name: str
    read: ReadFn | None = None
    write: WriteFn | None = None
    synopsis: str = ""


def split_function_call(call: str) -> tuple[str, str, str | None]:
    """Split ``NAME(args)`` at the first ``(`` and the last ``)``.

    Returns ``(name, args, problem)``; ``problem`` is Asterisk's warning text when the
    parentheses are missing (the call still proceeds, as in Asterisk).
    """
    name, paren, rest = call.partition("(")
    if not paren:
        return (
            call,
            "",
            (f"Function '{call}' doesn't contain parentheses.  Assuming null argument."),
        )
    close = rest.rfind(")")
    if close < 0:
        return name, rest, f"Can't find trailing parenthesis for function '{name}({rest}'?"
    return name, rest[:close], None


class FunctionRegistry:
    """Dialplan functions by name. One per switch (never global)."""

    def __init__(self, *, case_sensitive: bool = True) -> None:
        self.case_sensitive = case_sensitive
        self._functions: dict[str, DialplanFunction] = {}

    def _key(self, name: str) -> str:
        return name if self.case_sensitive else name.upper()

    def register(self, function: DialplanFunction) -> None:
        """Add or replace a function."""
        self._functions[self._key(function.name)] = function

    def unregister(self, name: str) -> None:
        self._functions.pop(self._key(name), None)

    def get(self, name: str) -> DialplanFunction | None:
        return self._functions.get(self._key(name))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._key(name) in self._functions

    def __iter__(self) -> Iterator[DialplanFunction]:
        return iter(self._functions.values())

    def read(self, ctx: FunctionContext, call: str) -> str | None:
        """Read ``NAME(args)``; None when it fails (the reason is logged on ``ctx``)."""
        name, args, problem = split_function_call(call)
        if problem:
            ctx.log(LogRecord(WARNING, problem))
        function = self.get(name)
        if function is None:
            ctx.log(LogRecord(ERROR, f"Function {name} not registered"))
            return None
        if function.read is None:
            ctx.log(LogRecord(ERROR, f"Function {name} cannot be read"))
            return None
        try:
            return function.read(ctx, name, args)
        except Exception as exc:  # a faulty function must not take the PBX down
            ctx.log(LogRecord(ERROR, f"Function {name} failed: {exc!r}"))
            return None

    def write(self, ctx: FunctionContext, call: str, value: str) -> bool:
        """Write ``NAME(args)=value``; False when it fails (logged on ``ctx``)."""
        name, args, problem = split_function_call(call)
        if problem:
            ctx.log(LogRecord(WARNING, problem))
        function = self.get(name)
        if function is None:
            ctx.log(LogRecord(ERROR, f"Function {name} not registered"))
            return False
        if function.write is None:
            ctx.log(LogRecord(ERROR, f"Function {name} cannot be written to"))
            return False
        try:
            return function.write(ctx, name, args, value)
        except Exception as exc:
            ctx.log(LogRecord(ERROR, f"Function {name} failed: {exc!r}"))
            return False


# ---------------------------------------------------------------------------
# Helpers shared with the interpreter

_SCANF_INT = re.compile(r"\s*([+-]?\d+)")


def check_condition(condition: str | None) -> bool:
    """Asterisk's ``pbx_checkcondition``: empty is false; a leading integer
    (``sscanf("%d")``) is its own truth; any other text is true."""
    if not condition:
        return False
    m = _SCANF_INT.match(condition)
    if m:
        value = int(m.group(1))
        value = (value + 2**31) % 2**32 - 2**31  # C int conversion
        return value != 0
    return True


def gosub_arg_variables(args: str | None, outer_argc: int = 0) -> list[tuple[str, str]]:
    """The frame-local variables a ``Gosub`` sets from its argument text.

    ``args`` is what stood between the parentheses (None: no parentheses). Arguments are
    split raw (quotes and backslashes kept), at most :data:`MAX_GOSUB_ARGS`.
    ``ARG1..ARGn`` are set, plus empty ``ARGn`` for the extra arguments of the outer frame
    (``outer_argc``), and ``ARGC``.
    """
    values = (
        separate_args(args, ",", MAX_GOSUB_ARGS, remove_chars=False) if args is not None else []
    )
    count = max(len(values), min(outer_argc, MAX_GOSUB_ARGS))
    result = [(f"ARG{i + 1}", values[i] if i < len(values) else "") for i in range(count)]
    result.append(("ARGC", str(len(values))))
    return result


# ---------------------------------------------------------------------------
# The pure functions


def _isnull(ctx: FunctionContext, name: str, args: str) -> str:
    return "0" if args else "1"


def _exists(ctx: FunctionContext, name: str, args: str) -> str:
    return "1" if args else "0"


def _len(ctx: FunctionContext, name: str, args: str) -> str:
    return str(len(args))


def _c_str(value: str | None) -> str:
    """How glibc's printf shows a string argument that may be NULL."""
    return "(null)" if value is None else value


def _if(ctx: FunctionContext, name: str, args: str) -> str | None:
    first = separate_args(args, "?", 2)
    expr = first[0] if first else None
    remainder = first[1] if len(first) > 1 else None
    second = separate_args(remainder, ":", 2) if remainder is not None else []
    iftrue = second[0] if second else None
    iffalse = second[1] if len(second) > 1 else None
    if not args or not expr or (iftrue is None and iffalse is None):
        ctx.log(
            LogRecord(
                WARNING,
                "Syntax IF(<expr>?[<true>][:<false>])  (expr must be non-null, and either "
                "<true> or <false> must be non-null)",
            )
        )
        ctx.log(
            LogRecord(
                WARNING,
                f"      In this case, <expr>='{_c_str(expr)}', <true>='{_c_str(iftrue)}', "
                f"and <false>='{_c_str(iffalse)}'",
            )
        )
        return None
    if check_condition(expr.strip()):
        return (iftrue or "").strip()
    return (iffalse or "").strip()


def _set(ctx: FunctionContext, name: str, args: str) -> str | None:
    varname, eq, value = args.partition("=")
    if not varname or not eq:
        ctx.log(LogRecord(WARNING, "Syntax SET(<varname>=[<value>])"))
        return None
    value = value.strip()
    ctx.set_variable(varname.strip(), value)
    return value


def _db_args(
    ctx: FunctionContext, name: str, args: str, usage: str
) -> tuple[AstDB, str, str] | None:
    parts = separate_args(args, "/", 2) if args else []
    if len(parts) < 2:
        ctx.log(LogRecord(WARNING, f"{name} requires an argument, {usage}"))
        return None
    db = ctx.astdb
    if db is None:
        ctx.log(LogRecord(WARNING, f"{name}: the Asterisk database is not available"))
        return None
    return db, parts[0], parts[1]


def _db_read(ctx: FunctionContext, name: str, args: str) -> str | None:
    parsed = _db_args(ctx, name, args, "DB(<family>/<key>)")
    if parsed is None:
        return None
    db, family, key = parsed
    value = db.get(family, key)
    if value is None:
        ctx.log(LogRecord(DEBUG, f"DB: {family}/{key} not found in database."))
        return ""
    ctx.set_variable("DB_RESULT", value)
    return value


def _key_malformed(key: str) -> bool:
    return not key or key.startswith("/") or key.endswith("/") or "//" in key


def _db_write(ctx: FunctionContext, name: str, args: str, value: str) -> bool:
    parsed = _db_args(ctx, name, args, "DB(<family>/<key>)=<value>")
    if parsed is None:
        return False
    db, family, key = parsed
    if _key_malformed(key):
        ctx.log(LogRecord(WARNING, f"DB: key '{key}' seems malformed"))
    if not db.put(family, key, value):
        ctx.log(LogRecord(WARNING, "DB: Error writing value to database."))
    return True


def _db_delete_read(ctx: FunctionContext, name: str, args: str) -> str | None:
    parsed = _db_args(ctx, name, args, "DB_DELETE(<family>/<key>)")
    if parsed is None:
        return None
    db, family, key = parsed
    value = db.get(family, key)
    if value is None:
        ctx.log(LogRecord(DEBUG, f"DB_DELETE: {family}/{key} not found in database."))
        value = ""
    elif not db.delete(family, key):
        ctx.log(
            LogRecord(DEBUG, f"DB_DELETE: {family}/{key} could not be deleted from the database")
        )
    ctx.set_variable("DB_RESULT", value)
    return value


def _db_delete_write(ctx: FunctionContext, name: str, args: str, value: str) -> bool:
    return _db_delete_read(ctx, name, args) is not None


def _db_exists(ctx: FunctionContext, name: str, args: str) -> str | None:
    parsed = _db_args(ctx, name, args, "DB_EXISTS(<family>/<key>)")
    if parsed is None:
        return None
    db, family, key = parsed
    value = db.get(family, key)
    if value is None:
        return "0"
    ctx.set_variable("DB_RESULT", value)
    return "1"


def _db_keys(ctx: FunctionContext, name: str, args: str) -> str | None:
    db = ctx.astdb
    if db is None:
        ctx.log(LogRecord(WARNING, f"{name}: the Asterisk database is not available"))
        return None
    return ",".join(db.keys(args))


BUILTIN_FUNCTIONS = (
    DialplanFunction("ISNULL", _isnull, synopsis="1 if the data is empty, else 0"),
    DialplanFunction("EXISTS", _exists, synopsis="0 if the data is empty, else 1"),
    DialplanFunction("LEN", _len, synopsis="length of the argument text"),
    DialplanFunction("IF", _if, synopsis="IF(expr?[true][:false])"),
    DialplanFunction("SET", _set, synopsis="SET(var=value): set and return value"),
    DialplanFunction("DB", _db_read, _db_write, synopsis="DB(family/key) read/write"),
    DialplanFunction(
        "DB_DELETE", _db_delete_read, _db_delete_write, synopsis="read and delete an entry"
    ),
    DialplanFunction("DB_EXISTS", _db_exists, synopsis="1 if the AstDB entry exists"),
    DialplanFunction("DB_KEYS", _db_keys, synopsis="next-level keys under a prefix"),
)


def register_builtin_functions(registry: FunctionRegistry) -> FunctionRegistry:
    """Register the pure functions of this module; returns ``registry``."""
    for function in BUILTIN_FUNCTIONS:
        registry.register(function)
    return registry
