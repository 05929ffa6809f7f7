"""The call-file spooler: a pure scheduler (:class:`Spooler`) and a small directory
driver (:class:`SpoolDirectory`).

How files are detected (the "move it in, never write it in place" rule): the driver
polls the ``outgoing`` directory (default once a second) and hands the spooler a listing
``{name: FileStat}``. A file never seen before is **accepted** at once when its mtime is
at least ``settle`` seconds in the past or lies in the future (it was written elsewhere
and renamed in, which keeps its mtime, or it was scheduled with ``touch``); otherwise it
is still being written, and it is accepted only once its size and mtime have stayed
unchanged for ``settle`` seconds. This plays the part of inotify's ``IN_MOVED_TO``
versus ``IN_CLOSE_WRITE``: a file written in place is never read half-written as long
as the writer does not pause for longer than ``settle``. Write the file in another
directory of the same filesystem and ``rename()`` it in.

Then, as Asterisk (``asterisk_dialplan.md`` section 9): an accepted file is processed
when its mtime is not in the future (a future mtime schedules the call); processing
parses it, refuses invalid files (``Failed``), expires it when its recorded attempts
exceed ``MaxRetries``, or starts an attempt: ``StartRetry`` is appended, the mtime is
moved to now + 2 x RetryTime and a :class:`StartCall` is emitted for the core to dial.
When the core reports the outcome (:meth:`Spooler.call_ended`) the file is completed,
retried later (``EndRetry``, mtime now + RetryTime) or expired.

The spooler performs no I/O: it returns effects (:class:`AppendLine`, :class:`SetMtime`,
:class:`StartCall`, :class:`Finish`) that the driver applies.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from pyerlsw.switch.asterisk.callfile import CallFile, parse_call_file
from pyerlsw.switch.asterisk.diagnostics import (
    NOTICE,
    VERBOSE,
    WARNING,
    LogRecord,
    LogSink,
    null_sink,
)

__all__ = [
    "AppendLine",
    "CallOutcome",
    "FileStat",
    "Finish",
    "SetMtime",
    "SpoolDirectory",
    "Spooler",
    "StartCall",
    "finish_action",
    "reason_text",
]

_REASONS = {
    0: "Call Failure (not BUSY, and not NO_ANSWER, maybe Circuit busy or down?)",
    1: "Hangup",
    2: "Local Ring",
    3: "Remote end Ringing",
    4: "Remote end has Answered",
    5: "Remote end is Busy",
    8: "Congestion (circuits busy)",
}


def reason_text(reason: int) -> str:
    """``ast_channel_reason2str``."""
    return _REASONS.get(reason, "Unknown Reason!!")


@dataclass(frozen=True, slots=True)
class FileStat:
    mtime: float
    size: int = 0


@dataclass(frozen=True, slots=True)
class CallOutcome:
    """``answered``; otherwise ``reason``: 0 failure, 1 hangup, 3 no answer (ringing),
    5 busy, 8 congestion."""

    answered: bool
    reason: int = 0


@dataclass(frozen=True, slots=True)
class AppendLine:
    """Append ``text`` to the file."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class SetMtime:
    name: str
    mtime: float


@dataclass(frozen=True, slots=True)
class StartCall:
    """Dial ``call`` (attempt number ``attempt``, for ``AST_OUTGOING_ATTEMPT``) with a
    timeout of ``call.wait_time`` seconds; report back with :meth:`Spooler.call_ended`."""

    name: str
    call: CallFile
    attempt: int


@dataclass(frozen=True, slots=True)
class Finish:
    """The file is done with ``status`` (``Completed``, ``Expired`` or ``Failed``):
    delete or archive it (see :func:`finish_action`)."""

    name: str
    status: str
    archive: bool
    always_delete: bool


Effect = AppendLine | SetMtime | StartCall | Finish


def finish_action(effect: Finish, *, now: float, mtime: float | None) -> str:
    """What to do with a finished file: ``"keep"`` (AlwaysDelete is off and the mtime is
    in the future: it was rescheduled during the call), ``"archive"`` or ``"delete"``."""
    if not effect.always_delete and mtime is not None and now < mtime:
        return "keep"
    return "archive" if effect.archive else "delete"


def archive_status_line(status: str) -> str:
    """The line appended to an archived file (after it was moved)."""
    return f"Status: {status}\n"


@dataclass(slots=True)
class _Entry:
    stat: FileStat
    first_seen: float
    stable_since: float
    accepted: bool = False
    active: bool = False
    expected_mtime: float | None = None
    call: CallFile | None = None


