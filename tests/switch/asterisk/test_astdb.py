from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pyerlsw.switch.asterisk.astdb import AstDB, AstDBError, AstDBLimits, database_command
from pyerlsw.switch.asterisk.diagnostics import LogCollector


@pytest.fixture
def db(tmp_path: Path) -> Iterator[AstDB]:
    with AstDB(tmp_path / "astdb.sqlite3") as database:
        yield database


def test_documented_cli_session(db: AstDB) -> None:
    assert database_command(db, "put phones 201/device SIP/0004f2040001") == (
        "Updated database successfully\n"
    )
    assert database_command(db, "show phones") == (
        "/phones/201/device                                : SIP/0004f2040001         \n"
        "1 results found.\n"
    )
    assert database_command(db, ["get", "phones", "201/device"]) == "Value: SIP/0004f2040001\n"


def test_show_layout_and_sorting(db: AstDB) -> None:
    db.put("b", "k", "v")
    db.put("a", "z", "x" * 30)
    db.put("a", "y", "")
    out = database_command(db, "show")
    assert out.splitlines() == [
        f"{'/a/y':<50}: {'':<25}",
        f"{'/a/z':<50}: {'x' * 30}",
        f"{'/b/k':<50}: {'v':<25}",
        "3 results found.",
    ]


def test_show_prefixes_use_like(db: AstDB) -> None:
    db.put("Phones", "201/device", "A")
    db.put("phones", "201/name", "B")
    db.put("phones", "2010/x", "C")
    db.put("phonesx", "k", "D")
    # LIKE is case-insensitive and matches the prefix and what lies under prefix/
    assert database_command(db, "show phones").endswith("3 results found.\n")
    assert database_command(db, "show phones 201").endswith("2 results found.\n")
    assert database_command(db, "show phones/201").endswith("2 results found.\n")
    assert database_command(db, "show nothing") == "0 results found.\n"


def test_showkey(db: AstDB) -> None:
    db.put("a", "x/device", "1")
    db.put("b", "device", "2")
    db.put("c", "mydevice", "3")
    out = database_command(db, "showkey device")
    assert out.splitlines()[-1] == "2 results found."
    assert "/c/mydevice" not in out


def test_get_del_deltree(db: AstDB) -> None:
    db.put("f", "k", "v")
    assert database_command(db, "get f K") == "Database entry not found.\n"  # exact: case-sensitive
    assert database_command(db, "del f k") == "Database entry removed.\n"
    log = LogCollector()
    db.log = log
    assert database_command(db, "del f k") == "Database entry could not be removed.\n"
    assert log.messages() == ["AstDB key /f/k does not exist"]
    for key in ("t", "t/1", "t/2/3", "tx"):
        db.put("f", key, "v")
    assert database_command(db, "deltree f t") == "3 database entries removed.\n"
    assert database_command(db, "deltree f t") == "Database entries do not exist.\n"
    assert database_command(db, "deltree f") == "1 database entries removed.\n"


def test_usage_texts(db: AstDB) -> None:
    assert database_command(db, "put a b").startswith("Usage: database put <family> <key> <value>")
    assert database_command(db, "get a").startswith("Usage: database get")
    assert database_command(db, "del").startswith("Usage: database del")
    assert database_command(db, "deltree").startswith("Usage: database deltree")
    assert database_command(db, "show a b c").startswith("Usage: database show")
    assert database_command(db, "showkey").startswith("Usage: database showkey")
    assert database_command(db, "frob").startswith("No such command 'database frob'")


def test_quoted_values(db: AstDB) -> None:
    assert database_command(db, 'put f k "two words"') == "Updated database successfully\n"
    assert db.get("f", "k") == "two words"


def test_query(db: AstDB) -> None:
    db.put("f", "k", "v")
    out = database_command(db, 'query "SELECT key, value FROM astdb"')
    assert out == f"{'key':<5}: {'/f/k':<50}\n{'value':<5}: {'v':<50}\n\n"
    assert database_command(db, 'query "SELEKT"').startswith("Failed to run query")


def test_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "var" / "lib" / "astdb.sqlite3"
    with AstDB(path) as first:
        first.put("phones", "201/device", "SIP/x")
    with AstDB(path) as second:
        assert second.get("phones", "201/device") == "SIP/x"
        assert second.gettree("phones") == [("/phones/201/device", "SIP/x")]
    import sqlite3

    with sqlite3.connect(path) as raw:  # Asterisk's schema
        assert raw.execute("SELECT key, value FROM astdb").fetchall() == [
            ("/phones/201/device", "SIP/x")
        ]


def test_limits_and_errors(tmp_path: Path) -> None:
    log = LogCollector()
    with AstDB(":memory:", limits=AstDBLimits(max_value=3), log=log) as db:
        assert not db.put("f", "k", "toolong")
        assert db.put("f", "k", "ok")
        assert db.deltree(None, "x") == -1
    assert log.messages()[0].startswith("Couldn't execute statement")
    (tmp_path / "dir").mkdir()
    with pytest.raises(AstDBError):
        AstDB(tmp_path / "dir")


def test_durable_mode_and_bad_modes(tmp_path: Path) -> None:
    with AstDB(tmp_path / "full.sqlite3", journal_mode="delete", synchronous="full") as db:
        assert db.put("f", "k", "v")
    with pytest.raises(ValueError):
        AstDB(tmp_path / "x.sqlite3", synchronous="sometimes")
