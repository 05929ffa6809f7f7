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

Engines never touch channels directly: they see a :class:`HuntTarget`. A channel may
also implement the optional :class:`RequestParamsSource` (its data for XML fetch
requests) and :class:`InlineExecutor` (running routing-safe applications during the
hunt); engines check for them with ``isinstance`` and work without them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = [
    "Action",
    "DialplanEngine",
    "DialplanRegistry",
    "HuntTarget",
    "InlineExecutor",
    "RequestParamsSource",
]


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


@runtime_checkable
class RequestParamsSource(Protocol):
    """Optional on a :class:`HuntTarget`: the channel's data for XML fetch requests."""

    def request_params(self) -> list[tuple[str, str]]:
        """The headers FreeSWITCH puts in a ``REQUEST_PARAMS`` event for this channel
        (``switch_channel_event_set_data``: standard headers, ``Channel-State``...,
        ``Unique-ID``, ``Caller-*``, ``variable_*``), in order. The XML engine appends the
        ``Hunt-*`` profile itself."""
        ...


@runtime_checkable
class InlineExecutor(Protocol):
    """Optional on a :class:`HuntTarget`: run an application now, during the hunt."""

    async def execute_inline(self, application: str, data: str) -> bool:
        """Run ``application`` with ``data`` (already capture-substituted, not yet
        variable-expanded) as FreeSWITCH runs ``inline="true"`` actions: at once,
        firing CHANNEL_EXECUTE/CHANNEL_EXECUTE_COMPLETE. Return False (without raising)
        when the application is unknown or not allowed during routing."""
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
        for raw in dialplan.split(","):
            part = raw.strip()
            if not part:
                continue
            name, _, args = part.partition(":")
            result.append((name.strip(), args.strip()))
        return result
