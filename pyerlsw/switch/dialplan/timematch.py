"""Time-of-day conditions of the XML dialplan (``switch_xml_std_datetime_check``).

A ``<condition>`` or ``<regex>`` may carry, all of which must match (checked in this
order): ``tz-offset`` (the effective UTC offset in whole hours), ``dst`` (true: daylight
saving time is in effect), ``date-time`` (``YYYY-MM-DD hh:mm[:ss]~YYYY-MM-DD hh:mm[:ss]``
ranges, start included, end excluded), ``year``, ``yday`` (1-366), ``mon`` (1-12),
``mday`` (1-31), ``week`` (week of the year, ``yday // 7 + 1``), ``mweek`` (week of the
month, 1-6, weeks starting on Sunday), ``wday`` (1 = Sunday ... 7 = Saturday, or
``sun``..``sat``), ``hour``, ``minute``, ``minute-of-day`` (1-1440, 00:00 = 1) and
``time-of-day`` (``hh:mm[:ss]-hh:mm[:ss]``, both ends included).

Numbers take comma lists of values and ``a-b`` ranges; a reversed range wraps
(``hour="18-8"`` is the night, ``mon="10-2"`` October to February), as do reversed
``wday`` and ``time-of-day`` ranges. The clock is ``target.now()`` seen in the channel's
``tod_tz_offset`` (whole hours), else its ``timezone`` (a tz database name), else the
engine's zone. Unlike FreeSWITCH, ``date-time`` is read in that same zone (FreeSWITCH
reads it in the server's zone) and ``dst="false"`` matches standard time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from xml.etree.ElementTree import Element
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pyerlsw.switch.dialplan.strings import atoi, is_true

__all__ = [
    "TIME_ATTRIBUTES",
    "Clock",
    "dow_matches",
    "has_time_attributes",
    "number_matches",
    "time_matches",
    "tod_matches",
]

TIME_ATTRIBUTES = (
    "tz-offset",
    "dst",
    "date-time",
    "year",
    "yday",
    "mon",
    "mday",
    "week",
    "mweek",
    "wday",
    "hour",
    "minute",
    "minute-of-day",
    "time-of-day",
)
_TIME_ATTRIBUTE_SET = frozenset(TIME_ATTRIBUTES)
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_NUMBER = re.compile(r"\s*([+-]?\d+)")
_TOD = re.compile(r"\s*(\d+):(\d+)(?::(\d+))?-(\d+):(\d+)(?::(\d+))?")
_STAMP = re.compile(
    r"\s*(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?\s*$"
)
_IS_NUMBER = re.compile(r"[+-]?[0-9.]+")


@dataclass(frozen=True, slots=True)
class Clock:
    """The instant a hunt is judged at, in the zone its conditions are read in."""

    moment: datetime

    @classmethod
    def at(
        cls, epoch: float, tod_tz_offset: str | None, zone_name: str | None, default: tzinfo | None
    ) -> Clock:
        """``epoch`` seen through the channel's offset/zone variables, else ``default``
        (None: the process's local zone)."""
        zone: tzinfo | None = default
        if tod_tz_offset and _IS_NUMBER.fullmatch(tod_tz_offset.strip()):
            hours = max(-23, min(23, atoi(tod_tz_offset)))
            zone = timezone(timedelta(hours=hours))
        elif zone_name:
            try:
                zone = ZoneInfo(zone_name)
            except (ZoneInfoNotFoundError, ValueError):
                zone = default
        if zone is None:
            return cls(datetime.fromtimestamp(epoch).astimezone())
        return cls(datetime.fromtimestamp(epoch, zone))

    @property
    def offset_hours(self) -> int:
        offset = self.moment.utcoffset() or timedelta()
        return math.trunc(offset.total_seconds() / 3600)


def has_time_attributes(element: Element) -> bool:
    """Whether ``element`` carries any time attribute."""
    return not _TIME_ATTRIBUTE_SET.isdisjoint(element.attrib)


def time_matches(element: Element, clock: Clock) -> bool | None:
    """None when ``element`` has no time attribute, else whether all of them match."""
    if not has_time_attributes(element):
        return None
    moment = clock.moment
    wday = moment.isoweekday() % 7  # 0 = Sunday, as struct tm
    yday = moment.timetuple().tm_yday
    checks: tuple[tuple[str, Callable[[str], bool]], ...] = (
        ("tz-offset", lambda v: atoi(v) == clock.offset_hours),
        ("dst", lambda v: is_true(v) == bool(moment.dst())),
        ("date-time", lambda v: _date_time_matches(v, moment)),
        ("year", lambda v: number_matches(v, moment.year)),
        ("yday", lambda v: number_matches(v, yday)),
        ("mon", lambda v: number_matches(v, moment.month)),
        ("mday", lambda v: number_matches(v, moment.day)),
        ("week", lambda v: number_matches(v, (yday - 1) // 7 + 1)),
        ("mweek", lambda v: number_matches(v, _week_of_month(moment.day, wday))),
        ("wday", lambda v: dow_matches(v, wday + 1)),
        ("hour", lambda v: number_matches(v, moment.hour)),
        ("minute", lambda v: number_matches(v, moment.minute)),
        ("minute-of-day", lambda v: number_matches(v, moment.hour * 60 + moment.minute + 1)),
        (
            "time-of-day",
            lambda v: tod_matches(v, moment.hour * 3600 + moment.minute * 60 + moment.second),
        ),
    )
    for name, check in checks:
        value = element.get(name)
        if value is not None and not check(value):
            return False
    return True


def number_matches(expression: str, value: int) -> bool:
    """``switch_number_cmp``: comma list of numbers and ``a-b`` ranges (reversed wraps)."""
    index = 0
    length = len(expression)
    while True:
        low, index = _strtol(expression, index)
        if index < length and expression[index] == "-":
            high, index = _strtol(expression, index + 1)
            if (low <= value <= high) if low <= high else (value >= low or value <= high):
                return True
        elif low == value:
            return True
        if index >= length or expression[index] != ",":
            return False
        index += 1


def dow_matches(expression: str, value: int) -> bool:
    """``switch_dow_cmp``: days 1-7 or sun..sat, comma lists, ranges (reversed wraps).
    Anything else (spaces included) ends the list."""
    previous: int | None = None
    range_start: int | None = None
    index = 0
    while index < len(expression):
        char = expression[index]
        day: int | None = None
        if char == ",":
            previous = None
            index += 1
            continue
        if char == "-":
            range_start = previous
            index += 1
            continue
        if char in "1234567":
            day = int(char)
            index += 1
        else:
            word = expression[index : index + 3].lower()
            if word not in _DAYS:
                return False
            day = _DAYS.index(word) + 1
            index += 3
        if range_start is not None:
            low, high = range_start, day
            if (low <= value <= high) if low <= high else (value >= low or value <= high):
                return True
            range_start = None
        elif day == value:
            return True
        previous = day
    return False


def tod_matches(expression: str, seconds: int) -> bool:
    """``switch_tod_cmp``: comma list of ``hh:mm[:ss]-hh:mm[:ss]``, ends included,
    a reversed range wraps past midnight."""
    for item in expression.split(","):
        match = _TOD.match(item)
        if match is None:
            continue
        h1, m1, s1, h2, m2, s2 = (int(g) if g else 0 for g in match.groups())
        start = h1 * 3600 + m1 * 60 + s1
        end = h2 * 3600 + m2 * 60 + s2
        if (start <= seconds <= end) if start <= end else (seconds >= start or seconds <= end):
            return True
    return False


def _date_time_matches(expression: str, moment: datetime) -> bool:
    for item in expression.split(","):
        start_text, separator, end_text = item.partition("~")
        if not separator:
            continue
        start, end = _stamp(start_text, moment.tzinfo), _stamp(end_text, moment.tzinfo)
        if start is not None and end is not None and start <= moment < end:
            return True
    return False


def _stamp(text: str, zone: tzinfo | None) -> datetime | None:
    match = _STAMP.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def _week_of_month(mday: int, wday: int) -> int:
    first_dow = (7 - (mday - (wday + 1)) % 7) % 7
    return math.ceil((mday + first_dow) / 7)


def _strtol(text: str, index: int) -> tuple[int, int]:
    match = _NUMBER.match(text, index)
    if match is None:
        return 0, index
    return int(match.group(1)), match.end()
