"""Dialplan functions bound to a channel: CHANNEL(), CALLERID(), LOCAL(),
LOCAL_PEEK(), STACK_PEEK(), GLOBAL(), TIMEOUT().

They receive the interpreter's :class:`~pyerlsw.switch.asterisk.scope.ChannelScope`
as their context. ``CHANNEL(hangup_handler_push|pop|wipe)`` writes go to the channel's
hangup-handler stack and publish ``hangup_handler::push``/``pop``; every other
``CHANNEL()`` write on a Local half is applied to the other half too (account codes
swapped), except the hangup-handler items, as in Asterisk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk.ami import CHANNEL_STATE_DESC
from pyerlsw.switch.asterisk.astevents import ami_state, fire_handler_event
from pyerlsw.switch.asterisk.callfile import split_callerid
from pyerlsw.switch.asterisk.diagnostics import ERROR, WARNING, LogRecord
from pyerlsw.switch.asterisk.functions import DialplanFunction, FunctionContext
from pyerlsw.switch.asterisk.hangup_handlers import HandlerPushed, is_handler_item
from pyerlsw.switch.asterisk.pbxstate import PbxState
from pyerlsw.switch.asterisk.scope import ChannelScope
from pyerlsw.switch.asterisk.substitution import separate_args

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer

__all__ = ["register"]


def _scope(ctx: FunctionContext) -> ChannelScope:
    if not isinstance(ctx, ChannelScope):
        raise TypeError("this function needs a channel")
    return ctx


def _unknown_item(ctx: FunctionContext, item: str) -> None:
    ctx.log(LogRecord(WARNING, f"Unknown or unavailable item requested: '{item}'"))


# -- CHANNEL() -------------------------------------------------------------------------

_STATE_FIELDS = ("language", "accountcode", "peeraccount", "musicclass")


def _channel_read(ctx: FunctionContext, name: str, args: str) -> str | None:
    scope = _scope(ctx)
    item = args.strip().lower()
    ch = scope.session.channel
    state = scope.state
    if item == "name":
        return ch.name
    if item == "uniqueid":
        return ch.uuid
    if item == "linkedid":
        return ch.call_uuid
    if item == "state":
        return CHANNEL_STATE_DESC[ami_state(scope.session)]
    if item == "channeltype":
        return ch.name.partition("/")[0]
    if item in _STATE_FIELDS:
        value: str = getattr(state, item)
        return value
    if item == "checkhangup":
        return "0" if ch.ready else "1"
    if item == "hangupsource":
        return ch.get_variable("hangupsource") or ""
    _unknown_item(ctx, args.strip())
    return None


def _write_state_field(state: PbxState, item: str, value: str) -> None:
    setattr(state, item, value)


def _channel_write(ctx: FunctionContext, name: str, args: str, value: str) -> bool:
    scope = _scope(ctx)
    item = args.strip()
    lowered = item.lower()
    state = scope.state
    if is_handler_item(lowered):
        events = state.handlers.apply_write(
            lowered, value, context=state.context, exten=state.exten, log=ctx.log
        )
        if events is None:
            _unknown_item(ctx, item)
            return False
        for event in events:
            kind = "Push" if isinstance(event, HandlerPushed) else "Pop"
            fire_handler_event(scope.session, kind, event.handler)
        return True
    if lowered not in _STATE_FIELDS:
        _unknown_item(ctx, item)
        return False
    _write_state_field(state, lowered, value)
    pair = state.local
    if pair is not None:
        other = pair.other_state(state)
        if other is not None:
            crossed = {"accountcode": "peeraccount", "peeraccount": "accountcode"}
            _write_state_field(other, crossed.get(lowered, lowered), value)
    return True


# -- CALLERID() ------------------------------------------------------------------------


def _callerid_read(ctx: FunctionContext, name: str, args: str) -> str | None:
    scope = _scope(ctx)
    item = separate_args(args, ",", 2)[0].strip().lower() if args else ""
    profile = scope.session.channel.profile
    cid_name, num = scope.state.caller or (profile.caller_id_name, profile.caller_id_number)
    if item == "name":
        return cid_name
    if item in ("num", "number"):
        return num
    if item == "all":
        return f'"{cid_name}" <{num}>'
    if item == "ani":
        return profile.ani
    if item == "dnid":
        return profile.destination_number
    if item == "rdnis":
        return profile.rdnis
    if item in ("pres", "name-pres", "num-pres"):
        return "allowed_not_screened"
    if item == "ton":
        return "0"
    ctx.log(LogRecord(ERROR, f"Unknown callerid data type '{item}'."))
    return None


def _callerid_write(ctx: FunctionContext, name: str, args: str, value: str) -> bool:
    scope = _scope(ctx)
    item = separate_args(args, ",", 2)[0].strip().lower() if args else ""
    ch = scope.session.channel
    state = scope.state
    if state.caller is not None and item in ("name", "num", "number", "all"):
        # a Dial leg: Asterisk's own caller ID, not what the device is sent
        cid_name, num = state.caller
        if item == "name":
            cid_name = value
        elif item == "all":
            cid_name, num = split_callerid(value)
        else:
            num = value
        state.caller = (cid_name, num)
        return True
    if item == "name":
        ch.update_profile(caller_id_name=value)
    elif item in ("num", "number"):
        ch.update_profile(caller_id_number=value)
    elif item == "all":
        cid_name, num = split_callerid(value)
        ch.update_profile(caller_id_name=cid_name, caller_id_number=num)
    elif item == "ani":
        ch.update_profile(ani=value)
    elif item == "rdnis":
        ch.update_profile(rdnis=value)
    else:
        ctx.log(LogRecord(ERROR, f"Unknown callerid data type '{item}'."))
        return False
    return True


# -- Gosub frames ----------------------------------------------------------------------


def _local_read(ctx: FunctionContext, name: str, args: str) -> str | None:
    return ctx.get_variable(args) or ""


def _local_write(ctx: FunctionContext, name: str, args: str, value: str) -> bool:
    scope = _scope(ctx)
    stack = scope.state.stack
    if not stack:
        ctx.log(
            LogRecord(ERROR, f"Tried to set LOCAL({args}), but we aren't within a Gosub routine")
        )
        return False
    scope.layer.interpreter.frame_set(scope.session, stack[-1], args, value)
    return True


def _int_arg(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _local_peek(ctx: FunctionContext, name: str, args: str) -> str | None:
    scope = _scope(ctx)
    parts = separate_args(args, ",", 2)
    if len(parts) != 2:
        ctx.log(LogRecord(ERROR, "LOCAL_PEEK requires parameters n and varname"))
        return None
    depth = _int_arg(parts[0])
    var = parts[1]
    if depth is None or depth < 0:
        return ""
    values = [scope.session.channel.get_variable(var)]
    for frame in reversed(scope.state.stack):
        if var in frame.saved:
            values.append(frame.saved[var])
    return (values[depth] or "") if depth < len(values) else ""


def _stack_peek(ctx: FunctionContext, name: str, args: str) -> str | None:
    scope = _scope(ctx)
    parts = separate_args(args, ",", 3)
    if len(parts) < 2:
        ctx.log(LogRecord(ERROR, "STACK_PEEK requires parameters n and which"))
        return None
    depth = _int_arg(parts[0])
    which = parts[1].strip().lower()[:1]
    suppress = len(parts) > 2 and parts[2].strip().lower() in ("1", "true", "yes", "y", "t", "on")
    stack = scope.state.stack
    if depth is None or depth < 0 or depth >= len(stack):
        if not suppress:
            ctx.log(
                LogRecord(ERROR, f"Stack peek of '{parts[0]}' is more stack frames than I have")
            )
        return ""
    frame = stack[len(stack) - 1 - depth]
    if which == "c":
        return frame.context
    if which == "e":
        return frame.exten
    if which == "p":
        return str(frame.priority - 1)
    if which == "l":
        return f"{frame.context},{frame.exten},{frame.priority - 1}"
    ctx.log(LogRecord(ERROR, f"Unknown argument '{parts[1]}' to STACK_PEEK"))
    return None


# -- GLOBAL(), TIMEOUT() ---------------------------------------------------------------


def _global_read(ctx: FunctionContext, name: str, args: str) -> str | None:
    return _scope(ctx).layer.globals.get(args, "")


def _global_write(ctx: FunctionContext, name: str, args: str, value: str) -> bool:
    _scope(ctx).layer.globals[args] = value
    return True


def _timeout_read(ctx: FunctionContext, name: str, args: str) -> str | None:
    state = _scope(ctx).state
    kind = args.strip().lower()[:1]
    if kind == "d":
        return f"{state.digit_timeout:g}"
    if kind == "r":
        return f"{state.response_timeout:g}"
    if kind == "a":
        return "0"
    ctx.log(LogRecord(ERROR, f"Unknown timeout type specified '{args}'"))
    return None


def _timeout_write(ctx: FunctionContext, name: str, args: str, value: str) -> bool:
    state = _scope(ctx).state
    kind = args.strip().lower()[:1]
    try:
        seconds = max(0.0, float(value.strip() or "0"))
    except ValueError:
        seconds = 0.0
    if kind == "d":
        state.digit_timeout = seconds
    elif kind == "r":
        state.response_timeout = seconds
    else:
        ctx.log(LogRecord(WARNING, f"TIMEOUT({args}) is not supported here"))
        return False
    return True


FUNCTIONS = (
    DialplanFunction("CHANNEL", _channel_read, _channel_write, "channel information"),
    DialplanFunction("CALLERID", _callerid_read, _callerid_write, "caller ID"),
    DialplanFunction("LOCAL", _local_read, _local_write, "Gosub frame-local variable"),
    DialplanFunction("LOCAL_PEEK", _local_peek, None, "a variable in an outer frame"),
    DialplanFunction("STACK_PEEK", _stack_peek, None, "a Gosub return address"),
    DialplanFunction("GLOBAL", _global_read, _global_write, "dialplan global variable"),
    DialplanFunction("TIMEOUT", _timeout_read, _timeout_write, "digit/response timeouts"),
)


def register(layer: AsteriskLayer) -> None:
    """Register the channel-bound functions on ``layer``."""
    for function in FUNCTIONS:
        layer.functions.register(function)
