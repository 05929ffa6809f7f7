from __future__ import annotations

import os
from pathlib import Path

from pyerlsw.switch.asterisk.diagnostics import LogCollector
from pyerlsw.switch.asterisk.spool import (
    AppendLine,
    CallOutcome,
    FileStat,
    Finish,
    SetMtime,
    SpoolDirectory,
    Spooler,
    StartCall,
    finish_action,
)

T0 = 1_700_000_000.0
CALL = "Channel: Local/201@devices\nApplication: Playback\nData: silence/1&tt-weasels\n"


def test_moved_in_file_is_processed_at_once_and_completes() -> None:
    log = LogCollector()
    sp = Spooler(pid=42, log=log)
    assert sp.scan(T0, {"a.call": FileStat(T0 - 60, 80)}) == ["a.call"]
    effects = sp.load("a.call", CALL, T0)
    assert effects[0] == AppendLine("a.call", f"\nStartRetry: 42 1 ({int(T0 + 600)})\n")
    assert effects[1] == SetMtime("a.call", T0 + 600)
    start = effects[2]
    assert isinstance(start, StartCall) and start.attempt == 1
    assert start.call.channel == "Local/201@devices"
    assert log.messages() == [
        "Attempting call on Local/201@devices for application Playback(silence/1&tt-weasels) "
        "(Retry 1)"
    ]
    # while the call runs the file is not due again (its mtime moved forward)
    assert sp.scan(T0 + 5, {"a.call": FileStat(T0 + 600, 120)}) == []
    log.clear()
    assert sp.call_ended("a.call", CallOutcome(answered=True), T0 + 30) == [
        Finish("a.call", "Completed", archive=False, always_delete=True)
    ]
    assert log.messages() == ["Call completed to Local/201@devices"]


def test_future_mtime_schedules_the_call() -> None:
    sp = Spooler()
    assert sp.scan(T0, {"s.call": FileStat(T0 + 3600)}) == []
    assert sp.next_wakeup() == T0 + 3600
    assert sp.scan(T0 + 3600, {"s.call": FileStat(T0 + 3600)}) == ["s.call"]


def test_file_written_in_place_waits_until_stable() -> None:
    sp = Spooler(settle=1.0)
    assert sp.scan(T0, {"w.call": FileStat(T0, 10)}) == []  # fresh mtime: maybe partial
    assert sp.scan(T0 + 0.5, {"w.call": FileStat(T0 + 0.5, 40)}) == []  # still growing
    assert sp.scan(T0 + 1.0, {"w.call": FileStat(T0 + 0.5, 40)}) == []
    assert sp.next_wakeup() == T0 + 1.5
    assert sp.scan(T0 + 1.5, {"w.call": FileStat(T0 + 0.5, 40)}) == ["w.call"]


def test_retries_then_expiry() -> None:
    log = LogCollector()
    sp = Spooler(pid=7, log=log)
    text = CALL + "MaxRetries: 1\nRetryTime: 60\n"
    sp.scan(T0, {"r.call": FileStat(T0 - 10)})
    sp.load("r.call", text, T0)
    log.clear()
    effects = sp.call_ended("r.call", CallOutcome(answered=False, reason=5), T0 + 20)
    assert effects == [
        AppendLine("r.call", f"\nEndRetry: 7 1 ({int(T0 + 80)})\n"),
        SetMtime("r.call", T0 + 80),
    ]
    assert log.messages() == ["Call failed to go through, reason (5) Remote end is Busy"]
    # the retry: the file now carries the retry lines Asterisk appended
    text += f"\nStartRetry: 7 1 ({int(T0 + 120)})\n\nEndRetry: 7 1 ({int(T0 + 80)})\n"
    assert sp.scan(T0 + 79, {"r.call": FileStat(T0 + 80)}) == []
    assert sp.scan(T0 + 80, {"r.call": FileStat(T0 + 80)}) == ["r.call"]
    effects = sp.load("r.call", text, T0 + 80)
    assert isinstance(effects[-1], StartCall) and effects[-1].attempt == 2
    log.clear()
    effects = sp.call_ended("r.call", CallOutcome(answered=False, reason=3), T0 + 120)
    assert effects == [Finish("r.call", "Expired", archive=False, always_delete=True)]
    assert log.messages() == [
        "Call failed to go through, reason (3) Remote end Ringing",
        "Queued call to Local/201@devices expired without completion after 2 attempts",
    ]


