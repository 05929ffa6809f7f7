"""Helpers for switch scenario tests (virtual clock, event waiting, a tiny dialplan)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

from pyerlsw.switch import Event, Stream, Switch
from pyerlsw.switch.dialplan.base import Action, HuntTarget

START = 1_700_000_000.0


def make_switch(**overrides: object) -> Switch:
    options: dict[str, object] = {
        "clock": "virtual",
        "heartbeat_interval": None,
        "virtual_start": START,
        "hostname": "testhost",
        "core_uuid": "00000000-0000-4000-8000-000000000000",
    }
    options.update(overrides)
    return Switch(**options)  # type: ignore[arg-type]


async def wait_for(switch: Switch, coro_or_future: object, within: float = 3600.0) -> object:
    """Await something, failing after ``within`` *virtual* seconds."""
    task = asyncio.ensure_future(coro_or_future)  # type: ignore[arg-type]
    done = await switch.clock.wait(task, within)
    if not done:
        task.cancel()
        raise AssertionError(f"nothing happened within {within} virtual seconds")
    return task.result()


async def next_event(
    switch: Switch,
    stream: Stream[Event],
    name: str | None = None,
    *,
    where: Callable[[Event], bool] | None = None,
    within: float = 3600.0,
) -> Event:
    """The next event from ``stream`` (of type ``name``, matching ``where``)."""

    async def find() -> Event:
        while True:
            event = await stream.get()
            if name is not None and event.name != name:
                continue
            if where is not None and not where(event):
                continue
            return event

    result = await wait_for(switch, find(), within)
    assert isinstance(result, Event)
    return result


async def settle(switch: Switch, seconds: float = 0.0) -> None:
    """Let everything runnable run (and ``seconds`` of virtual time pass)."""
    await switch.clock.sleep(seconds)


def names(events: list[Event], uuid: str | None = None) -> list[str]:
    return [
        e.name if e.name != "CHANNEL_STATE" else f"STATE:{e.get('Channel-State')}"
        for e in events
        if uuid is None or e.unique_id == uuid
    ]


class TableDialplan:
    """A dialplan engine for tests: destination -> actions (registered as ``test``)."""

    name = "test"

    def __init__(self, routes: Mapping[str, list[Action]]) -> None:
        self.routes = dict(routes)
        self.hunts: list[tuple[str, str, str]] = []

    async def hunt(
        self, target: HuntTarget, destination: str, context: str, args: str
    ) -> list[Action] | None:
        self.hunts.append((destination, context, args))
        actions = self.routes.get(destination)
        return None if actions is None else list(actions)


def route(*steps: str) -> list[Action]:
    """``route("answer", "park")`` / ``route("set:a=b")`` -> actions."""
    out = []
    for step in steps:
        app, _, data = step.partition(":")
        out.append(Action(app, data))
    return out
