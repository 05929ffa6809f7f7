"""Call files and AstDB on a live switch (seed 001 "Using callfiles and Local
channels", asterisk_dialplan.md sections 9 and 11)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.switch.asterisk.conftest import Factory
from tests.switch.asterisk.harness import DATA, Harness, seed


def move_in(ast: Harness, tmp_path: Path, name: str, text: str, *, delay: float = -5.0) -> Path:
    """Write a call file elsewhere, date it on the switch clock, rename it in."""
    staging = tmp_path / "staging"
    staging.mkdir(exist_ok=True)
    path = staging / name
    path.write_text(text)
    when = ast.switch.clock.now() + delay
    os.utime(path, (when, when))
    target = tmp_path / "spool" / "outgoing" / name
    os.rename(path, target)
    return target


async def test_seed_callfile_with_astdb_lookup(asterisk: Factory, tmp_path: Path) -> None:
    ast = await asterisk(
        seed("seed001_callfile.conf"),
        spool=True,
        data_dir=str(tmp_path),
        devices={"0004f2040001": {"sim_answer_after": "1"}},
    )
    put = await ast.switch.api("database", "put phones 201/device SIP/0004f2040001")
    assert put.output == "Updated database successfully\n"
    show = await ast.switch.api("database", "show")
    assert show.output == (
        "/phones/201/device                                : SIP/0004f2040001         \n"
        "1 results found.\n"
    )
    target = move_in(ast, tmp_path, "201.call", (DATA / "seed001_callfile.call").read_text())
    await ast.settle(2)
    lines = ast.asterisk_lines()
    one, two = "Local/201@devices-00000000;1", "Local/201@devices-00000000;2"
    expected = [
        "    -- Attempting call on Local/201@devices for application "
        "Playback(silence/1&tt-weasels) (Retry 1)",
        f'    -- Executing [201@devices:1] NoOp("{two}", "") in new stack',
        f'    -- Executing [201@devices:2] Set("{two}", "DEVICE=SIP/0004f2040001") in new stack',
        f'    -- Executing [201@devices:3] GotoIf("{two}", "0?hangup") in new stack',
        f'    -- Executing [201@devices:4] Dial("{two}", "SIP/0004f2040001,30") in new stack',
        "    -- Called SIP/0004f2040001",
        "    -- SIP/0004f2040001-00000000 is ringing",
        f"    -- SIP/0004f2040001-00000000 answered {two}",
        f"       > Channel {one} was answered.",
        f"       > Launching Playback(silence/1&tt-weasels) on {one}",
        f"    -- <{one}> Playing 'silence/1.ulaw' (language 'en')",
    ]
    assert lines[: len(expected)] == expected
    await ast.settle(3)
    lines = ast.lines()
    assert f"    -- <{one}> Playing 'tt-weasels.ulaw' (language 'en')" in lines
    assert "Call completed to Local/201@devices" in lines
    assert not target.exists()
    # Asterisk 12+: ;1 runs an application, not a bridge, so the pair is not optimised.
    assert not ast.fired("CUSTOM", subclass="local::optimization_begin")
    plays = [e.get("Playback-File-Path") for e in ast.fired("PLAYBACK_START")]
    assert plays == ["silence/1", "tt-weasels"]
    await ast.idle()


async def test_seed_callfile_masquerade_mode_optimizes_like_the_document(
    asterisk: Factory, tmp_path: Path
) -> None:
    """Asterisk <= 11 (``local_optimization = "masquerade"``): the device channel is
    masqueraded into ``;1`` while ``;1`` plays ``silence/1``, so ``tt-weasels`` plays on
    the structure that now carries the device's name, as the seed shows."""
    ast = await asterisk(
        seed("seed001_callfile.conf"),
        spool=True,
        data_dir=str(tmp_path),
        devices={"0004f2040001": {"sim_answer_after": "1"}},
        local_optimization="masquerade",
    )
    await ast.switch.api("database", "put phones 201/device SIP/0004f2040001")
    target = move_in(ast, tmp_path, "201.call", (DATA / "seed001_callfile.call").read_text())
    await ast.settle(6)
    one, two = "Local/201@devices-00000000;1", "Local/201@devices-00000000;2"
    sip = "SIP/0004f2040001-00000000"
    expected = [
        "    -- Attempting call on Local/201@devices for application "
        "Playback(silence/1&tt-weasels) (Retry 1)",
        f'    -- Executing [201@devices:1] NoOp("{two}", "") in new stack',
        f'    -- Executing [201@devices:2] Set("{two}", "DEVICE=SIP/0004f2040001") in new stack',
        f'    -- Executing [201@devices:3] GotoIf("{two}", "0?hangup") in new stack',
        f'    -- Executing [201@devices:4] Dial("{two}", "SIP/0004f2040001,30") in new stack',
        "    -- Called SIP/0004f2040001",
        f"    -- {sip} is ringing",
        f"    -- {sip} answered {two}",
        f"       > Channel {one} was answered.",
        f"       > Launching Playback(silence/1&tt-weasels) on {one}",
        f"    -- <{one}> Playing 'silence/1.ulaw' (language 'en')",
        f"  == Spawn extension (devices, 201, 4) exited non-zero on '{two}'",
        f"    -- <{sip}> Playing 'tt-weasels.ulaw' (language 'en')",
        "Call completed to Local/201@devices",
    ]
    assert ast.asterisk_lines() == expected
    assert not target.exists()
    # no 12+ optimisation events; the zombie carried ;1's identity and hung up
    assert not ast.fired("CUSTOM", subclass="local::optimization_begin")
    hangups = [e.get("Channel-Name") for e in ast.fired("CHANNEL_HANGUP")]
    assert f"{one}<ZOMBIE>" in hangups
    assert hangups[-1] == sip
    starts = [
        (e.get("Channel-Name"), e.get("Playback-File-Path")) for e in ast.fired("PLAYBACK_START")
    ]
    assert starts == [(one, "silence/1"), (sip, "tt-weasels")]
    await ast.idle()


