"""Applications that read or send DTMF: ``read``, ``play_and_get_digits``,
``flush_dtmf``, ``send_dtmf`` (mod_dptools; ``switch_ivr_read``,
``switch_play_and_get_digits``, ``switch_ivr_collect_digits_count``).

``read <min> <max> <file> <var> <timeout ms> <terminators> [<digit timeout ms>]``:
min is at least 1, max at least min, the timeout at least 1000 ms, terminators
default ``#`` (``=#``: a terminator is required; ``+#``/``x#``: the terminator is
kept in the result, ``x`` also ends ``play_and_get_digits`` at once). The prompt
(unless empty or ``silence``) stops at the first digit, which counts; then digits are
collected until ``max`` are there, a terminator arrives, or the timeout (first digit)
/ digit timeout (between digits) passes. Sets ``read_result`` (``success``,
``timeout``, ``failure``), ``read_terminator_used`` and the variable (only when
something was read; a lone terminator with ``max`` 1 is dropped).

``play_and_get_digits <min> <max> <tries> <timeout ms> <terminators> <file>
<invalid file> <var> [<regex> [<digit timeout ms> [<transfer on failure>]]]`` repeats
``read`` up to ``tries`` times until the digits match the regex (PCRE, as the XML
dialplan compiles it); a non-matching entry is stored in ``<var>_invalid`` and the
invalid file plays. After the last failed try the variable is empty and, with
``transfer on failure`` (``exten [dialplan [context]]``), the call is transferred.

Timeouts run on the switch clock; media is simulated (:func:`~pyerlsw.switch.
applications.media.play_file`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyerlsw.switch.applications.media import play_file
from pyerlsw.switch.dialplan.pcre import RegexError, compile_expression
from pyerlsw.switch.dialplan.strings import atoi
from pyerlsw.switch.dtmf import Digit, flush, next_digit, send_string

if TYPE_CHECKING:
    from pyerlsw.switch.applications import ApplicationRegistry
    from pyerlsw.switch.session import Session

__all__ = ["ReadStatus", "collect_digits", "ivr_read", "register"]

#: ``digit_buffer`` of mod_dptools (127 digits and the terminator).
BUFFER_LENGTH = 128


class ReadStatus(enum.Enum):
    SUCCESS = "success"
    TIMEOUT = "timeout"
    FAILURE = "failure"
    TOO_SMALL = "too_small"
    RESTART = "restart"


@dataclass(slots=True)
class _Collected:
    digits: str
    terminator: str = ""


async def collect_digits(
    session: Session,
    buf: str,
    max_digits: int,
    *,
    terminators: str,
    first_timeout: float,
    digit_timeout: float,
) -> tuple[ReadStatus, _Collected]:
    """``switch_ivr_collect_digits_count``: extend ``buf`` until ``max_digits``, a
    terminator, or a timeout (seconds; the first digit's, then between digits)."""
    for i, char in enumerate(buf):
        if terminators and char in terminators:
            return ReadStatus.SUCCESS, _Collected(buf[:i], char)
    timeout = first_timeout or digit_timeout
    digit_timeout = digit_timeout or first_timeout
    while True:
        digit = await next_digit(session, timeout)
        if digit is None:
            if not session.channel.ready or session.interrupted():
                return ReadStatus.FAILURE, _Collected(buf)
            return ReadStatus.TIMEOUT, _Collected(buf)
        timeout = digit_timeout
        if terminators and digit.digit in terminators:
            return ReadStatus.SUCCESS, _Collected(buf, digit.digit)
        buf += digit.digit
        if len(buf) >= min(max_digits, BUFFER_LENGTH - 1):
            return ReadStatus.SUCCESS, _Collected(buf)


async def ivr_read(
    session: Session,
    min_digits: int,
    max_digits: int,
    *,
    prompt: str | None,
    var_name: str | None,
    timeout: float,
    terminators: str,
    digit_timeout: float = 0.0,
) -> tuple[ReadStatus, str]:
    """``switch_ivr_read``; returns the status and the digits read."""
    ch = session.channel
    term_required = terminators.startswith("=")
    digit_timeout = digit_timeout or timeout
    if max_digits < min_digits:
        session.log(
            "WARNING",
            f"Max digits {max_digits} is less than Min {min_digits}, forcing Max to "
            f"{min_digits}\n",
        )
        max_digits = min_digits
    ch.set_variable("read_result", None)
    if var_name:
        ch.set_variable(var_name, None)
    if not ch.ready:
        return ReadStatus.FAILURE, ""
    if not ch.answered and not ch.early_media:
        ch.mark_pre_answered()
    first: list[str] = []

    def take_first(digit: Digit) -> bool:
        first.append(digit.digit)
        return True

    if prompt and prompt.lower() != "silence":
        await play_file(session, prompt, take_first)
    buf = "".join(first)
    status = ReadStatus.SUCCESS
    collected = _Collected(buf)
    if ch.ready and ((min_digits and len(buf) < min_digits) or len(buf) < max_digits):
        status, collected = await collect_digits(
            session, buf, max_digits, terminators=terminators,
            first_timeout=digit_timeout if buf else timeout, digit_timeout=digit_timeout,
        )  # fmt: skip
    elif not ch.ready:
        status = ReadStatus.FAILURE
    buf, term = collected.digits, collected.terminator
    if term:
        ch.set_variable("read_terminator_used", term)
        pos = terminators.find(term)
        if pos >= 1 and terminators[pos - 1] in "+x":
            buf += term
            if terminators[pos - 1] == "x":
                status = ReadStatus.RESTART
    elif term_required:
        status = ReadStatus.TOO_SMALL
    if min_digits and len(buf) < min_digits:
        status = ReadStatus.TOO_SMALL
    result = {ReadStatus.SUCCESS: "success", ReadStatus.TIMEOUT: "timeout"}.get(status, "failure")
    ch.set_variable("read_result", result)
    if (
        status is not ReadStatus.RESTART
        and max_digits == 1
        and len(buf) == 1
        and terminators
        and buf in terminators
    ):
        buf = ""
    if var_name and buf:
        ch.set_variable(var_name, buf)
    return status, buf


def _ms(text: str | None, floor: int) -> float:
    return max(atoi(text), floor) / 1000.0


async def read(session: Session, data: str) -> str | None:
    argv = data.split()
    if not argv:
        session.log("ERR", "No arguments specified.\n")
        return None
    arg = argv.__getitem__
    n = len(argv)
    min_digits = max(atoi(arg(0)), 1)
    max_digits = max(atoi(arg(1)) if n > 1 else 0, min_digits)
    timeout = _ms(arg(4) if n > 4 else None, 1000)
    terminators = arg(5) if n > 5 else "#"
    digit_timeout = max(atoi(arg(6)), 0) / 1000.0 if n > 6 else 0.0
    await ivr_read(
        session, min_digits, max_digits, prompt=arg(2) if n > 2 else None,
        var_name=arg(3) if n > 3 else None, timeout=timeout, terminators=terminators,
        digit_timeout=digit_timeout,
    )  # fmt: skip
    return None


async def play_and_get_digits(session: Session, data: str) -> str | None:
    argv = data.split()
    if not argv:
        session.log("ERR", "No arguments specified.\n")
        return None
    padded = argv + [""] * (11 - len(argv))
    min_digits = max(atoi(padded[0]), 0)
    max_digits = max(atoi(padded[1]), min_digits)
    tries = atoi(padded[2])
    timeout = _ms(padded[3], 1000)
    terminators = padded[4] or "#"
    prompt, invalid, var_name, regex = padded[5:9]
    digit_timeout = max(atoi(padded[9]), 0) / 1000.0
    failure_target = " ".join(argv[10:]) if len(argv) > 10 else ""
    ch = session.channel
    pattern = None
    if regex:
        try:
            pattern = compile_expression(regex)
        except RegexError as exc:
            session.log("ERR", f"Invalid regex [{regex}]: {exc}\n")
    if regex and var_name:
        ch.set_variable(f"{var_name}_invalid", None)
    while ch.ready and tries > 0 and not session.interrupted():
        status, digits = await ivr_read(
            session, min_digits, max_digits, prompt=prompt or None, var_name=var_name or None,
            timeout=timeout, terminators=terminators, digit_timeout=digit_timeout,
        )  # fmt: skip
        if status is ReadStatus.RESTART:
            return None
        if status is ReadStatus.TIMEOUT and len(digits) >= min_digits:
            status = ReadStatus.SUCCESS
        if min_digits == 0 and not digits and ch.get_variable("read_terminator_used"):
            return None
        if status is ReadStatus.SUCCESS and digits:
            if not regex or (pattern is not None and pattern.search(digits)):
                return None
            if var_name:
                ch.set_variable(var_name, None)
                ch.set_variable(f"{var_name}_invalid", digits)
        if not ch.ready or session.interrupted():
            break
        if invalid:
            await play_file(session, invalid)
        tries -= 1
    if failure_target and ch.ready and not session.interrupted():
        parts = failure_target.split()
        session.log(
            "WARNING",
            f"PAGD failure! Transfer to: {parts[0]} / {parts[1] if len(parts) > 1 else None} / "
            f"{parts[2] if len(parts) > 2 else None}\n",
        )
        session.transfer(parts[0], *parts[1:3])
    return None


async def flush_dtmf(session: Session, data: str) -> str | None:
    flush(session)
    return None


async def send_dtmf(session: Session, data: str) -> str | None:
    send_string(session, data)
    return None


def register(apps: ApplicationRegistry) -> None:
    """Register this module's applications."""
    apps.register(
        "read", read,
        syntax="<min> <max> <file> <var_name> <timeout> <terminators> <digit_timeout>",
        description="Read Digits",
    )  # fmt: skip
    apps.register(
        "play_and_get_digits", play_and_get_digits,
        syntax="<min> <max> <tries> <timeout> <terminators> <file> <invalid_file> <var_name> "
        "<regexp> [<digit_timeout>] ['<failure_ext> [failure_dp [failure_context]]']",
        description="Play and get Digits",
    )  # fmt: skip
    apps.register("flush_dtmf", flush_dtmf, description="flush any queued dtmf")
    apps.register("send_dtmf", send_dtmf, syntax="<dtmf_data>", description="Send dtmf to be sent")
