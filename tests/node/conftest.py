"""Fixtures for the node tests: Python nodes, and real erl nodes of both OTP releases.

``otp`` is parametrised over OTP 25 (system ``erl``, marked ``erlang``) and OTP 28
(bundled runtime, marked ``otp28``); each param skips on its own when its runtime is
missing. Erlang nodes are driven with ``await ev(erl, "Expr.")``, which runs the
blocking REPL call in a thread so the Python node keeps serving its peers meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from pyerlsw.node import Node
from tests.erlang_support import ErlangNode, ErlangRuntime, free_port, unique_name

MakeNode = Callable[..., Awaitable[Node]]


@dataclass
class Otp:
    """One OTP release under test: start erl nodes and know its EPMD port."""

    release: str
    runtime: ErlangRuntime
    epmd_port: int
    start: Callable[..., ErlangNode]


@pytest.fixture(params=[pytest.param("25", marks=pytest.mark.erlang, id="otp25"),
                        pytest.param("28", marks=pytest.mark.otp28, id="otp28")])
def otp(request: pytest.FixtureRequest) -> Otp:
    tag = request.param
    runtime = request.getfixturevalue(f"otp{tag}")
    epmd = request.getfixturevalue(f"epmd{tag}")
    factory = request.getfixturevalue(f"erl{tag}")
    return Otp(tag, runtime, epmd.port, factory)


@pytest.fixture
def otp25_only(request: pytest.FixtureRequest) -> Otp:
    runtime = request.getfixturevalue("otp25")
    epmd = request.getfixturevalue("epmd25")
    return Otp("25", runtime, epmd.port, request.getfixturevalue("erl25"))


async def ev(erl: ErlangNode, expr: str, timeout: float = 20) -> Any:
    """Evaluate ``expr`` on ``erl`` without blocking the event loop."""
    return await asyncio.to_thread(erl.eval, expr, timeout)


async def eventually(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until ``predicate()`` is true (polling every 10 ms)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


@pytest.fixture
async def make_node() -> AsyncIterator[MakeNode]:
    """``await make_node(cookie=..., epmd_port=..., **options)``; closed after the test."""
    made: list[Node] = []

    async def make(cookie: str, epmd_port: int, name: str | None = None,
                   **options: Any) -> Node:
        options.setdefault("listen_host", "127.0.0.1")
        node = Node(name or unique_name("py"), cookie=cookie, epmd_port=epmd_port, **options)
        await node.start()
        made.append(node)
        return node

    yield make
    for node in made:
        await node.close()


@pytest.fixture
def private_epmd_port() -> int:
    """A free port for a built-in EPMD that lives only for this test."""
    return free_port()
