"""Hangup handlers: the pure parts (``asterisk_hangup_handlers.md``).

* :func:`expand_handler`: the ``[[context,]exten,]priority[(args)]`` written to
  ``CHANNEL(hangup_handler_push|pop|wipe)``, filled in against the pushing channel's
  current context and extension (``expand_gosub_args``); arguments are kept verbatim,
  labels are not resolved;
* :class:`HangupHandlerStack`: one channel's handler list (head first = next to run),
  with push/pop/wipe and their replacement forms, returning the events to publish
  (``HangupHandlerPush``/``HangupHandlerPop``), the run loop's :meth:`take_next`, and the
  masquerade :meth:`swap`;
* :func:`core_show_hanguphandlers`: the exact ``core show hanguphandlers`` CLI output.

What is not here (it needs live channels): running a handler as an internal Gosub that
ignores the hangup, the h-extension ordering, mirroring across Local halves (use
:func:`is_handler_item` to block it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pyerlsw.switch.asterisk.diagnostics import LogSink, null_sink
from pyerlsw.switch.asterisk.locations import split_routine

__all__ = [
    "HANDLER_ITEMS",
    "USAGE_ALL",
    "USAGE_CHANNEL",
    "HandlerPopped",
    "HandlerPushed",
    "HangupHandlerStack",
    "core_show_hanguphandlers",
    "expand_handler",
    "format_handler_rows",
    "is_handler_item",
]

HANDLER_ITEMS = ("hangup_handler_push", "hangup_handler_pop", "hangup_handler_wipe")
USAGE_CHANNEL = (
    "Usage: core show hanguphandlers <channel>\n"
    "       Show hangup handlers of a specified channel.\n"
)
USAGE_ALL = "Usage: core show hanguphandlers all\n       Show hangup handlers for all channels.\n"
_ROW = "{:<30} {}\n"


def is_handler_item(item: str) -> bool:
    """True for the ``CHANNEL()`` items that must not be mirrored to the other Local half
    (any item starting with ``hangup_handler_``, case-insensitively)."""
    return item.lower().startswith("hangup_handler_")


def expand_handler(value: str, *, context: str, exten: str, log: LogSink = null_sink) -> str:
    """The stored form ``context,exten,priority[(args)]`` of a pushed handler."""
    location, args = split_routine(value, log)
    fields = location.split(",")
    ctx: str | None
    ext: str | None
    if len(fields) == 1:
        ctx, ext, pri = None, None, fields[0]
    elif len(fields) == 2:
        ctx, ext, pri = None, fields[0], fields[1]
    else:
        ctx, ext, pri = fields[0], fields[1], fields[2]
    ctx = ctx or context
    ext = ext or exten
    if args:
        return f"{ctx},{ext},{pri}({args})"
    return f"{ctx},{ext},{pri}"


@dataclass(frozen=True, slots=True)
class HandlerPushed:
    """Publish ``HangupHandlerPush`` with ``Handler: handler``."""

    handler: str


@dataclass(frozen=True, slots=True)
class HandlerPopped:
    """Publish ``HangupHandlerPop`` with ``Handler: handler``."""

    handler: str


HandlerEvent = HandlerPushed | HandlerPopped


class HangupHandlerStack:
    """One channel's hangup handlers; index 0 is the head (runs first)."""

    def __init__(self, handlers: Iterable[str] = ()) -> None:
        self._handlers: list[str] = list(handlers)

    @property
    def handlers(self) -> tuple[str, ...]:
        """Head first: the order they will run in (and the CLI order)."""
        return tuple(self._handlers)

    def __len__(self) -> int:
        return len(self._handlers)

    def push(self, handler: str) -> list[HandlerEvent]:
        """Push an already expanded handler on the head."""
        self._handlers.insert(0, handler)
        return [HandlerPushed(handler)]

    def pop(self) -> list[HandlerEvent]:
        """Remove the head (silently nothing when empty)."""
        if not self._handlers:
            return []
        return [HandlerPopped(self._handlers.pop(0))]

    def wipe(self) -> list[HandlerEvent]:
        """Remove everything, one Pop event per handler, head first."""
        events: list[HandlerEvent] = [HandlerPopped(h) for h in self._handlers]
        self._handlers.clear()
        return events

    def apply_write(
        self, item: str, value: str, *, context: str, exten: str, log: LogSink = null_sink
    ) -> list[HandlerEvent] | None:
        """``Set(CHANNEL(item)=value)`` for the three handler items (matched
        case-insensitively); None when ``item`` is not one of them.

        ``push`` with an empty value does nothing; ``pop``/``wipe`` with a value push it
        after removing (a replacement). ``context``/``exten`` are the pusher's location.
        """
        kind = item.lower()
        if kind not in HANDLER_ITEMS:
            return None
        events: list[HandlerEvent] = []
        if kind == "hangup_handler_pop":
            events += self.pop()
        elif kind == "hangup_handler_wipe":
            events += self.wipe()
        if value:
            events += self.push(expand_handler(value, context=context, exten=exten, log=log))
        return events

    def take_next(self) -> str | None:
        """Remove and return the head for the run loop (which publishes
        ``HangupHandlerRun`` itself, not Pop); None when empty."""
        return self._handlers.pop(0) if self._handlers else None

    def swap(self, other: HangupHandlerStack) -> None:
        """Exchange the lists (a masquerade swaps them with the channel identities)."""
        self._handlers, other._handlers = other._handlers, self._handlers


def format_handler_rows(channel: str, handlers: Sequence[str]) -> str:
    """The rows of one channel: its name on the first row only."""
    return "".join(
        _ROW.format(channel if i == 0 else "", handler) for i, handler in enumerate(handlers)
    )


def _header() -> str:
    return _ROW.format("Channel", "Handler")


def core_show_hanguphandlers(
    args: Sequence[str], channels: Mapping[str, Sequence[str]]
) -> tuple[bool, str]:
    """``core show hanguphandlers <channel>|all``.

    ``args`` are the words after ``core show hanguphandlers``; ``channels`` maps channel
    names (in the channel container's order) to their handlers head first. Returns
    ``(success, output)``.
    """
    words = ["core", "show", "hanguphandlers", *args]
    if len(words) != 4:
        return False, USAGE_CHANNEL
    target = words[3]
    if target == "all":
        out = [_header()]
        out.extend(format_handler_rows(name, hs) for name, hs in channels.items() if hs)
        return True, "".join(out)
    handlers = channels.get(target)
    if handlers is None:
        return False, "Channel does not exist.\n"
    return True, _header() + format_handler_rows(target, handlers)
