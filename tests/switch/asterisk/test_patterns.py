from __future__ import annotations

import pytest

from pyerlsw.switch.asterisk.diagnostics import LogCollector
from pyerlsw.switch.asterisk.patterns import MatchMode, cid_matches, extension_match, sort_key


@pytest.mark.parametrize(
    ("pattern", "data", "expected"),
    [
        ("_X", "5", 1),
        ("_X", "a", 0),
        ("_Z", "0", 0),
        ("_Z", "1", 1),
        ("_N", "1", 0),
        ("_N", "2", 1),
        ("_n", "2", 1),  # lower-case classes too
        ("_x.", "12", 1),
        ("_X.", "1", 0),  # '.' needs at least one more character
        ("_X.", "1abc", 1),  # letters too
        ("_9!", "9", 2),
        ("_9!", "9123", 2),
        ("_[1-468]", "5", 0),
        ("_[1-468]", "3", 1),
        ("_[1-468]", "8", 1),
        ("_[a-z]X", "b5", 1),
        ("_[XN]", "5", 0),  # no special meaning inside a set
        ("_[XN]", "X", 1),
        ("_NXX-XXXX", "555-1234", 1),
        ("_NXX-XXXX", "5551234", 1),
        ("_1[]2", "12", 1),  # an empty set is skipped
        ("_abc", "abc", 1),
        ("_abc", "ABC", 0),  # literal characters are case-sensitive
        ("100", "100", 1),
        ("1-0-0", "100", 1),
        ("100", "10", 0),
        ("100", "1000", 0),
        ("_X.", "_X.", 1),  # a pattern matches itself
    ],
)
def test_match(pattern: str, data: str, expected: int) -> None:
    assert extension_match(pattern, data) == expected


def test_missing_bracket_never_matches_and_logs() -> None:
    log = LogCollector()
    assert extension_match("_1[23", "12", log=log) == 0
    assert log.messages() == ["Wrong usage of [] in the extension"]


@pytest.mark.parametrize(
    ("pattern", "data", "canmatch", "matchmore"),
    [
        ("_X.", "1", 1, 1),
        ("_XX", "1", 1, 1),
        ("_XX", "12", 1, 0),
        ("_XX", "123", 0, 0),
        ("100", "10", 1, 1),
        ("100", "100", 1, 0),
        ("100", "", 1, 1),
        ("_9!", "9", 2, 2),
    ],
)
def test_canmatch_matchmore(pattern: str, data: str, canmatch: int, matchmore: int) -> None:
    assert extension_match(pattern, data, MatchMode.CANMATCH) == canmatch
    assert extension_match(pattern, data, MatchMode.MATCHMORE) == matchmore


def test_documented_sort_order() -> None:
    patterns = ["_6XX1", "_64XX", "_640X", "_6.", "_64NX", "_6[45]NX", "_6[34]NX"]
    assert sorted(patterns, key=sort_key) == [
        "_640X",
        "_64NX",
        "_64XX",
        "_6[34]NX",
        "_6[45]NX",
        "_6XX1",
        "_6.",
    ]


def test_literals_before_patterns_and_ascii_order() -> None:
    extens = ["_X.", "s", "1-00", "_1XX", "100", "h", "99", "_[45]", "_N", "_Z", "_!", "_."]
    assert sorted(extens, key=sort_key) == [
        "1-00",  # equal to "100" once dashes are ignored: stable order
        "100",
        "99",
        "h",
        "s",
        "_1XX",  # a literal first position beats any set
        "_[45]",
        "_N",
        "_Z",
        "_X.",
        "_.",
        "_!",
    ]


def test_end_of_pattern_sorts_after_wildcards() -> None:
    assert sorted(["_1", "_1!", "_1.", "_1X"], key=sort_key) == ["_1X", "_1.", "_1!", "_1"]


def test_sets_of_equal_size_lower_characters_first() -> None:
    assert sorted(["_[46]", "_[05]", "_[13]"], key=sort_key) == ["_[05]", "_[13]", "_[46]"]


def test_cid_match() -> None:
    assert cid_matches("_101", "101")
    assert not cid_matches("_101", "102")
    assert cid_matches("", None)
    assert cid_matches("", "")
    assert not cid_matches("", "101")
    assert not cid_matches("101", None)
