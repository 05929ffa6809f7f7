"""How the interpreter sits on the core: the engine from the originate API, includes,
transfers away from the PBX, Local CHANNEL() mirroring, handlers at optimisation."""

from __future__ import annotations

from tests.switch.asterisk.conftest import Factory

DEVICES = """
[devices]
exten => 201,1,Answer()
 same => n,Verbose(0,${CHANNEL} in ${CONTEXT} for ${EXTEN})
 same => n,Goto(inc-only,1)

include => included

[included]
exten => inc-only,1,Verbose(0,included match keeps CONTEXT=${CONTEXT})
 same => n,Hangup()
"""


async def test_originate_api_runs_extension_of_context(asterisk: Factory) -> None:
    ast = await asterisk(DEVICES)
    result = await ast.switch.api("originate", "sim/x 201 asterisk devices")
    assert result.ok, result.output
    await ast.idle()
    lines = ast.asterisk_lines()
    assert "sim/x in devices for 201" in lines
    assert "included match keeps CONTEXT=devices" in lines
    assert (
        '    -- Executing [inc-only@devices:1] Verbose("sim/x", '
        '"0,included match keeps CONTEXT=devices") in new stack' in lines
    )


async def test_transfer_away_ends_the_pbx_without_h(asterisk: Factory) -> None:
    text = "[c]\nexten => 1,1,Answer()\n same => n,Wait(100)\nexten => h,1,Verbose(0,h ran)\n"
    ast = await asterisk(text)
    caller = await ast.call("1", "c", name="SIP/t-1")
    await ast.settle(1)
    result = await ast.switch.api("uuid_transfer", f"{caller.uuid} park inline")
    assert result.ok, result.output
    await ast.settle(1)
    assert caller.channel.ready
    assert any(e.get("Application") == "park" for e in ast.fired("CHANNEL_EXECUTE"))
    caller.hangup()
    await ast.ended(caller)
    assert "h ran" not in ast.lines()


MIRROR = """
[c]
exten => 1,1,Dial(Local/2@c/n)
exten => 2,1,Set(CHANNEL(accountcode)=acct2)
 same => n,Set(CHANNEL(language)=fr)
 same => n,Set(CHANNEL(hangup_handler_push)=h2,s,1)
 same => n,Answer()
 same => n,Wait(2)
 same => n,Hangup()
[h2]
exten => s,1,Verbose(0,handler of ${CHANNEL})
 same => n,Return()
"""


async def test_channel_writes_cross_the_local_pair_except_handlers(asterisk: Factory) -> None:
    ast = await asterisk(MIRROR)
    caller = await ast.call("1", "c", name="SIP/m-1")
    await ast.settle(1)
    one = ast.named("Local/2@c-00000000;1")
    two = ast.named("Local/2@c-00000000;2")
    assert one is not None and two is not None
    s1, s2 = ast.layer.state(one), ast.layer.state(two)
    assert (s2.accountcode, s1.peeraccount) == ("acct2", "acct2")
    assert s1.language == "fr"
    assert s1.handlers.handlers == ()
    assert s2.handlers.handlers == ("h2,s,1",)
    await ast.ended(caller)
    assert "handler of Local/2@c-00000000;2" in ast.lines()


OPTIMIZE = """
[c]
exten => 1,1,Dial(Local/2@c${OPT},,b(pre^s^1))
exten => 2,1,Set(CHANNEL(hangup_handler_push)=hh,s,1(two))
 same => n,Dial(SIP/callee,,b(pre^s^1))
exten => h,1,Verbose(0,h of ${CHANNEL} at ${EPOCH})
[pre]
exten => s,1,Set(CHANNEL(hangup_handler_push)=hh,s,1(${CHANNEL}))
 same => n,Return()
[hh]
exten => s,1,Verbose(0,handler ${ARG1} at ${EPOCH})
 same => n,Return()
"""


async def test_local_halves_run_handlers_at_optimisation_unless_n(asterisk: Factory) -> None:
    for opt, at_end in (("", False), ("/n", True)):
        ast = await asterisk(OPTIMIZE)
        ast.layer.globals["OPT"] = opt
        start = int(ast.switch.clock.now())
        caller = await ast.call("1", "c", name="SIP/o-1", variables={"sim_hangup_after": "60"})
        await ast.idle()
        lines = ast.lines()
        when = {
            line.split(" at ")[0]: int(line.split(" at ")[1]) - start
            for line in lines
            if line.startswith(("handler ", "h of "))
        }
        later = 60 if at_end else 0
        assert when["handler Local/2@c-00000000;1"] == later
        assert when["handler two"] == later
        assert when["h of Local/2@c-00000000;2"] == later
        assert when["handler SIP/callee-00000000"] == 60  # the real callee: real end
        assert when["h of SIP/o-1"] == 60
        assert caller.channel.get_variable("DIALSTATUS") == "ANSWER"


