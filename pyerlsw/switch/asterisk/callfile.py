"""Call files (``pbx/pbx_spool.c``): parsing and validation.

:func:`parse_call_file` reads the text of one spool file into a :class:`CallFile`
(``asterisk_dialplan.md`` section 9):

* one ``Key: value`` per line; the key is matched case-insensitively, ends at the first
  ``:`` and is not trimmed; leading blanks of the value are skipped, trailing blanks of
  the line trimmed;
* ``#`` starts a comment at the start of a line or after a blank; ``;`` starts one unless
  written ``\\;``;
* a line without ``:`` logs ``Syntax error at line %d of %s`` (NOTICE), an unknown key
  ``Unknown keyword '%s' at line %d of %s`` (WARNING), lines over 1023 characters are
  skipped;
* the retry bookkeeping Asterisk appends (``StartRetry``/``EndRetry``/``AbortRetry``/
  ``Retry``/``DelayedRetry``) is read back to count attempts.

``Codecs`` is parsed but only recorded (the core does not negotiate codecs). A file is
valid when it has a ``Channel`` with ``Tech/Dest`` and either ``Application`` or
``Extension`` (:attr:`CallFile.is_valid`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyerlsw.switch.asterisk.diagnostics import NOTICE, WARNING, LogRecord, LogSink, null_sink
from pyerlsw.switch.asterisk.strings import is_true, shrink_phone_number

__all__ = [
    "MAX_LINE_LENGTH",
    "CallFile",
    "parse_call_file",
    "split_callerid",
]

MAX_LINE_LENGTH = 1023
DEFAULT_RETRY_TIME = 300
DEFAULT_WAIT_TIME = 45

_SCANF_INT = re.compile(r"\s*([+-]?\d+)")
_PHONE_CHARS = frozenset("0123456789*#+")
_Note = Callable[[str, str, int], None]


@dataclass(frozen=True, slots=True)
class CallFile:
    """One parsed call file. ``variables`` are the ``Set:``/``SetVar:`` lines in order;
    ``retries`` counts the attempts already recorded in the file."""

    filename: str
    tech: str = ""
    dest: str = ""
    application: str = ""
    data: str = ""
    context: str = ""
    extension: str = ""
    priority: int = 1
    callerid_name: str = ""
    callerid_num: str = ""
    max_retries: int = 0
    retry_time: int = DEFAULT_RETRY_TIME
    wait_time: int = DEFAULT_WAIT_TIME
    account: str = ""
    variables: tuple[tuple[str, str], ...] = ()
    archive: bool = False
    always_delete: bool = True
    early_media: bool = False
    codecs: tuple[str, ...] = ()
    retries: int = 0
    calling_pid: int = 0

    @property
    def is_valid(self) -> bool:
        return bool(self.tech and self.dest and (self.application or self.extension))

    @property
    def channel(self) -> str:
        return f"{self.tech}/{self.dest}"


def _is_phone_number(text: str) -> bool:
    return bool(text) and all(c in _PHONE_CHARS for c in text)


def _strip_quoted(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1]
    return text


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def split_callerid(value: str) -> tuple[str, str]:
    """``ast_callerid_split``: ``"Name" <num>``, ``Name <num>`` or ``num`` to
    ``(name, number)``; the number is shrunk (blanks, dashes, parentheses removed)."""
    text = value.strip()
    instr = _strip_quoted(text)
    quotes_stripped = instr != text
    lt = instr.rfind("<")
    if lt >= 0:
        location = instr[lt + 1 :]
        gt = location.rfind(">")
        if gt >= 0:
            location = location[:gt]
        name = _unescape(_strip_quoted(instr[:lt]))
        return name, shrink_phone_number(location)
    shrunk = shrink_phone_number(instr)
    if not quotes_stripped and _is_phone_number(shrunk):
        return "", shrunk
    return _unescape(_strip_quoted(instr)), ""


def _strip_line_comments(line: str) -> str:
    for i, c in enumerate(line):
        if c == "#" and (i == 0 or line[i - 1] in " \t"):
            line = line[:i]
            break
    out: list[str] = []
    i = 0
    while i < len(line):
        c = line[i]
        if c == ";":
            if out and out[-1] == "\\":
                out[-1] = ";"
                i += 1
                continue
            break
        out.append(c)
        i += 1
    return "".join(out)


def _int_value(text: str) -> int | None:
    m = _SCANF_INT.match(text)
    return int(m.group(1)) if m else None


def parse_call_file(text: str, filename: str, log: LogSink = null_sink) -> CallFile:
    """Parse a call file's ``text``; ``filename`` is used in the log messages.

    Always returns a :class:`CallFile`; check :attr:`CallFile.is_valid`.
    """
    fields: dict[str, Any] = {}
    variables: list[tuple[str, str]] = []
    retries = 0
    calling_pid = 0

    def note(level: str, message: str, number: int) -> None:
        log(LogRecord(level, message, filename, number))

    for number, raw in enumerate(text.split("\n"), start=1):
        if len(raw.rstrip("\r")) > MAX_LINE_LENGTH:
            note(WARNING, f"Skipping extremely long line at line {number} of {filename}", number)
            continue
        line = _strip_line_comments(raw).rstrip()
        if not line:
            continue
        key, colon, value = line.partition(":")
        if not colon:
            note(NOTICE, f"Syntax error at line {number} of {filename}", number)
            continue
        value = value.lstrip()
        k = key.lower()
        if k == "channel":
            tech, slash, dest = value.partition("/")
            if slash:
                fields["tech"], fields["dest"] = tech, dest
            else:
                note(
                    NOTICE,
                    f"Channel should be in form Tech/Dest at line {number} of {filename}",
                    number,
                )
        elif k == "callerid":
            fields["callerid_name"], fields["callerid_num"] = split_callerid(value)
        elif k in ("application", "data", "context", "extension", "account"):
            fields[k] = value
        elif k in ("maxretries", "priority", "retrytime", "waittime"):
            parsed = _int_value(value)
            fields.update(_numeric_field(k, parsed, number, filename, note))
        elif k == "codecs":
            fields["codecs"] = tuple(c.strip() for c in value.split(",") if c.strip())
        elif k == "retry":
            retries += 1
        elif k == "startretry":
            parsed = _int_value(value)
            if parsed is None:
                note(WARNING, "Unable to retrieve calling PID!", number)
            calling_pid = parsed or 0
        elif k in ("endretry", "abortretry"):
            calling_pid = 0
            retries += 1
        elif k == "delayedretry":
            pass
        elif k in ("setvar", "set"):
            name, eq, val = value.partition("=")
            if eq:
                variables.append((name, val))
            else:
                note(
                    WARNING,
                    f'Malformed "{key}" argument.  Should be "{key}: variable=value"',
                    number,
                )
        elif k == "alwaysdelete":
            fields["always_delete"] = is_true(value)
        elif k == "archive":
            fields["archive"] = is_true(value)
        elif k == "early_media":
            fields["early_media"] = is_true(value)
        else:
            note(WARNING, f"Unknown keyword '{key}' at line {number} of {filename}", number)
    return CallFile(
        filename=filename,
        variables=tuple(variables),
        retries=retries,
        calling_pid=calling_pid,
        **fields,
    )


def _numeric_field(
    key: str, parsed: int | None, number: int, filename: str, note: _Note
) -> dict[str, int]:
    if key == "maxretries":
        if parsed is None:
            note(WARNING, f"Invalid max retries at line {number} of {filename}", number)
            return {"max_retries": 0}
        return {"max_retries": parsed}
    if key == "priority":
        if parsed is None or parsed < 1:
            note(WARNING, f"Invalid priority at line {number} of {filename}", number)
            return {"priority": 1}
        return {"priority": parsed}
    if key == "retrytime":
        if parsed is None or parsed < 1:
            note(WARNING, f"Invalid retrytime at line {number} of {filename}", number)
            return {"retry_time": DEFAULT_RETRY_TIME}
        return {"retry_time": parsed}
    if parsed is None or parsed < 1:
        note(WARNING, f"Invalid waittime at line {number} of {filename}", number)
        return {"wait_time": DEFAULT_WAIT_TIME}
    return {"wait_time": parsed}
