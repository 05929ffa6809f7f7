from __future__ import annotations

import datetime as dt

from pyerlsw.switch.asterisk.diagnostics import LogCollector
from pyerlsw.switch.asterisk.timing import parse_timing

UTC = dt.UTC


def at(y: int, mo: int, d: int, h: int, mi: int) -> float:
    return dt.datetime(y, mo, d, h, mi, tzinfo=UTC).timestamp()


def test_time_range_includes_the_end_minute() -> None:
    t = parse_timing("09:00-17:00,*,*,*")
    assert t.matches(at(2024, 3, 4, 9, 0), UTC)
    assert t.matches(at(2024, 3, 4, 17, 0), UTC)
    assert not t.matches(at(2024, 3, 4, 17, 1), UTC)
    assert not t.matches(at(2024, 3, 4, 8, 59), UTC)


def test_wrapping_ranges() -> None:
    night = parse_timing("22:00-06:00|fri-mon")
    assert night.matches(at(2024, 3, 4, 23, 0), UTC)  # Monday
    assert night.matches(at(2024, 3, 9, 3, 0), UTC)  # Saturday
    assert not night.matches(at(2024, 3, 6, 23, 0), UTC)  # Wednesday


def test_days_months_and_lists() -> None:
    t = parse_timing("*,*,1-7&15,jan&dec")
    assert t.matches(at(2024, 1, 15, 10, 0), UTC)
    assert t.matches(at(2024, 12, 3, 10, 0), UTC)
    assert not t.matches(at(2024, 2, 3, 10, 0), UTC)
    assert not t.matches(at(2024, 1, 16, 10, 0), UTC)


def test_timezone_field() -> None:
    t = parse_timing("09:00-10:00,*,*,*,Europe/Paris")
    assert t.timezone == "Europe/Paris"
    assert t.matches(at(2024, 1, 10, 8, 30), UTC)  # 09:30 in Paris
    assert not t.matches(at(2024, 1, 10, 9, 30), UTC)


def test_bad_elements_are_skipped_with_warnings() -> None:
    log = LogCollector()
    t = parse_timing("25:00-26:00&10:00-10:01,funday-mon,40,xyz", log)
    assert t.matches(at(2024, 3, 4, 10, 1), UTC) is False  # no valid day of month
    assert log.messages() == [
        "'25:00' isn't a valid start time.",
        "Invalid day of week 'funday', skipping element",
        "Invalid day '40', skipping element",
        "Invalid month 'xyz', skipping element",
    ]
