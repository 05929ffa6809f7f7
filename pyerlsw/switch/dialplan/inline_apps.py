"""Applications an XML dialplan runs while hunting (``inline="true"``).

FreeSWITCH runs inline actions at once, during the hunt, so later conditions of the same
hunt see their effect; only applications flagged as safe during routing may run so.
When the channel implements :class:`~pyerlsw.switch.dialplan.base.InlineExecutor`, the
engine asks it (so the core fires CHANNEL_EXECUTE events and may run any routing-safe
application). Otherwise these built-ins, which only touch channel variables and logs
through :class:`~pyerlsw.switch.dialplan.base.HuntTarget`, are used:

``set`` (``name=value``; an empty value unsets), ``unset`` (``name``), ``multiset``
(``name=value`` pairs separated by spaces, or by ``X`` after a leading ``^^X``),
``export`` (``set`` plus ``export_vars``; ``nolocal:name=value`` only exports),
``log`` (``LEVEL message``), ``eval`` (nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from pyerlsw.switch.dialplan.base import HuntTarget
from pyerlsw.switch.dialplan.strings import separate_string

__all__ = ["BUILTIN_INLINE_APPS", "InlineApp"]

InlineApp = Callable[[HuntTarget, str], None]
"""A built-in inline application: ``(target, expanded data)``."""

_LOG_LEVELS = {
    "console": "CONSOLE",
    "alert": "ALERT",
    "crit": "CRIT",
    "err": "ERR",
    "error": "ERR",
    "warning": "WARNING",
    "notice": "NOTICE",
    "info": "INFO",
    "debug": "DEBUG",
}


def _set(target: HuntTarget, data: str) -> None:
    name, _, value = data.partition("=")
    name = name.strip()
    if not name:
        target.log("ERR", "set: no variable name given")
        return
    target.set_variable(name, value or None)


def _unset(target: HuntTarget, data: str) -> None:
    name = data.strip()
    if name:
        target.set_variable(name, None)


def _multiset(target: HuntTarget, data: str) -> None:
    for item in separate_string(data, " ", max_tokens=256):
        _set(target, item)


def _export(target: HuntTarget, data: str) -> None:
    local = True
    if data.startswith("nolocal:"):
        local, data = False, data[len("nolocal:") :]
    name, _, value = data.partition("=")
    name = name.strip()
    if not name:
        target.log("ERR", "export: no variable name given")
        return
    if local:
        target.set_variable(name, value or None)
    exported = [n for n in (target.get_variable("export_vars") or "").split(",") if n]
    if name not in exported:
        exported.append(name)
        target.set_variable("export_vars", ",".join(exported))


def _log(target: HuntTarget, data: str) -> None:
    word, _, rest = data.partition(" ")
    level = _LOG_LEVELS.get(word.lower())
    if level is None:
        target.log("DEBUG", data)
    else:
        target.log(level, rest)


def _eval(target: HuntTarget, data: str) -> None:
    del target, data


BUILTIN_INLINE_APPS: Mapping[str, InlineApp] = MappingProxyType(
    {
        "set": _set,
        "unset": _unset,
        "multiset": _multiset,
        "export": _export,
        "log": _log,
        "eval": _eval,
    }
)
