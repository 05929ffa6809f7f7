"""Asterisk's digit-reading applications on the core's DTMF queue: BackGround,
WaitExten, Read, WaitDigit, and the PBX's extension collection
(``pbx_builtins.c``, ``app_read.c``, ``pbx.c``; ``asterisk_dialplan.md`` sections 3-4).

* ``BackGround(files[,options[,langoverride[,context]]])`` plays the files; a digit
  stops them and the application returns it, so the PBX collects an extension
  (:func:`collect_extension`). Options: ``s`` skip when not answered, ``n`` do not
  answer, ``m`` only a digit that is a one-digit extension of the context stops the
  playback (others are dropped), ``p`` not interruptible. With a ``context`` in which
  the digit is an extension the channel goes there directly.
* ``WaitExten([seconds][,options])`` waits (default ``TIMEOUT(response)``) for a
  digit, which starts the collection; on timeout: the next priority if there is one
  (``Timeout on X, continuing...``), else ``t``, else ``e`` (``EXCEPTION`` =
  ``RESPONSETIMEOUT``), else a WARNING and -1.
* :func:`collect_extension` (``collect_digits`` of ``__ast_pbx_run``): more digits are
  read while the collected number could still match a longer extension, each within
  ``TIMEOUT(digit)``; an existing extension is entered at priority 1, anything else
  goes to ``i`` (``INVALID_EXTEN``), else ``e`` (``EXCEPTION=INVALID``), else the PBX
  ends with ``Invalid extension '%s', but no rule 'i' or 'e' in context '%s'``.
* ``Read(var[,files[,maxdigits[,options[,attempts[,timeout]]]]])``: the prompt is
  interrupted by a digit; digits are read until ``#``, ``maxdigits`` (0: 255) or the
  timeout (seconds; default ``TIMEOUT(response)`` before the first digit and
  ``TIMEOUT(digit)`` between digits, both the given timeout when set). ``READSTATUS``:
  ``OK``, ``TIMEOUT``, ``HANGUP``, ``SKIPPED`` (``s`` and not answered); an empty entry
  is retried ``attempts`` times. Options ``s``, ``n`` (read without answering), ``i``
  (the prompt is an indication: nothing plays).
* ``WaitDigit([seconds[,digits]])``: ``WAITDIGITSTATUS`` ``DTMF``/``TIMEOUT``/
  ``CANCEL``/``ERROR``, ``WAITDIGITRESULT`` the digit (others than ``digits`` are
  dropped).

Playback and Wait read and drop digits (Asterisk discards DTMF frames there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.applications.media import play_file
from pyerlsw.switch.asterisk.appcall import AppCall
from pyerlsw.switch.asterisk.lookup import invalid_handler, match_more
from pyerlsw.switch.asterisk.scope import ChannelScope
from pyerlsw.switch.asterisk.signalling import FOREVER
from pyerlsw.switch.asterisk.substitution import separate_args
from pyerlsw.switch.dtmf import Digit, next_digit

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer
    from pyerlsw.switch.asterisk.pbxstate import PbxState
    from pyerlsw.switch.session import Session

__all__ = ["JUMP_DIGITS", "collect_extension", "play_files", "register"]

#: Application results that make the PBX collect an extension (``'0'``...``'#'``).
JUMP_DIGITS = frozenset("0123456789ABCDEF*#")
MAX_READ_DIGITS = 255


def positive_seconds(text: str) -> float | None:
    """A positive number of seconds from an application argument, else None."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if value > 0 else None


def sound_extension(session: Session) -> str:
    codec = session.channel.codec
    name = codec.name if codec is not None else ""
    return {"PCMU": "ulaw", "PCMA": "alaw"}.get(name, "slin")