class Spooler:
    """The spool scheduler. ``pid`` is written in the retry lines; ``settle`` is the
    write-detection interval described in the module docstring."""

    def __init__(self, *, pid: int = 0, settle: float = 1.0, log: LogSink = null_sink) -> None:
        self.pid = pid
        self.settle = settle
        self.log = log
        self._files: dict[str, _Entry] = {}

    def _verbose(self, message: str) -> None:
        self.log(LogRecord(VERBOSE, message, verbosity=3))

    def scan(self, now: float, listing: Mapping[str, FileStat]) -> list[str]:
        """Update the view of the directory; return the names to read and
        :meth:`load` now."""
        for name in list(self._files):
            if name not in listing and not self._files[name].active:
                del self._files[name]
        due: list[str] = []
        for name, stat in listing.items():
            entry = self._files.get(name)
            if entry is None:
                entry = self._files[name] = _Entry(stat, now, now)
                entry.accepted = stat.mtime <= now - self.settle or stat.mtime > now
            elif stat != entry.stat:
                if entry.expected_mtime is not None and stat.mtime == entry.expected_mtime:
                    entry.stat = stat  # our own change
                else:
                    entry.stat = stat
                    entry.stable_since = now
                    entry.expected_mtime = None
            if not entry.accepted and now - entry.stable_since >= self.settle:
                entry.accepted = True
            if entry.accepted and entry.stat.mtime <= now:
                due.append(name)
        return due

    def next_wakeup(self) -> float | None:
        """The earliest time something may become due (None: nothing waiting)."""
        times: list[float] = []
        for entry in self._files.values():
            if not entry.accepted:
                times.append(entry.stable_since + self.settle)
            else:
                times.append(entry.stat.mtime)
        return min(times) if times else None

    def _retry_line(self, word: str, retries: int, when: float) -> str:
        return f"\n{word}: {self.pid} {retries} ({int(when)})\n"

    def load(self, name: str, text: str | None, now: float) -> list[Effect]:
        """Process the due file ``name`` whose content is ``text`` (None: unreadable)."""
        entry = self._files.get(name)
        if text is None:
            self.log(LogRecord(WARNING, f"Unable to open {name}: 'unreadable', deleting"))
            self._files.pop(name, None)
            return [Finish(name, "Failed", archive=False, always_delete=True)]
        call = parse_call_file(text, name, self.log)
        if not call.is_valid:
            self.log(
                LogRecord(
                    WARNING,
                    "At least one of app or extension must be specified, along with tech and "
                    f"dest in file {name}",
                )
            )
            self.log(LogRecord(WARNING, f"Invalid file contents in {name}, deleting"))
            self._files.pop(name, None)
            return [Finish(name, "Failed", call.archive, call.always_delete)]
        if call.retries > call.max_retries:
            self._expired(call)
            self._files.pop(name, None)
            return [Finish(name, "Expired", call.archive, call.always_delete)]
        effects: list[Effect] = []
        if entry is not None and entry.active:
            when = now + call.retry_time
            effects += [AppendLine(name, self._retry_line("DelayedRetry", call.retries, now))]
            effects += [SetMtime(name, when)]
            entry.expected_mtime = when
            entry.stat = FileStat(when, entry.stat.size)
            return effects
        retries = call.retries + 1
        when = now + 2 * call.retry_time
        if call.calling_pid:
            effects.append(AppendLine(name, self._retry_line("AbortRetry", retries, now)))
        effects.append(AppendLine(name, self._retry_line("StartRetry", retries, when)))
        effects.append(SetMtime(name, when))
        if call.application:
            self._verbose(
                f"Attempting call on {call.tech}/{call.dest} for application "
                f"{call.application}({call.data}) (Retry {retries})"
            )
        else:
            self._verbose(
                f"Attempting call on {call.tech}/{call.dest} for {call.extension}@"
                f"{call.context}:{call.priority} (Retry {retries})"
            )
        if entry is None:
            entry = self._files[name] = _Entry(FileStat(when), now, now, accepted=True)
        entry.active = True
        entry.expected_mtime = when
        entry.stat = FileStat(when, entry.stat.size)
        entry.call = _with_retries(call, retries)
        effects.append(StartCall(name, entry.call, retries))
        return effects

    def _expired(self, call: CallFile) -> None:
        n = call.retries
        self.log(
            LogRecord(
                NOTICE,
                f"Queued call to {call.tech}/{call.dest} expired without completion after "
                f"{n} attempt{'s' if n != 1 else ''}",
            )
        )

    def call_ended(self, name: str, outcome: CallOutcome, now: float) -> list[Effect]:
        """The core reports the end of the attempt started for ``name``."""
        entry = self._files.get(name)
        if entry is None or entry.call is None:
            return []
        call = entry.call
        entry.active = False
        entry.call = None
        if outcome.answered:
            self.log(LogRecord(NOTICE, f"Call completed to {call.tech}/{call.dest}"))
            self._files.pop(name, None)
            return [Finish(name, "Completed", call.archive, call.always_delete)]
        self.log(
            LogRecord(
                NOTICE,
                f"Call failed to go through, reason ({outcome.reason}) "
                f"{reason_text(outcome.reason)}",
            )
        )
        if call.retries >= call.max_retries + 1:
            self._expired(call)
            self._files.pop(name, None)
            return [Finish(name, "Expired", call.archive, call.always_delete)]
        when = now + call.retry_time
        entry.expected_mtime = when
        entry.stat = FileStat(when, entry.stat.size)
        return [
            AppendLine(name, self._retry_line("EndRetry", call.retries, when)),
            SetMtime(name, when),
        ]


