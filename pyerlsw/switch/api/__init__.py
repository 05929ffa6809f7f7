"""API commands (``switch.api("status")``): the registry and the result value.

A command is ``async def command(switch, args, session) -> str`` returning
FreeSWITCH's output text byte for byte (``+OK ...\\n``, ``-ERR ...\\n``,
``-USAGE: ...\\n`` or data). :class:`ApiResult` carries that text and whether the
command exists, because FreeSWITCH callers treat "not found" apart from output
(mod_erlang_event answers ``{error, "<cmd>: Command not found!\\n"}``; the text is in
:attr:`ApiResult.output` already).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = [
    "ApiCommand",
    "ApiFunction",
    "ApiRegistry",
    "ApiResult",
    "run_api",
    "run_background",
    "split_args",
]

_API_ORIGIN = ("switch_loadable_module.c", "switch_api_execute", 2966)

ApiFunction = Callable[["Switch", str, "Session | None"], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class ApiResult:
    """Output of one API call. ``found`` is False for unknown commands (the output is
    then ``"<cmd>: Command not found!\\n"``)."""

    output: str
    found: bool = True

    @property
    def ok(self) -> bool:
        """Found, and the output does not start with ``-`` (FreeSWITCH's error mark)."""
        return self.found and not self.output.startswith("-")

    def __str__(self) -> str:
        return self.output


@dataclass(frozen=True, slots=True)
class ApiCommand:
    name: str
    function: ApiFunction
    syntax: str = ""
    description: str = ""


class ApiRegistry:
    """API commands by name (case-insensitive), one registry per switch."""

    def __init__(self) -> None:
        self._commands: dict[str, ApiCommand] = {}

    def register(
        self, name: str, function: ApiFunction, *, syntax: str = "", description: str = ""
    ) -> None:
        """Add or replace command ``name``."""
        self._commands[name.lower()] = ApiCommand(name, function, syntax, description)

    def unregister(self, name: str) -> None:
        self._commands.pop(name.lower(), None)

    def get(self, name: str) -> ApiCommand | None:
        return self._commands.get(name.lower())

    def __iter__(self) -> Iterator[ApiCommand]:
        return iter(sorted(self._commands.values(), key=lambda c: c.name))


def split_args(text: str, limit: int = 0) -> list[str]:
    """Split on spaces like ``switch_separate_string``: quotes (``'``/``"``) group words
    and are removed, spaces inside ``{}``/``[]``/``<>`` do not split. With ``limit``,
    the last element keeps the rest of the text."""
    out: list[str] = []
    current: list[str] = []
    quote = ""
    depth = 0
    i = 0
    text = text.strip()
    while i < len(text):
        ch = text[i]
        if limit and len(out) == limit - 1:
            rest = text[i:].strip()
            if rest:
                out.append(rest)
            current = []
            break
        if quote:
            if ch == quote:
                quote = ""
            else:
                current.append(ch)
        elif ch in "'\"" and depth == 0:
            quote = ch
        elif ch in "{[<":
            depth += 1
            current.append(ch)
        elif ch in "}]>":
            depth = max(0, depth - 1)
            current.append(ch)
        elif ch == " " and depth == 0:
            if current:
                out.append("".join(current))
                current = []
        else:
            current.append(ch)
        i += 1
    if current:
        out.append("".join(current))
    return out


async def run_api(switch: Switch, command: str, args: str, session: Session | None) -> ApiResult:
    """``switch_api_execute``: strip, look up, fire API, run (see :meth:`Switch.api`)."""
    command = command.strip()
    args = (args or "").strip()
    if not args and " " in command:
        command, _, args = command.partition(" ")
        args = args.strip()
    entry = switch.api_commands.get(command)
    if entry is None:
        return ApiResult(f"{command}: Command not found!\n", found=False)
    pre: list[tuple[str, str]] = [("API-Command", command)]
    if args:
        pre.append(("API-Command-Argument", args))
    switch.fire(switch.new_event("API", pre=tuple(pre), origin=_API_ORIGIN))
    try:
        output = await entry.function(switch, args, session)
    except Exception as exc:
        switch.log_exception(exc, f"api {command} failed")
        output = f"-ERR {command} failed: {exc}\n"
    return ApiResult(output)


async def run_background(
    switch: Switch,
    command: str,
    args: str,
    job: str,
    *,
    on_done: Callable[[str, ApiResult], None] | None,
    job_successful_header: bool,
) -> None:
    """Run one background job and fire its BACKGROUND_JOB (see :meth:`Switch.bgapi`).

    ``job_successful_header`` picks the flavour: True is mod_erlang_event's job thread
    (a ``Job-Successful`` header, the body is the output as it is, none when empty);
    False is mod_commands' ``bgapi`` (no such header, empty output reported as
    ``Command returned no output!``)."""
    result = await switch.api(command, args)
    pre: list[tuple[str, str]] = [("Job-UUID", job), ("Job-Command", command)]
    if args.strip():
        pre.append(("Job-Command-Arg", args.strip()))
    if job_successful_header:
        pre.append(("Job-Successful", "true" if result.ok else "false"))
    switch.fire(
        switch.new_event(
            "BACKGROUND_JOB",
            pre=tuple(pre),
            body=result.output if job_successful_header
            else (result.output or "Command returned no output!"),
            origin=("mod_commands.c", "bgapi_exec", 0),
        )
    )
    if on_done is not None:
        on_done(job, result)