def test_invalid_and_unreadable_files() -> None:
    log = LogCollector()
    sp = Spooler(log=log)
    sp.scan(T0, {"bad.call": FileStat(T0 - 5), "gone.call": FileStat(T0 - 5)})
    assert sp.load("bad.call", "Channel: Local/1@x\nArchive: yes\n", T0) == [
        Finish("bad.call", "Failed", archive=True, always_delete=True)
    ]
    assert log.messages() == [
        "At least one of app or extension must be specified, along with tech and dest in "
        "file bad.call",
        "Invalid file contents in bad.call, deleting",
    ]
    assert sp.load("gone.call", None, T0)[0].status == "Failed"  # type: ignore[union-attr]


def test_stale_start_retry_is_aborted() -> None:
    sp = Spooler(pid=9)
    text = CALL + "MaxRetries: 3\n\nStartRetry: 1234 1 (1)\n"
    sp.scan(T0, {"c.call": FileStat(T0 - 5)})
    effects = sp.load("c.call", text, T0)
    assert effects[0] == AppendLine("c.call", f"\nAbortRetry: 9 1 ({int(T0)})\n")


def test_due_again_while_calling_is_delayed() -> None:
    sp = Spooler(pid=1)
    sp.scan(T0, {"d.call": FileStat(T0 - 5)})
    sp.load("d.call", CALL, T0)
    # somebody touched the file back into the past during the call
    assert sp.scan(T0 + 10, {"d.call": FileStat(T0 + 1)}) == ["d.call"]
    effects = sp.load("d.call", CALL, T0 + 10)
    assert effects[0] == AppendLine("d.call", f"\nDelayedRetry: 1 0 ({int(T0 + 10)})\n")
    assert effects[1] == SetMtime("d.call", T0 + 310)
    assert not any(isinstance(e, StartCall) for e in effects)


def test_finish_action() -> None:
    keep = Finish("x", "Completed", archive=True, always_delete=False)
    assert finish_action(keep, now=T0, mtime=T0 + 10) == "keep"
    assert finish_action(keep, now=T0, mtime=T0 - 10) == "archive"
    gone = Finish("x", "Completed", archive=False, always_delete=True)
    assert finish_action(gone, now=T0, mtime=T0 + 10) == "delete"


def test_spool_directory_end_to_end(tmp_path: Path) -> None:
    outgoing = tmp_path / "outgoing"
    done = tmp_path / "outgoing_done"
    outgoing.mkdir()
    staging = tmp_path / "staging.call"
    staging.write_text(CALL + "Archive: yes\nMaxRetries: 1\nRetryTime: 30\n")
    os.utime(staging, (T0 - 100, T0 - 100))
    os.rename(staging, outgoing / "job.call")  # moved in, never written in place
    started: list[StartCall] = []
    log = LogCollector()
    spool = SpoolDirectory(outgoing, done, started.append, spooler=Spooler(pid=5, log=log), log=log)
    spool.poll(T0)
    assert len(started) == 1
    text = (outgoing / "job.call").read_text()
    assert text.endswith(f"\nStartRetry: 5 1 ({int(T0 + 60)})\n")
    assert (outgoing / "job.call").stat().st_mtime == T0 + 60
    spool.poll(T0 + 1)
    assert len(started) == 1
    spool.call_ended("job.call", CallOutcome(answered=False, reason=0), T0 + 10)
    assert (outgoing / "job.call").stat().st_mtime == T0 + 40
    spool.poll(T0 + 40)
    assert len(started) == 2 and started[1].attempt == 2
    spool.call_ended("job.call", CallOutcome(answered=True), T0 + 50)
    assert not (outgoing / "job.call").exists()
    archived = (done / "job.call").read_text()
    assert archived.endswith("Status: Completed\n")
    assert "\nEndRetry: 5 1 (" in archived


def test_spool_directory_keeps_rescheduled_file(tmp_path: Path) -> None:
    outgoing = tmp_path / "outgoing"
    outgoing.mkdir()
    path = outgoing / "k.call"
    path.write_text(CALL + "AlwaysDelete: no\n")
    os.utime(path, (T0 - 100, T0 - 100))
    spool = SpoolDirectory(outgoing, tmp_path / "done", lambda s: None, spooler=Spooler())
    spool.poll(T0)
    os.utime(path, (T0 + 9999, T0 + 9999))  # touched during the call
    spool.call_ended("k.call", CallOutcome(answered=True), T0 + 5)
    assert path.exists()
