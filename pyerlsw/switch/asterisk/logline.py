"""Text of the PBX's verbose lines (``asterisk_dialplan.md`` section 10 and the messages
around it), as pure formatting functions.

The message functions return the text Asterisk passes to ``ast_verb``; the rendering
functions add the console prefix (``console_line``) or produce a log-file line
(``log_file_line``). Colours are never added.
"""

from __future__ import annotations

import datetime as _dt

__all__ = [
    "VERBOSE_PREFIXES",
    "auto_fallthrough",
    "console_line",
    "executing",
    "gosub_abnormal_exit",
    "gosub_complete",
    "gosub_start",
    "goto",
    "invalid_extension",
    "log_date",
    "log_file_line",
    "spawn_exited_nonzero",
    "verbose_prefix",
]

VERBOSE_PREFIXES = ("", " ", "  == ", "    -- ", "       > ")


def verbose_prefix(level: int) -> str:
    """The console prefix of verbose level ``level`` (0-4; above 4 is 4)."""
    return VERBOSE_PREFIXES[max(0, min(level, 4))]


def executing(*, exten: str, context: str, priority: int, app: str, channel: str, data: str) -> str:
    """``Executing [exten@context:prio] App("chan", "data") in new stack`` (verbose 3).

    ``exten``/``context`` are the channel's current ones (the dialled digits, and the
    including context for a match found through an include); ``app`` the registered
    name; ``data`` the substituted data, inner quotes not escaped."""
    return f'Executing [{exten}@{context}:{priority}] {app}("{channel}", "{data}") in new stack'


def spawn_exited_nonzero(context: str, exten: str, priority: int, channel: str) -> str:
    """Verbose 2, when an application returned non-zero."""
    return f"Spawn extension ({context}, {exten}, {priority}) exited non-zero on '{channel}'"


def auto_fallthrough(channel: str, dialstatus: str | None) -> str:
    """Verbose 3, when the next priority does not exist."""
    return f"Auto fallthrough, channel '{channel}' status is '{dialstatus or 'UNKNOWN'}'"


def goto(context: str, exten: str, priority: int) -> str:
    """Verbose 3, logged by Goto/GotoIf."""
    return f"Goto ({context},{exten},{priority})"


def invalid_extension(channel: str, context: str, exten: str, priority: int) -> str:
    """Verbose 3, when the PBX jumps to the ``i`` extension."""
    return (
        f"Channel '{channel}' sent to invalid extension: "
        f"context,exten,priority={context},{exten},{priority}"
    )


def gosub_start(channel: str, routine: str) -> str:
    """Verbose 3, an internal Gosub (hangup handler, pre-dial) starting."""
    return f"{channel} Internal Gosub({routine}) start"


def gosub_complete(channel: str, routine: str, retval: str) -> str:
    """Verbose 3, an internal Gosub that ended with Return."""
    return f"{channel} Internal Gosub({routine}) complete GOSUB_RETVAL={retval}"


def gosub_abnormal_exit(channel: str, routine: str) -> str:
    """WARNING, an internal Gosub that ended without Return."""
    return f"{channel} Abnormal 'Gosub({routine})' exit.  Popping routine return locations."


def console_line(level: int, message: str) -> str:
    """A verbose message as the console shows it (``    -- Executing [...]``)."""
    return verbose_prefix(level) + message


def log_date(moment: _dt.datetime) -> str:
    """Asterisk's default log date format ``%b %e %T`` (``Mar  1 13:35:23``)."""
    return f"{moment:%b} {moment.day:2d} {moment:%H:%M:%S}"


def log_file_line(
    moment: _dt.datetime,
    level: str,
    message: str,
    *,
    lwp: int,
    callid: int | None = None,
    source: str = "pbx.c",
    verbose_level: int | None = None,
) -> str:
    """A log-file line: ``[date] LEVEL[lwp][C-xxxxxxxx] source: message``.

    With ``verbose_level`` set, the console prefix is kept inside the message, as
    Asterisk 12 and earlier wrote verbose messages to log files.
    """
    call = f"[C-{callid:08x}]" if callid is not None else ""
    text = message if verbose_level is None else console_line(verbose_level, message)
    return f"[{log_date(moment)}] {level}[{lwp}]{call} {source}: {text}"
