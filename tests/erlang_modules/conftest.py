"""Fixtures for the Erlang modules' tests: the compiled beams and erl nodes that load them.

``ebin`` compiles ``erlang_test_nodes/*.erl`` once per content (see
``tests/erlang_build.py``). Nodes are module-scoped (starting one costs about a
second); tests reset what they use (collector, ``myhandler``). ``erl_any`` runs a test
on OTP 25 and on OTP 28, which loads the OTP 25 beams.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from pyerlsw.node import Node
from tests.erlang_modules.scripted_switch import ScriptedSwitch
from tests.erlang_support import EpmdDaemon, ErlangNode, ErlangRuntime, unique_name

_IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _start(runtime: ErlangRuntime, epmd: EpmdDaemon, ebin: Path) -> ErlangNode:
    return ErlangNode(runtime, epmd.port, code_paths=[ebin]).start()


@pytest.fixture(scope="module")
def node25(otp25: ErlangRuntime, epmd25: EpmdDaemon, ebin: Path) -> Iterator[ErlangNode]:
    """One OTP 25 node per test module, with the test modules on its code path."""
    node = _start(otp25, epmd25, ebin)
    yield node
    node.stop()


@pytest.fixture(scope="module",
                params=[pytest.param("25", marks=pytest.mark.erlang, id="otp25"),
                        pytest.param("28", marks=pytest.mark.otp28, id="otp28")])
def erl_any(request: pytest.FixtureRequest, ebin: Path) -> Iterator[ErlangNode]:
    """One node per test module and OTP release (25 and 28), loading the OTP 25 beams."""
    runtime = request.getfixturevalue(f"otp{request.param}")
    epmd = request.getfixturevalue(f"epmd{request.param}")
    node = _start(runtime, epmd, ebin)
    yield node
    node.stop()


async def ev(erl: ErlangNode, expr: str, timeout: float = 30) -> Any:
    """Evaluate ``expr`` on ``erl`` in a thread, so a Python node keeps serving."""
    return await asyncio.to_thread(erl.eval, expr, timeout)


@pytest.fixture
async def switch(request: pytest.FixtureRequest) -> AsyncIterator[ScriptedSwitch]:
    """A scripted switch: a pyerlsw node sharing the test's erl node's cookie and EPMD
    (``erl_any`` when the test uses it, else ``node25``)."""
    peer: ErlangNode = request.getfixturevalue(
        "erl_any" if "erl_any" in request.fixturenames else "node25")
    node = Node(unique_name("sw"), cookie=peer.cookie, epmd_port=peer.epmd_port,
                listen_host="127.0.0.1")
    await node.start()
    try:
        yield ScriptedSwitch(node)
    finally:
        await node.close()
