"""The contract between the call core and dialplan engines.

When a channel enters CS_ROUTING the core asks the engines named by the channel's
dialplan (``"XML"``, ``"inline"``, ``"asterisk"``, or a comma list such as
``"XML,inline"``, tried in order) to *hunt* for an extension. An engine returns the
list of :class:`Action` to execute in CS_EXECUTE, or ``None`` when it found no route
(the core then tries the next engine, and hangs up with NO_ROUTE_DESTINATION when none
routes). This mirrors FreeSWITCH's dialplan interface, where a dialplan module returns
a caller extension (a list of applications).

Engines whose dialplans have control flow of their own (Asterisk's priorities, Goto,
Gosub) return a single action naming an application that runs their interpreter on
the channel; the core treats it like any other application.

Engines never touch channels directly: they see a :class:`HuntTarget`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["Action", "DialplanEngine", "DialplanRegistry", "HuntTarget"]


@dataclass(frozen=True, slots=True)
class Action:
    """One application to run: ``application`` (name as written) with its ``data``."""

    application: str
    data: str = ""


@runtime_checkable
class HuntTarget(Protocol):
    """What a dialplan engine may read and change on the channel being routed."""

    @property
    def uuid(self) -> str: ...

    @property
    def name(self) -> str: ...

    def caller_field(self, field: str) -> str | None:
        """A caller-profile field by its FreeSWITCH name (``destination_number``,
        ``caller_id_name``, ``caller_id_number``, ``ani``, ``aniii``, ``rdnis``,
        ``network_addr``, ``source``, ``context``, ``dialplan``, ``username``,
        ``chan_name``, ``uuid``), or None when unknown."""
        ...

    def get_variable(self, name: str) -> str | None:
        """A channel variable (after inheritance), or None when unset."""
        ...

    def set_variable(self, name: str, value: str | None) -> None:
        """Set (or with None, unset) a channel variable; used by ``inline="true"``."""
        ...

    def expand(self, text: str) -> str:
        """Expand FreeSWITCH variable references (``${var}``, ``$${global}``,
        ``${api args}`` is not expanded here) against this channel."""
        ...

    def now(self) -> float:
        """Current time in epoch seconds on the switch's clock (virtual or real), for
        time-of-day conditions."""
        ...

    def log(self, level: str, message: str) -> None:
        """Log a line attributed to this channel (level: DEBUG, INFO, NOTICE, WARNING,
        ERR, CRIT, ALERT; FreeSWITCH's names)."""
        ...


class DialplanEngine(Protocol):
    """A dialplan module, registered under :attr:`name` (matched case-insensitively)."""

    name: str

    async def hunt(
        self, target: HuntTarget, destination: str, context: str, args: str
    ) -> list[Action] | None:
        """Find the extension for ``destination`` in ``context``.

        ``args`` is what followed the engine name in the dialplan string
        (``"XML:foo"`` gives ``"foo"``; usually empty). Return the actions to run, or
        None for "no route here". Must not raise for bad dialplan content: log it on
        ``target`` and return None.
        """
        ...


class DialplanRegistry:
    """Dialplan engines by name, one registry per switch (never global)."""

    def __init__(self) -> None:
        self._engines: dict[str, DialplanEngine] = {}

    def register(self, engine: DialplanEngine) -> None:
        """Add or replace the engine registered under ``engine.name``."""
        self._engines[engine.name.lower()] = engine

    def get(self, name: str) -> DialplanEngine | None:
        return self._engines.get(name.lower())

    def __iter__(self) -> Iterator[DialplanEngine]:
        return iter(self._engines.values())

    @staticmethod
    def parse(dialplan: str) -> list[tuple[str, str]]:
        """Split a dialplan string such as ``"XML,inline"`` or ``"XML:extra"`` into
        ``[(engine_name, args), ...]``; empty entries are skipped."""
        result: list[tuple[str, str]] = []
        for part in dialplan.split(","):
            part = part.strip()
            if not part:
                continue
            name, _, args = part.partition(":")
            result.append((name.strip(), args.strip()))
        return result
