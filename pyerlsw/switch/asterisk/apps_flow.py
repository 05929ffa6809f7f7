"""Dialplan flow: Goto, GotoIf, Gosub, GosubIf, Return, StackPop
(``pbx_builtins.c``, ``app_stack.c``; ``asterisk_dialplan.md`` section 4).

A jump stores the target priority minus one because the interpreter adds one after
every application. A bad label logs ``Priority '%s' must be a number > 0, or valid
label`` (with the extensions.conf line) and ends the PBX; a missing extension or
context is only noticed at the next step (``i``/``e``/fallthrough).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk import logline
from pyerlsw.switch.asterisk.appcall import AppCall
from pyerlsw.switch.asterisk.diagnostics import LogRecord
from pyerlsw.switch.asterisk.functions import check_condition
from pyerlsw.switch.asterisk.locations import parse_goto, resolve_goto
from pyerlsw.switch.asterisk.substitution import separate_args

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer

__all__ = ["goto_location", "register"]


def goto_location(call: AppCall, text: str) -> bool:
    """Jump to ``[[context,]exten,]priority`` (labels and ``+N``/``-N`` allowed)."""
    target = parse_goto(text)
    state = call.state
    if target is None:
        call.warning(f"Goto requires an argument ([[context,]extension,]priority){state.where()}")
        return False
    layer = call.layer
    where = state.where()

    def sink(record: LogRecord) -> None:
        layer.log(LogRecord(record.level, record.message + where), call.session)

    resolved = resolve_goto(
        layer.dialplan, target, context=state.context, exten=state.exten,
        priority=state.priority,
        callerid=call.session.channel.profile.caller_id_number or None,
        log=sink, now=layer.switch.clock.now(),
    )  # fmt: skip
    if resolved is None:
        return False
    context, exten, priority = resolved
    state.goto(context, exten, priority)
    call.verbose(3, logline.goto(context, exten, priority))
    return True


async def goto(call: AppCall, data: str) -> int:
    if not data:
        call.warning(
            f"Goto requires an argument ([[context,]extension,]priority){call.state.where()}"
        )
        return -1
    return 0 if goto_location(call, data) else -1


async def goto_if(call: AppCall, data: str) -> int:
    if not data:
        call.warning(f"GotoIf requires an argument (condition?label1:label2){call.state.where()}")
        return 0
    condition, _, branches = data.partition("?")
    iftrue, _, iffalse = branches.partition(":")
    branch = iftrue if check_condition(condition) else iffalse
    if not branch:
        return 0
    return 0 if goto_location(call, branch) else -1


async def gosub(call: AppCall, data: str) -> int:
    if not data:
        call.error(
            "Gosub requires an argument: Gosub([[context,]exten,]priority[(arg1[,...]"
            f"[,argN])]){call.state.where()}"
        )
        return -1
    frame = call.layer.interpreter.push_gosub(call.session, call.state, data)
    return 0 if frame is not None else -1


async def gosub_if(call: AppCall, data: str) -> int:
    parts = separate_args(data, "?", 2, remove_chars=False) if data else []
    if len(parts) != 2:
        call.warning(
            "GosubIf requires an argument: GosubIf(cond?label1(args):label2(args)"
            f"{call.state.where()}"
        )
        return 0
    labels = separate_args(parts[1], ":", 2, remove_chars=False)
    iftrue = labels[0] if labels else ""
    iffalse = labels[1] if len(labels) > 1 else ""
    label = iftrue if check_condition(parts[0]) else iffalse
    if not label:
        return 0
    return await gosub(call, label)


async def return_app(call: AppCall, data: str) -> int:
    state = call.state
    if not state.stack:
        call.error(f"Return without Gosub: stack is empty{state.where()}", "app_stack.c")
        return -1
    frame = state.stack.pop()
    call.layer.interpreter.release_frame(call.session, frame)
    call.scope.set_variable("GOSUB_RETVAL", data)
    state.goto(frame.context, frame.exten, frame.priority)
    return -1 if frame.special else 0


async def stack_pop(call: AppCall, data: str) -> int:
    state = call.state
    if not state.stack:
        return 0
    if state.stack[-1].special:
        return -1
    call.layer.interpreter.release_frame(call.session, state.stack.pop())
    return 0


def register(layer: AsteriskLayer) -> None:
    """Register this module's applications on ``layer``."""
    layer.register_app(
        "Goto", goto, synopsis="Jump to a particular priority, extension, or context"
    )
    layer.register_app("GotoIf", goto_if, synopsis="Conditional goto")
    layer.register_app("Gosub", gosub, synopsis="Jump to label, saving return address")
    layer.register_app(
        "GosubIf", gosub_if, synopsis="Conditionally jump to label, saving return address"
    )
    layer.register_app("Return", return_app, synopsis="Return from gosub routine")
    layer.register_app("StackPop", stack_pop, synopsis="Remove one address from gosub stack")
