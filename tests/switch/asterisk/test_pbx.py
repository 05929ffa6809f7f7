"""The extensions.conf interpreter on live channels: priorities, Executing lines,
special extensions, patterns, Gosub, expressions, bad input."""

from __future__ import annotations

import pytest

from pyerlsw.switch.causes import CAUSES
from tests.switch.asterisk.conftest import Factory

BASIC = """
[globals]
GREETING=hello

[default]
exten => 100,1,Answer()
 same => n,NoOp(${GREETING} ${EXTEN}@${CONTEXT}:${PRIORITY})
 same => n,Set(NUMBER=98765)
 same => n,Verbose(1,${NUMBER:2} ${NUMBER:-2} ${NUMBER:0:3} ${NUMBER:1:3})
 same => n,Verbose(2,$[3/2] $[4/2] $[1=1] $[${LEN(${NUMBER})} + 1])
 same => n,Verbose(3,${IF($[${NUMBER} > 5]?big:small)} ${ISNULL(${NOPE})} ${EXISTS(${NUMBER})})
 same => n(end),Hangup(USER_BUSY)

exten => h,1,Verbose(0,h ran on ${CHANNEL} cause ${HANGUPCAUSE} exten ${EXTEN})

exten => 200,1,Goto(end-label)
 same => n,Verbose(never)
 same => n(end-label),Verbose(0,jumped)
 same => n,Goto(300,1)

exten => 300,1,Verbose(0,at 300)
 same => n,Goto(nowhere,1)

exten => i,1,Verbose(0,invalid ${INVALID_EXTEN})

exten => 400,1,Set(DIALSTATUS=BUSY)
"""


async def test_priorities_executing_lines_and_h(asterisk: Factory) -> None:
    ast = await asterisk(BASIC)
    caller = await ast.call("100", "default", name="SIP/alice-00000001")
    await ast.ended(caller)
    lines = ast.asterisk_lines()
    assert lines[:4] == [
        '    -- Executing [100@default:1] Answer("SIP/alice-00000001", "") in new stack',
        '    -- Executing [100@default:2] NoOp("SIP/alice-00000001", '
        '"hello 100@default:2") in new stack',
        '    -- Executing [100@default:3] Set("SIP/alice-00000001", "NUMBER=98765") in new stack',
        '    -- Executing [100@default:4] Verbose("SIP/alice-00000001", '
        '"1,765 65 987 876") in new stack',
    ]
    assert " 765 65 987 876" in lines
    assert "  == 1.5 2 1 6" in lines
    assert "    -- big 1 1" in lines
    assert "h ran on SIP/alice-00000001 cause 17 exten h" in lines
    assert "  == Spawn extension (default, 100, 7) exited non-zero on 'SIP/alice-00000001'" in lines
    assert lines.index("h ran on SIP/alice-00000001 cause 17 exten h") > lines.index(
        "  == Spawn extension (default, 100, 7) exited non-zero on 'SIP/alice-00000001'"
    )
    assert caller.channel.hangup_cause == CAUSES["USER_BUSY"]


async def test_goto_labels_invalid_extension_and_fallthrough(asterisk: Factory) -> None:
    ast = await asterisk(BASIC)
    caller = await ast.call("200", "default", name="SIP/bob-00000002")
    await ast.ended(caller)
    lines = ast.asterisk_lines()
    assert "never" not in " ".join(lines)
    assert "jumped" in lines
    assert "    -- Goto (default,200,3)" in lines
    assert "at 300" in lines
    assert (
        "    -- Channel 'SIP/bob-00000002' sent to invalid extension: "
        "context,exten,priority=default,nowhere,1" in lines
    )
    assert "invalid nowhere" in lines
    assert "    -- Auto fallthrough, channel 'SIP/bob-00000002' status is 'UNKNOWN'" in lines


async def test_auto_fallthrough_busy_hangs_up_unanswered_caller(asterisk: Factory) -> None:
    ast = await asterisk(BASIC)
    caller = await ast.call("400", "default", name="SIP/carol-00000003")
    await ast.ended(caller)
    assert "    -- Auto fallthrough, channel 'SIP/carol-00000003' status is 'BUSY'" in (
        ast.asterisk_lines()
    )
    assert caller.channel.hangup_cause == CAUSES["USER_BUSY"]


async def test_unknown_start_extension_falls_back_to_s(asterisk: Factory) -> None:
    ast = await asterisk("[ctx]\nexten => s,1,Verbose(0,in s)\n")
    caller = await ast.call("999", "ctx", name="SIP/dave-00000004")
    await ast.ended(caller)
    lines = ast.asterisk_lines()
    assert (
        "  == Starting SIP/dave-00000004 at ctx,999,1 failed so falling back to exten 's'" in lines
    )
    assert "in s" in lines


