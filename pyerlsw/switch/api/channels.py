"""Channel API commands: originate, uuid_kill, uuid_answer, uuid_bridge, uuid_transfer,
uuid_park, uuid_setvar, uuid_getvar, uuid_exists, uuid_dump, uuid_break, hupall."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.api import split_args
from pyerlsw.switch.bridge import uuid_bridge as bridge_uuids
from pyerlsw.switch.causes import CAUSES, cause_name, parse_cause
from pyerlsw.switch.dialplan.base import Action
from pyerlsw.switch.originate import originate as originate_call
from pyerlsw.switch.states import ChannelState
from pyerlsw.switch.variables import split_array

if TYPE_CHECKING:
    from pyerlsw.switch.api import ApiRegistry
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["ORIGINATE_SYNTAX", "register"]

NO_CHANNEL = "-ERR No such channel!\n"
ORIGINATE_SYNTAX = (
    "<call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] "
    "[<cid_name>] [<cid_num>] [<timeout_sec>]"
)


def parse_app_call(text: str) -> Action:
    """``&app(args)`` / ``app(args)`` / ``app`` -> Action."""
    text = text.lstrip("&")
    name, _, rest = text.partition("(")
    if rest.endswith(")"):
        rest = rest[:-1]
    return Action(name.strip(), rest)


async def originate(switch: Switch, args: str, session: Session | None) -> str:
    argv = split_args(args)
    if len(argv) < 2 or len(argv) > 7:
        return f"-USAGE: {ORIGINATE_SYNTAX}\n"
    slots: list[str | None] = [None if a.lower() == "undef" else a for a in argv]
    slots += [None] * (7 - len(slots))
    url, exten, dialplan, context, cid_name, cid_num, timeout_text = slots
    if url is None or exten is None:
        return f"-USAGE: {ORIGINATE_SYNTAX}\n"
    timeout: float | None = None
    if timeout_text:
        try:
            timeout = float(int(timeout_text)) or None
        except ValueError:
            timeout = None
    result = await originate_call(
        switch, url, timeout=timeout, cid_name=cid_name, cid_number=cid_num
    )
    leg = result.session
    if leg is None:
        return f"-ERR {cause_name(result.cause)}\n"
    if exten.startswith("&") and len(exten) > 1:
        leg.transfer_to_extension([parse_app_call(exten)])
    else:
        leg.transfer(exten, dialplan or "XML", context or "default")
    return f"+OK {leg.uuid}\n"


async def uuid_kill(switch: Switch, args: str, session: Session | None) -> str:
    uuid, _, cause_text = args.strip().partition(" ")
    if not uuid:
        return "-USAGE: <uuid> [cause]\n"
    target = switch.session(uuid)
    if target is None:
        return NO_CHANNEL
    target.channel.hangup(parse_cause(cause_text.strip() or None))
    return "+OK\n"


async def uuid_answer(switch: Switch, args: str, session: Session | None) -> str:
    uuid = args.strip().split(" ")[0]
    if not uuid:
        return "-USAGE: <uuid>\n"
    target = switch.session(uuid)
    if target is None:
        return NO_CHANNEL
    target.channel.mark_answered()
    return "+OK\n"


async def uuid_bridge(switch: Switch, args: str, session: Session | None) -> str:
    argv = args.split()
    if len(argv) < 2:
        return "-USAGE: <uuid> <other_uuid>\n"
    a = switch.session(argv[0])
    for other in argv[1:3]:
        b = switch.session(other)
        if a is not None and b is not None and bridge_uuids(a, b):
            return f"+OK {other}\n"
    return "-ERR Invalid uuid\n"


TRANSFER_SYNTAX = "<uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]"


async def uuid_transfer(switch: Switch, args: str, session: Session | None) -> str:
    argv = args.split()
    if len(argv) < 2 or len(argv) > 5:
        return f"-USAGE: {TRANSFER_SYNTAX}\n"
    target = switch.session(argv[0])
    if target is None:
        return NO_CHANNEL
    rest = argv[1:]
    flag = rest.pop(0).lower() if rest[0].startswith("-") else ""
    if not rest:
        return f"-USAGE: {TRANSFER_SYNTAX}\n"
    dest = rest[0]
    dialplan = rest[1] if len(rest) > 1 else None
    context = rest[2] if len(rest) > 2 else None
    partner_uuid = target.channel.get_variable("bridge_to") or target.channel.get_variable(
        "signal_bond"
    )
    partner = switch.session(partner_uuid) if partner_uuid else None
    if flag == "-bleg" and partner is not None:
        target = partner
    elif flag == "-both" and partner is not None:
        partner.transfer(dest, dialplan, context)
    return "+OK\n" if target.transfer(dest, dialplan, context) else "-ERR\n"


async def uuid_park(switch: Switch, args: str, session: Session | None) -> str:
    uuid = args.strip()
    if not uuid:
        return "-USAGE: <uuid>\n"
    target = switch.session(uuid)
    if target is None:
        return NO_CHANNEL
    target.channel.flags.discard("originating")
    target.channel.request_state(ChannelState.CS_PARK)
    return "+OK\n"


async def uuid_setvar(switch: Switch, args: str, session: Session | None) -> str:
    argv = split_args(args, 3)
    if len(argv) not in (2, 3) or not argv[0]:
        return "-USAGE: <uuid> <var> [value]\n"
    target = switch.session(argv[0])
    if target is None:
        return NO_CHANNEL
    if not argv[1]:
        return "-ERR No variable specified\n"
    target.channel.set_variable(argv[1], argv[2] if len(argv) == 3 else None)
    return "+OK\n"


async def uuid_getvar(switch: Switch, args: str, session: Session | None) -> str:
    argv = args.split()
    if len(argv) < 2 or not argv[0]:
        return "-USAGE: <uuid> <var>\n"
    target = switch.session(argv[0])
    if target is None:
        return NO_CHANNEL
    name = argv[1]
    index: int | None = None
    if name.endswith("]") and "[" in name:
        name, _, idx = name[:-1].partition("[")
        try:
            index = int(idx)
        except ValueError:
            index = None
    value = target.channel.get_variable(name)
    if value is not None and index is not None:
        items = split_array(value) or [value]
        value = items[index] if 0 <= index < len(items) else None
    return "_undef_" if value is None else value


async def uuid_exists(switch: Switch, args: str, session: Session | None) -> str:
    uuid = args.strip()
    return "true" if uuid and switch.session(uuid) is not None else "false"


async def uuid_dump(switch: Switch, args: str, session: Session | None) -> str:
    argv = args.split()
    if not argv:
        return "-USAGE: <uuid> [format]\n"
    target = switch.session(argv[0])
    if target is None:
        return NO_CHANNEL
    fmt = argv[1].lower() if len(argv) > 1 else "txt"
    event = target.channel.make_event("CHANNEL_DATA")
    if fmt == "xml":
        return event.to_xml()
    if fmt == "json":
        return event.to_json()
    return event.serialize(encode=fmt != "plain")


async def uuid_break(switch: Switch, args: str, session: Session | None) -> str:
    uuid = args.strip().split(" ")[0]
    if not uuid:
        return "-USAGE: <uuid> [all]\n"
    target = switch.session(uuid)
    if target is None:
        return "-ERR No such channel!\n"
    target.break_requested = True
    target.poke()
    return ""


async def hupall(switch: Switch, args: str, session: Session | None) -> str:
    argv = args.split()
    cause = CAUSES["MANAGER_REQUEST"]
    if argv:
        cause = parse_cause(argv[0])
        if cause == CAUSES["NONE"]:
            cause = CAUSES["MANAGER_REQUEST"]
    pairs = [(argv[i], argv[i + 1]) for i in range(1, len(argv) - 1, 2)]
    for target in list(switch.sessions.values()):
        ch = target.channel
        if all(ch.get_variable(var) == val for var, val in pairs):
            ch.hangup(cause)
    name = cause_name(cause)
    if not pairs:
        return f"+OK hangup all channels with cause {name}\n"
    var, val = pairs[0]
    more = "..." if len(pairs) > 1 else ""
    return f"+OK hangup all channels matching [{var}]=[{val}]{more} with cause: {name}\n"


def register(registry: ApiRegistry) -> None:
    """Register this module's commands."""
    registry.register(
        "originate", originate, syntax=ORIGINATE_SYNTAX, description="Originate a call"
    )
    registry.register("uuid_kill", uuid_kill, syntax="<uuid> [cause]", description="Kill channel")
    registry.register("uuid_answer", uuid_answer, syntax="<uuid>", description="answer")
    registry.register(
        "uuid_bridge", uuid_bridge, syntax="<uuid> <other_uuid>", description="Bridge call legs"
    )
    registry.register(
        "uuid_transfer", uuid_transfer, syntax=TRANSFER_SYNTAX, description="Transfer a session"
    )
    registry.register("uuid_park", uuid_park, syntax="<uuid>", description="Park channel")
    registry.register(
        "uuid_setvar", uuid_setvar, syntax="<uuid> <var> [value]", description="Set a variable"
    )
    registry.register(
        "uuid_getvar",
        uuid_getvar,
        syntax="<uuid> <var>",
        description="Get a variable from a channel",
    )
    registry.register(
        "uuid_exists", uuid_exists, syntax="<uuid>", description="Check if a uuid exists"
    )
    registry.register(
        "uuid_dump", uuid_dump, syntax="<uuid> [format]", description="Dump session vars"
    )
    registry.register(
        "uuid_break",
        uuid_break,
        syntax="<uuid> [all]",
        description="Break out of media sent to channel",
    )
    registry.register("hupall", hupall, syntax="<cause> [<var> <value>]", description="hupall")
