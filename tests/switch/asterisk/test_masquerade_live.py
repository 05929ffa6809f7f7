"""Masquerades on live channels: Asterisk <= 11 Local optimisation (hangup handlers
follow the identities, asterisk_hangup_handlers.md section 8)."""

from __future__ import annotations

import pytest

from tests.switch.asterisk.conftest import Factory
from tests.switch.asterisk.harness import Harness

LOCAL_HANDLERS = """
[from]
exten => 100,1,Set(CHANNEL(hangup_handler_push)=hh,s,1(caller))
 same => n,Dial(Local/200@inner{opt},,b(pre^s^1))
 same => n,Hangup()

[pre]
exten => s,1,Set(CHANNEL(hangup_handler_push)=hh,s,1(one))
 same => n,Return()

[inner]
exten => 200,1,Set(CHANNEL(hangup_handler_push)=hh,s,1(two))
 same => n,Dial(SIP/dev,,b(predev^s^1))
exten => h,1,Verbose(0,h of ${{CHANNEL}})

[predev]
exten => s,1,Set(CHANNEL(hangup_handler_push)=hh,s,1(device))
 same => n,Return()

[hh]
exten => s,1,Verbose(0,handler ${{ARG1}} on ${{CHANNEL}})
 same => n,Return()
"""

ONE = "Local/200@inner-00000000;1"
TWO = "Local/200@inner-00000000;2"
DEV = "SIP/dev-00000000"


def _handlers(ast: Harness) -> list[str]:
    return [line for line in ast.lines() if line.startswith(("handler ", "h of "))]


async def _local_call(asterisk: Factory, opt: str) -> Harness:
    return await asterisk(
        LOCAL_HANDLERS.format(opt=opt),
        devices={"dev": {"sim_answer_after": "1", "sim_hangup_after": "10"}},
        local_optimization="masquerade",
    )


async def test_local_masquerade_moves_handlers_with_the_identities(asterisk: Factory) -> None:
    ast = await _local_call(asterisk, "")
    caller = await ast.call("100", "from", name="SIP/alice-1")
    await ast.settle(3)
    # at optimisation time: ;1's handler runs on the zombie, ;2 ends (h, then handler)
    assert _handlers(ast) == [
        f"handler one on {ONE}<ZOMBIE>",
        f"h of {TWO}",
        f"handler two on {TWO}",
    ]
    # the caller now talks to the structure that was ;1, carrying the device identity
    peer = ast.named(DEV)
    assert peer is not None and caller.bridge is not None and caller.bridge is peer.bridge
    assert ast.named("Local/") is None
    assert caller.channel.get_variable("DIALEDPEERNAME") == ONE
    cli = await ast.switch.api("core", "show hanguphandlers all")
    assert cli.output == (
        "Channel                        Handler\n"
        "SIP/alice-1                    hh,s,1(caller)\n"
        f"{DEV:<30} hh,s,1(device)\n"
    )
    await ast.ended(caller)
    await ast.idle()
    # the device's handler stayed with the device identity, the caller's with the caller
    assert _handlers(ast)[3:] == [f"handler device on {DEV}", "handler caller on SIP/alice-1"]
    runs = [
        (e.get("Channel"), e.get("Handler"))
        for e in ast.fired("CUSTOM", subclass="hangup_handler::run")
    ]
    assert runs[0] == (f"{ONE}<ZOMBIE>", "hh,s,1(one)")
    assert not ast.fired("CUSTOM", subclass="local::optimization_begin")


async def test_local_with_n_is_never_masqueraded(asterisk: Factory) -> None:
    ast = await _local_call(asterisk, "/n")
    caller = await ast.call("100", "from", name="SIP/alice-1")
    await ast.settle(3)
    assert _handlers(ast) == []
    assert ast.named(ONE) is not None and ast.named(TWO) is not None
    await ast.ended(caller)
    await ast.idle()
    lines = _handlers(ast)
    assert lines[0] == f"handler device on {DEV}"
    assert lines.index(f"h of {TWO}") < lines.index(f"handler two on {TWO}")
    assert f"handler one on {ONE}" in lines
    assert lines[-1] == "handler caller on SIP/alice-1"
    assert not any("ZOMBIE" in line for line in ast.lines())


@pytest.mark.parametrize("mode", ["bridge", "masquerade"])
async def test_local_optimization_setting_is_documented_and_validated(
    asterisk: Factory, mode: str
) -> None:
    ast = await asterisk("[c]\nexten => 1,1,NoOp()\n", local_optimization=mode)
    assert ast.layer.config.local_optimization == mode