async def test_no_invalid_handler_warning(asterisk: Factory) -> None:
    ast = await asterisk("[ctx]\nexten => 1,1,Goto(2,1)\n")
    caller = await ast.call("1", "ctx", name="SIP/e-00000005")
    await ast.ended(caller)
    assert (
        "Channel 'SIP/e-00000005' sent to invalid extension but no invalid handler: "
        "context,exten,priority=ctx,2,1" in ast.lines()
    )


PATTERNS = """
[p]
exten => _6XX1,1,Verbose(0,_6XX1)
exten => _64XX,1,Verbose(0,_64XX)
exten => _640X,1,Verbose(0,_640X)
exten => _6.,1,Verbose(0,_6.)
exten => _64NX,1,Verbose(0,_64NX)
exten => _6[45]NX,1,Verbose(0,_6[45]NX)
exten => _6[34]NX,1,Verbose(0,_6[34]NX)

[q]
exten => 6410,1,Verbose(0,literal 6410)
exten => _641X,1,Verbose(0,pattern 1)
exten => _641X,n,Verbose(0,pattern 2 for ${EXTEN})
"""


async def test_pattern_order_and_priority_from_less_specific(asterisk: Factory) -> None:
    ast = await asterisk(PATTERNS)
    for exten, context in (("6421", "p"), ("6401", "p"), ("6999", "p"), ("6410", "q")):
        caller = await ast.call(exten, context, name=f"SIP/{exten}-1")
        await ast.ended(caller)
    lines = ast.asterisk_lines()
    verbose = [line for line in lines if not line.startswith(("    --", "  =="))]
    assert verbose == ["_64NX", "_640X", "_6.", "literal 6410", "pattern 2 for 6410"]


GOSUB = """
[main]
exten => s,1,Gosub(sub,s,1(one,two three,"x,y"))
 same => n,Verbose(0,back ret=${GOSUB_RETVAL} argc=${ARGC} local=${L})
 same => n,Set(L=outer)
 same => n,Gosub(sub2,s,1(a))
 same => n,Verbose(0,after sub2 L=${L} ARG1=${ARG1})
 same => n,GosubIf($[1 = 2]?sub,s,1:sub3,s,1(z))
 same => n,Verbose(0,gosubif ret=${GOSUB_RETVAL})
 same => n,Return()

[sub]
exten => s,1,Verbose(0,sub argc=${ARGC} 1=${ARG1} 2=${ARG2} 3=${ARG3})
 same => n,Set(LOCAL(L)=inner)
 same => n,Return(${ARG1}-${L})

[sub2]
exten => s,1,Set(LOCAL(L)=shadow)
 same => n,Verbose(0,sub2 L=${L} peek=${LOCAL_PEEK(1,L)} ARG1=${ARG1})
 same => n,Gosub(sub,s,1(nested))
 same => n,Return

[sub3]
exten => s,1,Return(three ${ARG1})
"""


async def test_gosub_arguments_locals_and_return(asterisk: Factory) -> None:
    ast = await asterisk(GOSUB)
    caller = await ast.call("s", "main", name="SIP/g-1")
    await ast.ended(caller)
    lines = ast.asterisk_lines()
    verbose = [line for line in lines if not line.startswith(("    --", "  =="))]
    assert verbose == [
        'sub argc=3 1=one 2=two three 3="x,y"',
        "back ret=one-inner argc= local=",
        "sub2 L=shadow peek=outer ARG1=a",
        "sub argc=1 1=nested 2= 3=",
        "after sub2 L=outer ARG1=",
        "gosubif ret=three z",
        "Return without Gosub: stack is empty at line 10 of extensions.conf",
    ]


async def test_gosub_to_nowhere_logs_file_and_line(asterisk: Factory) -> None:
    ast = await asterisk("[c]\nexten => 1,1,NoOp()\n same => n,Gosub(nowhere,s,1)\n")
    caller = await ast.call("1", "c", name="SIP/n-1")
    await ast.ended(caller)
    assert (
        "Gosub attempted to reach non-existent destination 'nowhere,s,1' from 'c,1,2' "
        "at line 3 of extensions.conf" in ast.lines()
    )
    assert "  == Spawn extension (c, 1, 2) exited non-zero on 'SIP/n-1'" in ast.lines()


