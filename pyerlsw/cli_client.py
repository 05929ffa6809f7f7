"""``pyerlsw cli``: run api commands on a running switch, like ``fs_cli -x``.

The client is a hidden Erlang node that speaks mod_erlang_event's ``{api, Cmd, Args}``
command (spec §4.2) to the switch node, so it works against pyerlsw and against a real
FreeSWITCH with mod_erlang_event alike. Replies ``{ok, Text}`` print as they are;
``{error, Text}`` (``-ERR ...``, ``Command not found``) print too and make the exit
status non-zero.

Without a command an interactive prompt opens, with line editing, a history file
(``~/.pyerlsw_cli_history``) and completion of command names.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pyerlsw.etf import Atom, to_str
from pyerlsw.gateway.config import ErlangEventConfig, resolve_cookie
from pyerlsw.node import Node
from pyerlsw.node.naming import short_hostname

__all__ = ["ApiReply", "CliClient", "CliError", "default_target", "interactive"]

HISTORY_FILE = "~/.pyerlsw_cli_history"
#: Completed at the prompt in addition to what ``show api`` reports.
KNOWN_COMMANDS = (
    "status", "version", "uptime", "hostname", "originate", "uuid_kill", "uuid_answer",
    "uuid_bridge", "uuid_transfer", "uuid_park", "uuid_setvar", "uuid_getvar",
    "uuid_exists", "uuid_dump", "show", "hupall", "global_setvar", "global_getvar",
    "eval", "strftime", "log", "reloadxml", "erlang", "core", "database", "local",
    "help", "exit", "quit",
)


class CliError(Exception):
    """The client could not reach the switch or got an answer it cannot read."""


@dataclass(frozen=True, slots=True)
class ApiReply:
    """One command's outcome: ``ok`` is False for ``{error, Text}``."""

    ok: bool
    text: str


def default_target() -> str:
    """``freeswitch@<short host>``: where ``pyerlsw run`` listens by default."""
    return f"freeswitch@{short_hostname()}"


def default_cookie() -> str:
    """The cookie ``pyerlsw run`` uses by default (``~/.erlang.cookie`` or ClueCon)."""
    return resolve_cookie(ErlangEventConfig.model_validate({})).cookie


class CliClient:
    """A connection to one switch node; use ``async with``."""

    def __init__(self, target: str, cookie: str, *, timeout: float = 30.0) -> None:
        if "@" not in target:
            target = f"{target}@{short_hostname()}"
        self.target = target
        self.timeout = timeout
        self._node = Node(f"pyerlsw_cli_{os.getpid()}_{secrets.token_hex(3)}",
                          cookie=cookie, hidden=True, listen_host="127.0.0.1")

    async def __aenter__(self) -> CliClient:
        await self._node.start()
        if not await self._node.connect(self.target):
            await self._node.close()
            raise CliError(f"cannot connect to {self.target} (is it running? same cookie?)")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._node.close()

    async def api(self, line: str) -> ApiReply:
        """Run ``line`` (``"command args..."``) and return the switch's reply."""
        command, _, args = line.strip().partition(" ")
        if not command:
            raise CliError("empty command")
        process = self._node.make_process()
        try:
            process.send((Atom("api"), Atom(self.target)),
                         (Atom("api"), Atom(command), args.strip().encode()))
            try:
                reply = await process.receive(timeout=self.timeout)
            except TimeoutError:
                raise CliError(f"no answer from {self.target} within {self.timeout:g} s") from None
        finally:
            process.exit()
        return _read_reply(reply)


def _read_reply(reply: object) -> ApiReply:
    if isinstance(reply, tuple) and len(reply) == 2 and reply[0] in (Atom("ok"), Atom("error")):
        try:
            text = to_str(reply[1])
        except (TypeError, ValueError):
            text = repr(reply[1])
        return ApiReply(reply[0] == Atom("ok"), text)
    raise CliError(f"unexpected reply: {reply!r}")


def _setup_readline(commands: Iterable[str]) -> None:
    try:
        import readline
    except ImportError:  # pragma: no cover - not on every platform
        return
    names = sorted(set(commands))

    def complete(text: str, state: int) -> str | None:
        matches = [n + " " for n in names if n.startswith(text)]
        return matches[state] if state < len(matches) else None

    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")
    history = Path(HISTORY_FILE).expanduser()
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    readline.set_history_length(1000)
    import atexit

    atexit.register(lambda: _save_history(readline, history))


def _save_history(readline: object, path: Path) -> None:
    with contextlib.suppress(OSError):
        readline.write_history_file(path)  # type: ignore[attr-defined]


async def interactive(client: CliClient) -> int:
    """A prompt until ``exit``/``quit``/EOF; returns 0."""
    commands = list(KNOWN_COMMANDS)
    with contextlib.suppress(CliError):
        listing = await client.api("show api")
        if listing.ok:
            commands += [line.split(",", 1)[0] for line in listing.text.splitlines()[1:]
                         if "," in line]
    _setup_readline(commands)
    prompt = f"{client.target}> "
    while True:
        try:
            line = await asyncio.to_thread(input, prompt)
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        line = line.strip()
        if not line:
            continue
        if line in ("exit", "quit", "/exit", "/quit", "..."):
            return 0
        try:
            reply = await client.api(line)
        except CliError as exc:
            print(f"-ERR {exc}")
            continue
        print(reply.text, end="" if reply.text.endswith("\n") else "\n")
