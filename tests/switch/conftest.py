"""Fixtures for switch tests: a started switch on the virtual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from pyerlsw.switch import Switch
from tests.switch.support import TableDialplan, make_switch


@pytest.fixture
async def switch() -> AsyncIterator[Switch]:
    sw = make_switch()
    await sw.start()
    try:
        yield sw
    finally:
        await sw.stop()


@pytest.fixture
def table(switch: Switch) -> TableDialplan:
    """A ``test`` dialplan engine registered on ``switch`` (fill ``table.routes``)."""
    engine = TableDialplan({})
    switch.dialplans.register(engine)
    return engine
