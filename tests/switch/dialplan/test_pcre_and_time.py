"""PCRE translation and time-of-day primitives, checked on their own."""

from __future__ import annotations

import contextlib
import re
import warnings
from datetime import UTC, datetime, timedelta, timezone
from xml.etree.ElementTree import Element

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyerlsw.switch.dialplan.captures import RegexCache, capture_array, substitute_captures
from pyerlsw.switch.dialplan.pcre import RegexError, compile_expression, translate
from pyerlsw.switch.dialplan.timematch import (
    Clock,
    dow_matches,
    number_matches,
    time_matches,
    tod_matches,
)


@pytest.mark.parametrize(
    ("pattern", "subject", "matches"),
    [
        (r"^(\d+)$", "2000", True),
        (r"^\+?1?(\d{10})$", "+15551234567", True),
        (r"^\d+\z", "12\n", False),
        (r"^\d+\Z", "12\n", True),
        (r"^\d+$", "12\n", True),
        (r"[[:digit:]]{3}", "a123", True),
        (r"[[:^digit:]]", "123", False),
        (r"^[[:alpha:]_]+$", "ab_c", True),
        (r"\Qa.b*\E", "a.b*", True),
        (r"\Qa.b*\E", "axbbb", False),
        (r"^(?<area>\d{3})-\k<area>$", "555-555", True),
        (r"^(?'x'a)\k{x}$", "aa", True),
        (r"^(a)\g1\g{1}$", "aaa", True),
        (r"a(?i)b|c", "C", True),
        (r"a(?i)b|c", "AB", False),
        (r"(a(?i)b|c)d", "aBd", True),
        (r"(?i)abc", "ABC", True),
        (r"x{,2}", "x{,2}", True),
        (r"\x41\x{42}\e", "AB\x1b", True),
        (r"\h\v", " \n", True),
        (r"\R", "\r\n", True),
        (r"^\N+$", "ab", True),
        (r"\d", "٣", False),  # ASCII semantics, as PCRE without UTF
        (r"[a&b]", "&", True),
        (r"[a|b~]", "~", True),
        (r"[+--]", ",", True),
        (r"(?>a+)b", "aab", True),
        (r"a++b", "aab", True),
        (r"(?#comment)a", "a", True),
        (r"\y", "y", True),
        (r"a(?=b)", "ab", True),
        (r"(?<=a)b", "ab", True),
        (r"(a)?(?(1)b|c)", "ab", True),
        (r"/^hello$/i", "HELLO", True),
        (r"/^a.b$/s", "a\nb", True),
        (r"/^a.b$/", "a\nb", False),
        (r"\cA", "\x01", True),
        (r"[\cA-\cC]", "\x02", True),
        (r"[\x{41}-\x{43}]", "B", True),
    ],
)
def test_translated_patterns_match_like_pcre(pattern, subject, matches):
    compiled = compile_expression(pattern)
    assert (compiled.search(subject) is not None) is matches


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?R)",
        r"(?1)",
        r"(?&name)",
        r"(?|a|b)",
        r"\p{L}",
        r"\X",
        r"a\K",
        r"\G",
        r"(?U)a",
        r"\g{-1}",
        r"(",
        r")",
        r"[abc",
        r"abc\\" + "\\",
        r"/unterminated",
        r"(?<1bad>x)",
        r"[[:nope:]]",
        r"[[:^alpha:]]",
    ],
)
def test_unsupported_or_broken_patterns_raise_regex_error(pattern):
    with pytest.raises(RegexError):
        compile_expression(pattern)


@given(
    st.text(
        alphabet=st.sampled_from(list(r"ab()[]{}?*+|\^$.:<>'=!#-,0123QEzZxkgpPhvR")), max_size=24
    )
)
def test_translation_only_ever_raises_regex_error(pattern):
    with warnings.catch_warnings(), contextlib.suppress(RegexError):
        warnings.simplefilter("error")
        compile_expression(pattern)


def test_translate_keeps_plain_patterns():
    assert translate(r"^(\d{3})(\d+)$") == r"^(\d{3})(\d+)$"


