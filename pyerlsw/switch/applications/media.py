"""Media applications on simulated media: sleep, playback, echo.

There is no audio: ``playback`` takes the time the file would take and fires
PLAYBACK_START/PLAYBACK_STOP. A file's length is, in order: the configuration's
``file_seconds`` entry, ``silence_stream://<ms>`` (negative: until interrupted), the
sum of the parts of ``file_string://a!b``, the channel variable
``sim_playback_seconds``, the configured ``playback_seconds`` (1 s by default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyerlsw.switch.applications import ApplicationRegistry
    from pyerlsw.switch.session import Session

__all__ = ["file_seconds", "register"]

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


async def sleep(session: Session, data: str) -> str | None:
    try:
        ms = int(data.strip() or "0")
    except ValueError:
        session.log("ERR", f"Invalid sleep time [{data}]\n")
        return None
    if ms > 0:
        await session.sleep(ms / 1000.0, breakable=False)
    return None


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
    start = (("Playback-File-Path", path),)
    ch.fire("PLAYBACK_START", post=start)
    finished = await session.sleep(file_seconds(session, path))
    ch.fire(
        "PLAYBACK_STOP",
        post=(("Playback-File-Path", path), ("Playback-Status", "done" if finished else "break")),
    )
    ch.set_variable("playback_terminator_used", None)
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
