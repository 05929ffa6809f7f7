"""Waiting on several sessions at once (Dial's ``wait_for_answer``).

A :class:`Waker` hooks into the ``watchers`` of each watched session (called on every
change: answer, ringing, hangup...) and resolves the future of the current round.
Arm a round *before* looking at the sessions, so a change between the look and the
wait is not missed::

    waker = Waker(clock, sessions)
    try:
        while True:
            round_ = waker.arm()
            ...inspect...
            await waker.wait(round_, timeout)
    finally:
        waker.close()
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyerlsw.switch.clock import Clock
    from pyerlsw.switch.session import Session

__all__ = ["Waker"]


class Waker:
    """Wakes one waiter whenever a watched session changes."""

    def __init__(self, clock: Clock, sessions: Iterable[Session] = ()) -> None:
        self.clock = clock
        self._future: asyncio.Future[None] | None = None
        self._watched: list[Session] = []
        for session in sessions:
            self.watch(session)

    def watch(self, session: Session) -> None:
        if session not in self._watched:
            session.watchers.append(self.poke)
            self._watched.append(session)

    def poke(self) -> None:
        future = self._future
        if future is not None and not future.done():
            future.set_result(None)

    def arm(self) -> asyncio.Future[None]:
        self._future = asyncio.get_running_loop().create_future()
        return self._future

    async def wait(self, future: asyncio.Future[None], timeout: float | None) -> None:
        await self.clock.wait(future, timeout)

    def close(self) -> None:
        for session in self._watched:
            if self.poke in session.watchers:
                session.watchers.remove(self.poke)
        self._watched.clear()