async def play_files(
    call: AppCall, files: str, *, stop: set[str] | None, answer_first: bool
) -> str | None:
    """Play ``a&b&c`` with the ``Playing`` lines. Digits are read; one in ``stop``
    (None: any digit) ends the playback and is returned; the others are dropped."""
    session = call.session
    ch = session.channel
    if answer_first and not ch.answered:
        ch.mark_answered()
    elif not ch.answered and not ch.early_media:
        ch.mark_pre_answered()
    pressed: list[str] = []

    def on_digit(digit: Digit) -> bool:
        if stop is None or digit.digit in stop:
            pressed.append(digit.digit)
            return True
        return False

    for name in files.split("&"):
        if not name or not ch.ready:
            continue
        call.verbose(
            3,
            f"<{ch.name}> Playing '{name}.{sound_extension(session)}' "
            f"(language '{call.state.language}')",
            "file.c",
        )
        await play_file(session, name, on_digit)
        if pressed or session.interrupted():
            break
    return pressed[0] if pressed else None


async def background(call: AppCall, data: str) -> int:
    args = separate_args(data, ",", 4)
    if not args or not args[0]:
        call.warning("Background requires an argument (filename)")
        return -1
    options = args[1] if len(args) > 1 else ""
    context = args[3] if len(args) > 3 and args[3] else ""
    layer, state, session = call.layer, call.state, call.session
    ch = session.channel
    if "s" in options and not ch.answered:
        return 0
    target = context or state.context
    cid = ch.profile.caller_id_number or None
    stop: set[str] | None = None
    if "p" in options:
        stop = set()
    elif "m" in options:
        stop = {d for d in JUMP_DIGITS if layer.exists(target, d, 1, cid)}
    digit = await play_files(call, args[0], stop=stop, answer_first="n" not in options)
    call.scope.set_variable("BACKGROUNDSTATUS", "SUCCESS" if ch.ready else "FAILED")
    if not ch.ready:
        return -1
    if digit is None:
        return 0
    if context and layer.exists(context, digit, 1, cid):
        state.goto(context, digit, 1)
        return 0
    return ord(digit)


async def wait_exten(call: AppCall, data: str) -> int:
    args = separate_args(data, ",", 2)
    layer, state, session = call.layer, call.state, call.session
    ch = session.channel
    seconds = positive_seconds(args[0]) if args and args[0] else None
    if seconds is None:
        seconds = state.response_timeout or FOREVER
    digit = await next_digit(session, seconds)
    if digit is not None:
        return ord(digit.digit)
    if not ch.ready:
        return -1
    if session.interrupted():
        return 0
    cid = ch.profile.caller_id_number or None
    if layer.exists(state.context, state.exten, state.priority + 1, cid):
        call.verbose(3, f"Timeout on {ch.name}, continuing...")
    elif layer.exists(state.context, "t", 1, cid):
        call.verbose(3, f"Timeout on {ch.name}, going to 't'")
        state.goto(state.context, "t", 1)
    elif layer.exists(state.context, "e", 1, cid):
        call.scope.set_variable("EXCEPTION", "RESPONSETIMEOUT")
        state.goto(state.context, "e", 1)
    else:
        call.warning(f"Timeout but no rule 't' or 'e' in context '{state.context}'")
        return -1
    return 0


async def collect_extension(
    layer: AsteriskLayer, session: Session, state: PbxState, first: str
) -> bool:
    """After an application returned digit ``first``: collect the rest of the
    extension and move there (or to ``i``/``e``); False when the PBX must end."""
    ch = session.channel
    cid = ch.profile.caller_id_number or None
    now = layer.switch.clock.now
    number = first
    while match_more(layer.dialplan, state.context, number, 1, cid, now=now()):
        digit = await next_digit(session, state.digit_timeout)
        if digit is None:
            if not ch.ready or session.interrupted():
                return False
            break
        number += digit.digit
    if layer.exists(state.context, number, 1, cid):
        state.exten, state.priority = number, 1
        return True
    scope = ChannelScope(layer, session, state)
    handler = invalid_handler(layer.dialplan, state.context, cid, now=now())
    if handler == "i":
        layer.verbose(
            3, f"Invalid extension '{number}' in context '{state.context}' on {ch.name}", session
        )
        scope.set_variable("INVALID_EXTEN", number)
    elif handler == "e":
        scope.set_variable("EXCEPTION", "INVALID")
    else:
        layer.warning(
            f"Invalid extension '{number}', but no rule 'i' or 'e' in context '{state.context}'",
            session,
        )
        return False
    state.exten, state.priority = handler, 1
    return True


