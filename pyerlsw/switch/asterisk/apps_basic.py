"""Asterisk's everyday applications on core channels.

Answer, Hangup, Busy, Congestion, Progress, Ringing, Verbose, NoOp, Set, Log, Wait,
Playback, Background and WaitExten (``asterisk_dialplan.md`` section 4). Media is
simulated as in the core: a file takes the core's simulated length and fires
PLAYBACK_START/PLAYBACK_STOP. The core has no DTMF, so Background and WaitExten never
collect digits: WaitExten waits for its timeout and then goes to ``t`` (or ``e``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.applications.media import playback as core_playback
from pyerlsw.switch.asterisk.appcall import AppCall
from pyerlsw.switch.asterisk.causes import BUSY, CONGESTION, NORMAL_CLEARING
from pyerlsw.switch.asterisk.causes import parse_hangup_cause as parse_cause
from pyerlsw.switch.asterisk.diagnostics import LogRecord
from pyerlsw.switch.asterisk.lookup import timeout_handler
from pyerlsw.switch.asterisk.signalling import FOREVER, indicate_failure
from pyerlsw.switch.asterisk.substitution import separate_args
from pyerlsw.switch.asterisk.variables import parse_set

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


def _seconds(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if value > 0 else None


async def answer(call: AppCall, data: str) -> int:
    args = separate_args(data, ",", 2)
    ch = call.session.channel
    if ch.answered:
        return 0
    ch.mark_answered()
    delay = _seconds(args[0]) if args and args[0] else None
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
    return _seconds(data) if data else None


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
    args = separate_args(data, ",", 2)
    if len(args) < 2:
        return 0
    level = _LOG_LEVELS.get(args[0].strip().upper())
    if level is None:
        return 0
    state = call.state
    call.layer.log(
        LogRecord(level, args[1], f"Ext. {state.exten}", state.priority, verbosity=0),
        call.session,
    )
    return 0


async def wait(call: AppCall, data: str) -> int:
    seconds = _seconds(data) if data else None
    if seconds is None:
        return 0
    await call.session.sleep(seconds, breakable=False)
    return 0 if call.session.channel.ready else -1


def _sound_extension(call: AppCall) -> str:
    codec = call.session.channel.codec
    name = codec.name if codec is not None else ""
    return {"PCMU": "ulaw", "PCMA": "alaw"}.get(name, "slin")


async def _play(call: AppCall, files: str, *, answer_first: bool) -> bool:
    session = call.session
    ch = session.channel
    if answer_first and not ch.answered:
        ch.mark_answered()
    for name in files.split("&"):
        if not name or not ch.ready:
            continue
        call.verbose(
            3,
            f"<{ch.name}> Playing '{name}.{_sound_extension(call)}' "
            f"(language '{call.state.language}')",
            "file.c",
        )
        await core_playback(session, name)
    return ch.ready


async def playback(call: AppCall, data: str) -> int:
    args = separate_args(data, ",", 2)
    if not args or not args[0]:
        call.warning("Playback requires an argument (filename)", "app_playback.c")
        return -1
    options = args[1] if len(args) > 1 else ""
    ch = call.session.channel
    if "skip" in options and not ch.answered:
        return 0
    ok = await _play(call, args[0], answer_first="noanswer" not in options)
    call.scope.set_variable("PLAYBACKSTATUS", "SUCCESS" if ok else "FAILED")
    return 0 if ok else -1


async def background(call: AppCall, data: str) -> int:
    args = separate_args(data, ",", 4)
    if not args or not args[0]:
        call.warning("Background requires an argument (filename)")
        return -1
    options = args[1] if len(args) > 1 else ""
    ch = call.session.channel
    if "s" in options and not ch.answered:
        return 0
    ok = await _play(call, args[0], answer_first="n" not in options)
    call.scope.set_variable("BACKGROUNDSTATUS", "SUCCESS" if ok else "FAILED")
    return 0 if ok else -1


async def wait_exten(call: AppCall, data: str) -> int:
    args = separate_args(data, ",", 2)
    state = call.state
    seconds = _seconds(args[0]) if args and args[0] else None
    if seconds is None:
        seconds = state.response_timeout or FOREVER
    session = call.session
    if not await session.sleep(seconds, breakable=False) or not session.channel.ready:
        return 0 if session.channel.ready else -1
    layer: AsteriskLayer = call.layer
    cid = call.session.channel.profile.caller_id_number or None
    handler = timeout_handler(layer.dialplan, state.context, cid, now=layer.switch.clock.now())
    if handler is None:
        call.warning(f"Timeout but no rule 't' or 'e' in context '{state.context}'")
        return -1
    if handler == "e":
        call.scope.set_variable("EXCEPTION", "RESPONSETIMEOUT")
    state.goto(state.context, handler, 1)
    return 0


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
    layer.register_app(
        "BackGround", background, synopsis="Play an audio file while waiting for digits"
    )
    layer.register_app("WaitExten", wait_exten, synopsis="Waits for an extension to be entered")
