"""Helpers for evaluating Erlang in the test nodes without leaking variable bindings."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.erlang_support import ErlangNode


def erl_string(text: str) -> str:
    """``text`` as an Erlang string literal (ASCII text)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run(erl: ErlangNode, expr: str, timeout: float = 30) -> Any:
    """Evaluate ``expr`` (ending with a dot) on ``erl`` with no variables bound.

    The node's eval loop keeps bindings from one evaluation to the next, which would
    make a test's ``Ref = make_ref()`` fail after another test bound ``Ref``; this runs
    the text through ``pyerlsw_test_util:eval/1`` instead. Raises
    :class:`tests.erlang_support.ErlangError` as ``erl.eval`` does.
    """
    return erl.eval(f"pyerlsw_test_util:eval({erl_string(expr)}).", timeout)


async def arun(erl: ErlangNode, expr: str, timeout: float = 30) -> Any:
    """:func:`run` in a thread, so a Python node in the same loop keeps serving."""
    return await asyncio.to_thread(run, erl, expr, timeout)