async def test_callfile_without_device_in_astdb_hangs_up(asterisk: Factory, tmp_path: Path) -> None:
    ast = await asterisk(seed("seed001_callfile.conf"), spool=True, data_dir=str(tmp_path))
    move_in(ast, tmp_path, "x.call", (DATA / "seed001_callfile.call").read_text())
    await ast.settle(3)
    lines = ast.lines()
    two = "Local/201@devices-00000000;2"
    assert f'    -- Executing [201@devices:3] GotoIf("{two}", "1?hangup") in new stack' in lines
    assert (
        "Priority 'hangup' must be a number > 0, or valid label at line 7 of extensions.conf"
        in lines
    )
    assert "Call failed to go through, reason (1) Hangup" in lines
    assert "Queued call to Local/201@devices expired without completion after 1 attempt" in lines


async def test_callfile_with_missing_keys_is_refused(asterisk: Factory, tmp_path: Path) -> None:
    ast = await asterisk("[c]\nexten => 1,1,NoOp()\n", spool=True, data_dir=str(tmp_path))
    target = move_in(ast, tmp_path, "bad.call", "Application: Playback\nBogus line\nColour: red\n")
    await ast.settle(2)
    lines = ast.lines()
    assert "Syntax error at line 2 of bad.call" in lines
    assert "Unknown keyword 'Colour' at line 3 of bad.call" in lines
    assert (
        "At least one of app or extension must be specified, along with tech and dest in file "
        "bad.call" in lines
    )
    assert "Invalid file contents in bad.call, deleting" in lines
    assert not target.exists()
    # the switch goes on
    caller = await ast.call("1", "c", name="SIP/after-1")
    await ast.ended(caller)


async def test_retries_archive_and_failed_extension(asterisk: Factory, tmp_path: Path) -> None:
    text = (
        "[out]\nexten => 1,1,Answer()\n"
        "exten => failed,1,Verbose(0,failed reason ${REASON} ${WHO} on ${CHANNEL})\n"
    )
    ast = await asterisk(
        text, spool=True, data_dir=str(tmp_path), devices={"busy": {"sim_result": "busy"}}
    )
    start = ast.switch.clock.now()
    move_in(
        ast,
        tmp_path,
        "r.call",
        "Channel: SIP/busy\nContext: out\nExtension: 1\nMaxRetries: 1\nRetryTime: 60\n"
        "Archive: yes\nSet: WHO=spool\n",
    )
    await ast.settle(70)
    lines = ast.lines()
    attempts = [line for line in lines if line.startswith("    -- Attempting call on SIP/busy")]
    assert attempts == [
        "    -- Attempting call on SIP/busy for 1@out:1 (Retry 1)",
        "    -- Attempting call on SIP/busy for 1@out:1 (Retry 2)",
    ]
    assert lines.count("failed reason 5 spool on OutgoingSpoolFailed") == 2
    assert "Queued call to SIP/busy expired without completion after 2 attempts" in lines
    archived = tmp_path / "spool" / "outgoing_done" / "r.call"
    body = archived.read_text()
    assert "StartRetry:" in body and "EndRetry:" in body
    assert body.endswith("Status: Expired\n")
    starts = [
        e.timestamp - start
        for e in ast.fired("CHANNEL_CREATE")
        if e.get("Channel-Name", "").startswith("SIP/busy")
    ]
    assert starts[1] - starts[0] == pytest.approx(60.0, abs=1.5)


