"""Real erl nodes against a real gateway (switch + pyerlsw node), nothing mocked.

Erlang nodes are module-scoped (one start costs about a second) and load the modules
of ``erlang_test_nodes/`` (``fsclient``, ``myhandler``, ``pyerlsw_test_util``); tests
reset what they use. The switch and the gateway are per test: every test gets a fresh
switch node name, so the erl node connects anew.

``erl_any`` runs a module's tests on OTP 25 and on OTP 28 (which loads the OTP 25
beams); ``node25`` only on OTP 25.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pyerlsw.gateway.config import ErlangEventConfig
from pyerlsw.gateway.gateway import Gateway
from pyerlsw.switch import Switch
from tests.erlang_build import ErlangBuildError, build_ebin, find_erlc
from tests.erlang_support import (
    EpmdDaemon,
    ErlangNode,
    ErlangRuntime,
    free_port,
    short_hostname,
    unique_name,
)
from tests.gateway.integration.support import ev

_IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def ebin(otp25: ErlangRuntime) -> Path:
    erlc = find_erlc() or otp25.tool("erlc")
    if erlc is None:
        if _IN_CI:
            pytest.fail("erlc is missing: `make test` must install erlang-nox")
        pytest.skip("no erlc on this machine")
    try:
        return build_ebin(erlc=erlc)
    except ErlangBuildError as exc:
        pytest.fail(str(exc))


def _start(runtime: ErlangRuntime, epmd: EpmdDaemon, ebin: Path) -> ErlangNode:
    return ErlangNode(runtime, epmd.port, code_paths=[ebin]).start()


@pytest.fixture(scope="module")
def node25(otp25: ErlangRuntime, epmd25: EpmdDaemon, ebin: Path) -> Iterator[ErlangNode]:
    node = _start(otp25, epmd25, ebin)
    yield node
    node.stop()


@pytest.fixture(scope="module",
                params=[pytest.param("25", marks=pytest.mark.erlang, id="otp25"),
                        pytest.param("28", marks=pytest.mark.otp28, id="otp28")])
def erl_any(request: pytest.FixtureRequest, ebin: Path) -> Iterator[ErlangNode]:
    runtime = request.getfixturevalue(f"otp{request.param}")
    epmd = request.getfixturevalue(f"epmd{request.param}")
    node = _start(runtime, epmd, ebin)
    yield node
    node.stop()


@dataclass
class Rig:
    """A running gateway and the erl node that talks to it."""

    gateway: Gateway
    switch: Switch
    erl: ErlangNode
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def fs(self) -> str:
        """The gateway's node name as an Erlang atom literal."""
        return f"'{self.gateway.node.name}'"

    async def ev(self, expr: str, timeout: float = 30) -> Any:
        """Evaluate on the erl node (fresh bindings; ``FS`` is the switch's node)."""
        return await ev(self.erl, expr.replace("FS", self.fs), timeout)


def gateway_config(cookie: str, **params: Any) -> ErlangEventConfig:
    base: dict[str, Any] = {
        "listen-ip": "127.0.0.1",
        "listen-port": free_port(),
        "nodename": f"{unique_name('fs')}@{short_hostname()}",
        "cookie_sources": [{"kind": "cookie", "value": cookie}],
    }
    base.update(params)
    return ErlangEventConfig.model_validate(base)


MakeRig = Callable[..., Awaitable[Rig]]


@pytest.fixture
async def make_rig() -> AsyncIterator[MakeRig]:
    """``await make_rig(erl, switch_options={...}, **erlang_event_params)``."""
    stack: list[Any] = []

    async def make(erl: ErlangNode, *, switch_options: dict[str, Any] | None = None,
                   **params: Any) -> Rig:
        options = {"global_variables": {"erlang_handler_node": erl.node}}
        options.update(switch_options or {})
        switch = Switch(**options)
        await switch.start()
        config = gateway_config(erl.cookie, **params)
        context = Gateway.start(switch=switch, config=config, epmd_port=erl.epmd_port)
        gateway = await context.__aenter__()
        stack.append((switch, context))
        return Rig(gateway, switch, erl)

    yield make
    for switch, context in reversed(stack):
        await context.__aexit__(None, None, None)
        await switch.stop()
    await asyncio.sleep(0)


@pytest.fixture(scope="module")
def erl(node25: ErlangNode) -> ErlangNode:
    """The module's erl node (OTP 25); a module overrides it with ``erl_any`` to run on
    OTP 25 and 28."""
    return node25


@pytest.fixture
async def rig(erl: ErlangNode, make_rig: MakeRig) -> Rig:
    """A gateway with default settings for the module's erl node."""
    return await make_rig(erl)
