from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyerlsw.switch.asterisk.diagnostics import ERROR
from pyerlsw.switch.asterisk.functions import DialplanFunction
from pyerlsw.switch.asterisk.substitution import (
    Substituter,
    SubstitutionLimits,
    parse_variable_name,
    separate_args,
    substring,
)

from .support import DictChannel


@pytest.fixture
def chan() -> DictChannel:
    return DictChannel(
        {"NUMBER": "98765", "X": "NUMBER", "EXTEN": "201", "A": "1", "EMPTY": "", "Y": "X"}
    )


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("${NUMBER}", "98765"),
        ("${NUMBER:2}", "765"),
        ("${NUMBER:-2}", "65"),
        ("${NUMBER:0:3}", "987"),
        ("${NUMBER:1:3}", "876"),
        ("${NUMBER:-3:2}", "76"),
        ("${NUMBER:1:-1}", "876"),
        ("${NUMBER:-10}", "98765"),
        ("${NUMBER:10}", ""),
        ("${NUMBER:2:-5}", ""),
        ("${NUMBER::2}", "98765"),  # sscanf stops at the empty offset
        ("${NUMBER:x:2}", "98765"),
        ("${${X}}", "98765"),
        ("${${${Y}}}", "98765"),
        ("${${X}:1:1}", "8"),
        ("${UNSET}", ""),
        ("a${UNSET}b", "ab"),
        ("$", "$"),
        ("a$b", "a$b"),
        ("$$${A}", "$$1"),
        ("cost: $5", "cost: $5"),
        ("$[${A} + 1]", "2"),
        ("$[$[1+1]*3]", "6"),
        ("${LEN(${NUMBER})}", "5"),
        ("${LEN(a,b)}", "3"),
        ("${ISNULL(${EMPTY})}", "1"),
        ("$[${ISNULL(${EMPTY})}]", "1"),
        ("${IF($[${A} = 1]?yes:no)}", "yes"),
        ("${IF($[${A} = 2]?yes:no)}", "no"),
        ("${LEN(${NUMBER}):1}", ""),
        ("${LEN(123456789012):1}", "2"),
        ("x${EXTEN}y${A}z", "x201y1z"),
    ],
)
def test_substitute(chan: DictChannel, text: str, result: str) -> None:
    assert chan.sub(text) == result
    assert chan.records.messages() == []


def test_missing_brace_drops_the_last_character(chan: DictChannel) -> None:
    chan.variables["NUMBE"] = "found"
    assert chan.sub("a${NUMBER") == "afound"
    assert chan.records.messages() == ["Error in extension logic (missing '}')"]


def test_missing_bracket(chan: DictChannel) -> None:
    # like Asterisk, the unterminated reference loses its last character: "1+"
    assert chan.sub("$[1+1") == "0"
    messages = chan.records.messages()
    assert messages[0] == "Error in extension logic (missing ']')"
    assert messages[1].startswith("ast_yyerror():  syntax error: syntax error, unexpected $end")


def test_unknown_function(chan: DictChannel) -> None:
    assert chan.sub("[${NOPE(1)}]") == "[]"
    assert chan.records.messages() == ["Function NOPE not registered"]


def test_function_names_are_case_sensitive(chan: DictChannel) -> None:
    assert chan.sub("${len(abc)}") == ""
    assert chan.records.messages() == ["Function len not registered"]


def test_recursion_limit(chan: DictChannel) -> None:
    def evil_read(ctx: object, name: str, args: str) -> str | None:
        return chan.sub("${EVIL()}")

    chan.registry.register(DialplanFunction("EVIL", evil_read))
    assert chan.sub("${EVIL()}") == ""
    errors = [r.message for r in chan.records if r.level == ERROR]
    assert errors == [
        "Exceeded maximum variable substitution recursion depth (15) - possible infinite "
        "recursion in dialplan?"
    ]


def test_value_and_output_limits() -> None:
    chan = DictChannel({"BIG": "x" * 10000})
    chan.substituter = Substituter(
        chan, limits=SubstitutionLimits(max_value=100, max_output=150), log=chan.records
    )
    assert len(chan.sub("${BIG}")) == 100
    assert len(chan.sub("${BIG}${BIG}")) == 150
    assert len(chan.sub("y" * 1000)) == 150


def test_app_data_verbatim_without_references(chan: DictChannel) -> None:
    assert chan.substituter.app_data("a$b") == "a$b"
    assert chan.substituter.app_data("${A}") == "1"


def test_parse_variable_name() -> None:
    assert parse_variable_name("VAR") == ("VAR", 0, 2**31 - 1, False)
    assert parse_variable_name("VAR:1:2") == ("VAR", 1, 2, False)
    assert parse_variable_name("F(a:b):-1") == ("F(a:b)", -1, 2**31 - 1, True)


def test_substring_cases() -> None:
    assert substring("98765", -3, 2) == "76"
    assert substring("98765", 0, 0) == ""
    assert substring("", 0, 5) == ""


@pytest.mark.parametrize(
    ("text", "kwargs", "result"),
    [
        ("a,b,c", {}, ["a", "b", "c"]),
        ("a,b,c", {"max_args": 2}, ["a", "b,c"]),
        ("a\\,b,c", {}, ["a,b", "c"]),
        ('"c,d",e', {}, ["c,d", "e"]),
        ("f(g,h),i", {}, ["f(g,h)", "i"]),
        ("[j,k],l", {}, ["[j,k]", "l"]),
        ("a,", {}, ["a", ""]),
        (",", {}, ["", ""]),
        ("", {}, []),
        ("0, hi", {"max_args": 2}, ["0", " hi"]),
        ("0,a\\,b", {"max_args": 2}, ["0", "a\\,b"]),  # the rest is taken raw
        ('"a",\\b', {"remove_chars": False}, ['"a"', "\\b"]),
        ("x?y:z", {"delim": "?"}, ["x", "y:z"]),
    ],
)
def test_separate_args(text: str, kwargs: dict[str, object], result: list[str]) -> None:
    assert separate_args(text, **kwargs) == result  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('${}[]:()-ab1,\\"')), max_size=40))
def test_substitution_never_raises(text: str) -> None:
    chan = DictChannel({"a": "v", "b": "${a}"})
    assert isinstance(chan.sub(text), str)
    assert isinstance(separate_args(text), list)


def test_unknown_function_inside_expression_logs_once(chan: DictChannel) -> None:
    assert chan.sub("$[NOPE(1) + 1]") == "1"
    assert chan.records.messages() == ["Error! 'NOPE' doesn't appear to be an available function!"]
    chan.records.clear()
    assert chan.sub("$[LEN(abc) * 2]") == "6"
    assert chan.records.messages() == []
