"""Hangup handlers on live channels (seed 000 and asterisk_hangup_handlers.md)."""

from __future__ import annotations

from tests.switch.asterisk.conftest import Factory
from tests.switch.asterisk.harness import seed

HANDLERS = seed("seed000_handlers.conf")

CLI_CASCADE = (
    "Channel                        Handler\n"
    "SIP/alice-00000001             hdlr1,s,1(args)\n"
    "                               hdlr2,s,1(args)\n"
    "                               hdlr3,s,1(args)\n"
)


def _verbose0(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith(" Executed")]


async def test_cascading_handlers_run_newest_first_and_cli(asterisk: Factory) -> None:
    ast = await asterisk(HANDLERS)
    caller = await ast.call("cascade", "default", name="SIP/alice-00000001", number="1001")
    await ast.settle(2)
    cli = await ast.switch.api("core", "show hanguphandlers all")
    assert cli.output == CLI_CASCADE
    one = await ast.switch.api("core", "show hanguphandlers SIP/alice-00000001")
    assert one.output == CLI_CASCADE
    by_uniqueid = await ast.switch.api("core", f"show hanguphandlers {caller.uuid}")
    assert by_uniqueid.output == CLI_CASCADE
    other = await ast.call("cascade", "default", name="SIP/bob-00000002", number="1002")
    await ast.settle(1)
    both = await ast.switch.api("core", "show hanguphandlers all")
    assert both.output == CLI_CASCADE + (
        "SIP/bob-00000002               hdlr1,s,1(args)\n"
        "                               hdlr2,s,1(args)\n"
        "                               hdlr3,s,1(args)\n"
    )
    nothing = await ast.switch.api("core", "show hanguphandlers SIP/nobody")
    assert nothing.output == "Channel does not exist.\n"
    usage = await ast.switch.api("core", "show hanguphandlers")
    assert usage.output.startswith("Usage: core show hanguphandlers <channel>\n")
    await ast.ended(caller)
    await ast.ended(other)
    lines = [line for line in ast.asterisk_lines() if "bob" not in line]
    assert _verbose0(lines) == [" Executed First", " Executed Second", " Executed Third"] * 2
    assert "    -- SIP/alice-00000001 Internal Gosub(hdlr1,s,1(args)) start" in lines
    assert "    -- SIP/alice-00000001 Internal Gosub(hdlr1,s,1(args)) complete GOSUB_RETVAL=" in (
        lines
    )
    assert (
        '    -- Executing [s@hdlr1:1] Verbose("SIP/alice-00000001", "0, Executed First") '
        "in new stack" in lines
    )
    def handlers(kind: str) -> list[str | None]:
        fired = ast.fired("CUSTOM", subclass=f"hangup_handler::{kind}")
        return [e.get("Handler") for e in fired if e.get("Channel") == "SIP/alice-00000001"]

    assert handlers("push") == ["hdlr3,s,1(args)", "hdlr2,s,1(args)", "hdlr1,s,1(args)"]
    assert handlers("run") == ["hdlr1,s,1(args)", "hdlr2,s,1(args)", "hdlr3,s,1(args)"]
    push = ast.fired("CUSTOM", subclass="hangup_handler::push")[0]
    assert push.get("Channel") == "SIP/alice-00000001"
    assert push.get("ChannelStateDesc") == "Ring"
    assert push.get("CallerIDNum") == "1001"
    assert push.get("Context") == "default"
    assert push.get("Exten") == "cascade"
    assert push.get("Priority") == "2"
    assert push.get("Uniqueid") == caller.uuid
    assert push.get("Unique-ID") == caller.uuid  # plus the FreeSWITCH channel data
    assert push.get("Channel-Name") == "SIP/alice-00000001"


