from __future__ import annotations

import pytest

from pyerlsw.switch.asterisk.callfile import parse_call_file, split_callerid
from pyerlsw.switch.asterisk.diagnostics import NOTICE, WARNING, LogCollector

SEED_CALLFILE = "Channel: Local/201@devices\nApplication: Playback\nData: silence/1&tt-weasels\n"


def test_seed_call_file() -> None:
    log = LogCollector()
    call = parse_call_file(SEED_CALLFILE, "/var/spool/asterisk/outgoing/201.call", log)
    assert log.records == []
    assert call.is_valid
    assert (call.tech, call.dest, call.application, call.data) == (
        "Local",
        "201@devices",
        "Playback",
        "silence/1&tt-weasels",
    )
    assert (call.max_retries, call.retry_time, call.wait_time, call.priority) == (0, 300, 45, 1)
    assert call.always_delete and not call.archive and call.retries == 0


def test_every_key() -> None:
    text = (
        "# a comment\nchannel: PJSIP/100   \n"
        + """CallerID: "Alice Smith" <(555) 123-4567>
MaxRetries: 2
RetryTime: 60
WaitTime: 20
Context: from-internal
Extension: 200
Priority: 3
Account: acct1
Set: A=1
SetVar: CDR(userfield,r)=42
Set: B=x=y
Archive: yes
AlwaysDelete: no
Codecs: ulaw, alaw
Early_Media: yes
Data: with\\;semicolon ; and a comment
Application: Verbose # trailing comment
"""
    )
    log = LogCollector()
    call = parse_call_file(text, "f.call", log)
    assert log.records == []
    assert call.channel == "PJSIP/100"
    assert (call.callerid_name, call.callerid_num) == ("Alice Smith", "5551234567")
    assert (call.max_retries, call.retry_time, call.wait_time) == (2, 60, 20)
    assert (call.context, call.extension, call.priority, call.account) == (
        "from-internal",
        "200",
        3,
        "acct1",
    )
    assert call.variables == (("A", "1"), ("CDR(userfield,r)", "42"), ("B", "x=y"))
    assert call.archive and not call.always_delete and call.early_media
    assert call.codecs == ("ulaw", "alaw")
    assert call.data == "with;semicolon"
    assert call.application == "Verbose"


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("Application: Playback\n", "channel"),
        ("Channel: Local/201@devices\n", "app or extension"),
        ("Channel: PJSIP\nApplication: Playback\n", "tech/dest"),
        ("", "everything"),
    ],
)
def test_missing_keys_are_invalid(text: str, missing: str) -> None:
    assert not parse_call_file(text, "bad.call").is_valid, missing


def test_problems_are_reported_with_file_and_line() -> None:
    log = LogCollector()
    call = parse_call_file(
        "Channel: PJSIP\nno colon here\nFrobnicate: 1\nPriority: label\nRetryTime: 0\n"
        "WaitTime: -5\nMaxRetries: x\nSet: novalue\n" + "Data: " + "x" * 1100 + "\n",
        "bad.call",
        log,
    )
    assert [(r.level, r.line, r.message) for r in log.records] == [
        (NOTICE, 1, "Channel should be in form Tech/Dest at line 1 of bad.call"),
        (NOTICE, 2, "Syntax error at line 2 of bad.call"),
        (WARNING, 3, "Unknown keyword 'Frobnicate' at line 3 of bad.call"),
        (WARNING, 4, "Invalid priority at line 4 of bad.call"),
        (WARNING, 5, "Invalid retrytime at line 5 of bad.call"),
        (WARNING, 6, "Invalid waittime at line 6 of bad.call"),
        (WARNING, 7, "Invalid max retries at line 7 of bad.call"),
        (WARNING, 8, 'Malformed "Set" argument.  Should be "Set: variable=value"'),
        (WARNING, 9, "Skipping extremely long line at line 9 of bad.call"),
    ]
    assert (call.priority, call.retry_time, call.wait_time, call.max_retries) == (1, 300, 45, 0)
    assert all(r.file == "bad.call" for r in log.records)


def test_retry_lines_are_counted() -> None:
    text = SEED_CALLFILE + (
        "\nStartRetry: 123 1 (1700000600)\n\nEndRetry: 123 1 (1700000300)\n"
        "\nStartRetry: 123 2 (1700001200)\n"
    )
    call = parse_call_file(text, "f")
    assert call.retries == 1
    assert call.calling_pid == 123


@pytest.mark.parametrize(
    ("value", "name", "number"),
    [
        ('"Alice" <1001>', "Alice", "1001"),
        ("Alice <1001>", "Alice", "1001"),
        ("1001", "", "1001"),
        ("Alice", "Alice", ""),
        ('"1001"', "1001", ""),
        ("<1001>", "", "1001"),
        ('"Al \\"x\\"" <1>', 'Al "x"', "1"),
        ("Bob <555-1234", "Bob", "5551234"),
    ],
)
def test_split_callerid(value: str, name: str, number: str) -> None:
    assert split_callerid(value) == (name, number)
