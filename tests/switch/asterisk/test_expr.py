from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyerlsw.switch.asterisk.diagnostics import LogCollector
from pyerlsw.switch.asterisk.ere import translate_ere
from pyerlsw.switch.asterisk.expr import ExprLimits, evaluate
from pyerlsw.switch.asterisk.exprnum import format_number


@pytest.mark.parametrize(
    ("expr", "result"),
    [
        # arithmetic and formatting (%.18Lg)
        (" 1 + 2 ", "3"),
        ("2+8/2", "6"),
        ("3/2", "1.5"),
        ("4/2", "2"),
        ("1/3", "0.333333333333333333"),
        ("2/3", "0.666666666666666667"),
        ("10 % 3", "1"),
        ("-10 % 3", "-1"),
        ("7.5 % 2", "1.5"),
        ("2 * 3 + 4", "10"),
        ("2 * (3 + 4)", "14"),
        ("2 - 3 - 4", "-5"),
        ("16 / 4 / 2", "2"),
        ("1000000000000000000000 * 10", "1e+22"),
        ("0.00001 * 1", "1e-05"),
        ("- 2 : 1", "-0"),  # unary minus binds looser than ':'
        ("-5 * 2", "-10"),
        # tokens keep their text until arithmetic touches them
        ("007", "007"),
        ("1.50", "1.50"),
        ('"abc"', '"abc"'),
        ("abc", "abc"),
        # comparisons: numeric when both are numbers, otherwise strings
        ("1=1", "1"),
        ("1 == 1.0", "1"),
        ("01 = 1", "1"),
        ("3 < 10", "1"),
        ('"3" < "10"', "0"),
        ("abc < abd", "1"),
        ("abc != abc", "0"),
        ('"abc" = abc', "0"),  # quotes are part of the value
        ("2 >= 2", "1"),
        ("2 <= 1", "0"),
        ("1 + 1 = 2", "1"),  # '+' binds tighter than '='
        # logic
        ("1 | 0", "1"),
        ("0 | x", "x"),
        ("'' | x", "''"),
        ("1 & 2", "1"),
        ("1 & 0", "0"),
        ("abc & def", "abc"),
        ("!abc", "1"),
        ("!0", "1"),
        ("!1", "0"),
        ("!0.5", "1"),
        ("! 2 = 2", "0"),  # ! binds tighter than =: (!2) = 2 -> 0 = 2
        # conditional: a ? b :: c (lowest precedence, left associative)
        ("1 ? yes :: no", "yes"),
        ("0 ? yes :: no", "no"),
        ('"" ? yes :: no', "no"),
        ("abc ? yes :: no", "yes"),
        ("1 = 2 ? yes :: no", "no"),
        ("0 ? a :: 1 ? b :: c", "b"),
        ("1 ? 0 ? x :: y :: z", "y"),
        # regex
        ("abcdef : abc", "3"),
        ("xabc : abc", "0"),  # ':' is anchored at the start
        ('abc : "(b)"', ""),
        ('abcdef : "a(b.)"', "bc"),
        ("xabc =~ abc", "3"),
        ('xabc =~ "b(c)"', "c"),
        ('"12345" : "[0-9]+"', "5"),
        ('"a b" =~ "[[:space:]]"', "1"),
        ('"x" : "(y)"', ""),
        ("a ~~ b", "ab"),
        ('"a" ~~ (1+1)', "a2"),
        ('"a" ~~ 1+1', "1"),  # ~~ binds tighter: ("a1") + 1
        # functions
        ("SQRT(16)", "4"),
        ("SQRT(2)", "1.41421356237309505"),
        ("POW(2,10)", "1024"),
        ("FLOOR(2.5)", "2"),
        ("CEIL(2.1)", "3"),
        ("ROUND(2.5)", "3"),
        ("ROUND(-2.5)", "-3"),
        ("RINT(2.5)", "2"),
        ("TRUNC(-2.7)", "-2"),
        ("REMAINDER(7,4)", "-1"),
        ("EXP2(10)", "1024"),
        ("LOG10(1000)", "3"),
        ("COS(0)", "1"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_evaluate(expr: str, result: str) -> None:
    assert evaluate(expr) == result


@pytest.mark.parametrize(
    ("expr", "result", "warning"),
    [
        ("x + 1", "1", "non-numeric argument"),
        ("1 + x", "1", "non-numeric argument"),
        ("x - 1", "-1", "non-numeric argument"),
        ("x * 2", "0", "non-numeric argument"),
        ("5 / 0", "2147483647", "division by zero"),
        ("5 / x", "2147483647", "non-numeric argument"),
        ("5 % 0", "0", "div by zero"),
        ("SQRT(1,2)", "0", "Wrong args to SQRT() function"),
    ],
)
def test_warnings(expr: str, result: str, warning: str) -> None:
    log = LogCollector()
    assert evaluate(expr, log=log) == result
    assert log.messages()[0] == warning


@pytest.mark.parametrize(
    ("expr", "message", "caret"),
    [
        (" = 1", "syntax error, unexpected '=', expecting $end", " ^"),
        ("1 +", "syntax error, unexpected $end, expecting '-' or '!' or '(' or '<token>'", "  ^"),
        ("1 2", "syntax error, unexpected '<token>', expecting $end", "  ^"),
        ("(1", "syntax error, unexpected $end", " ^"),
        ("1 ? 2", "syntax error, unexpected $end", "    ^"),
    ],
)
def test_syntax_errors_give_zero_and_asterisk_message(expr: str, message: str, caret: str) -> None:
    log = LogCollector()
    assert evaluate(expr, log=log) == "0"
    assert log.messages()[0] == f"ast_yyerror():  syntax error: {message}; Input:\n{expr}\n{caret}"
    assert "docs.asterisk.org" in log.messages()[1]


def test_empty_variable_comparison_is_the_classic_syntax_error() -> None:
    # $[${EMPTY} = 1] becomes " = 1"
    assert evaluate(" = 1") == "0"


def test_dialplan_functions_inside_expressions() -> None:
    calls: list[tuple[str, str]] = []

    def functions(name: str, args: str) -> str | None:
        calls.append((name, args))
        return {"LEN": str(len(args)), "ECHO": args}.get(name)

    assert evaluate("LEN(abc) + 1", functions=functions) == "4"
    assert evaluate("ECHO(a,1+1)", functions=functions) == "a,2"
    assert evaluate("ECHO(x) = x", functions=functions) == "1"
    assert evaluate('ECHO("") = 0', functions=functions) == "0"  # "" is a string here
    assert calls[0] == ("LEN", "abc")
    log = LogCollector()
    assert evaluate("NOPE(1)", functions=functions, log=log) == "0"
    assert log.messages() == ["Error! 'NOPE' doesn't appear to be an available function!"]
    log.clear()
    assert evaluate("lower(1)", functions=functions, log=log) == "0"
    assert log.messages() == ["Error! 'lower' is not possibly a function name!"]


def test_empty_function_result_is_the_number_zero() -> None:
    assert evaluate("EMPTY(x) + 1", functions=lambda n, a: "") == "1"
    assert evaluate("EMPTY(x)", functions=lambda n, a: "") == "0"
    assert evaluate("EMPTY()", functions=lambda n, a: "") == "0"  # empty arglist: syntax error


def test_depth_limit() -> None:
    log = LogCollector()
    assert evaluate("(" * 50 + "1" + ")" * 50, limits=ExprLimits(max_depth=20), log=log) == "0"
    assert evaluate("(" * 50 + "1" + ")" * 50) == "1"
    assert evaluate("!" * 5000 + "1") in ("0", "1")


def test_format_number() -> None:
    assert format_number(Decimal("123456789012345678")) == "123456789012345678"
    assert format_number(Decimal("1234567890123456789")) == "1.23456789012345679e+18"
    assert format_number(Decimal("0.0001")) == "0.0001"
    assert format_number(Decimal("-2.50")) == "-2.5"
    assert format_number(Decimal("NaN")) == "nan"
    assert format_number(Decimal("-Infinity")) == "-inf"


def test_translate_ere() -> None:
    assert translate_ere("[[:digit:]]+") == "[0-9]+"
    assert translate_ere("[]a]") == "[\\]a]"
    assert translate_ere("a\\.b") == "a\\.b"
    assert translate_ere("*a") == "\\*a"
    with pytest.raises(ValueError):
        translate_ere("(?i)a")
    log = LogCollector()
    assert evaluate('a : "(?i)a"', log=log) == ""
    assert log.messages()[0].startswith("regcomp() error : ")


_expr_chars = st.sampled_from(
    [*"0123456789 abcXYZ.\"'$()[]{}?:|&=!<>+-*/%~,\\^#@_", "::", "=~", "~~", "${A}", "é"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_expr_chars, max_size=40).map("".join))
def test_never_raises(text: str) -> None:
    result = evaluate(text, functions=lambda name, args: args)
    assert isinstance(result, str)


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6))
def test_integer_arithmetic_matches_python(a: int, b: int) -> None:
    assert evaluate(f"{a} + {b}".replace("+ -", "- ")) == str(a + b)
    assert evaluate(f"{abs(a)} * {abs(b)}") == str(abs(a) * abs(b))
    assert evaluate(f"{a} < {b}".replace("-", "- ")) in ("0", "1")
