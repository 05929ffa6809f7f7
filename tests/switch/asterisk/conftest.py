"""Fixtures for Asterisk scenario tests: ``asterisk(text, devices=..., **config)``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.switch.asterisk.harness import Harness, close_harness, make_harness

Factory = Callable[..., Awaitable[Harness]]


@pytest.fixture
async def asterisk() -> AsyncIterator[Factory]:
    made: list[Harness] = []

    async def factory(text: str, **options: object) -> Harness:
        harness = await make_harness(text, **options)  # type: ignore[arg-type]
        made.append(harness)
        return harness

    try:
        yield factory
    finally:
        for harness in made:
            await close_harness(harness)
