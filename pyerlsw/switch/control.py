"""Commands queued on a channel from outside (``sendmsg``), and how they run.

A :class:`Command` is the header list of a ``SEND_MESSAGE`` event. The session runs
queued commands between applications, in park, and while it waits in states such as
CS_CONSUME_MEDIA or CS_EXCHANGE_MEDIA (``switch_ivr_parse_all_events``).
:func:`run_command` implements ``call-command``: ``execute`` (with ``loops``,
``event-uuid``, ``event-uuid-name``), ``hangup`` (``hangup-cause``) and ``xferext``
(each ``application`` header becomes one step of a new extension). ``unicast`` and
``nomedia`` have no meaning without media and are logged and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyerlsw.switch.causes import parse_cause
from pyerlsw.switch.dialplan.base import Action

if TYPE_CHECKING:
    from pyerlsw.switch.session import Session

__all__ = ["Command", "run_command"]

#: A run shorter than this ends an endless (negative ``loops``) repetition.
MIN_LOOP_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class Command:
    """The headers of one queued ``sendmsg`` (names are matched case-insensitively)."""

    headers: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    def get_all(self, name: str) -> list[str]:
        lowered = name.lower()
        return [value for key, value in self.headers if key.lower() == lowered]


def _int(text: str | None, default: int) -> int:
    if text is None:
        return default
    try:
        return int(text.strip())
    except ValueError:
        return default


async def run_command(session: Session, command: Command) -> None:
    """Carry out one queued command on ``session`` (called by the session task)."""
    kind = (command.get("call-command") or "").strip().lower()
    if not kind:
        session.log("ERR", "Command without call-command header ignored\n")
        return
    if kind == "execute":
        await _execute(session, command)
    elif kind == "hangup":
        session.channel.hangup(parse_cause(command.get("hangup-cause")))
    elif kind == "xferext":
        actions = []
        for step in command.get_all("application"):
            app, _, data = step.strip().partition(" ")
            if app:
                actions.append(Action(app, data.strip()))
        if actions:
            session.transfer_to_extension(actions)
        else:
            session.log("ERR", "xferext without application headers ignored\n")
    elif kind in ("unicast", "nomedia"):
        session.log("WARNING", f"call-command {kind} has no effect on simulated media\n")
    else:
        session.log("ERR", f"Unknown call-command {kind!r}\n")


async def _execute(session: Session, command: Command) -> None:
    app = (command.get("execute-app-name") or "").strip()
    if not app:
        session.log("ERR", "execute without execute-app-name ignored\n")
        return
    data = command.get("execute-app-arg") or ""
    loops = _int(command.get("loops"), 1)
    limit = session.switch.config.max_app_loops
    forever = loops < 0
    count = limit if forever else min(loops, limit)
    clock = session.switch.clock
    applications = session.switch.applications
    for run in range(count):
        if run and not session.channel.ready:
            break
        started = clock.monotonic()
        await applications.execute(
            session,
            app,
            data,
            app_uuid=command.get("event-uuid"),
            app_uuid_name=command.get("event-uuid-name"),
        )
        if not session.channel.ready:
            break
        if forever and clock.monotonic() - started < MIN_LOOP_SECONDS:
            break