async def test_syntax_lines_fail_at_hangup_and_the_rest_still_runs(asterisk: Factory) -> None:
    ast = await asterisk(HANDLERS)
    caller = await ast.call("syntax", "default", name="SIP/bob-00000002")
    await ast.ended(caller)
    pushes = [e.get("Handler") for e in ast.fired("CUSTOM", subclass="hangup_handler::push")]
    pops = [e.get("Handler") for e in ast.fired("CUSTOM", subclass="hangup_handler::pop")]
    assert pushes == [
        "[[context,]exten,]priority[(arg1[,...][,argN])",
        "[[[context,]exten,]priority[(arg1[,...][,argN])",
        "[[[context,]exten,]priority[(arg1[,...][,argN])",
        "hdlr1,s,1(args)",
    ]
    assert pops == [
        "[[context,]exten,]priority[(arg1[,...][,argN])",
        "[[[context,]exten,]priority[(arg1[,...][,argN])",
    ]
    lines = ast.lines()
    assert "Priority ']priority[' must be a number > 0, or valid label" in lines
    assert "Gosub address is invalid: '[[[context,]exten,]priority[(arg1[,...][,argN])'" in lines
    assert " Executed First" in lines


POP_WIPE = """
[default]
exten => s,1,Set(CHANNEL(hangup_handler_push)=default,s,1)
 same => n,Set(CHANNEL(hangup_handler_push)=hdlr3,s,1(args))
 same => n,Set(CHANNEL(hangup_handler_pop)=)                   ; drop the top one
 same => n,Set(CHANNEL(hangup_handler_pop)=hdlr4,s,1(args))    ; replace the top one
 same => n,Set(CHANNEL(hangup_handler_wipe)=)                  ; clear all
 same => n,Set(CHANNEL(hangup_handler_pop)=)
 same => n,Set(CHANNEL(hangup_handler_push)=a,s,1)
 same => n,Set(CHANNEL(hangup_handler_push)=b,s,1)
 same => n,Set(CHANNEL(hangup_handler_wipe)=hdlr4,s,1(${EXTEN}))
 same => n,Set(CHANNEL(hangup_handler_push)=hdlr4,1(no ctx))
 same => n,Set(CHANNEL(hangup_handler_push)=)
 same => n,Verbose(0,read=${CHANNEL(hangup_handler_push)}.)
 same => n,Hangup()

exten => h,1,Verbose(0,h first)

[hdlr4]
exten => s,1,Verbose(0,hdlr4 ${ARG1} in ${CONTEXT} ${EXTEN} ${HANGUPCAUSE})
 same => n,Return()
"""


async def test_pop_and_wipe_with_and_without_replacement(asterisk: Factory) -> None:
    ast = await asterisk(POP_WIPE)
    caller = await ast.call("s", "default", name="SIP/carol-00000003")
    await ast.ended(caller)
    kinds = {
        "hangup_handler::push": "Push",
        "hangup_handler::pop": "Pop",
        "hangup_handler::run": "Run",
    }
    sequence = [
        (kinds[e.subclass or ""], e.get("Handler"))
        for e in ast.fired("CUSTOM")
        if e.subclass in kinds
    ]
    assert sequence == [
        ("Push", "default,s,1"),
        ("Push", "hdlr3,s,1(args)"),
        ("Pop", "hdlr3,s,1(args)"),
        ("Pop", "default,s,1"),
        ("Push", "hdlr4,s,1(args)"),
        ("Pop", "hdlr4,s,1(args)"),
        ("Push", "a,s,1"),
        ("Push", "b,s,1"),
        ("Pop", "b,s,1"),
        ("Pop", "a,s,1"),
        ("Push", "hdlr4,s,1(s)"),
        ("Push", "default,hdlr4,1(no ctx)"),
        ("Run", "default,hdlr4,1(no ctx)"),
        ("Run", "hdlr4,s,1(s)"),
    ]
    lines = ast.lines()
    assert "Unknown or unavailable item requested: 'hangup_handler_push'" in lines
    assert "read=." in lines
    assert lines.index("h first") < lines.index("hdlr4 s in hdlr4 s 16")
    assert any(
        "Gosub attempted to reach non-existent destination 'default,hdlr4,1'" in x for x in lines
    )