async def test_future_mtime_schedules_the_call(asterisk: Factory, tmp_path: Path) -> None:
    ast = await asterisk(
        "[out]\nexten => 1,1,Answer()\n same => n,Hangup()\n", spool=True, data_dir=str(tmp_path)
    )
    start = ast.switch.clock.now()
    move_in(
        ast, tmp_path, "later.call", "Channel: SIP/alice\nContext: out\nExtension: 1\n", delay=30
    )
    await ast.settle(20)
    assert not ast.fired("CHANNEL_CREATE")
    await ast.settle(15)
    created = ast.fired("CHANNEL_CREATE")
    assert created and created[0].timestamp - start == pytest.approx(30.0, abs=1.0)
    assert created[0].get("variable_AST_OUTGOING_ATTEMPT") == "1"
    await ast.idle()
    assert "Call completed to SIP/alice" in ast.lines()


async def test_astdb_survives_a_restart(asterisk: Factory, tmp_path: Path) -> None:
    first = await asterisk(
        "[c]\nexten => 1,1,Set(DB(fam/key)=value ${EXTEN})\n", data_dir=str(tmp_path)
    )
    caller = await first.call("1", "c", name="SIP/a-1")
    await first.ended(caller)
    first.layer.close()
    second = await asterisk("[c]\nexten => 1,1,NoOp()\n", data_dir=str(tmp_path))
    got = await second.switch.api("database", "get fam key")
    assert got.output == "Value: value 1\n"
    assert (await second.switch.api("database", "del fam nokey")).output == (
        "Database entry could not be removed.\n"
    )
    assert (await second.switch.api("database", "deltree fam")).output == (
        "1 database entries removed.\n"
    )
    assert (tmp_path / "astdb.sqlite3").exists()


KEYS = """
[devices]
exten => 201,1,Set(TRY=${AST_OUTGOING_ATTEMPT})
 same => n,Verbose(0,cid ${CALLERID(all)} acct ${CHANNEL(accountcode)} V=${V} try ${TRY})
 same => n,Answer()
 same => n,Wait(5)

[hh]
exten => s,1,Verbose(0,handler on ${CHANNEL} ${ARG1})
 same => n,Return()

[out]
exten => 1,1,Verbose(0,on ${CHANNEL} cid ${CALLERID(all)} acct ${CHANNEL(accountcode)})
 same => n,Wait(3)
"""


async def test_callerid_account_and_set_reach_the_local_pair(
    asterisk: Factory, tmp_path: Path
) -> None:
    """``CallerID`` and ``Set:`` go on ``;1`` and are copied to ``;2`` (its caller ID is
    the file's), ``Account`` crosses over; a ``Set:`` function write pushes a hangup
    handler on ``;1``, which runs when the application is done."""
    ast = await asterisk(KEYS, spool=True, data_dir=str(tmp_path))
    move_in(
        ast,
        tmp_path,
        "keys.call",
        'Channel: Local/201@devices\nCallerID: "Spool Test" <5551234>\nAccount: acc9\n'
        "Set: V=x\nSet: CHANNEL(hangup_handler_push)=hh,s,1(cf)\n"
        "Application: Wait\nData: 1\n",
    )
    await ast.settle(2)
    await ast.idle()
    lines = ast.lines()
    assert 'cid "Spool Test" <5551234> acct acc9 V=x try 1' in lines
    assert "handler on Local/201@devices-00000000;1 cf" in lines
    assert "Call completed to Local/201@devices" in lines


async def test_waittime_channel_names_and_alwaysdelete(asterisk: Factory, tmp_path: Path) -> None:
    ast = await asterisk(
        KEYS,
        spool=True,
        data_dir=str(tmp_path),
        devices={"slow": {"sim_answer_after": "30"}},
    )
    start = ast.switch.clock.now()
    text = "Channel: SIP/slow\nWaitTime: 5\nContext: out\nExtension: 1\n"
    move_in(ast, tmp_path, "slow.call", text)
    await ast.settle(2)
    await ast.idle()
    assert "Call failed to go through, reason (3) Remote end Ringing" in ast.lines()
    [hangup] = ast.fired("CHANNEL_HANGUP")
    assert hangup.get("Channel-Name") == "SIP/slow-00000000"  # named like Asterisk's
    assert hangup.timestamp - start == pytest.approx(5.0, abs=1.0)
    # AlwaysDelete: no, and the file's mtime moved to the future during the call: kept
    target = move_in(
        ast,
        tmp_path,
        "keep.call",
        "Channel: SIP/bob\nCallerID: Bob <777>\nAccount: a2\nContext: out\nExtension: 1\n"
        "AlwaysDelete: no\n",
    )
    await ast.settle(1.5)
    later = ast.switch.clock.now() + 100
    os.utime(target, (later, later))
    await ast.idle()
    assert 'on SIP/bob-00000001 cid "Bob" <777> acct a2' in ast.lines()
    assert "Call completed to SIP/bob" in ast.lines()
    assert target.exists()
