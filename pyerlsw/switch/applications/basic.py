"""Call-control and variable applications: answer, pre_answer, ring_ready, hangup, park,
set, unset, export, multiset, log, info, event, respond, sched_hangup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.causes import CAUSES, cause_from_sip, parse_cause
from pyerlsw.switch.events import event_type_name
from pyerlsw.switch.logs import LEVEL_NUMBERS

if TYPE_CHECKING:
    from pyerlsw.switch.applications import ApplicationRegistry
    from pyerlsw.switch.session import Session

__all__ = ["register"]


async def eval_app(session: Session, data: str) -> str | None:
    return None


async def answer(session: Session, data: str) -> str | None:
    session.channel.mark_answered()
    return None


async def pre_answer(session: Session, data: str) -> str | None:
    session.channel.mark_pre_answered()
    return None


async def ring_ready(session: Session, data: str) -> str | None:
    session.channel.mark_ring_ready()
    return None


async def hangup(session: Session, data: str) -> str | None:
    session.channel.hangup(parse_cause(data.strip() or None))
    return None


async def park(session: Session, data: str) -> str | None:
    await session.switch.applications.park(session)
    return None


def _set_one(session: Session, assignment: str, *, verb: str = "SET") -> None:
    name, _, value = assignment.partition("=")
    name = name.strip()
    if not name:
        session.log("ERR", f"No variable name specified in [{assignment}]\n")
        return
    session.channel.set_variable(name, value if value else None)
    session.log("DEBUG", f"{session.name} {verb} [{name}]=[{value if value else 'UNDEF'}]\n")


async def set_app(session: Session, data: str) -> str | None:
    if not data.strip():
        session.log("ERR", "No variable name specified.\n")
        return None
    _set_one(session, data)
    return None


async def unset(session: Session, data: str) -> str | None:
    name = data.strip()
    if name:
        session.channel.set_variable(name, None)
    return None


async def multiset(session: Session, data: str) -> str | None:
    text = data.strip()
    sep = " "
    if text.startswith("^^") and len(text) > 2:
        sep, text = text[2], text[3:]
    for item in text.split(sep):
        if item.strip():
            _set_one(session, item.strip())
    return None


def export_variable(session: Session, assignment: str) -> None:
    """``export``: set (unless ``nolocal:``) and add to ``export_vars``."""
    ch = session.channel
    name, _, value = assignment.partition("=")
    name = name.strip()
    if not name:
        session.log("ERR", f"No variable name specified in [{assignment}]\n")
        return
    key = name  # ``nolocal:x`` is kept under that name: only the B leg sees ``x``
    ch.set_variable(key, value or None)
    listed = [v for v in (ch.get_variable("export_vars") or "").split(",") if v]
    if key not in listed:
        listed.append(key)
        ch.set_variable("export_vars", ",".join(listed))
    session.log("DEBUG", f"EXPORT ({name}) [{key}]=[{value}]\n")


async def export(session: Session, data: str) -> str | None:
    if not data.strip():
        session.log("ERR", "No variable name specified.\n")
        return None
    export_variable(session, data.strip())
    return None


async def log_app(session: Session, data: str) -> str | None:
    text = data
    level = 7
    word, _, rest = data.partition(" ")
    if word.lower() in LEVEL_NUMBERS:
        level = LEVEL_NUMBERS[word.lower()]
        text = rest
    session.switch.log(level, text if text.endswith("\n") else text + "\n", uuid=session.uuid)
    return None


async def info(session: Session, data: str) -> str | None:
    level = LEVEL_NUMBERS.get(data.strip().lower(), 6)
    event = session.channel.make_event("CHANNEL_DATA")
    dump = event.serialize(encode=False)
    session.switch.log(level, f"CHANNEL_DATA:\n{dump}", uuid=session.uuid)
    return None


async def event(session: Session, data: str) -> str | None:
    name = "CHANNEL_APPLICATION"
    subclass: str | None = None
    headers: list[tuple[str, str]] = []
    text = data.strip()
    sep = ","
    if text.startswith("^^") and len(text) > 2:
        sep, text = text[2], text[3:]
    for item in text.split(sep):
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or not key:
            continue
        if key.lower() == "event-name":
            name = event_type_name(value) or name
        elif key.lower() == "event-subclass":
            subclass = value
        else:
            headers.append((key, value))
    if subclass is not None and name == "CHANNEL_APPLICATION":
        name = "CUSTOM"
    ev = session.channel.make_event(
        name,
        pre=tuple(headers),
        subclass=subclass,
        origin=("mod_dptools.c", "event_function", 1383),
    )
    session.switch.fire(ev)
    return None


async def respond(session: Session, data: str) -> str | None:
    word = data.strip().split(" ", 1)[0]
    try:
        code = int(word)
    except ValueError:
        session.log("ERR", f"respond: invalid response code [{data}]\n")
        return None
    ch = session.channel
    if code in (180, 181, 182):
        ch.mark_ring_ready()
    elif 100 < code < 200:
        ch.mark_pre_answered()
    elif 200 <= code < 300:
        ch.mark_answered()
    elif code >= 300:
        ch.set_variable("sip_hangup_disposition", f"send_refuse {code}")
        ch.hangup(cause_from_sip(code))
    return None


async def sched_hangup(session: Session, data: str) -> str | None:
    parts = data.split()
    if not parts:
        session.log("ERR", "sched_hangup: no time given\n")
        return None
    when = parts[0]
    cause = parse_cause(parts[1]) if len(parts) > 1 else CAUSES["ALLOTTED_TIMEOUT"]
    clock = session.switch.clock
    try:
        delay = float(when[1:]) if when.startswith("+") else float(when) - clock.now()
    except ValueError:
        session.log("ERR", f"sched_hangup: invalid time [{when}]\n")
        return None
    old = session.private.pop("sched_hangup", None)
    if old is not None:
        old.cancel()
    ch = session.channel

    def fire() -> None:
        if ch.ready:
            ch.hangup(cause)

    handle = clock.call_later(max(0.0, delay), fire)
    session.private["sched_hangup"] = handle
    session.hangup_hooks.append(_cancel_sched)
    return None


async def _cancel_sched(session: Session) -> None:
    handle = session.private.pop("sched_hangup", None)
    if handle is not None:
        handle.cancel()


def register(apps: ApplicationRegistry) -> None:
    """Register this module's applications."""
    apps.register("answer", answer, description="Answer the call")
    apps.register("pre_answer", pre_answer, description="Pre-Answer the call")
    apps.register("ring_ready", ring_ready, description="Indicate Ring_Ready")
    apps.register("hangup", hangup, syntax="[<cause>]", description="Hangup the call")
    apps.register("park", park, description="Park")
    apps.register(
        "set",
        set_app,
        syntax="<varname>=<value>",
        description="Set a channel variable",
        routing_safe=True,
    )
    apps.register(
        "unset",
        unset,
        syntax="<varname>",
        description="Unset a channel variable",
        routing_safe=True,
    )
    apps.register(
        "multiset",
        multiset,
        syntax="[^^]<delim><var>=<val> ...",
        description="Set many channel variables",
        routing_safe=True,
    )
    apps.register(
        "export",
        export,
        syntax="[nolocal:]<varname>=<value>",
        description="Set and export a channel variable for the B leg",
        routing_safe=True,
    )
    apps.register(
        "log",
        log_app,
        syntax="<log_level> <log_string>",
        description="Logs to the logger",
        routing_safe=True,
    )
    apps.register(
        "info", info, syntax="[<log_level>]", description="Display Call Info", routing_safe=True
    )
    apps.register(
        "event", event, syntax="<k>=<v>,...", description="Fire an event", routing_safe=True
    )
    apps.register(
        "eval", eval_app, syntax="<expression>", description="Do nothing", routing_safe=True
    )
    apps.register("respond", respond, syntax="<respond_data>", description="Send session respond")
    apps.register(
        "sched_hangup",
        sched_hangup,
        syntax="[+]<time> [<hangup_cause>]",
        description="Schedule a hangup in the future",
    )
