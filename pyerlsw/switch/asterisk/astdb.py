"""The Asterisk database (AstDB) on SQLite, and the ``database`` CLI command.

Storage follows Asterisk 10+ (``main/db.c``): one table ``astdb(key, value)`` whose keys
are ``/<family>/<key>``, in a real file that survives restarts (or ``":memory:"``).
Exact get/put/del are case-sensitive; prefix operations (``show``, ``deltree``,
``showkey``) use SQL ``LIKE`` exactly as Asterisk does, so they are case-insensitive for
ASCII and treat ``_``/``%`` in the prefix as wildcards (an Asterisk quirk, kept).

:func:`database_command` produces the exact text of the ``database ...`` CLI command
(``asterisk_dialplan.md`` section 11) for the ``api``/console layer.

Every write is committed at once. By default the file uses SQLite's WAL journal with
``synchronous=NORMAL``: a crash of the process loses nothing, a power failure may lose
the last commits (Asterisk itself commits only once a second); pass
``synchronous="FULL"`` for fsync on every write (about 40 times slower).

Limits: :attr:`AstDBLimits.max_key`/``max_value`` reject oversized entries
(Asterisk's columns are ``VARCHAR(256)`` but SQLite does not enforce that; we default
to generous 4096-character limits so a runaway dialplan cannot grow rows without
bound). One :class:`AstDB` per switch; it is not shared across threads.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyerlsw.switch.asterisk.diagnostics import WARNING, LogRecord, LogSink, null_sink

__all__ = ["AstDB", "AstDBError", "AstDBLimits", "database_command", "split_cli_args"]

_SCHEMA = "CREATE TABLE IF NOT EXISTS astdb(key VARCHAR(256), value VARCHAR(256), PRIMARY KEY(key))"
_TREE = "key || '/' LIKE ? || '/' || '%'"


class AstDBError(Exception):
    """The database file cannot be opened or used (a local error)."""


@dataclass(frozen=True, slots=True)
class AstDBLimits:
    max_key: int = 4096
    max_value: int = 4096


_JOURNAL_MODES = frozenset(("DELETE", "TRUNCATE", "PERSIST", "WAL", "MEMORY", "OFF"))
_SYNC_MODES = frozenset(("OFF", "NORMAL", "FULL", "EXTRA"))


class AstDB:
    """An AstDB on the SQLite file ``path`` (created with its directory if missing)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        log: LogSink = null_sink,
        limits: AstDBLimits | None = None,
        journal_mode: str = "WAL",
        synchronous: str = "NORMAL",
    ) -> None:
        self.path = str(path)
        self.log = log
        self.limits = limits or AstDBLimits()
        if journal_mode.upper() not in _JOURNAL_MODES or synchronous.upper() not in _SYNC_MODES:
            raise ValueError(
                f"bad SQLite modes: journal_mode={journal_mode} synchronous={synchronous}"
            )
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None)
            if self.path != ":memory:":
                self._db.execute(f"PRAGMA journal_mode={journal_mode.upper()}")
                self._db.execute(f"PRAGMA synchronous={synchronous.upper()}")
            self._db.execute(_SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise AstDBError(f"Unable to open Asterisk database '{self.path}': {exc}") from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> AstDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the ast_db_* API -------------------------------------------------

    def put(self, family: str, key: str, value: str) -> bool:
        """Insert or replace ``/family/key``; False on failure (logged)."""
        full = f"/{family}/{key}"
        if len(full) > self.limits.max_key or len(value) > self.limits.max_value:
            self.log(LogRecord(WARNING, f"Couldn't execute statement: entry too large ({full})"))
            return False
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO astdb (key, value) VALUES (?, ?)", (full, value)
            )
        except sqlite3.Error as exc:
            self.log(LogRecord(WARNING, f"Couldn't execute statement: {exc}"))
            return False
        return True

    def get(self, family: str, key: str) -> str | None:
        """The value of ``/family/key``, or None."""
        try:
            row = self._db.execute(
                "SELECT value FROM astdb WHERE key=?", (f"/{family}/{key}",)
            ).fetchone()
        except sqlite3.Error as exc:
            self.log(LogRecord(WARNING, f"Couldn't execute statement: {exc}"))
            return None
        return None if row is None else str(row[0])

    def delete(self, family: str, key: str) -> bool:
        """Delete ``/family/key``; False (with Asterisk's warning) when it did not exist."""
        full = f"/{family}/{key}"
        try:
            changes = self._db.execute("DELETE FROM astdb WHERE key=?", (full,)).rowcount
        except sqlite3.Error as exc:
            self.log(LogRecord(WARNING, f"Couldn't execute statement: {exc}"))
            return False
        if changes == 0:
            self.log(LogRecord(WARNING, f"AstDB key {full} does not exist"))
            return False
        return True

    @staticmethod
    def _prefix(family: str | None, keytree: str | None) -> str | None:
        if family:
            return f"/{family}/{keytree}" if keytree else f"/{family}"
        if keytree:
            return None
        return ""

    def deltree(self, family: str | None, keytree: str | None = None) -> int:
        """Delete ``/family[/keytree]`` and everything under it; the number removed,
        or -1 when the arguments are invalid (a keytree without a family) or on error."""
        prefix = self._prefix(family, keytree)
        if prefix is None:
            return -1
        try:
            if prefix:
                cur = self._db.execute(f"DELETE FROM astdb WHERE {_TREE}", (prefix,))
            else:
                cur = self._db.execute("DELETE FROM astdb")
        except sqlite3.Error as exc:
            self.log(LogRecord(WARNING, f"Couldn't execute statement: {exc}"))
            return -1
        return cur.rowcount

    def gettree(
        self, family: str | None = None, keytree: str | None = None
    ) -> list[tuple[str, str]]:
        """``(full key, value)`` pairs under the prefix, sorted by key (everything when
        both are empty)."""
        prefix = self._prefix(family, keytree)
        if prefix is None:
            return []
        return self.show_prefix(prefix)

    def show_prefix(self, prefix: str) -> list[tuple[str, str]]:
        """Entries whose key is ``prefix`` or lies under ``prefix/`` (SQL ``LIKE``)."""
        try:
            if prefix:
                rows = self._db.execute(
                    f"SELECT key, value FROM astdb WHERE {_TREE} ORDER BY key", (prefix,)
                ).fetchall()
            else:
                rows = self._db.execute("SELECT key, value FROM astdb ORDER BY key").fetchall()
        except sqlite3.Error as exc:
            self.log(LogRecord(WARNING, f"Couldn't execute statement: {exc}"))
            return []
        return [(str(k), str(v)) for k, v in rows]

    def show_key(self, keytree: str) -> list[tuple[str, str]]:
        """Entries whose key ends with ``/keytree``."""
        try:
            rows = self._db.execute(
                "SELECT key, value FROM astdb WHERE key LIKE '%' || '/' || ? ORDER BY key",
                (keytree,),
            ).fetchall()
        except sqlite3.Error as exc:
            self.log(LogRecord(WARNING, f"Couldn't execute statement: {exc}"))
            return []
        return [(str(k), str(v)) for k, v in rows]

    def keys(self, prefix: str) -> list[str]:
        """The distinct next-level key names under ``prefix`` (``DB_KEYS``)."""
        prefix = prefix.strip("/")
        if not prefix:
            entries = self.show_prefix("")
            skip = 1
        else:
            entries = [e for e in self.show_prefix(f"/{prefix}") if e[0] != f"/{prefix}"]
            skip = len(prefix) + 2
        names: list[str] = []
        for key, _value in entries:
            name = key[skip:].split("/", 1)[0]
            if not names or names[-1] != name:
                names.append(name)
        return names

    def query(self, sql: str) -> list[list[tuple[str, str]]]:
        """Run raw SQL (``database query``): rows of ``(column, text)``."""
        cur = self._db.execute(sql)
        columns = [d[0] for d in cur.description or ()]
        return [
            [(c, "" if v is None else str(v)) for c, v in zip(columns, row, strict=False)]
            for row in cur.fetchall()
        ]


