"""Core API commands: status, version, uptime, hostname, global_setvar, global_getvar,
eval, strftime, log, reloadxml, bgapi."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from pyerlsw.switch.logs import parse_level
from pyerlsw.switch.variables import expand

if TYPE_CHECKING:
    from pyerlsw.switch.api import ApiRegistry
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["format_uptime", "register"]


def _plural(value: int, unit: str) -> str:
    return f"{value} {unit}{'' if value == 1 else 's'}"


def format_uptime(micros: int) -> str:
    """``switch_core_measure_time`` as text: ``0 years, 0 days, ... 7 microseconds``."""
    mms = micros % 1000
    rest = micros // 1000
    ms = rest % 1000
    rest //= 1000
    sec = rest % 60
    rest //= 60
    minutes = rest % 60
    rest //= 60
    hours = rest % 24
    rest //= 24
    days = rest % 365
    years = rest // 365
    return ", ".join(
        (
            _plural(years, "year"),
            _plural(days, "day"),
            _plural(hours, "hour"),
            _plural(minutes, "minute"),
            _plural(sec, "second"),
            _plural(ms, "millisecond"),
            _plural(mms, "microsecond"),
        )
    )


async def status(switch: Switch, args: str, session: Session | None) -> str:
    stats = switch.stats
    stats.observe(switch.clock.monotonic(), len(switch.sessions))
    config = switch.config
    ready = "ready" if switch.running else "not ready"
    return (
        f"UP {format_uptime(switch.uptime_us())}\n"
        f"FreeSWITCH (Version {config.effective_version_full}) is {ready}\n"
        f"{stats.since_startup} session(s) since startup\n"
        f"{len(switch.sessions)} session(s) - peak {stats.peak}, last 5min {stats.peak_5min()} \n"
        f"{stats.last_sps()} session(s) per Sec out of max {config.sessions_per_second}, "
        f"peak {stats.peak_sps}, last 5min {stats.peak_sps_5min()} \n"
        f"{config.max_sessions} session(s) max\n"
        f"min idle cpu 0.00/{switch.idle_cpu:.2f}\n"
    )


async def version(switch: Switch, args: str, session: Session | None) -> str:
    config = switch.config
    if args.strip().lower() == "short":
        return f"{config.version}\n"
    return f"FreeSWITCH Version {config.effective_version_full} ({config.version_human})\n"


_UPTIME_UNITS = {
    "us": 1, "microseconds": 1,
    "ms": 1_000, "milliseconds": 1_000,
    "s": 1_000_000, "seconds": 1_000_000,
    "m": 60_000_000, "minutes": 60_000_000,
    "h": 3_600_000_000, "hours": 3_600_000_000,
    "d": 86_400_000_000, "days": 86_400_000_000,
}  # fmt: skip


async def uptime(switch: Switch, args: str, session: Session | None) -> str:
    unit = args.strip().lower() or "s"
    scale = _UPTIME_UNITS.get(unit)
    if scale is None:
        return "-USAGE: [us|ms|s|m|h|d|microseconds|milliseconds|seconds|minutes|hours|days]\n"
    return f"{switch.uptime_us() // scale}\n"


async def hostname(switch: Switch, args: str, session: Session | None) -> str:
    return switch.config.hostname


async def global_setvar(switch: Switch, args: str, session: Session | None) -> str:
    parts = args.strip().split("=", 2)
    if not args.strip() or not parts[0].strip():
        return "-USAGE: <var>=<value> [=<value2>]\n"
    name = parts[0].strip()
    value = parts[1].strip() if len(parts) > 1 else ""
    condition = parts[2].strip() if len(parts) > 2 else ""
    if condition:
        if switch.globals.get(name) == condition:
            switch.set_global(name, value or None)
    else:
        switch.set_global(name, value or None)
    return "+OK"


async def global_getvar(switch: Switch, args: str, session: Session | None) -> str:
    name = args.strip()
    if not name:
        return "".join(f"{key}={value}\n" for key, value in switch.globals.items())
    return switch.globals.get(name, "")


async def eval_api(switch: Switch, args: str, session: Session | None) -> str:
    text = args
    target: Session | None = None
    if text[:5].lower() == "uuid:":
        uuid, _, rest = text[5:].partition(" ")
        target = switch.session(uuid)
        text = rest
    if not text:
        return ""
    event = target.channel.make_event("CHANNEL_DATA") if target is not None else None

    def lookup(name: str) -> str | None:
        if event is not None:
            return event.get(name) or event.get(f"variable_{name}") or switch.globals.get(name)
        return switch.globals.get(name)

    return expand(text, lookup, switch.globals.get)


async def strftime_api(switch: Switch, args: str, session: Session | None) -> str:
    text = args
    when = switch.clock.now()
    if "|" in text:
        epoch, _, fmt = text.partition("|")
        try:
            when = float(int(epoch.strip() or "0"))
        except ValueError:
            when = 0.0
        fmt = fmt[1:]  # FreeSWITCH skips the first character here
    else:
        fmt = text
    if not fmt:
        fmt = "%Y-%m-%d %T"
    try:
        out = time.strftime(fmt, time.localtime(when))
    except (ValueError, OverflowError):
        out = ""
    return out[:79]


async def log_api(switch: Switch, args: str, session: Session | None) -> str:
    text = args.strip()
    if not text:
        return "-ERR\n"
    word, sep, rest = text.partition(" ")
    level = parse_level(word)
    if not sep:
        rest = text
    if level is None:
        level = 7
    switch.log(level, f"{rest}\n", file="mod_commands.c", function="log_function", line=5000)
    return "+OK\n"


async def reloadxml(switch: Switch, args: str, session: Session | None) -> str:
    message = switch.reload_xml()
    return f"+OK [{message}]\n"


async def bgapi(switch: Switch, args: str, session: Session | None) -> str:
    text = args.strip()
    if not text:
        return "-ERR Invalid syntax\n"
    command, _, rest = text.partition(" ")
    job = switch.bgapi(command, rest)
    return f"+OK Job-UUID: {job}\n"


def register(registry: ApiRegistry) -> None:
    """Register this module's commands."""
    registry.register("status", status, description="Show current status")
    registry.register("version", version, syntax="[short]", description="Version")
    registry.register("uptime", uptime, syntax="[us|ms|s|m|h|d]", description="Show uptime")
    registry.register("hostname", hostname, description="Return the system hostname")
    registry.register(
        "global_setvar",
        global_setvar,
        syntax="<var>=<value> [=<value2>]",
        description="Set global variable",
    )
    registry.register(
        "global_getvar", global_getvar, syntax="<var>", description="Get global variable"
    )
    registry.register(
        "eval", eval_api, syntax="[uuid:<uuid> ]<expression>", description="eval (noop)"
    )
    registry.register("strftime", strftime_api, syntax="<format_string>", description="strftime")
    registry.register("log", log_api, syntax="<level> <message>", description="Log")
    registry.register("reloadxml", reloadxml, description="Reload XML")
    registry.register(
        "bgapi", bgapi, syntax="<command>[ <arg>]", description="Execute an api command in a thread"
    )
