"""The ``erlang`` API/console command (spec §12), formatted from plain data.

The gateway builds a :class:`ConsoleSnapshot` of its state and calls
:func:`erlang_command` with the command's argument text; the result carries the
output and the new ``debug`` setting (only ``erlang debug on|off`` changes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .eventnames import ALL, CUSTOM, EVENT_TYPES
from .text import ascii_equal_ci
from .xmlsections import console_section_name

__all__ = [
    "USAGE",
    "BindingReport",
    "ConsoleResult",
    "ConsoleSnapshot",
    "ListenerReport",
    "SessionReport",
    "erlang_command",
]

_RULE = "-" * 80
USAGE = (
    f"USAGE:\n{_RULE}\n"
    "erlang listeners\n"
    "erlang sessions <node_name>\n"
    "erlang bindings\n"
    "erlang handlers\n"
    "erlang debug <on|off>\n"
    f"{_RULE}\n"
)
"""What an empty, unknown or malformed ``erlang`` command prints."""


@dataclass(frozen=True, slots=True)
class SessionReport:
    """An attached call: its UUID and the last channel state the gateway saw
    (``CS_NEW`` before any change)."""

    uuid: str
    state: str = "CS_NEW"


@dataclass(frozen=True, slots=True)
class ListenerReport:
    """One connection (listener) as the console shows it.

    ``events_lost``/``logs_lost`` are the current loss counters, ``creates`` and
    ``hangups`` the numbers of CHANNEL_CREATE and CHANNEL_HANGUP_COMPLETE events
    sent. ``event_types`` are the subscribed types (any order; the console lists
    them in FreeSWITCH's order, without CUSTOM and ALL), ``subclasses`` the CUSTOM
    subclasses.
    """

    node: str
    sessions: Sequence[SessionReport] = ()
    events_sent: int = 0
    events_lost: int = 0
    logs_sent: int = 0
    logs_lost: int = 0
    creates: int = 0
    hangups: int = 0
    event_types: Sequence[str] = ()
    subclasses: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class BindingReport:
    """An XML binding: the bound process's node and the section mask."""

    node: str
    section: int


@dataclass(frozen=True, slots=True)
class ConsoleSnapshot:
    """Everything the console can print, listeners in the gateway's order."""

    listeners: Sequence[ListenerReport] = ()
    bindings: Sequence[BindingReport] = ()
    debug: bool = False


@dataclass(frozen=True, slots=True)
class ConsoleResult:
    """The command's output and the ``debug`` setting to keep."""

    output: str
    debug: bool


def _listeners(snapshot: ConsoleSnapshot) -> str:
    if not snapshot.listeners:
        return "No active listeners\n"
    return "".join(
        f"Listener to {item.node} with outbound sessions: {len(item.sessions)} "
        f"events: {item.events_sent} (lost:{item.events_lost}) "
        f"logs: {item.logs_sent} (lost:{item.logs_lost}) {item.creates}/{item.hangups}\n"
        for item in snapshot.listeners
    )


def _sessions(snapshot: ConsoleSnapshot, node: str) -> str:
    for item in snapshot.listeners:
        if ascii_equal_ci(item.node, node):
            if not item.sessions:
                return f"No active sessions for {node}\n"
            return "".join(
                f"Outbound session for {s.uuid} in state {s.state}\n" for s in item.sessions
            )
    return f"Could not find a listener for {node}\n"


def _handlers(snapshot: ConsoleSnapshot) -> str:
    if not snapshot.listeners:
        return "No active handlers\n"
    lines: list[str] = []
    for item in snapshot.listeners:
        lines.append(f"Listener {item.node}:\n{'-' * 32}\n")
        subscribed = set(item.event_types)
        lines.extend(
            f"{name}\n" for name in EVENT_TYPES if name in subscribed and name not in (CUSTOM, ALL)
        )
        lines.append("CUSTOM:\n")
        lines.extend(f"\t{subclass}\n" for subclass in item.subclasses)
        lines.append("\n")
    return "".join(lines)


def _bindings(snapshot: ConsoleSnapshot) -> str:
    if not snapshot.bindings:
        return "No bindings\n"
    return "".join(
        f"{item.node} {console_section_name(item.section)}\n" for item in snapshot.bindings
    )


def erlang_command(arguments: str, snapshot: ConsoleSnapshot) -> ConsoleResult:
    """Run ``erlang <arguments>``. Words are separated by blanks; the subcommand is
    case-insensitive; ``sessions`` needs exactly one node name; ``debug`` without
    ``on``/``off`` only reports, anything but ``on`` switches it off."""
    words = arguments.split()
    debug = snapshot.debug
    if not words:
        return ConsoleResult(USAGE, debug)
    command = words[0]
    if ascii_equal_ci(command, "listeners"):
        output = _listeners(snapshot)
    elif ascii_equal_ci(command, "sessions") and len(words) == 2:
        output = _sessions(snapshot, words[1])
    elif ascii_equal_ci(command, "handlers"):
        output = _handlers(snapshot)
    elif ascii_equal_ci(command, "bindings"):
        output = _bindings(snapshot)
    elif ascii_equal_ci(command, "debug"):
        if len(words) == 2:
            debug = ascii_equal_ci(words[1], "on")
        output = f"+OK debug {'on' if debug else 'off'}\n"
    else:
        output = USAGE
    return ConsoleResult(output, debug)
