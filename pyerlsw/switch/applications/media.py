"""Media applications on simulated media: sleep, playback, echo.

There is no audio: ``playback`` takes the time the file would take and fires
PLAYBACK_START/PLAYBACK_STOP. A file's length is, in order: the configuration's
``file_seconds`` entry, ``silence_stream://<ms>`` (negative: until interrupted), the
sum of the parts of ``file_string://a!b``, the channel variable
``sim_playback_seconds``, the configured ``playback_seconds`` (1 s by default).

DTMF (mod_dptools' ``on_dtmf``): ``playback`` reads the digits that arrive while it
plays; one listed in ``playback_terminators`` (default ``*``; ``any``: ``0-9 * #``;
``none``: none) stops it and is stored in ``playback_terminator_used``. ``sleep``
stops at the first queued digit and leaves it queued, unless ``sleep_eat_digits`` is
true (then it reads digits like ``playback``). :func:`play_file` is the primitive
other applications use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pyerlsw.switch.dialplan.strings import is_true
from pyerlsw.switch.dtmf import Digit, next_digit

if TYPE_CHECKING:
    from pyerlsw.switch.applications import ApplicationRegistry
    from pyerlsw.switch.session import Session

__all__ = ["file_seconds", "play_file", "playback_terminator", "register"]

#: ``on_digit(digit) -> stop?`` for :func:`play_file`.
DigitHandler = Callable[[Digit], bool]

#: Longest single simulated file (a day) - "forever" in practice.
FOREVER = 86_400.0


def file_seconds(session: Session, path: str) -> float:
    """Simulated length of ``path`` on ``session``."""
    config = session.switch.config
    if path in config.file_seconds:
        return config.file_seconds[path]
    if path.startswith("silence_stream://"):
        spec = path[len("silence_stream://") :].partition(",")[0]
        try:
            ms = int(spec)
        except ValueError:
            return 0.0
        return FOREVER if ms <= 0 else ms / 1000.0
    if path.startswith("file_string://"):
        parts = [p for p in path[len("file_string://") :].split("!") if p]
        return min(FOREVER, sum(file_seconds(session, p) for p in parts))
    own = session.channel.get_variable("sim_playback_seconds")
    if own:
        try:
            return max(0.0, float(own))
        except ValueError:
            pass
    return config.playback_seconds


def _media_ready(session: Session) -> bool:
    ch = session.channel
    return ch.answered or ch.early_media


async def sleep(session: Session, data: str) -> str | None:
    try:
        ms = int(data.strip() or "0")
    except ValueError:
        session.log("ERR", f"Invalid sleep time [{data}]\n")
        return None
    if ms <= 0:
        return None
    ch = session.channel
    if not _media_ready(session):
        await session.sleep(ms / 1000.0, breakable=False)
        return None
    eat = is_true(ch.get_variable("sleep_eat_digits"))
    if eat:
        ch.set_variable("playback_terminator_used", None)
    clock = session.switch.clock
    deadline = clock.monotonic() + ms / 1000.0
    while (remaining := deadline - clock.monotonic()) > 0:
        digit = await next_digit(session, remaining, consume=eat)
        if digit is None or not eat or playback_terminator(session, digit):
            break
    return None


def playback_terminator(session: Session, digit: Digit) -> bool:
    """mod_dptools' ``on_dtmf``: True (and ``playback_terminator_used`` set) when
    ``digit`` is one of ``playback_terminators``."""
    ch = session.channel
    terminators = ch.get_variable("playback_terminators")
    if terminators is None:
        terminators = "*"
    elif terminators.lower() == "any":
        terminators = "1234567890*#"
    elif terminators.lower() == "none":
        terminators = ""
    session.log("DEBUG", f"Digit {digit.digit}\n")
    if digit.digit in terminators:
        ch.set_variable("playback_terminator_used", digit.digit)
        return True
    return False


async def play_file(session: Session, path: str, on_digit: DigitHandler | None = None) -> bool:
    """Play ``path`` (its simulated length) between PLAYBACK_START and PLAYBACK_STOP.
    With ``on_digit`` every digit that arrives is read and passed to it; True stops
    the playback. Without it digits stay queued. ``uuid_break``, a hangup or a
    transfer stop it too. Returns True when the file played to its end."""
    ch = session.channel
    start = (("Playback-File-Path", path),)
    ch.fire("PLAYBACK_START", post=start)
    length = file_seconds(session, path)
    if on_digit is None:
        finished = await session.sleep(length)
    else:
        clock = session.switch.clock
        deadline = clock.monotonic() + length
        finished = False
        while True:
            remaining = deadline - clock.monotonic()
            if remaining <= 0:
                finished = not session.interrupted()
                break
            digit = await next_digit(session, remaining, breakable=True)
            if digit is None:
                finished = deadline - clock.monotonic() <= 0 and not session.interrupted()
                break
            if on_digit(digit):
                break
    ch.fire(
        "PLAYBACK_STOP",
        post=(("Playback-File-Path", path), ("Playback-Status", "done" if finished else "break")),
    )
    return finished


async def playback(session: Session, data: str) -> str | None:
    ch = session.channel
    path = data.strip()
    if not ch.ready:
        return None
    if not path:
        ch.set_variable("current_application_response", "FILE NOT FOUND")
        return None
    if not ch.answered and not ch.early_media:
        ch.mark_pre_answered()
    ch.set_variable("playback_terminator_used", None)
    await play_file(session, path, lambda digit: playback_terminator(session, digit))
    ch.set_variable("current_application_response", "FILE PLAYED")
    return "FILE PLAYED"


async def echo(session: Session, data: str) -> str | None:
    while not session.interrupted():
        await session.process_commands()
        if session.interrupted():
            break
        if not session.pending_commands:
            await session.wait()
    return None


def register(apps: ApplicationRegistry) -> None:
    """Register this module's applications."""
    apps.register("sleep", sleep, syntax="<pause in ms>", description="Pause a channel")
    apps.register("playback", playback, syntax="<path>", description="Playback File")
    apps.register("echo", echo, description="Echo audio back (until the call ends)")
