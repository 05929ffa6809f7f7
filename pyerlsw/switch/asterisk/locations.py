"""``[[context,]exten,]priority[(args)]`` targets of Goto, Gosub and hangup handlers.

* :func:`split_routine` separates the location from Gosub-style arguments (first ``(``,
  last ``)``; a missing ``)`` gives Asterisk's ``Ouch.  No closing paren`` warning);
* :func:`parse_goto` splits the location like ``pbx_parseable_goto``: one field is the
  priority, two are ``exten,priority``, three are ``context,exten,priority``; a leading
  ``+``/``-`` makes a numeric priority relative;
* :func:`resolve_goto` turns it into an absolute ``(context, exten, priority)`` against
  the channel's current location, looking labels up in the dialplan; a priority that is
  neither a number nor a known label gives ``Priority '%s' must be a number > 0, or valid
  label``. Whether the target exists is not checked (that is found at the next step).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyerlsw.switch.asterisk.diagnostics import WARNING, LogRecord, LogSink, null_sink
from pyerlsw.switch.asterisk.lookup import find_label
from pyerlsw.switch.asterisk.model import Dialplan

__all__ = ["GotoTarget", "parse_goto", "resolve_goto", "split_routine"]

_PURE_INT = re.compile(r"\s*[+-]?\d+\s*")


@dataclass(frozen=True, slots=True)
class GotoTarget:
    """A parsed location; None fields mean "the channel's current one". ``priority`` is
    the text after the optional ``+``/``-`` sign; ``relative`` is +1, -1 or 0."""

    context: str | None
    exten: str | None
    priority: str
    relative: int = 0


def split_routine(text: str, log: LogSink = null_sink) -> tuple[str, str | None]:
    """``(location, args)``: ``args`` is the text inside the parentheses, None when there
    are none."""
    location, paren, rest = text.partition("(")
    if not paren:
        return text, None
    close = rest.rfind(")")
    if close < 0:
        log(LogRecord(WARNING, f"Ouch.  No closing paren: '{text}'?"))
        return location, rest
    return location, rest[:close]


def parse_goto(text: str) -> GotoTarget | None:
    """Parse a Goto location; None for an empty one (``Goto requires an argument``)."""
    if not text:
        return None
    fields = text.split(",")
    context: str | None
    exten: str | None
    if len(fields) == 1:
        context, exten, priority = None, None, fields[0]
    elif len(fields) == 2:
        context, exten, priority = None, fields[0], fields[1]
    else:
        context, exten, priority = fields[0], fields[1], fields[2]
    relative = 0
    if priority.startswith("+"):
        relative, priority = 1, priority[1:]
    elif priority.startswith("-"):
        relative, priority = -1, priority[1:]
    return GotoTarget(context, exten, priority, relative)


def resolve_goto(
    dialplan: Dialplan,
    target: GotoTarget,
    *,
    context: str,
    exten: str,
    priority: int,
    callerid: str | None = None,
    log: LogSink = null_sink,
    now: float | None = None,
) -> tuple[str, str, int] | None:
    """The absolute ``(context, exten, priority)`` of ``target`` seen from the current
    location; None (after the warning) when the priority is invalid."""
    new_context = target.context or context
    new_exten = target.exten or exten
    if _PURE_INT.fullmatch(target.priority):
        number = int(target.priority)
        relative = target.relative
    else:
        number = find_label(dialplan, new_context, new_exten, target.priority, callerid, now=now)
        if number < 1:
            log(
                LogRecord(
                    WARNING, f"Priority '{target.priority}' must be a number > 0, or valid label"
                )
            )
            return None
        relative = 0
    if relative:
        number = priority + number * relative
    return new_context, new_exten, number
