"""Extension lookup in a :class:`~pyerlsw.switch.asterisk.model.Dialplan`.

Follows ``pbx_find_extension`` (``extenpatternmatchnew=no``; spec section 2.1):

1. walk the context's own sorted entries; skip those that do not match the dialled
   string or whose caller-ID pattern does not match; on a match look for the priority
   (or label) and, **if it is missing, keep walking** (so a less specific pattern can
   supply the next priority);
2. (``switch =>`` entries are not supported and never match);
3. search each ``include =>`` in the order written, recursively, skipping includes whose
   time range is not active and contexts already searched in this lookup
   (case-insensitively); at most ``max_depth`` contexts deep.

The result says which context holds the entry (:attr:`LookupResult.context`); the
channel's own ``CONTEXT`` does not change when the match came through an include.
``MATCHMORE`` that meets an early-match (``!``) entry stops with "no" at once, as in
Asterisk.

All functions are pure; ``now`` (epoch seconds, on the switch's clock) is only needed
when includes carry time ranges (None: the wall clock).
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum

from pyerlsw.switch.asterisk.diagnostics import WARNING, LogRecord, LogSink, null_sink
from pyerlsw.switch.asterisk.model import Context, Dialplan, Extension, Priority
from pyerlsw.switch.asterisk.patterns import MatchMode, extension_match, strip_dashes

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "LookupResult",
    "LookupStatus",
    "can_match",
    "exists",
    "find_extension",
    "find_label",
    "invalid_handler",
    "is_ignored",
    "match_more",
    "timeout_handler",
]

DEFAULT_MAX_DEPTH = 128


class LookupStatus(IntEnum):
    """How far a lookup got (Asterisk's ``STATUS_*``)."""

    NO_CONTEXT = 1
    NO_EXTENSION = 2
    NO_PRIORITY = 3
    NO_LABEL = 4
    SUCCESS = 5


@dataclass(frozen=True, slots=True)
class LookupResult:
    """``priority``/``extension``/``context`` are set only on success; ``context`` is the
    context that holds the entry (an included one, possibly)."""

    status: LookupStatus
    priority: Priority | None = None
    extension: Extension | None = None
    context: str | None = None

    @property
    def found(self) -> bool:
        return self.status == LookupStatus.SUCCESS


class _Search:
    def __init__(
        self,
        *,
        dialplan: Dialplan,
        exten: str,
        priority: int,
        label: str | None,
        callerid: str | None,
        mode: MatchMode,
        now: float | None,
        tz: _dt.tzinfo | None,
        max_depth: int,
        log: LogSink,
    ) -> None:
        self.dialplan = dialplan
        self.exten = exten
        self.priority = priority
        self.label = label
        self.callerid = callerid
        self.mode = mode
        self.now = now
        self.tz = tz
        self.max_depth = max_depth
        self.log = log
        self.status = LookupStatus.NO_CONTEXT
        self.visited: list[str] = []
        self.final = False  # an early match ended a MATCHMORE search

    def raise_status(self, status: LookupStatus) -> None:
        self.status = max(self.status, status)

    def candidates(self, context: Context) -> Iterator[tuple[Extension, int]]:
        """The matching entries in search order, with the match result. For an exact
        match the literal entries come from the index instead of a scan."""
        if self.mode == MatchMode.MATCH:
            for entry in context.literal_index.get(strip_dashes(self.exten), ()):
                yield entry, 1
            entries: Iterable[Extension] = context.pattern_entries
        else:
            entries = context.extensions
        for entry in entries:
            matched = entry.matcher.match(self.exten, self.mode, self.log)
            if matched:
                yield entry, matched

    def search(self, name: str) -> LookupResult | None:
        lowered = name.lower()
        if any(v.lower() == lowered for v in self.visited):
            return None
        if len(self.visited) >= self.max_depth:
            self.log(
                LogRecord(
                    WARNING, f"Maximum PBX stack ({self.max_depth}) exceeded. Too many includes?"
                )
            )
            return None
        context = self.dialplan.context(name)
        if context is None:
            return None
        self.raise_status(LookupStatus.NO_EXTENSION)
        for entry, matched in self.candidates(context):
            if not entry.cid_matches(self.callerid):
                continue
            if matched == 2 and self.mode == MatchMode.MATCHMORE:
                self.final = True
                return None
            self.raise_status(LookupStatus.NO_PRIORITY)
            if self.label is not None:
                self.raise_status(LookupStatus.NO_LABEL)
                found = entry.label(self.label)
            else:
                found = entry.priority(self.priority)
            if found is not None:
                self.status = LookupStatus.SUCCESS
                return LookupResult(LookupStatus.SUCCESS, found, entry, context.name)
        self.visited.append(context.name)
        for include in context.includes:
            if include.timing is not None:
                now = time.time() if self.now is None else self.now
                if not include.timing.matches(now, self.tz):
                    continue
            result = self.search(include.context)
            if result is not None or self.final:
                return result
        return None


def find_extension(
    dialplan: Dialplan,
    context: str,
    exten: str,
    *,
    priority: int = 1,
    label: str | None = None,
    callerid: str | None = None,
    mode: MatchMode = MatchMode.MATCH,
    now: float | None = None,
    tz: _dt.tzinfo | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
    log: LogSink = null_sink,
) -> LookupResult:
    """Find ``exten`` at ``priority`` (or at ``label`` when given) starting in
    ``context``. ``callerid`` is the caller's number, for ``exten/cid`` entries."""
    search = _Search(
        dialplan=dialplan, exten=exten, priority=priority, label=label, callerid=callerid,
        mode=mode, now=now, tz=tz, max_depth=max_depth, log=log,
    )  # fmt: skip
    result = search.search(context)
    if result is not None:
        return result
    return LookupResult(search.status)


def exists(
    dialplan: Dialplan,
    context: str,
    exten: str,
    priority: int = 1,
    callerid: str | None = None,
    *,
    now: float | None = None,
    tz: _dt.tzinfo | None = None,
) -> bool:
    """``ast_exists_extension``: the exact extension exists at ``priority``."""
    return find_extension(
        dialplan, context, exten, priority=priority, callerid=callerid, now=now, tz=tz
    ).found


def can_match(
    dialplan: Dialplan,
    context: str,
    exten: str,
    priority: int = 1,
    callerid: str | None = None,
    *,
    now: float | None = None,
    tz: _dt.tzinfo | None = None,
) -> bool:
    """``ast_canmatch_extension``: ``exten`` matches, or could with more digits."""
    return find_extension(
        dialplan, context, exten, priority=priority, callerid=callerid,
        mode=MatchMode.CANMATCH, now=now, tz=tz,
    ).found  # fmt: skip


def match_more(
    dialplan: Dialplan,
    context: str,
    exten: str,
    priority: int = 1,
    callerid: str | None = None,
    *,
    now: float | None = None,
    tz: _dt.tzinfo | None = None,
) -> bool:
    """``ast_matchmore_extension``: more digits could still lead to a match (used to
    decide whether digit collection goes on)."""
    return find_extension(
        dialplan, context, exten, priority=priority, callerid=callerid,
        mode=MatchMode.MATCHMORE, now=now, tz=tz,
    ).found  # fmt: skip


def find_label(
    dialplan: Dialplan,
    context: str,
    exten: str,
    label: str,
    callerid: str | None = None,
    *,
    now: float | None = None,
    tz: _dt.tzinfo | None = None,
) -> int:
    """``ast_findlabel_extension``: the priority number of ``label``, or -1."""
    result = find_extension(
        dialplan, context, exten, label=label, callerid=callerid, now=now, tz=tz
    )
    return result.priority.number if result.priority is not None else -1


def is_ignored(dialplan: Dialplan, context: str, digits: str) -> bool:
    """``ast_ignore_pattern``: whether ``digits`` match an ``ignorepat`` of the context
    (dial tone keeps playing after them)."""
    ctx = dialplan.context(context)
    if ctx is None:
        return False
    return any(extension_match(p, digits) for p in ctx.ignore_patterns)


# Special extensions (spec section 3): which one handles an event in a context.

SPECIAL_EXTENSIONS = {
    "s": "start",
    "h": "hangup",
    "i": "invalid extension",
    "t": "response timeout",
    "T": "absolute timeout",
    "e": "catch-all exception",
    "o": "VoiceMail operator (0)",
    "a": "VoiceMail assistant (*)",
    "failed": "call-file/Originate failure",
}


def _first_existing(
    dialplan: Dialplan,
    context: str,
    names: tuple[str, ...],
    *,
    callerid: str | None,
    now: float | None,
    tz: _dt.tzinfo | None,
) -> str | None:
    for name in names:
        if exists(dialplan, context, name, 1, callerid, now=now, tz=tz):
            return name
    return None


def invalid_handler(
    dialplan: Dialplan,
    context: str,
    callerid: str | None = None,
    *,
    now: float | None = None,
    tz: _dt.tzinfo | None = None,
) -> str | None:
    """Where an invalid extension goes: ``"i"``, else ``"e"`` (with
    ``EXCEPTION=INVALID``), else None (the PBX logs the warning and ends)."""
    return _first_existing(dialplan, context, ("i", "e"), callerid=callerid, now=now, tz=tz)


def timeout_handler(
    dialplan: Dialplan,
    context: str,
    callerid: str | None = None,
    *,
    absolute: bool = False,
    now: float | None = None,
    tz: _dt.tzinfo | None = None,
) -> str | None:
    """Where a response timeout (``"t"``) or, with ``absolute``, an absolute timeout
    (``"T"``) goes; ``"e"`` as the fallback; None when neither exists."""
    first = "T" if absolute else "t"
    return _first_existing(dialplan, context, (first, "e"), callerid=callerid, now=now, tz=tz)
