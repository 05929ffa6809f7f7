"""Run a coroutine at once, and only make it a task if it has to wait.

Most API commands never wait for anything: run inside the packet handling, their reply
leaves in the same write as everything else the packet caused, one event-loop
iteration and one task earlier than through ``create_task`` (Python 3.12's eager
tasks do the same; the gateway runs on 3.11). :func:`start_eagerly` steps the
coroutine until it first suspends; only then is the rest handed to a task, which picks
up exactly where it stopped (the awaited future, cancellation included).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Generator
from typing import Any

__all__ = ["start_eagerly"]

Spawn = Callable[[Coroutine[Any, Any, None], str], "asyncio.Task[None]"]


class _Rest:
    """The rest of a coroutine that already yielded ``first`` to an event loop task."""

    __slots__ = ("_coro", "_first")

    def __init__(self, coro: Coroutine[Any, Any, None], first: Any) -> None:
        self._coro = coro
        self._first = first

    def __await__(self) -> Generator[Any, Any, None]:
        coro, value = self._coro, self._first
        while True:
            try:
                sent = yield value  # the task waits for it (a future) as if the coroutine had
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # cancellation: the coroutine handles it
                try:
                    value = coro.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    value = coro.send(sent)
                except StopIteration:
                    return


async def _finish(rest: _Rest) -> None:
    await rest


def start_eagerly(coro: Coroutine[Any, Any, None], name: str, spawn: Spawn) -> None:
    """Run ``coro`` now until it completes or first waits; in the second case continue
    it with ``spawn(coroutine, name)`` (a task factory). An exception raised before the
    first wait propagates to the caller."""
    try:
        first = coro.send(None)
    except StopIteration:
        return
    spawn(_finish(_Rest(coro, first)), name)