def test_regex_cache_is_bounded_and_caches_errors():
    cache = RegexCache(max_entries=2, max_length=10)
    first = cache.compile("a")
    assert cache.compile("a") is first
    cache.compile("b")
    cache.compile("c")
    assert len(cache._entries) == 2
    with pytest.raises(RegexError):
        cache.compile("(")
    with pytest.raises(RegexError):
        cache.compile("(")
    with pytest.raises(RegexError, match="longer than 10"):
        cache.compile("a" * 11)


def test_substitution_and_capture_arrays():
    match = re.search(r"(\d)(\d)(x)?", "a12")
    assert substitute_captures("$1-$2-${1}${2}-$3-$9-$0-${x}-$-${12", match) == (
        "1-2-12---12-${x}-$-${12"
    )
    assert capture_array(match) == "ARRAY::12|:1|:2|:"
    assert capture_array(re.search("b", "abc")) == "b"


@pytest.mark.parametrize(
    ("expression", "value", "expected"),
    [
        ("5", 5, True),
        ("5", 6, False),
        ("1,3,5", 3, True),
        ("1-3,7-9", 8, True),
        ("1-3,7-9", 5, False),
        ("22-2", 23, True),
        ("22-2", 1, True),
        ("22-2", 12, False),
        ("", 0, True),  # strtol of nothing is 0, as in FreeSWITCH
        ("x", 1, False),
    ],
)
def test_number_matches(expression, value, expected):
    assert number_matches(expression, value) is expected


@pytest.mark.parametrize(
    ("expression", "value", "expected"),
    [
        ("1", 1, True),
        ("sun", 1, True),
        ("SAT", 7, True),
        ("mon-fri", 4, True),
        ("mon-fri", 7, False),
        ("fri-mon", 1, True),
        ("fri-mon", 4, False),
        ("1,3,tue", 3, True),
        ("2-4,6", 6, True),
        ("mon, tue", 3, False),  # a space ends the list, as in FreeSWITCH
        ("xyz", 1, False),
    ],
)
def test_dow_matches(expression, value, expected):
    assert dow_matches(expression, value) is expected


@pytest.mark.parametrize(
    ("expression", "seconds", "expected"),
    [
        ("08:00-17:00", 8 * 3600, True),
        ("08:00-17:00", 17 * 3600, True),
        ("08:00-17:00", 17 * 3600 + 1, False),
        ("17:00:00-07:00:00", 3 * 3600, True),
        ("17:00:00-07:00:00", 12 * 3600, False),
        ("08:00-12:00,13:00-17:00", 12 * 3600 + 1800, False),
        ("08:00-12:00,13:00-17:00", 14 * 3600, True),
        ("garbage", 0, False),
    ],
)
def test_tod_matches(expression, seconds, expected):
    assert tod_matches(expression, seconds) is expected


def test_clock_zones():
    epoch = datetime(2024, 1, 1, 23, 30, tzinfo=UTC).timestamp()
    assert Clock.at(epoch, None, None, UTC).moment.hour == 23
    assert Clock.at(epoch, "1", None, UTC).moment.day == 2
    assert Clock.at(epoch, "-5", "Europe/Paris", UTC).offset_hours == -5
    assert Clock.at(epoch, None, "Asia/Kolkata", UTC).offset_hours == 5
    assert Clock.at(epoch, "abc", None, timezone(timedelta(hours=3))).offset_hours == 3
    local = Clock.at(epoch, None, None, None)
    assert local.moment.tzinfo is not None


def test_week_of_month_and_week_of_year():
    # 2024-06-01 is a Saturday: June 1 is in month-week 1, June 2 (Sunday) in week 2.
    def clock(day: int) -> Clock:
        return Clock(datetime(2024, 6, day, 12, tzinfo=UTC))

    assert time_matches(Element("c", mweek="1"), clock(1))
    assert time_matches(Element("c", mweek="2"), clock(2))
    assert time_matches(Element("c", mweek="6"), clock(30))
    assert time_matches(Element("c", week="1", yday="1"), Clock(datetime(2024, 1, 1, tzinfo=UTC)))
    assert time_matches(Element("c"), clock(1)) is None


def test_anchored_literals_are_compared_without_compiling():
    cache = RegexCache()
    assert cache.search("^1000$", "2000") is None
    assert cache._entries == {}
    assert cache.search("^1000$", "1000").group(0) == "1000"
    assert cache.search("^1000$", "1000\n") is not None  # $ before a final newline
    assert cache.search("^1000$", "01000") is None
    assert cache.search("^$", "") is not None