async def test_bad_lines_unknown_app_and_missing_context(asterisk: Factory) -> None:
    text = "[c]\nexten => 1,n,NoOp(first n)\nexten => 1,1,Frobnicate(x)\nexten => 2,bad,NoOp()\n"
    ast = await asterisk(text)
    lines = ast.lines()
    assert "Can't use 'next' priority on the first entry at line 2 of extensions.conf!" in lines
    assert "Invalid priority/label 'bad' at line 4 of extensions.conf" in lines
    other = await ast.call("1", "c", name="SIP/x-1")
    await ast.ended(other)
    assert (
        "No application 'Frobnicate' for extension (c, 1, 1) at line 3 of extensions.conf"
        in ast.lines()
    )
    missing = await ast.call("1", "nosuch", name="SIP/y-1")
    await ast.ended(missing)
    assert missing.channel.hangup_cause == CAUSES["NO_ROUTE_DESTINATION"]
    assert any("Context 'nosuch' does not exist in extensions.conf" in line for line in ast.lines())
    # the switch still works
    again = await ast.call("1", "c", name="SIP/z-1")
    await ast.ended(again)


async def test_case_insensitive_apps_functions_and_freeswitch_apps(asterisk: Factory) -> None:
    text = (
        "[c]\nexten => 1,1,noop(${len(abcd)} ${Len(ab)})\n"
        " same => n,verbose(0,${isnull()}${if(1?yes:no)})\n"
        " same => n,event(Event-Subclass=my::test,Event-Name=CUSTOM,Foo=bar)\n"
        " same => n,hangup\n"
    )
    ast = await asterisk(text)
    caller = await ast.call("1", "c", name="SIP/ci-1")
    await ast.ended(caller)
    lines = ast.asterisk_lines()
    assert '    -- Executing [1@c:1] NoOp("SIP/ci-1", "4 2") in new stack' in lines
    assert "1yes" in lines
    assert (
        '    -- Executing [1@c:3] event("SIP/ci-1", '
        '"Event-Subclass=my::test,Event-Name=CUSTOM,Foo=bar") in new stack' in lines
    )
    custom = ast.fired("CUSTOM", subclass="my::test")
    assert custom and custom[0].get("Foo") == "bar"
    executes = [e.get("Application") for e in ast.fired("CHANNEL_EXECUTE")]
    assert executes == ["asterisk_pbx", "NoOp", "Verbose", "event", "Hangup"]


async def test_variables_inheritance_forms_and_channel_events(asterisk: Factory) -> None:
    text = (
        "[c]\nexten => 1,1,Set(__X=1)\n same => n,Set(_X=2)\n"
        " same => n,Verbose(0,${X} ${_X} ${__X})\n same => n,Set(CALLERID(name)=Bob)\n"
        " same => n,Verbose(0,${CALLERID(all)} ${CHANNEL(channeltype)} ${CHANNEL(name)})\n"
    )
    ast = await asterisk(text)
    caller = await ast.call("1", "c", name="SIP/v-1", number="555")
    await ast.ended(caller)
    assert "2 2 " in ast.asterisk_lines()
    assert '"Bob" <555> SIP SIP/v-1' in ast.asterisk_lines()
    assert caller.channel.get_variable("_X") == "2"
    assert caller.channel.get_variable("__X") is None


IVR = """
[ivr]
exten => s,1,Background(welcome&menu)
 same => n,Set(TIMEOUT(response)=3)
 same => n,WaitExten()
exten => t,1,Verbose(0,timeout after ${TIMEOUT(response)} s)
 same => n,Playback(goodbye,noanswer)
 same => n,Verbose(0,status ${PLAYBACKSTATUS})
 same => n,Hangup()

[noto]
exten => s,1,WaitExten(1)
"""


async def test_background_waitexten_and_t(asterisk: Factory) -> None:
    ast = await asterisk(IVR)
    start = ast.switch.clock.now()
    caller = await ast.call("s", "ivr", name="SIP/ivr-1")
    await ast.ended(caller)
    lines = ast.lines()
    assert "timeout after 3 s" in lines
    assert "status SUCCESS" in lines
    assert "Timeout but no rule 't' or 'e' in context 'ivr'" not in lines
    plays = [e.get("Playback-File-Path") for e in ast.fired("PLAYBACK_START")]
    assert plays == ["welcome", "menu", "goodbye"]
    assert "    -- <SIP/ivr-1> Playing 'welcome.ulaw' (language 'en')" in lines
    assert ast.switch.clock.now() - start == pytest.approx(6.0)  # 1 + 1 + 3 + 1 s
    other = await ast.call("s", "noto", name="SIP/ivr-2")
    await ast.ended(other)
    assert "Timeout but no rule 't' or 'e' in context 'noto'" in ast.lines()
