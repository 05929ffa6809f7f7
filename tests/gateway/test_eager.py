"""start_eagerly: run now, continue as a task only after the first wait."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import pytest

from pyerlsw.gateway.eager import start_eagerly


class Spawner:
    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[None]] = []

    def __call__(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self.tasks.append(task)
        return task


async def test_a_coroutine_that_never_waits_runs_to_the_end_at_once() -> None:
    done: list[int] = []

    async def quick() -> None:
        done.append(1)

    spawn = Spawner()
    start_eagerly(quick(), "quick", spawn)
    assert done == [1] and spawn.tasks == []


async def test_the_rest_runs_as_a_task_after_the_first_wait() -> None:
    steps: list[object] = []
    gate: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def slow() -> None:
        steps.append("before")
        steps.append(await gate)
        await asyncio.sleep(0)
        steps.append("after")

    spawn = Spawner()
    start_eagerly(slow(), "slow", spawn)
    assert steps == ["before"] and len(spawn.tasks) == 1
    gate.set_result("value")
    await spawn.tasks[0]
    assert steps == ["before", "value", "after"]


async def test_cancelling_the_task_cancels_the_coroutine() -> None:
    seen: list[str] = []

    async def waits() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    spawn = Spawner()
    start_eagerly(waits(), "waits", spawn)
    task = spawn.tasks[0]
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen == ["cancelled"]


async def test_errors_before_the_first_wait_reach_the_caller_and_after_it_the_task() -> None:
    async def early() -> None:
        raise ValueError("early")

    async def late() -> None:
        await asyncio.sleep(0)
        raise KeyError("late")

    spawn = Spawner()
    with pytest.raises(ValueError):
        start_eagerly(early(), "early", spawn)
    start_eagerly(late(), "late", spawn)
    with pytest.raises(KeyError):
        await spawn.tasks[0]