# ---------------------------------------------------------------------------
# CLI

_USAGE = {
    "put": "Usage: database put <family> <key> <value>\n"
    "       Adds or updates an entry in the Asterisk database for\n"
    "       a given family, key, and value.\n",
    "get": "Usage: database get <family> <key>\n"
    "       Retrieves an entry in the Asterisk database for a given\n"
    "       family and key.\n",
    "del": "Usage: database del <family> <key>\n"
    "       Deletes an entry in the Asterisk database for a given\n"
    "       family and key.\n",
    "deltree": "Usage: database deltree <family> [keytree]\n"
    "   OR: database deltree <family>[/keytree]\n"
    "       Deletes a family or specific keytree within a family\n"
    "       in the Asterisk database.  The two arguments may be\n"
    "       separated by either a space or a slash.\n",
    "show": "Usage: database show [family [keytree]]\n"
    "   OR: database show [family[/keytree]]\n"
    "       Shows Asterisk database contents, optionally restricted\n"
    "       to a given family, or family and keytree. The two arguments\n"
    "       may be separated either by a space or by a slash.\n",
    "showkey": "Usage: database showkey <keytree>\n"
    "       Shows Asterisk database contents, restricted to a given key.\n",
    "query": 'Usage: database query "<SQL Statement>"\n'
    "       Run a user-specified SQL query on the database. Be careful.\n",
}