async def test_endless_goto_loop_is_bounded_and_others_go_on(asterisk: Factory) -> None:
    ast = await asterisk(
        "[c]\nexten => 1,1,Goto(1,1)\nexten => 2,1,Verbose(0,other call)\n", max_steps=5000
    )
    looping = await ast.call("1", "c", name="SIP/loop-1")
    other = await ast.call("2", "c", name="SIP/other-1")
    await ast.ended(other)
    await ast.ended(looping)
    lines = ast.lines()
    assert "other call" in lines
    assert any("executed 5000 priorities" in line for line in lines)


async def test_local_options_and_api_errors(asterisk: Factory) -> None:
    ast = await asterisk(
        "[c]\nexten => 1,1,Dial(Local/2@c/j)\nexten => 2,1,Answer()\n same => n,Hangup()\n"
    )
    caller = await ast.call("1", "c", name="SIP/j-1")
    await ast.ended(caller)
    assert (
        "You must use the 'n' option with the 'j' option to enable the jitter buffer" in ast.lines()
    )
    core = await ast.switch.api("core", "show channels")
    assert core.output.startswith("No such command 'core show channels'")
    database = await ast.switch.api("database", "get onlyfamily")
    assert database.output.startswith("Usage: database get <family> <key>")


async def test_local_from_the_freeswitch_bridge_app_is_optimised(asterisk: Factory) -> None:
    ast = await asterisk("[ctx]\nexten => 100,1,Dial(SIP/bob)\n")
    result = await ast.switch.api("originate", "sim/alice 'bridge:Local/100@ctx' inline")
    assert result.ok, result.output
    alice = ast.switch.session(result.output.split()[1])
    assert alice is not None
    await ast.settle(2)
    bob = ast.named("SIP/bob")
    assert bob is not None
    assert ast.named("Local/") is None
    assert alice.bridge is not None and alice.bridge is bob.bridge
    assert ast.fired("CUSTOM", subclass="local::optimization_end")
    bob.hangup()
    await ast.idle()


async def test_dial_to_loopback_uses_xml_and_bows_out(asterisk: Factory) -> None:
    text = "[c]\nexten => 1,1,Dial(loopback/1000)\nexten => h,1,Verbose(0,h ran)\n"
    ast = await asterisk(text)
    caller = await ast.call("1", "c", name="SIP/lb-1")
    await ast.settle(1)
    a, b = ast.named("loopback/1000-a"), ast.named("loopback/1000-b")
    device = ast.named("sim/1000")
    assert a is not None and b is not None and device is not None
    assert caller.channel.get_variable("DIALSTATUS") == "ANSWER"
    assert b.channel.profile.dialplan == "XML"  # the default dialplan bridged sim/1000
    await ast.settle(3)
    assert ast.named("loopback/") is None
    assert caller.channel.ready and caller.bridge is device.bridge
    assert "h ran" not in ast.lines()  # the PBX was left, not ended
    device.hangup()
    await ast.idle()


async def test_dialplan_reload(asterisk: Factory, tmp_path: object) -> None:
    from pathlib import Path

    conf = Path(str(tmp_path)) / "extensions.conf"
    conf.write_text("[c]\nexten => 1,1,Verbose(0,old)\n")
    ast = await asterisk("", extensions_conf=str(conf))
    first = await ast.call("1", "c", name="SIP/r-1")
    await ast.ended(first)
    conf.write_text("[c]\nexten => 1,1,Verbose(0,new)\n")
    assert (await ast.switch.api("dialplan", "reload")).output == "Dialplan reloaded.\n"
    second = await ast.call("1", "c", name="SIP/r-2")
    await ast.ended(second)
    assert [line for line in ast.lines() if line in ("old", "new")] == ["old", "new"]


async def test_install_once_per_switch(asterisk: Factory) -> None:
    import pytest

    from pyerlsw.switch.asterisk.install import install_asterisk

    ast = await asterisk("[c]\n")
    with pytest.raises(RuntimeError, match="already installed"):
        install_asterisk(ast.switch, spool=False)
