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

from pyerlsw.switch.states import ChannelState

if TYPE_CHECKING:
    from pyerlsw.switch.clock import Clock
    from pyerlsw.switch.session import Session

__all__ = ["Waker", "hangup_processed"]


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


async def hangup_processed(clock: Clock, sessions: Iterable[Session], timeout: float) -> None:
    """Wait (at most ``timeout`` seconds) until every hung-up session in ``sessions``
    finished its hangup processing (its hangup hooks: ``h`` and the hangup handlers),
    as Asterisk's Dial waits in ``ast_hangup`` of its legs. Sessions still up are not
    waited for."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    pending: list[Session] = []

    def check(*_: object) -> None:
        if done.done():
            return
        if all(_processed(s) for s in pending):
            done.set_result(None)

    for session in sessions:
        if not session.channel.ready and not _processed(session):
            pending.append(session)
    if not pending:
        return
    for session in pending:
        session.channel.state_hooks.append(check)
        session.destroyed.add_done_callback(check)
    try:
        await clock.wait(done, timeout)
    finally:
        for session in pending:
            if check in session.channel.state_hooks:
                session.channel.state_hooks.remove(check)
            session.destroyed.remove_done_callback(check)


def _processed(session: Session) -> bool:
    return session.destroyed.done() or session.channel.running_state >= ChannelState.CS_REPORTING
