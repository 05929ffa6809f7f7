"""Shared fixtures: real Erlang runtimes, a private EPMD per runtime, erl node factories.

Tests marked ``erlang`` use the system OTP (25 on CI) and are skipped, with the reason,
only where no ``erl`` is installed; ``make test`` installs it, and under ``CI=true`` a
missing ``erl`` fails instead of skipping. Tests marked ``otp28`` use the runtime that
``make otp28`` unpacks and skip when it is absent.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.erlang_build import ErlangBuildError, build_ebin, find_erlc
from tests.erlang_support import (
    EpmdDaemon,
    ErlangNode,
    ErlangRuntime,
    find_otp28,
    find_system_otp,
)

_IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def otp25() -> ErlangRuntime:
    rt = find_system_otp()
    if rt is None:
        if _IN_CI:
            pytest.fail("erl is not installed: `make test` must install erlang-nox")
        pytest.skip("no erl on this machine (make test installs it)")
    return rt


@pytest.fixture(scope="session")
def otp28() -> ErlangRuntime:
    rt = find_otp28()
    if rt is None:
        if _IN_CI:
            pytest.fail("the OTP 28 runtime is missing: `make test` must unpack it")
        pytest.skip("OTP 28 runtime not unpacked (make otp28)")
    return rt


@pytest.fixture(scope="session")
def epmd25(otp25: ErlangRuntime) -> Iterator[EpmdDaemon]:
    daemon = EpmdDaemon(otp25).start()
    yield daemon
    daemon.stop()


@pytest.fixture(scope="session")
def epmd28(otp28: ErlangRuntime) -> Iterator[EpmdDaemon]:
    daemon = EpmdDaemon(otp28).start()
    yield daemon
    daemon.stop()


@pytest.fixture(scope="session")
def erlc(otp25: ErlangRuntime) -> str:
    found = find_erlc() or otp25.tool("erlc")
    if found is None:
        if _IN_CI:
            pytest.fail("erlc is missing: `make test` must install erlang-nox")
        pytest.skip("no erlc on this machine")
    return found


@pytest.fixture(scope="session")
def ebin(erlc: str) -> Path:
    """The folder with the compiled ``erlang_test_nodes`` modules (fsclient, myhandler,
    pyerlsw_test_util, ...), built once per source content; OTP 28 loads them too."""
    try:
        return build_ebin(erlc=erlc)
    except ErlangBuildError as exc:
        pytest.fail(str(exc))


NodeFactory = Callable[..., ErlangNode]


def _factory(runtime: ErlangRuntime, epmd: EpmdDaemon) -> Iterator[NodeFactory]:
    started: list[ErlangNode] = []

    def make(**kwargs: Any) -> ErlangNode:
        node = ErlangNode(runtime, epmd.port, **kwargs)
        started.append(node)
        return node.start()

    yield make
    for node in started:
        node.stop()


@pytest.fixture
def erl25(otp25: ErlangRuntime, epmd25: EpmdDaemon) -> Iterator[NodeFactory]:
    """Start OTP 25 nodes: ``erl25(cookie=..., hidden=..., code_paths=[...])``."""
    yield from _factory(otp25, epmd25)


@pytest.fixture
def erl28(otp28: ErlangRuntime, epmd28: EpmdDaemon) -> Iterator[NodeFactory]:
    """Start OTP 28 nodes (no compiler: drive them with eval only)."""
    yield from _factory(otp28, epmd28)
