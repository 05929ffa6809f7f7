"""Log records produced by the Asterisk layer.

Every module here reports problems the way Asterisk does (a level and an exact message
text) but never through a global logger: each entry point takes a ``log`` callable
(a :data:`LogSink`) and calls it with a :class:`LogRecord`. The interpreter later routes
these records to the switch's log/event machinery; tests collect them with
:class:`LogCollector`.

Levels are Asterisk's names: ``DEBUG``, ``VERBOSE`` (with :attr:`LogRecord.verbosity`
1-4), ``NOTICE``, ``WARNING`` and ``ERROR``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

__all__ = [
    "DEBUG",
    "ERROR",
    "NOTICE",
    "VERBOSE",
    "WARNING",
    "LogCollector",
    "LogRecord",
    "LogSink",
    "null_sink",
]

DEBUG: Final = "DEBUG"
VERBOSE: Final = "VERBOSE"
NOTICE: Final = "NOTICE"
WARNING: Final = "WARNING"
ERROR: Final = "ERROR"


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One log line: ``level`` and the exact Asterisk ``message`` (no trailing newline).

    ``file``/``line`` locate the configuration line a parse problem came from (they are
    also part of the message text where Asterisk prints them); ``verbosity`` is the
    verbose level (0-4) of ``VERBOSE`` records; ``function`` replaces the C function
    name of the log line when Asterisk puts something else there (``Log()``'s
    ``@ <context>``).
    """

    level: str
    message: str
    file: str | None = None
    line: int | None = None
    verbosity: int = 0
    function: str | None = None


LogSink = Callable[[LogRecord], None]
"""Where records go. Must not raise."""


def null_sink(record: LogRecord) -> None:
    """A sink that drops everything (the default of every entry point)."""
    del record


class LogCollector:
    """A sink that keeps records in a list (tests, and callers that batch records)."""

    def __init__(self) -> None:
        self.records: list[LogRecord] = []

    def __call__(self, record: LogRecord) -> None:
        self.records.append(record)

    def __iter__(self) -> Iterator[LogRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def messages(self, level: str | None = None) -> list[str]:
        """The message texts, optionally only those of one level."""
        return [r.message for r in self.records if level is None or r.level == level]

    def clear(self) -> None:
        self.records.clear()
