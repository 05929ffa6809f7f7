from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pyerlsw.switch.asterisk.astdb import AstDB
from pyerlsw.switch.asterisk.functions import (
    DialplanFunction,
    FunctionRegistry,
    check_condition,
    gosub_arg_variables,
    split_function_call,
)

from .support import DictChannel


@pytest.fixture
def db(tmp_path: Path) -> Iterator[AstDB]:
    with AstDB(tmp_path / "astdb.sqlite3") as database:
        yield database


@pytest.mark.parametrize(
    ("text", "truth"),
    [
        ("", False),
        (None, False),
        ("0", False),
        ("1", True),
        (" 1", True),
        ("0.5", False),
        ("-1", True),
        ("00", False),
        ("abc", True),
        ("0abc", False),
        ("-", True),
        ("4294967296", False),  # C int conversion of an out-of-range value
    ],
)
def test_check_condition(text: str | None, truth: bool) -> None:
    assert check_condition(text) is truth


def test_isnull_exists_len() -> None:
    chan = DictChannel({"E": "", "V": "x"})
    assert chan.sub("${ISNULL(${E})}${ISNULL(${V})}${EXISTS(${E})}${EXISTS(${V})}") == "1001"
    assert chan.sub("${LEN()}|${LEN(a, b)}") == "0|4"


@pytest.mark.parametrize(
    ("call", "result"),
    [
        ("IF(1?yes:no)", "yes"),
        ("IF(0?yes:no)", "no"),
        ("IF( 1 ? yes : no )", "yes"),
        ("IF(1?yes)", "yes"),
        ("IF(0?yes)", ""),
        ("IF(0?:no)", "no"),
        ("IF(abc?a:b:c)", "a"),
        ("IF(0?a:b:c)", "b:c"),
        ("IF(1?(a:b):c)", "(a:b)"),
    ],
)
def test_if(call: str, result: str) -> None:
    chan = DictChannel()
    assert chan.sub("${" + call + "}") == result


def test_if_syntax_errors() -> None:
    chan = DictChannel()
    assert chan.sub("${IF(1)}") == ""
    assert chan.records.messages() == [
        "Syntax IF(<expr>?[<true>][:<false>])  (expr must be non-null, and either <true> or "
        "<false> must be non-null)",
        "      In this case, <expr>='1', <true>='(null)', and <false>='(null)'",
    ]


def test_set_function() -> None:
    chan = DictChannel()
    assert chan.sub("${SET(A= b c )}") == "b c"
    assert chan.variables["A"] == "b c"
    assert chan.sub("${SET(nope)}") == ""
    assert chan.records.messages() == ["Syntax SET(<varname>=[<value>])"]


def test_db_functions(db: AstDB) -> None:
    chan = DictChannel({"EXTEN": "201"}, astdb=db)
    assert chan.registry.write(chan, "DB(phones/201/device)", "SIP/0004f2040001")
    assert db.get("phones", "201/device") == "SIP/0004f2040001"
    assert chan.sub("${DB(phones/${EXTEN}/device)}") == "SIP/0004f2040001"
    assert chan.variables["DB_RESULT"] == "SIP/0004f2040001"
    chan.variables.pop("DB_RESULT")
    assert chan.sub("${DB(phones/none)}") == ""
    assert "DB_RESULT" not in chan.variables  # only set when found
    assert chan.sub("${DB_EXISTS(phones/201/device)}${DB_EXISTS(phones/x)}") == "10"
    assert chan.sub("${DB_KEYS(phones)}") == "201"
    assert chan.sub("${DB_DELETE(phones/201/device)}") == "SIP/0004f2040001"
    assert db.get("phones", "201/device") is None
    assert chan.sub("${DB_DELETE(phones/201/device)}") == ""
    assert chan.variables["DB_RESULT"] == ""


def test_db_argument_errors(db: AstDB) -> None:
    chan = DictChannel(astdb=db)
    assert chan.sub("${DB(nofamily)}${DB()}") == ""
    assert chan.records.messages() == [
        "DB requires an argument, DB(<family>/<key>)",
        "DB requires an argument, DB(<family>/<key>)",
    ]
    chan.records.clear()
    assert chan.registry.write(chan, "DB(fam//k/)", "v")
    assert chan.records.messages() == ["DB: key '/k/' seems malformed"]
    assert db.get("fam", "/k/") == "v"


def test_db_keys(db: AstDB) -> None:
    chan = DictChannel(astdb=db)
    for key in ("a/1", "a/2", "b", "c/x/y"):
        db.put("fam", key, "v")
    db.put("other", "z", "v")
    assert chan.sub("${DB_KEYS(fam)}") == "a,b,c"
    assert chan.sub("${DB_KEYS(/fam/a/)}") == "1,2"
    assert chan.sub("${DB_KEYS()}") == "fam,other"
    assert chan.sub("${DB_KEYS(none)}") == ""


def test_registry_errors_and_case() -> None:
    chan = DictChannel()
    chan.registry.register(DialplanFunction("WONLY", write=lambda c, n, a, v: True))
    assert chan.registry.read(chan, "WONLY(x)") is None
    assert not chan.registry.write(chan, "LEN(x)", "1")
    assert not chan.registry.write(chan, "NOPE(x)", "1")
    assert chan.records.messages() == [
        "Function WONLY cannot be read",
        "Function LEN cannot be written to",
        "Function NOPE not registered",
    ]
    loose = FunctionRegistry(case_sensitive=False)
    loose.register(DialplanFunction("LEN", lambda c, n, a: str(len(a))))
    assert loose.read(chan, "len(abc)") == "3"
    assert "Len" in loose and "nope" not in loose


def test_faulty_function_does_not_raise() -> None:
    chan = DictChannel()

    def boom(ctx: object, name: str, args: str) -> str:
        raise RuntimeError("bad")

    chan.registry.register(DialplanFunction("BOOM", boom))
    assert chan.sub("a${BOOM(1)}b") == "ab"
    assert chan.records.messages() == ["Function BOOM failed: RuntimeError('bad')"]


def test_split_function_call() -> None:
    assert split_function_call("F(a(b))") == ("F", "a(b)", None)
    assert split_function_call("F(a")[2] == "Can't find trailing parenthesis for function 'F(a'?"
    assert split_function_call("F")[2] == (
        "Function 'F' doesn't contain parentheses.  Assuming null argument."
    )


def test_gosub_arg_variables() -> None:
    assert gosub_arg_variables('a, "b",c\\,d') == [
        ("ARG1", "a"),
        ("ARG2", ' "b"'),
        ("ARG3", "c\\,d"),
        ("ARGC", "3"),
    ]
    assert gosub_arg_variables(None, outer_argc=2) == [("ARG1", ""), ("ARG2", ""), ("ARGC", "0")]
    many = gosub_arg_variables(",".join(str(i) for i in range(150)))
    assert many[-1] == ("ARGC", "100")
    assert many[99][1].startswith("99,100,")  # the last argument takes the rest