PREDIAL = """
[default]
exten => s,1,Dial(Local/ans@called_context,,B(predial^xtn^c1(${EXTEN}))b(predial^xtn^c2(${EXTEN})))
 same => n,Hangup()

[predial]
exten => xtn,1(c1),NoOp(caller pre-dial ${ARG1})
 same => n,Set(CHANNEL(hangup_handler_push)=hhandler,xtn,c1(${ARG1},caller,xtn,1))
 same => n,Return()
 same => n(c2),Set(CHANNEL(hangup_handler_push)=hhandler,xtn,c2(${ARG1},callee,xtn,1))
 same => n,Return()

[hhandler]
exten => xtn,1(c1),Verbose(0,caller handler ${ARG1} ${ARG2} on ${CHANNEL})
 same => n,Return()
 same => n(c2),Verbose(0,callee handler ${ARG1} ${ARG2} on ${CHANNEL})
 same => n,Return()

[called_context]
exten => ans,1,Answer()
 same => n,Wait(1)
 same => n,Hangup()
 exten => h,1,Verbose(0,h of ${CHANNEL})
"""


async def test_predial_handlers_on_caller_and_local_one(asterisk: Factory) -> None:
    ast = await asterisk(PREDIAL)
    caller = await ast.call("s", "default", name="PJSIP/alice-00000001")
    await ast.ended(caller)
    await ast.idle()
    lines = ast.asterisk_lines()
    assert (
        '    -- Executing [xtn@predial:1] NoOp("PJSIP/alice-00000001", "caller pre-dial s") '
        "in new stack" in lines
    )
    assert (
        '    -- Executing [xtn@predial:4] Set("Local/ans@called_context-00000000;1", '
        '"CHANNEL(hangup_handler_push)=hhandler,xtn,c2(s,callee,xtn,1)") in new stack' in lines
    )
    callee = "callee handler s callee on Local/ans@called_context-00000000;1"
    caller_line = "caller handler s caller on PJSIP/alice-00000001"
    assert callee in lines
    assert caller_line in lines
    assert "h of Local/ans@called_context-00000000;2" in lines
    # ;2 hangs up first (its PBX ends), which ends ;1 and then the caller's Dial.
    assert lines.index(callee) < lines.index(caller_line)


async def test_handler_without_return_is_abnormal_and_next_runs(asterisk: Factory) -> None:
    text = (
        "[c]\nexten => 1,1,Set(CHANNEL(hangup_handler_push)=good,s,1)\n"
        " same => n,Set(CHANNEL(hangup_handler_push)=noreturn,s,1)\n"
        " same => n,Set(CHANNEL(hangup_handler_push)=c,1,label-that-is-not)\n"
        "[noreturn]\nexten => s,1,Verbose(0,no return here)\n same => n,Wait(3)\n"
        " same => n,Verbose(0,not reached)\n"
        "[good]\nexten => s,1,Verbose(0,good ran)\n same => n,Return(ok)\n"
    )
    ast = await asterisk(text)
    caller = await ast.call("1", "c", name="SIP/d-1")
    await ast.ended(caller)
    lines = ast.lines()
    assert "Priority 'label-that-is-not' must be a number > 0, or valid label" in lines
    assert "Gosub address is invalid: 'c,1,label-that-is-not'" in lines
    assert "no return here" in lines
    assert "not reached" not in lines
    assert (
        "SIP/d-1 Abnormal 'Gosub(noreturn,s,1)' exit.  Popping routine return locations." in lines
    )
    assert "good ran" in lines
    assert "    -- SIP/d-1 Internal Gosub(good,s,1) complete GOSUB_RETVAL=ok" in lines


async def test_handlers_on_dial_outbound_leg_via_b(asterisk: Factory) -> None:
    text = (
        "[c]\nexten => 1,1,Dial(SIP/bob&SIP/carol,20,b(pre^s^1))\n"
        "[pre]\nexten => s,1,Set(CHANNEL(hangup_handler_push)=hh,s,1(${CHANNEL}))\n"
        " same => n,Return()\n"
        "[hh]\nexten => s,1,Verbose(0,leg ${ARG1} cause ${HANGUPCAUSE})\n same => n,Return()\n"
    )
    ast = await asterisk(
        text,
        devices={"bob": {"sim_answer_after": "2"}, "carol": {"sim_result": "noanswer"}},
    )
    caller = await ast.call("1", "c", name="SIP/alice-1")
    await ast.settle(5)
    caller.hangup()
    await ast.idle()
    lines = ast.lines()
    assert "leg SIP/carol-00000001 cause 26" in lines  # answered elsewhere
    assert "leg SIP/bob-00000000 cause 16" in lines
