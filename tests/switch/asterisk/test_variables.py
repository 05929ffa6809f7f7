from __future__ import annotations

from pyerlsw.switch.asterisk.diagnostics import LogCollector
from pyerlsw.switch.asterisk.variables import base_name, inherited_variables, parse_set


def test_base_name() -> None:
    assert [base_name(n) for n in ("X", "_X", "__X", "___X")] == ["X", "X", "X", "_X"]


def test_inheritance() -> None:
    assert inherited_variables([("A", "1"), ("_B", "2"), ("__C", "3")]) == [
        ("B", "2"),
        ("__C", "3"),
    ]


def test_parse_set() -> None:
    log = LogCollector()
    a = parse_set("DEVICE=SIP/0004f2040001,30 x")
    assert a is not None and (a.name, a.value, a.is_function) == (
        "DEVICE",
        "SIP/0004f2040001,30 x",
        False,
    )
    f = parse_set("CALLERID(num)=123")
    assert f is not None and f.is_function
    assert parse_set("A=") is not None
    assert parse_set("novalue", log) is None
    assert parse_set("A B=1", log) is not None
    assert log.messages() == [
        "Set requires an '=' to be a valid assignment.",
        "Please avoid unnecessary spaces on variables as it may lead to unexpected results "
        "('A B' set to '1').",
    ]
