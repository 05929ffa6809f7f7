"""Everyday applications, built-in variables and functions on live channels, checked
one by one against asterisk_dialplan.md sections 4, 5 and 8 (issue #5's list)."""

from __future__ import annotations

import pytest

from pyerlsw.switch.causes import CAUSES
from tests.switch.asterisk.conftest import Factory

APPS = """
[c]
exten => 1,1,Progress()
 same => n,Verbose(0,state ${CHANNEL(state)})
 same => n,Ringing()
 same => n,Log(WARNING,logged ${EXTEN})
 same => n,Log(NOTICE,note)
 same => n,Log(LOUD,never)
 same => n,Verbose(0,uid=${UNIQUEID} chan=${CHANNEL} at ${EXTEN}@${CONTEXT}:${PRIORITY})
 same => n,Answer()
 same => n,Verbose(0,state ${CHANNEL(state)})
 same => n,Wait(1.5)
 same => n,Hangup(34)
exten => h,1,Verbose(0,cause ${HANGUPCAUSE})

exten => busy-down,1,Busy(2)
exten => busy-up,1,Answer()
 same => n,Busy(2)
exten => cong-down,1,Congestion()
exten => cong-up,1,Answer()
 same => n,Congestion(1)
"""


async def test_progress_ringing_log_builtins_answer_hangup(asterisk: Factory) -> None:
    ast = await asterisk(APPS)
    start = ast.switch.clock.now()
    caller = await ast.call("1", "c", name="SIP/apps-00000001")
    await ast.ended(caller)
    assert [e.get("Channel-Name") for e in ast.fired("CHANNEL_PROGRESS_MEDIA")] == [
        "SIP/apps-00000001"
    ]  # Progress()
    assert [e.get("Channel-Name") for e in ast.fired("CHANNEL_PROGRESS")] == [
        "SIP/apps-00000001"
    ]  # Ringing()
    answers = ast.fired("CHANNEL_ANSWER")
    assert len(answers) == 1
    lines = ast.lines()
    assert lines.count("state Ring") == 1 and lines.count("state Up") == 1
    assert f"uid={caller.uuid} chan=SIP/apps-00000001 at 1@c:7" in lines
    records = {r.text.rstrip("\n"): r for r in ast.records}
    logged = records["logged 1"]
    assert (logged.level_name, logged.file, logged.line, logged.function) == (
        "WARNING",
        "Ext. 1",
        4,
        "@ c",
    )
    assert records["note"].level_name == "NOTICE"
    assert "Unknown log level: 'LOUD'" in lines
    assert "never" not in lines
    assert "cause 34" in lines  # Hangup(34), seen by h
    assert caller.channel.hangup_cause == CAUSES["NORMAL_CIRCUIT_CONGESTION"]
    hangup = ast.fired("CHANNEL_HANGUP")[0]
    assert hangup.timestamp - start == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("exten", "cause", "core", "seconds"),
    [
        ("busy-down", "17", "USER_BUSY", 0.0),  # refused at once, cause set
        ("busy-up", "0", "NORMAL_CLEARING", 2.0),  # Up: tone for 2 s, no cause
        ("cong-down", "34", "NORMAL_CIRCUIT_CONGESTION", 0.0),
        ("cong-up", "0", "NORMAL_CLEARING", 1.0),
    ],
)
async def test_busy_and_congestion_set_the_cause_only_when_not_up(
    asterisk: Factory, exten: str, cause: str, core: str, seconds: float
) -> None:
    ast = await asterisk(APPS)
    start = ast.switch.clock.now()
    caller = await ast.call(exten, "c", name="SIP/ind-1")
    await ast.ended(caller)
    assert f"cause {cause}" in ast.lines()
    hangup = ast.fired("CHANNEL_HANGUP")[0]
    assert hangup.get("Hangup-Cause") == core
    assert hangup.timestamp - start == pytest.approx(seconds)


