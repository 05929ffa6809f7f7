"""InlineDialplan and FreeSWITCH's list splitting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyerlsw.switch.dialplan import Action, DialplanLimits, InlineDialplan, parse_inline
from pyerlsw.switch.dialplan.strings import atoi, is_true, separate_string
from tests.switch.dialplan.fakes import FakeTarget


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("answer", [Action("answer")]),
        ("answer,park", [Action("answer"), Action("park")]),
        (
            "set:a=b,answer,playback:/tmp/x.wav",
            [Action("set", "a=b"), Action("answer"), Action("playback", "/tmp/x.wav")],
        ),
        ("set:a=b:c", [Action("set", "a=b:c")]),
        ("m:^:set:a=1,2^bridge:sim/1", [Action("set", "a=1,2"), Action("bridge", "sim/1")]),
        ("^^;set:a=1,2;park", [Action("set", "a=1,2"), Action("park")]),
        ("set:'a=1,2',park", [Action("set", "a=1,2"), Action("park")]),
        (r"set:a=1\,2,park", [Action("set", "a=1,2"), Action("park")]),
        ("  answer ,  park  ", [Action("answer"), Action("park")]),
        ("answer,", [Action("answer")]),
    ],
)
def test_parse_inline(text, expected):
    assert parse_inline(text) == expected


async def test_args_win_over_the_destination_and_empty_is_no_route():
    engine = InlineDialplan()
    target = FakeTarget()
    assert await engine.hunt(target, "answer,park", "default", "") == [
        Action("answer"),
        Action("park"),
    ]
    assert await engine.hunt(target, "ignored", "default", "echo") == [Action("echo")]
    assert await engine.hunt(target, "", "default", "") is None


async def test_empty_application_names_are_dropped_with_a_warning():
    target = FakeTarget()
    assert await InlineDialplan().hunt(target, "answer,,:x,park", "", "") == [
        Action("answer"),
        Action("park"),
    ]
    assert target.lines("WARNING")


async def test_the_action_count_is_bounded_and_the_last_keeps_the_rest():
    engine = InlineDialplan(limits=DialplanLimits(max_inline_actions=3))
    actions = await engine.hunt(FakeTarget(), "a,b,c,d,e", "", "")
    assert actions == [Action("a"), Action("b"), Action("c,d,e")]
    many = ",".join(f"app{i}" for i in range(300))
    assert len(parse_inline(many)) == 128


@pytest.mark.parametrize(
    ("text", "separator", "expected"),
    [
        ("a,b", ",", ["a", "b"]),
        ("a,,b", ",", ["a", "", "b"]),
        ("", ",", []),
        (",", ",", [""]),
        ("'a,b',c", ",", ["a,b", "c"]),
        ("it's,fine", ",", ["it's", "fine"]),
        (r"a\nb,c\\d,e\'f", ",", ["a\nb", "c\\d", "e'f"]),
        (r"a\qb", ",", [r"a\qb"]),
        ("x=1  y='a b'   z=\\s", " ", ["x=1", "y=a b", "z= "]),
        ("  lead and trail  ", " ", ["lead", "and", "trail"]),
        ("^^|a|b,c", ",", ["a", "b,c"]),
        ("^^|", ",", ["^^|"]),
        ("' padded ' ,x", ",", [" padded ", "x"]),
    ],
)
def test_separate_string(text, separator, expected):
    assert separate_string(text, separator) == expected


@given(st.text(alphabet=st.sampled_from(list("ab ,:'\\^;m\"")), max_size=40))
def test_splitting_never_fails_and_stays_bounded(text):
    assert len(separate_string(text, ",", 5)) <= 5
    assert len(separate_string(text, " ", 5)) <= 5
    assert len(parse_inline(text, 7)) <= 7


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("yes", True),
        ("on", True),
        ("t", True),
        ("enabled", True),
        ("active", True),
        ("allow", True),
        ("1", True),
        ("42", True),
        ("0", False),
        ("false", False),
        ("", False),
        (None, False),
        ("nope", False),
    ],
)
def test_is_true(value, expected):
    assert is_true(value) is expected


def test_atoi():
    assert atoi("12abc") == 12
    assert atoi("  -3") == -3
    assert atoi("x") == 0
    assert atoi(None) == 0