def _with_retries(call: CallFile, retries: int) -> CallFile:
    return replace(call, retries=retries, calling_pid=0)


class SpoolDirectory:
    """Applies a :class:`Spooler` to a real ``outgoing`` directory.

    ``dial`` is called with each :class:`StartCall` (the core dials asynchronously and
    later calls :meth:`call_ended`). Call :meth:`poll` periodically with the switch's
    clock (every ``interval`` seconds, or at :meth:`Spooler.next_wakeup`).
    """

    def __init__(
        self,
        outgoing: str | os.PathLike[str],
        done: str | os.PathLike[str],
        dial: Callable[[StartCall], None],
        *,
        spooler: Spooler | None = None,
        log: LogSink = null_sink,
        interval: float = 1.0,
    ) -> None:
        self.outgoing = Path(outgoing)
        self.done = Path(done)
        self.dial = dial
        self.log = log
        self.interval = interval
        self.spooler = spooler or Spooler(pid=os.getpid(), log=log)

    def listing(self) -> dict[str, FileStat]:
        files: dict[str, FileStat] = {}
        try:
            with os.scandir(self.outgoing) as it:
                for item in it:
                    try:
                        if item.is_file(follow_symlinks=False):
                            st = item.stat(follow_symlinks=False)
                            files[item.name] = FileStat(st.st_mtime, st.st_size)
                    except OSError:
                        continue
        except OSError as exc:
            self.log(LogRecord(WARNING, f"Unable to open directory {self.outgoing}: {exc}"))
        return files

    def poll(self, now: float) -> None:
        """Scan the directory once and act on what is due."""
        for name in self.spooler.scan(now, self.listing()):
            path = self.outgoing / name
            try:
                text: str | None = path.read_text("utf-8", errors="replace")
            except OSError:
                text = None
            self.apply(self.spooler.load(name, text, now), now)

    def call_ended(self, name: str, outcome: CallOutcome, now: float) -> None:
        self.apply(self.spooler.call_ended(name, outcome, now), now)

    def apply(self, effects: list[Effect], now: float) -> None:
        for effect in effects:
            path = self.outgoing / effect.name
            if isinstance(effect, AppendLine):
                try:
                    with path.open("a", encoding="utf-8") as f:
                        f.write(effect.text)
                except OSError as exc:
                    self.log(LogRecord(WARNING, f"Unable to append to {path}: {exc}"))
            elif isinstance(effect, SetMtime):
                try:
                    os.utime(path, (effect.mtime, effect.mtime))
                except OSError as exc:
                    self.log(LogRecord(WARNING, f"Unable to set utime on {path}: {exc}"))
            elif isinstance(effect, StartCall):
                self.dial(effect)
            else:
                self._finish(effect, path, now)

    def _finish(self, effect: Finish, path: Path, now: float) -> None:
        try:
            mtime: float | None = path.stat().st_mtime
        except OSError:
            mtime = None
        action = finish_action(effect, now=now, mtime=mtime)
        if action == "keep":
            return
        if action == "archive":
            try:
                self.done.mkdir(parents=True, exist_ok=True)
                target = self.done / path.name
                os.replace(path, target)
                with target.open("a", encoding="utf-8") as f:
                    f.write(archive_status_line(effect.status))
                return
            except OSError as exc:
                self.log(
                    LogRecord(
                        WARNING,
                        f"Unable to create queue directory {self.done} -- outgoing spool "
                        f"archiving disabled ({exc})",
                    )
                )
        with contextlib.suppress(OSError):
            path.unlink()
