"""Asterisk IVRs with DTMF from simulated callers: BackGround, WaitExten, Read,
WaitDigit and the PBX's extension collection (virtual clock)."""

from __future__ import annotations

import pytest

from pyerlsw.switch import Session
from tests.switch.asterisk.conftest import Factory
from tests.switch.asterisk.harness import Harness

IVR = """
[ivr]
exten => s,1,Answer()
 same => n,Set(TIMEOUT(digit)=2)
 same => n,Set(TIMEOUT(response)=4)
 same => n,BackGround(welcome&menu)
 same => n,WaitExten()
exten => 2,1,Verbose(0,sales from ${CHANNEL})
 same => n,Hangup()
exten => 31,1,Verbose(0,support 31)
 same => n,Hangup()
exten => 3,1,Verbose(0,never: 31 was still possible)
exten => _4X,1,Verbose(0,pattern ${EXTEN})
 same => n,Hangup()
exten => i,1,Verbose(0,invalid ${INVALID_EXTEN})
 same => n,Hangup()
exten => t,1,Verbose(0,timeout)
 same => n,Hangup()

[bare]
exten => s,1,Answer()
 same => n,WaitExten(2)
"""


async def dial_in(ast: Harness, context: str, name: str, digits: str, after: str = ".2") -> Session:
    variables = {"sim_dtmf": digits, "sim_dtmf_after": after}
    return await ast.call("s", context, name=name, variables=variables)


async def press(ast: Harness, digits: str, after: str = "0.5", number: str = "1000") -> Session:
    caller = await ast.call(
        "s", "ivr", name=f"SIP/{number}-1", number=number,
        variables={"sim_dtmf": digits, "sim_dtmf_after": after},
    )  # fmt: skip
    await ast.ended(caller)
    return caller


async def test_digit_during_background_lands_in_its_extension(asterisk: Factory) -> None:
    ast = await asterisk(IVR)
    await press(ast, "2")
    lines = ast.lines()
    assert "sales from SIP/1000-1" in lines
    stops = ast.fired("PLAYBACK_STOP")
    plays = [(e.get("Playback-File-Path"), e.get("Playback-Status")) for e in stops]
    assert plays == [("welcome", "break")]  # menu never started
    assert not any("WaitExten" in line for line in lines)
    dtmf = ast.fired("DTMF")
    assert [e.get("DTMF-Digit") for e in dtmf] == ["2"]
    assert dtmf[0].get("DTMF-Source") == "RTP"


async def test_more_digits_are_collected_while_a_longer_extension_can_match(
    asterisk: Factory,
) -> None:
    ast = await asterisk(IVR)
    await press(ast, "31")
    assert "support 31" in ast.lines()
    ast2 = await asterisk(IVR)
    await press(ast2, "45", after="1.5")  # during "menu": a pattern
    assert "pattern 45" in ast2.lines()


async def test_digit_timeout_then_exact_match(asterisk: Factory) -> None:
    ast = await asterisk(IVR)
    start = ast.switch.clock.now()
    await press(ast, "3")  # 31 may follow: wait TIMEOUT(digit), then 3 itself
    assert "never: 31 was still possible" in ast.lines()
    assert ast.switch.clock.now() - start == pytest.approx(2.5)


async def test_invalid_entry_goes_to_i(asterisk: Factory) -> None:
    ast = await asterisk(IVR)
    await press(ast, "9")
    lines = ast.lines()
    assert "    -- Invalid extension '9' in context 'ivr' on SIP/1000-1" in lines
    assert "invalid 9" in lines


async def test_waitexten_digit_and_timeout_to_t(asterisk: Factory) -> None:
    ast = await asterisk(IVR)
    await press(ast, "2", after="2.5")  # after both prompts, during WaitExten
    assert "sales from SIP/1000-1" in ast.lines()
    ast2 = await asterisk(IVR)
    start = ast2.switch.clock.now()
    caller = await ast2.call("s", "ivr", name="SIP/quiet-1")
    await ast2.ended(caller)
    assert "    -- Timeout on SIP/quiet-1, going to 't'" in ast2.lines()
    assert "timeout" in ast2.lines()
    assert ast2.switch.clock.now() - start == pytest.approx(2 + 4)


async def test_waitexten_without_handlers_and_bad_input(asterisk: Factory) -> None:
    ast = await asterisk(IVR)
    caller = await ast.call("s", "bare", name="SIP/b-1", variables={"sim_dtmf": "7"})
    await ast.ended(caller)
    assert "Invalid extension '7', but no rule 'i' or 'e' in context 'bare'" in ast.lines()
    other = await ast.call("s", "bare", name="SIP/b-2")
    await ast.ended(other)
    assert "Timeout but no rule 't' or 'e' in context 'bare'" in ast.lines()


