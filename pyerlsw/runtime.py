"""Process-wide tuning of ``pyerlsw run``: the event loop and CPython's garbage collector.

The library never changes either (an application owns its loop and its GC); only the
``pyerlsw run`` command applies :class:`RuntimeSettings`, read from ``[runtime]`` in
``pyerlsw.toml`` and the ``--loop`` flag:

* ``event_loop``: ``auto`` runs on uvloop when it is installed (it is a dependency on
  Linux and macOS), else on asyncio's own loop; ``uvloop`` insists on it (a start-up
  error without it); ``asyncio`` never uses it. ``auto`` picks asyncio when the switch
  runs on the virtual clock, whose idle detection reads asyncio's ready queue.
* ``gc_threshold``: the gen-0 threshold of CPython's cyclic collector (CPython's
  default is 700). A decoded 40-header event is about 120 containers, so the default
  collects every few messages; ``0`` leaves CPython's setting alone.
* ``gc_freeze``: after start-up, move every object alive (modules, configuration, the
  switch's tables) into the permanent generation (:func:`gc.freeze`), so that full
  collections no longer walk them.
* ``busy_wait``: seconds the loop keeps polling after each read from a peer instead
  of sleeping (the node's ``busy_wait``, :mod:`pyerlsw.node.busy_wait`), as BEAM's
  schedulers do; ``0`` turns it off. Not applied on the virtual clock, whose idle
  detection would wait for every window to end.
"""

from __future__ import annotations

import asyncio
import gc
import importlib.util
from collections.abc import Callable, Coroutine
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pyerlsw.node.config import MAX_BUSY_WAIT

__all__ = [
    "DEFAULT_BUSY_WAIT",
    "DEFAULT_GC_THRESHOLD",
    "RuntimeSettings",
    "freeze_gc",
    "loop_factory",
    "resolve_loop",
    "run",
    "set_gc_threshold",
]

DEFAULT_GC_THRESHOLD = 20_000
"""Gen-0 threshold ``pyerlsw run`` sets unless told otherwise."""

DEFAULT_BUSY_WAIT = 0.0005
"""Busy-wait window (seconds) of ``pyerlsw run``'s node unless told otherwise: longer
than a round trip on loopback (30-120 us measured), short enough to cost nothing when
the traffic stops."""

LoopChoice = Literal["auto", "uvloop", "asyncio"]


class RuntimeSettings(BaseModel):
    """``[runtime]`` of ``pyerlsw.toml`` (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_loop: LoopChoice = "auto"
    gc_threshold: int = Field(default=DEFAULT_GC_THRESHOLD, ge=0)
    gc_freeze: bool = True
    busy_wait: float = Field(default=DEFAULT_BUSY_WAIT, ge=0, le=MAX_BUSY_WAIT)

    def node_busy_wait(self, *, virtual_clock: bool = False) -> float:
        """The node's ``busy_wait``: this setting, or 0 on the virtual clock."""
        return 0.0 if virtual_clock else self.busy_wait


def uvloop_available() -> bool:
    """Whether ``import uvloop`` would succeed (without importing it)."""
    return importlib.util.find_spec("uvloop") is not None


def resolve_loop(choice: LoopChoice, *, virtual_clock: bool = False) -> str:
    """The loop ``choice`` means here: ``"uvloop"`` or ``"asyncio"``.

    Raises:
        RuntimeError: ``choice`` is ``uvloop`` and uvloop is not installed.
    """
    if choice == "uvloop":
        if not uvloop_available():
            raise RuntimeError("uvloop is not installed (pip install uvloop)")
        return "uvloop"
    if choice == "auto" and not virtual_clock and uvloop_available():
        return "uvloop"
    return "asyncio"


def loop_factory(resolved: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The factory for :class:`asyncio.Runner` (None: asyncio's default loop)."""
    if resolved == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return None


def run(main: Coroutine[Any, Any, int], resolved: str) -> int:
    """Run ``main`` to completion on the loop ``resolved`` names; return its result."""
    with asyncio.Runner(loop_factory=loop_factory(resolved)) as runner:
        return runner.run(main)


def set_gc_threshold(threshold: int) -> None:
    """Set the gen-0 threshold (``0``: leave CPython's), keeping gens 1 and 2."""
    if threshold > 0:
        gc.set_threshold(threshold, *gc.get_threshold()[1:])


def freeze_gc() -> None:
    """Collect once, then move everything alive to the permanent generation."""
    gc.collect()
    gc.freeze()