def split_cli_args(line: str) -> list[str]:
    """Split a CLI line into words: blanks separate, double quotes group (and are
    removed), a backslash makes the next character literal."""
    words: list[str] = []
    current: list[str] = []
    in_word = quoted = False
    i = 0
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line):
            current.append(line[i + 1])
            in_word = True
            i += 2
            continue
        if c == '"':
            quoted = not quoted
            in_word = True
        elif c in " \t" and not quoted:
            if in_word:
                words.append("".join(current))
                current = []
                in_word = False
        else:
            current.append(c)
            in_word = True
        i += 1
    if in_word:
        words.append("".join(current))
    return words


def _rows(entries: Sequence[tuple[str, str]]) -> str:
    lines = [f"{key:<50}: {value:<25}\n" for key, value in entries]
    return "".join(lines) + f"{len(entries)} results found.\n"


def database_command(db: AstDB, args: Sequence[str] | str) -> str:
    """The output of ``database <args>`` (``args`` as words, or the text after
    ``database``), exactly as Asterisk 16+ prints it."""
    words = split_cli_args(args) if isinstance(args, str) else list(args)
    argv = ["database", *words]
    argc = len(argv)
    sub = argv[1].lower() if argc > 1 else ""
    if sub == "put":
        if argc != 5:
            return _USAGE["put"]
        ok = db.put(argv[2], argv[3], argv[4])
        return "Updated database successfully\n" if ok else "Failed to update entry\n"
    if sub == "get":
        if argc != 4:
            return _USAGE["get"]
        value = db.get(argv[2], argv[3])
        return "Database entry not found.\n" if value is None else f"Value: {value}\n"
    if sub == "del":
        if argc != 4:
            return _USAGE["del"]
        ok = db.delete(argv[2], argv[3])
        return "Database entry removed.\n" if ok else "Database entry could not be removed.\n"
    if sub == "deltree":
        if argc not in (3, 4):
            return _USAGE["deltree"]
        removed = db.deltree(argv[2], argv[3] if argc == 4 else None)
        if removed < 0:
            return "Database unavailable.\n"
        if removed == 0:
            return "Database entries do not exist.\n"
        return f"{removed} database entries removed.\n"
    if sub == "show":
        if argc == 4:
            prefix = f"/{argv[2]}/{argv[3]}"
        elif argc == 3:
            prefix = f"/{argv[2]}"
        elif argc == 2:
            prefix = ""
        else:
            return _USAGE["show"]
        return _rows(db.show_prefix(prefix))
    if sub == "showkey":
        if argc != 3:
            return _USAGE["showkey"]
        return _rows(db.show_key(argv[2]))
    if sub == "query":
        if argc != 3:
            return _USAGE["query"]
        try:
            rows = db.query(argv[2])
        except sqlite3.Error as exc:
            return f"Failed to run query: {exc}\n"
        out: list[str] = []
        for row in rows:
            out.extend(f"{column:<5}: {value:<50}\n" for column, value in row)
            out.append("\n")
        return "".join(out)
    shown = " ".join(argv)
    return (
        f"No such command '{shown}' (type 'core show help {shown}' for other possible commands)\n"
    )
