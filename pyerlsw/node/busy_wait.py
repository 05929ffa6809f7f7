"""Busy waiting: keep the event loop polling for a moment after traffic, as BEAM does.

When an event loop runs out of work it blocks in ``epoll_wait`` until a socket is
readable; on a virtual machine the wake-up that follows costs tens of microseconds,
which a request/reply exchange pays once per round trip. BEAM's schedulers spin for a
short while before they sleep (``erl +sbwt``, ``very_short`` by default), so an Erlang
node answering the next request of a chatty peer never pays it.

:class:`BusyWait` does the same for one node: each read from a peer arms a window of
``window`` seconds during which a callback re-schedules itself with ``call_soon``, so
the loop (asyncio's or uvloop's) polls its sockets with a zero timeout instead of
blocking. When no read happened for a whole window the callback stops and the loop
sleeps as usual: an idle node costs nothing, a node under steady request/reply
traffic keeps one core busy (as BEAM does). The price is CPU, traded for latency: it
is off unless ``NodeConfig.busy_wait`` is set (``pyerlsw run`` sets it, see
:mod:`pyerlsw.runtime`).
"""

from __future__ import annotations

import asyncio
import time

__all__ = ["BusyWait"]


class BusyWait:
    """Polls without blocking for ``window`` seconds after the last :meth:`activity`."""

    __slots__ = ("_clock", "_deadline", "_loop", "_spinning", "_stopped", "_window")

    def __init__(self, loop: asyncio.AbstractEventLoop, window: float) -> None:
        if window <= 0:
            raise ValueError("a busy-wait window must be positive")
        self._loop = loop
        self._window = window
        self._clock = time.perf_counter
        self._deadline = 0.0
        self._spinning = False
        self._stopped = False

    @property
    def spinning(self) -> bool:
        """Whether the loop is being kept polling now."""
        return self._spinning

    def activity(self) -> None:
        """Traffic arrived: keep polling until ``window`` seconds after now."""
        self._deadline = self._clock() + self._window
        if not self._spinning and not self._stopped:
            self._spinning = True
            self._loop.call_soon(self._spin)

    def stop(self) -> None:
        """Stop for good (the node is stopping): the next turn of the spin ends it."""
        self._stopped = True

    def _spin(self) -> None:
        if not self._stopped and self._clock() < self._deadline:
            self._loop.call_soon(self._spin)
        else:
            self._spinning = False
