"""Variable-name rules of the dialplan (``asterisk_dialplan.md`` sections 4 and 7).

* inheritance prefixes: ``_NAME`` is copied without the underscore into channels this
  channel creates (one level), ``__NAME`` keeps its prefix (every generation); reading
  ``${NAME}`` finds ``_NAME`` and ``__NAME``; setting any form replaces the others;
* ``Set(name=value)`` splits at the first ``=``; the value keeps commas and blanks;
  a name ending in ``)`` is a function write; builtin variables cannot be set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyerlsw.switch.asterisk.diagnostics import WARNING, LogRecord, LogSink, null_sink

__all__ = [
    "BUILTIN_VARIABLES",
    "Assignment",
    "base_name",
    "inherited_variables",
    "parse_set",
]

BUILTIN_VARIABLES = frozenset(
    {
        "CALLINGPRES", "CALLINGANI2", "CALLINGTON", "CALLINGTNS", "CHANNEL", "CONTEXT",
        "EPOCH", "EXTEN", "ENTITYID", "HANGUPCAUSE", "HINT", "HINTNAME", "PRIORITY",
        "SYSTEMNAME", "UNIQUEID", "ASTETCDIR", "ASTMODDIR", "ASTVARLIBDIR", "ASTDBDIR",
        "ASTKEYDIR", "ASTDATADIR", "ASTAGIDIR", "ASTSPOOLDIR", "ASTRUNDIR", "ASTLOGDIR",
        "ASTSBINDIR",
    }
)  # fmt: skip
"""Computed by the PBX; they shadow channel variables of the same name (and are
case-sensitive: ``${exten}`` is an ordinary variable)."""


def base_name(name: str) -> str:
    """The name without its inheritance prefix (one or two underscores)."""
    if name.startswith("__"):
        return name[2:]
    if name.startswith("_"):
        return name[1:]
    return name


def inherited_variables(variables: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """What a new channel created by this one (Dial, Originate) receives, in order:
    ``_X`` becomes ``X``, ``__X`` stays ``__X``, the rest is not copied."""
    result: list[tuple[str, str]] = []
    for name, value in variables:
        if name.startswith("__"):
            result.append((name, value))
        elif name.startswith("_"):
            result.append((name[1:], value))
    return result


@dataclass(frozen=True, slots=True)
class Assignment:
    """One ``Set()``: ``name`` as written (prefix kept), ``value``, and whether the name
    is a function call (``CALLERID(num)``)."""

    name: str
    value: str

    @property
    def is_function(self) -> bool:
        return self.name.endswith(")")


def parse_set(data: str, log: LogSink = null_sink) -> Assignment | None:
    """Parse the data of ``Set(name=value)``; None (after Asterisk's warning) without
    ``=``. A blank in the name is warned about but kept, as Asterisk does."""
    name, eq, value = data.partition("=")
    if not eq:
        log(LogRecord(WARNING, "Set requires an '=' to be a valid assignment."))
        return None
    if " " in name:
        log(
            LogRecord(
                WARNING,
                "Please avoid unnecessary spaces on variables as it may lead to unexpected "
                f"results ('{name}' set to '{value}').",
            )
        )
    return Assignment(name, value)