async def read(call: AppCall, data: str) -> int:
    args = separate_args(data, ",", 6)
    args += [""] * (6 - len(args))
    variable, files, max_text, options, attempts_text, timeout_text = args
    session, state = call.session, call.state
    ch = session.channel
    scope = call.scope
    if not variable:
        call.warning("Read requires an variable name", "app_read.c")
        return 0
    try:
        max_digits = int(max_text.strip() or "0")
    except ValueError:
        max_digits = 0
    if max_digits <= 0 or max_digits > MAX_READ_DIGITS:
        max_digits = MAX_READ_DIGITS
    try:
        attempts = int(attempts_text.strip() or "1")
    except ValueError:
        attempts = 1
    attempts = max(attempts, 1)
    timeout = positive_seconds(timeout_text) if timeout_text else None
    first_timeout = timeout or state.response_timeout or 6.0
    digit_timeout = timeout or state.digit_timeout or 2.0
    if not ch.answered:
        if "s" in options:
            scope.set_variable("READSTATUS", "SKIPPED")
            return 0
        if "n" not in options:
            ch.mark_answered()
    status = "ERROR"
    while attempts and ch.ready:
        digits, status = await _read_string(
            call, "" if "i" in options else files, max_digits, first_timeout, digit_timeout
        )
        if not ch.ready:
            break
        scope.set_variable(variable, digits)
        if digits:
            call.verbose(3, f"User entered '{digits}'", "app_read.c")
            break
        attempts -= 1
        if attempts:
            s = "s" if attempts != 1 else ""
            call.verbose(3, f"User entered nothing, {attempts} chance{s} left", "app_read.c")
        else:
            call.verbose(3, "User entered nothing.", "app_read.c")
    if not ch.ready:
        call.verbose(3, "User disconnected", "app_read.c")
        status = "HANGUP"
    scope.set_variable("READSTATUS", status)
    return -1 if status == "HANGUP" else 0


async def _read_string(
    call: AppCall, files: str, max_digits: int, first_timeout: float, digit_timeout: float
) -> tuple[str, str]:
    """``ast_app_getdata_terminator``: (digits, READSTATUS)."""
    session = call.session
    digits = ""
    if files:
        first = await play_files(call, files, stop=None, answer_first=False)
        digits = first or ""
    timeout = digit_timeout if digits else first_timeout
    while True:
        if digits.endswith("#"):
            return digits[:-1], "OK"
        if len(digits) >= max_digits:
            return digits, "OK"
        digit = await next_digit(session, timeout)
        if digit is None:
            return digits, "TIMEOUT" if session.channel.ready else "HANGUP"
        digits += digit.digit
        timeout = digit_timeout


async def wait_digit(call: AppCall, data: str) -> int:
    args = separate_args(data, ",", 2)
    session = call.session
    scope = call.scope
    seconds = positive_seconds(args[0]) if args and args[0] else None
    accept = args[1] if len(args) > 1 and args[1] else None
    clock = call.layer.switch.clock
    deadline = clock.monotonic() + (seconds if seconds is not None else FOREVER)
    scope.set_variable("WAITDIGITRESULT", "")
    while True:
        digit = await next_digit(session, max(0.0, deadline - clock.monotonic()))
        if digit is None:
            if not session.channel.ready:
                scope.set_variable("WAITDIGITSTATUS", "CANCEL")
                return -1
            scope.set_variable("WAITDIGITSTATUS", "TIMEOUT")
            return 0
        if accept is None or digit.digit in accept:
            scope.set_variable("WAITDIGITSTATUS", "DTMF")
            scope.set_variable("WAITDIGITRESULT", digit.digit)
            return 0


def register(layer: AsteriskLayer) -> None:
    """Register this module's applications on ``layer``."""
    layer.register_app(
        "BackGround", background, synopsis="Play an audio file while waiting for digits"
    )
    layer.register_app("WaitExten", wait_exten, synopsis="Waits for an extension to be entered")
    layer.register_app("Read", read, synopsis="Read a variable")
    layer.register_app("WaitDigit", wait_digit, synopsis="Waits for a digit to be entered")