DIAL_R = """
[c]
exten => r,1,Dial(Local/slow@c,10,r)
exten => plain,1,Dial(Local/slow@c,10)
exten => slow,1,Wait(3)
 same => n,Answer()
 same => n,Wait(1)
"""


@pytest.mark.parametrize(("exten", "rings"), [("r", True), ("plain", False)])
async def test_dial_r_indicates_ringing_at_once(asterisk: Factory, exten: str, rings: bool) -> None:
    ast = await asterisk(DIAL_R)
    caller = await ast.call(exten, "c", name="SIP/r-1")
    await ast.settle(1)
    assert caller.channel.ring_ready is rings  # ;2 never rang: only r() indicates
    await ast.ended(caller)
    assert caller.channel.get_variable("DIALSTATUS") == "ANSWER"


DB = """
[c]
exten => 1,1,Set(DB(phones/${EXTEN}/device)=SIP/0004f2040001)
 same => n,Set(DB(tmp/key)=gone soon)
 same => n,Verbose(0,exists ${DB_EXISTS(tmp/key)} result ${DB_RESULT})
 same => n,Verbose(0,deleted ${DB_DELETE(tmp/key)} exists ${DB_EXISTS(tmp/key)})
 same => n,Verbose(0,device ${DB(phones/1/device)} missing [${DB(phones/2/device)}])
 same => n,Verbose(0,put by the CLI ${DB(cli/key)})
"""


async def test_db_functions_share_the_database_command(asterisk: Factory) -> None:
    ast = await asterisk(DB)
    put = await ast.switch.api("database", "put cli key from-cli")
    assert put.output == "Updated database successfully\n"
    caller = await ast.call("1", "c", name="SIP/db-1")
    await ast.ended(caller)
    lines = ast.lines()
    assert "exists 1 result gone soon" in lines
    assert "deleted gone soon exists 0" in lines
    assert "device SIP/0004f2040001 missing []" in lines
    assert "put by the CLI from-cli" in lines
    shown = await ast.switch.api("database", "show")
    assert shown.output == (
        "/cli/key                                          : from-cli                 \n"
        "/phones/1/device                                  : SIP/0004f2040001         \n"
        "2 results found.\n"
    )
    showkey = await ast.switch.api("database", "showkey device")
    assert showkey.output.endswith("1 results found.\n")
    got = await ast.switch.api("database", "get tmp key")
    assert got.output == "Database entry not found.\n"


INCLUDES = """
[c]
include => first
include => second
exten => 1,1,Verbose(0,own 1)
exten => 9,1,Goto(nosuch,1,1)

[first]
exten => _X,1,Verbose(0,first ${EXTEN} in ${CONTEXT})

[second]
exten => 2,1,Verbose(0,second 2)
exten => 3,1,Verbose(0,second 3 in ${CONTEXT})
"""


@pytest.mark.parametrize(
    ("exten", "line"),
    [("1", "own 1"), ("2", "first 2 in c"), ("3", "first 3 in c")],
)
async def test_includes_on_live_channels(asterisk: Factory, exten: str, line: str) -> None:
    ast = await asterisk(INCLUDES)
    caller = await ast.call(exten, "c", name="SIP/inc-1")
    await ast.ended(caller)
    assert line in ast.lines()
    assert f'    -- Executing [{exten}@c:1] Verbose("SIP/inc-1", "0,{line}") in new stack' in (
        ast.lines()
    )


async def test_goto_to_a_missing_context_names_the_line(asterisk: Factory) -> None:
    ast = await asterisk(INCLUDES)
    caller = await ast.call("9", "c", name="SIP/inc-9")
    await ast.ended(caller)
    lines = ast.lines()
    assert (
        "Context 'nosuch' does not exist in extensions.conf (channel 'SIP/inc-9', "
        "extension 1) at line 6 of extensions.conf" in lines
    )
    assert (
        "Channel 'SIP/inc-9' sent to invalid extension but no invalid handler: "
        "context,exten,priority=nosuch,1,1" in lines
    )
