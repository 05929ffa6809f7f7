"""Asterisk's everyday applications on core channels.

Answer, Hangup, Busy, Congestion, Progress, Ringing, Verbose, NoOp, Set, Log, Wait and
Playback (``asterisk_dialplan.md`` section 4). Media is simulated as in the core: a
file takes the core's simulated length and fires PLAYBACK_START/PLAYBACK_STOP.
Playback and Wait read and drop the digits that arrive meanwhile, as Asterisk drops
DTMF frames there; the digit-collecting applications are in
:mod:`~pyerlsw.switch.asterisk.apps_digits`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk.appcall import AppCall
from pyerlsw.switch.asterisk.apps_digits import play_files, positive_seconds
from pyerlsw.switch.asterisk.causes import BUSY, CONGESTION, NORMAL_CLEARING
from pyerlsw.switch.asterisk.causes import parse_hangup_cause as parse_cause
from pyerlsw.switch.asterisk.diagnostics import LogRecord
from pyerlsw.switch.asterisk.signalling import indicate_failure
from pyerlsw.switch.asterisk.substitution import separate_args
from pyerlsw.switch.asterisk.variables import parse_set
from pyerlsw.switch.dtmf import next_digit

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer

__all__ = ["register"]

_LOG_LEVELS = {
    "ERROR": "ERROR",
    "WARNING": "WARNING",
    "NOTICE": "NOTICE",
    "DEBUG": "DEBUG",
    "VERBOSE": "VERBOSE",
    "DTMF": "DEBUG",
}


async def answer(call: AppCall, data: str) -> int:
    args = separate_args(data, ",", 2)
    ch = call.session.channel
    if ch.answered:
        return 0
    ch.mark_answered()
    delay = positive_seconds(args[0]) if args and args[0] else None
    if delay is not None:
        await call.session.sleep(delay / 1000.0, breakable=False)
    return 0 if ch.ready else -1


async def hangup(call: AppCall, data: str) -> int:
    state = call.state
    cause = 0
    if data:
        parsed = parse_cause(data)
        if parsed is None:
            call.warning(f'Invalid cause given to Hangup(): "{data}"')
        else:
            cause = parsed
    if cause <= 0:
        cause = state.cause or NORMAL_CLEARING
    call.scope.set_variable("hangupsource", "dialplan/builtin")
    state.hang_up(call.session.channel, cause)
    return -1


def _wait_timeout(data: str) -> float | None:
    return positive_seconds(data) if data else None


async def busy(call: AppCall, data: str) -> int:
    await indicate_failure(call.layer, call.session, call.state, BUSY, _wait_timeout(data))
    return -1


async def congestion(call: AppCall, data: str) -> int:
    seconds = _wait_timeout(data)
    await indicate_failure(call.layer, call.session, call.state, CONGESTION, seconds)
    return -1


async def progress(call: AppCall, data: str) -> int:
    call.session.channel.mark_pre_answered()
    return 0


async def ringing(call: AppCall, data: str) -> int:
    call.session.channel.mark_ring_ready()
    return 0


async def verbose(call: AppCall, data: str) -> int:
    if not data:
        return 0
    args = separate_args(data, ",", 2)
    if len(args) == 1:
        level_text, message = "0", args[0]
    else:
        level_text, message = args[0], args[1]
    try:
        level = int(level_text.strip() or "x")
    except ValueError:
        call.warning(f"'{level_text}' is not a verboser number", "app_verbose.c")
        level = 0
    call.verbose(max(0, min(level, 4)), message, "app_verbose.c")
    return 0


async def noop(call: AppCall, data: str) -> int:
    return 0


async def set_app(call: AppCall, data: str) -> int:
    scope = call.scope
    assignment = parse_set(data, scope.log)
    if assignment is not None:
        scope.assign(assignment.name, assignment.value)
    return 0


async def log_app(call: AppCall, data: str) -> int:
    """``Log(level,message)``: the record names ``Ext. <exten>``, the priority and
    ``@ <context>`` where a C log line names file, line and function (app_verbose.c)."""
    if not data:
        return 0
    args = separate_args(data, ",", 2)
    level = _LOG_LEVELS.get(args[0].upper())
    if level is None:
        call.error(f"Unknown log level: '{args[0]}'", "app_verbose.c")
        return 0
    state = call.state
    message = args[1] if len(args) > 1 else ""
    call.layer.log(
        LogRecord(
            level,
            message,
            f"Ext. {state.exten}",
            state.priority,
            verbosity=0,
            function=f"@ {state.context}",
        ),
        call.session,
    )
    return 0


async def wait(call: AppCall, data: str) -> int:
    seconds = positive_seconds(data) if data else None
    if seconds is None:
        return 0
    session = call.session
    clock = call.layer.switch.clock
    deadline = clock.monotonic() + seconds
    while (left := deadline - clock.monotonic()) > 0 and not session.interrupted():
        await next_digit(session, left)  # read and dropped, as ast_safe_sleep does
    return 0 if session.channel.ready else -1


async def playback(call: AppCall, data: str) -> int:
    args = separate_args(data, ",", 2)
    if not args or not args[0]:
        call.warning("Playback requires an argument (filename)", "app_playback.c")
        return -1
    options = args[1] if len(args) > 1 else ""
    ch = call.session.channel
    if "skip" in options and not ch.answered:
        return 0
    await play_files(call, args[0], stop=set(), answer_first="noanswer" not in options)
    ok = ch.ready
    call.scope.set_variable("PLAYBACKSTATUS", "SUCCESS" if ok else "FAILED")
    return 0 if ok else -1


def register(layer: AsteriskLayer) -> None:
    """Register this module's applications on ``layer``."""
    layer.register_app("Answer", answer, synopsis="Answer a channel if ringing")
    layer.register_app("Hangup", hangup, synopsis="Hang up the calling channel")
    layer.register_app("Busy", busy, synopsis="Indicate the Busy condition")
    layer.register_app("Congestion", congestion, synopsis="Indicate the Congestion condition")
    layer.register_app("Progress", progress, synopsis="Indicate progress")
    layer.register_app("Ringing", ringing, synopsis="Indicate ringing tone")
    layer.register_app("Verbose", verbose, synopsis="Send arbitrary text to verbose output")
    layer.register_app("NoOp", noop, synopsis="Do Nothing (No Operation)")
    layer.register_app("Set", set_app, synopsis="Set channel variable or function value")
    layer.register_app("Log", log_app, synopsis="Send arbitrary text to a selected log level")
    layer.register_app("Wait", wait, synopsis="Waits for some time")
    layer.register_app("Playback", playback, synopsis="Play a file")
