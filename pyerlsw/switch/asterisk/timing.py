"""Time ranges of ``include => ctx,<times>,<weekdays>,<mdays>,<months>[,<tz>]``.

Follows Asterisk's ``ast_build_timing``/``ast_check_timing``: ``*`` or empty means
"always"; lists are joined with ``&``; ranges ``a-b`` are cyclic (``fri-mon``); times are
``HH:MM`` with the end minute included (``09:00-17:00`` covers 17:00 to 17:00:59);
weekdays ``sun``..``sat`` or 1-7 (1 is Sunday), days of month 1-31, months ``jan``..``dec``
or 1-12. Bad elements are skipped with Asterisk's warnings. The optional fifth field is a
time-zone name; without it the caller's default zone (normally the system's) applies.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pyerlsw.switch.asterisk.diagnostics import WARNING, LogRecord, LogSink, null_sink

__all__ = ["Timing", "parse_timing"]

_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MINUTES_PER_DAY = 24 * 60
_ALL_MINUTES = (1 << _MINUTES_PER_DAY) - 1


@dataclass(frozen=True, slots=True)
class Timing:
    """A parsed time specification; bit ``n`` of each mask enables element ``n``
    (minute of the day, weekday with Sunday 0, day of month minus 1, month minus 1)."""

    minutes: int = _ALL_MINUTES
    weekdays: int = 0x7F
    mdays: int = 0x7FFFFFFF
    months: int = 0xFFF
    timezone: str | None = None
    text: str = ""

    def matches(self, epoch: float, default_tz: _dt.tzinfo | None = None) -> bool:
        """Whether the instant ``epoch`` (seconds) falls inside this specification.

        The zone is :attr:`timezone` when set and valid, else ``default_tz``, else the
        system's local zone.
        """
        tz: _dt.tzinfo | None = default_tz
        if self.timezone:
            try:
                tz = ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                tz = default_tz
        moment = _dt.datetime.fromtimestamp(epoch, tz) if tz else _dt.datetime.fromtimestamp(epoch)
        if not self.months & (1 << (moment.month - 1)):
            return False
        if not self.mdays & (1 << (moment.day - 1)):
            return False
        if not self.weekdays & (1 << ((moment.weekday() + 1) % 7)):
            return False
        return bool(self.minutes & (1 << (moment.hour * 60 + moment.minute)))


def parse_timing(text: str, log: LogSink = null_sink) -> Timing:
    """Parse the time fields of an include (everything after the context name).

    Fields are separated by ``,`` or ``|``; missing trailing fields mean "any".
    """
    if not text:
        return Timing(text=text)
    fields = re.split(r"[|,]", text)
    timezone = fields[4] if len(fields) == 5 else None
    minutes = _parse_times(fields[0], log)
    weekdays = _parse_range(fields[1], 7, _DAYS, "day of week", log) if len(fields) > 1 else 0x7F
    mdays = _parse_range(fields[2], 31, None, "day", log) if len(fields) > 2 else 0x7FFFFFFF
    months = _parse_range(fields[3], 12, _MONTHS, "month", log) if len(fields) > 3 else 0xFFF
    return Timing(minutes, weekdays, mdays, months, timezone or None, text)


def _scan_int(text: str, max_digits: int = 2) -> tuple[int, str] | None:
    """sscanf("%2d")-like: an optional sign and at most ``max_digits`` digits."""
    m = re.match(rf"\s*([+-]?\d{{1,{max_digits}}})", text)
    if not m:
        return None
    return int(m.group(1)), text[m.end() :]


def _scan_hhmm(text: str) -> tuple[int, int] | None:
    first = _scan_int(text)
    if first is None or not first[1].startswith(":"):
        return None
    second = _scan_int(first[1][1:])
    if second is None:
        return None
    hour, minute = first[0], second[0]
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return hour, minute


def _parse_times(text: str, log: LogSink) -> int:
    if not text or text == "*":
        return _ALL_MINUTES
    mask = 0
    for part in text.split("&"):
        start_text, dash, end_text = part.partition("-")
        if not dash:
            hm = _scan_hhmm(part)
            if hm is None:
                log(LogRecord(WARNING, f"{part} isn't a valid time."))
                continue
            mask |= 1 << (hm[0] * 60 + hm[1])
            continue
        skipped = 0
        while skipped < len(end_text) and not end_text[skipped].isdigit():
            skipped += 1
        end_text = end_text[skipped:]
        if not end_text:
            log(LogRecord(WARNING, f"Invalid time range starting with '{start_text}-'."))
            continue
        start = _scan_hhmm(start_text)
        if start is None:
            log(LogRecord(WARNING, f"'{start_text}' isn't a valid start time."))
            continue
        end = _scan_hhmm(end_text)
        if end is None:
            log(LogRecord(WARNING, f"'{end_text}' isn't a valid end time."))
            continue
        minute = start[0] * 60 + start[1]
        last = end[0] * 60 + end[1]
        while minute != last:
            mask |= 1 << minute
            minute = (minute + 1) % _MINUTES_PER_DAY
        mask |= 1 << last
    return mask


def _lookup_name(text: str, names: tuple[str, ...] | None, maximum: int) -> int:
    if names and text[:1] > "9":
        lowered = text.lower()
        for index, name in enumerate(names):
            if lowered == name:
                return index
    scanned = _scan_int(text)
    if scanned is not None and 1 <= scanned[0] <= maximum:
        return scanned[0] - 1
    return -1


def _parse_range(
    text: str, maximum: int, names: tuple[str, ...] | None, what: str, log: LogSink
) -> int:
    if not text or text == "*":
        return (1 << maximum) - 1
    mask = 0
    for part in text.split("&"):
        start_text, dash, end_text = part.partition("-")
        start = _lookup_name(start_text, names, maximum)
        if start < 0:
            log(LogRecord(WARNING, f"Invalid {what} '{start_text}', skipping element"))
            continue
        if dash:
            end = _lookup_name(end_text, names, maximum)
            if end < 0:
                log(LogRecord(WARNING, f"Invalid end {what} '{end_text}', skipping element"))
                continue
        else:
            end = start
        mask |= 1 << end
        while start != end:
            mask |= 1 << start
            start = (start + 1) % maximum
    return mask
