"""Helpers for the gateway's integration tests."""

from __future__ import annotations

import asyncio
from typing import Any

from pyerlsw.etf import Atom
from tests.erlang_support import ErlangNode

OK = Atom("ok")
ERROR = Atom("error")


def s(text: str) -> list[int]:
    """An Erlang string (charlist) as pyerlsw decodes it."""
    return list(text.encode())


def erl_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run(erl: ErlangNode, expr: str, timeout: float = 30) -> Any:
    """Evaluate ``expr`` on ``erl`` with no variables bound (see pyerlsw_test_util:eval)."""
    return erl.eval(f"pyerlsw_test_util:eval({erl_string(expr)}).", timeout)


async def ev(erl: ErlangNode, expr: str, timeout: float = 30) -> Any:
    """:func:`run` in a thread, so the gateway (same event loop) keeps serving."""
    return await asyncio.to_thread(run, erl, expr, timeout)


def header(event: Any, name: str) -> Any:
    """A header of ``{event, [UUID | Pairs]}`` (charlist or binary keys)."""
    _, items = event
    for item in items[1:]:
        key = item[0]
        key_text = bytes(key) if isinstance(key, list) else key
        if key_text == name.encode():
            return item[1]
    return None


def text(value: Any) -> str:
    """A charlist or binary as ``str``."""
    return (bytes(value) if isinstance(value, list) else value).decode()