async def test_waitexten_continues_when_a_next_priority_exists(asterisk: Factory) -> None:
    ast = await asterisk(
        "[c]\nexten => s,1,WaitExten(1)\n same => n,Verbose(0,went on)\n"
        "exten => t,1,Verbose(0,not t)\n"
    )
    caller = await ast.call("s", "c", name="SIP/c-1")
    await ast.ended(caller)
    assert "    -- Timeout on SIP/c-1, continuing..." in ast.lines()
    assert "went on" in ast.lines() and "not t" not in ast.lines()


BG_OPTIONS = """
[m]
exten => s,1,Answer()
 same => n,BackGround(one&two,m)
 same => n,Verbose(0,fell through)
 same => n,WaitExten(3)
exten => 5,1,Verbose(0,five)
exten => 55,1,Verbose(0,never)

[p]
exten => s,1,BackGround(one&two,p)
 same => n,Verbose(0,played both)
exten => 5,1,Verbose(0,five)

[ctx]
exten => s,1,BackGround(one,,,other)
exten => 6,1,Verbose(0,six here)
[other]
exten => 6,1,Verbose(0,six in other)
"""


async def test_background_options(asterisk: Factory) -> None:
    ast = await asterisk(BG_OPTIONS)
    # m: 5 only starts an extension, 5 is one; 9 is dropped
    caller = await dial_in(ast, "m", "SIP/m-1", "9w5")
    await ast.ended(caller)
    assert "five" in ast.lines() and "fell through" not in ast.lines()
    # p: not interruptible; the digit is dropped
    caller = await dial_in(ast, "p", "SIP/p-1", "5")
    await ast.ended(caller)
    assert "played both" in ast.lines()
    # a context argument with a one-digit extension there
    caller = await dial_in(ast, "ctx", "SIP/x-1", "6")
    await ast.ended(caller)
    assert "six in other" in ast.lines() and "six here" not in ast.lines()


READ = """
[r]
exten => s,1,Answer()
 same => n,Read(PIN,enter-pin,4,,2,3)
 same => n,Verbose(0,pin=${PIN} status=${READSTATUS})
 same => n,WaitDigit(2,9)
 same => n,Verbose(0,wait=${WAITDIGITSTATUS} ${WAITDIGITRESULT})
 same => n,Hangup()
[skip]
exten => s,1,Read(X,,,s)
 same => n,Verbose(0,skip=${READSTATUS})
"""


async def test_read_with_readstatus(asterisk: Factory) -> None:
    ast = await asterisk(READ)
    caller = await dial_in(ast, "r", "SIP/r-1", "12#w9")
    await ast.ended(caller)
    lines = ast.lines()
    assert "pin=12 status=OK" in lines
    assert "    -- User entered '12'" in lines
    assert "wait=DTMF 9" in lines
    # max digits, no terminator
    caller = await ast.call("s", "r", name="SIP/r-2", variables={"sim_dtmf": "123456"})
    await ast.ended(caller)
    assert "pin=1234 status=OK" in ast.lines()
    # nothing: two attempts of 3 s, then TIMEOUT; WaitDigit times out too
    start = ast.switch.clock.now()
    caller = await ast.call("s", "r", name="SIP/r-3")
    await ast.ended(caller)
    lines = ast.lines()
    assert "    -- User entered nothing, 1 chance left" in lines
    assert "pin= status=TIMEOUT" in lines
    assert "wait=TIMEOUT " in lines
    assert ast.switch.clock.now() - start == pytest.approx(1 + 3 + 1 + 3 + 2)
    caller = await ast.call("s", "skip", name="SIP/r-4")
    await ast.ended(caller)
    assert "skip=SKIPPED" in ast.lines()


LOCAL_IVR = """
[front]
exten => s,1,Answer()
 same => n,Dial(Local/s@menu/n,10)
[menu]
exten => s,1,Answer()
 same => n,WaitExten(5)
exten => 7,1,Verbose(0,seven via ${CHANNEL})
 same => n,Hangup()
"""


async def test_digits_cross_a_dial_bridge_and_a_local_pair(asterisk: Factory) -> None:
    ast = await asterisk(LOCAL_IVR)
    caller = await dial_in(ast, "front", "SIP/f-1", "7", after="1")
    await ast.ended(caller)
    assert any(line.startswith("seven via Local/s@menu-") for line in ast.lines())
