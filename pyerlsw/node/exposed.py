"""Python functions the node lets Erlang call, and Erlang's view of how they ended.

Only what :meth:`Exposed.add` registered can run: anything else ends as
``error:undef`` with the stack ``[{M, F, Args, []}]``, exactly what a real node reports
for a missing function (wrong arity included). Exposed functions may be plain or
``async``; they get the decoded terms as positional arguments.

How a call ends (:class:`Outcome`), as ``erpc:execute_call/4`` classifies it:

* returned ``V`` -> ``return`` (``None`` becomes the atom ``ok``);
* raised :class:`~pyerlsw.node.errors.ErlangThrow` / ``ErlangExit`` / ``ErlangError``
  -> ``throw`` / ``exit`` / ``error`` with the given term;
* any other exception -> ``error`` with ``{python_error, <<"Type">>, <<"message">>}``;
* a result that cannot be encoded -> ``error`` with ``{python_error, <<"EncodeError">>,
  ...}``.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pyerlsw.etf import Atom, EncodeError, encode
from pyerlsw.node.errors import ErlangError, ErlangExit, ErlangThrow

__all__ = ["Exposed", "Outcome"]

log = logging.getLogger("pyerlsw.node")

Term = Any
UNDEF = Atom("undef")
OK = Atom("ok")
PYTHON_ERROR = Atom("python_error")


@dataclass(frozen=True, slots=True)
class Outcome:
    """How an applied function ended: ``kind`` is ``return``, ``throw``, ``exit`` or
    ``error``; ``value`` the returned/thrown value or the reason; ``stack`` the Erlang
    stack for errors."""

    kind: str
    value: Term
    stack: Term = None


@dataclass(frozen=True, slots=True)
class _Function:
    call: Callable[..., Any]
    min_arity: int
    max_arity: int | None  # None: *args


def _arity_range(fn: Callable[..., Any]) -> tuple[int, int | None]:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 0, None
    low, high = 0, 0
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            high += 1
            if p.default is p.empty:
                low += 1
        elif p.kind is p.VAR_POSITIONAL:
            return low, None
    return low, high


class Exposed:
    """The registry of callable Python functions of one node."""

    def __init__(self) -> None:
        self._modules: dict[str, dict[str, _Function]] = {}

    def add(self, module: str, functions: Mapping[str, Callable[..., Any]]) -> None:
        """Expose ``functions`` as ``module:name`` (adds to what the module has)."""
        Atom(module)  # validates the name
        table = self._modules.setdefault(module, {})
        for name, fn in functions.items():
            Atom(name)
            if not callable(fn):
                raise TypeError(f"{module}:{name} is not callable")
            low, high = _arity_range(fn)
            table[name] = _Function(fn, low, high)

    def remove(self, module: str, name: str | None = None) -> None:
        """Stop exposing ``module:name`` (or the whole module)."""
        if name is None:
            self._modules.pop(module, None)
        else:
            self._modules.get(module, {}).pop(name, None)

    def find(self, module: Term, function: Term, arity: int) -> Callable[..., Any] | None:
        """The exposed callable for ``module:function/arity``, or ``None``."""
        if type(module) is not Atom or type(function) is not Atom:
            return None
        entry = self._modules.get(module.name, {}).get(function.name)
        if entry is None or arity < entry.min_arity:
            return None
        if entry.max_arity is not None and arity > entry.max_arity:
            return None
        return entry.call

    async def apply(self, module: Term, function: Term, args: Term) -> Outcome:
        """Run ``module:function(args...)`` if exposed; never raises (but
        ``asyncio.CancelledError``)."""
        if type(args) is not list:
            return Outcome("error", Atom("badarg"), [(module, function, args, [])])
        fn = self.find(module, function, len(args))
        if fn is None:
            return Outcome("error", UNDEF, [(module, function, args, [])])
        stack: Term = [(module, function, len(args), [])]
        try:
            result = fn(*args)
            if inspect.isawaitable(result):
                result = await result
        except ErlangThrow as exc:
            return Outcome("throw", exc.value)
        except ErlangExit as exc:
            return Outcome("exit", exc.reason)
        except ErlangError as exc:
            return Outcome("error", exc.reason, stack)
        except Exception as exc:
            log.info("exposed %s:%s raised %r", module, function, exc)
            return Outcome("error", _python_error(exc), stack)
        if result is None:
            result = OK
        try:
            encode(result)
        except EncodeError as exc:
            return Outcome("error", _python_error(exc), stack)
        return Outcome("return", result)


def _python_error(exc: BaseException) -> Term:
    return (PYTHON_ERROR, type(exc).__name__.encode(), str(exc).encode("utf-8", "replace"))
