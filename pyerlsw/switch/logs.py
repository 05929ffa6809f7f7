"""Log records: FreeSWITCH's levels and the line format the gateway forwards.

Levels are FreeSWITCH's (0 CONSOLE ... 7 DEBUG). A record keeps its parts (file,
function, line, text, channel uuid, time) so the gateway can build its seven-entry
``{log, [...]}`` tuple; :meth:`LogRecord.line` renders the console form
``YYYY-MM-DD HH:MM:SS.uuuuuu NN.NN% [LEVEL] file:N text``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["LEVEL_NAMES", "LEVEL_NUMBERS", "LogRecord", "parse_level"]

#: Number -> FreeSWITCH level name.
LEVEL_NAMES: MappingProxyType[int, str] = MappingProxyType(
    {
        0: "CONSOLE",
        1: "ALERT",
        2: "CRIT",
        3: "ERR",
        4: "WARNING",
        5: "NOTICE",
        6: "INFO",
        7: "DEBUG",
    }
)
#: Lower-case name -> number (``switch_log_str2level``; ``error`` is *not* a name).
LEVEL_NUMBERS: MappingProxyType[str, int] = MappingProxyType(
    {
        "console": 0,
        "alert": 1,
        "crit": 2,
        "err": 3,
        "warning": 4,
        "notice": 5,
        "info": 6,
        "debug": 7,
    }
)


def parse_level(text: str | int | None, default: int | None = None) -> int | None:
    """A level from a FreeSWITCH name (case-insensitive) or a number 0-7; ``default``
    for anything else."""
    if isinstance(text, int):
        return text if 0 <= text <= 7 else default
    if not text:
        return default
    text = text.strip()
    if text.isdigit():
        value = int(text)
        return value if 0 <= value <= 7 else default
    return LEVEL_NUMBERS.get(text.lower(), default)


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One log line.

    ``text`` is the message as logged (FreeSWITCH messages end with a newline; the core
    adds one when missing). ``uuid`` is the channel's UUID for channel logs, else None.
    ``timestamp`` is epoch seconds on the switch clock.
    """

    level: int
    file: str
    function: str
    line: int
    text: str
    uuid: str | None
    timestamp: float
    idle_cpu: float = 100.0

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, "DEBUG")

    def line_text(self) -> str:
        """The console line: ``2024-05-14 08:23:45.123456 100.00% [INFO] file.c:12 text``."""
        seconds = int(self.timestamp)
        micros = round((self.timestamp - seconds) * 1_000_000)
        if micros >= 1_000_000:
            seconds += 1
            micros -= 1_000_000
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))
        return (
            f"{stamp}.{micros:06d} {self.idle_cpu:.2f}% [{self.level_name}] "
            f"{self.file}:{self.line} {self.text}"
        )
