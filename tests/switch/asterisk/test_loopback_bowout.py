"""mod_loopback's bow-outs: execute bow-out (``unloop``, ``loopback_bowout_on_execute``),
bridge bow-out through chains of pairs, vetoes, ``loopback::direct`` and controlled
hangup (``mod_loopback.md`` section 4)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pyerlsw.switch.asterisk.settings import AsteriskConfig
from pyerlsw.switch.dialplan.base import Action
from tests.switch.asterisk.conftest import Factory
from tests.switch.asterisk.harness import Harness


class _Table:
    """A dialplan engine routing destinations from a table of action lists."""

    name = "table"

    def __init__(self, routes: dict[str, list[Action]]) -> None:
        self.routes = routes

    async def hunt(
        self, target: object, destination: str, context: str, args: str
    ) -> list[Action] | None:
        return self.routes.get(destination)


async def _setup(asterisk: Factory, routes: dict[str, list[Action]], **options: object) -> Harness:
    ast = await asterisk("[c]\nexten => 1,1,NoOp()\n", **options)
    ast.switch.dialplans.register(_Table(routes))
    return ast


async def _alice(ast: Harness, app: str) -> str:
    result = await ast.switch.api("originate", f"sim/alice {app}")
    assert result.ok, result.output
    return result.output.split()[1]


async def test_unloop_hands_the_extension_to_the_real_caller(asterisk: Factory) -> None:
    routes = {
        "1000": [
            Action("unloop"),
            Action("set", "ran_on=${uuid}"),
            Action("answer"),
            Action("park"),
        ]
    }
    ast = await _setup(asterisk, routes)
    alice_uuid = await _alice(ast, "&bridge(loopback/1000/default/table)")
    alice = ast.switch.session(alice_uuid)
    assert alice is not None
    await ast.settle(1)
    assert ast.named("loopback/") is None
    assert alice.channel.ready
    assert alice.channel.get_variable("ran_on") == alice_uuid
    assert alice.channel.profile.destination_number == "1000"
    assert alice.channel.profile.dialplan == "table"
    (bowout,) = ast.fired("CUSTOM", subclass="loopback::bowout")
    headers = dict(bowout.headers)
    assert headers["Acquired-UUID"] == alice_uuid
    resigning, peer = headers["Resigning-UUID"], headers["Resigning-Peer-UUID"]
    hangups = {
        dict(e.headers)["Unique-ID"]: dict(e.headers) for e in ast.fired("CHANNEL_HANGUP_COMPLETE")
    }
    assert hangups[resigning]["Channel-Name"] == "loopback/1000-b"
    assert hangups[resigning]["variable_loopback_hangup_cause"] == "bowout"
    assert hangups[resigning]["variable_loopback_bowout_other_uuid"] == alice_uuid
    assert hangups[resigning]["Hangup-Cause"] == "NORMAL_UNSPECIFIED"
    assert hangups[peer]["Channel-Name"] == "loopback/1000-a"
    assert hangups[peer]["Hangup-Cause"] == "NORMAL_UNSPECIFIED"
    assert any("BOWOUT Replacing loopback channel with real channel: sim/alice" in line
               for line in ast.lines(level=7))  # fmt: skip
    alice.hangup()
    await ast.idle()


async def test_bowout_on_execute_variable(asterisk: Factory) -> None:
    routes = {"1000": [Action("set", "ran_on=${uuid}"), Action("park")]}
    ast = await _setup(asterisk, routes, loopback_bowout_hangup_cause="USER_BUSY")
    alice_uuid = await _alice(
        ast, "&bridge({loopback_bowout_on_execute=true}loopback/1000/default/table)"
    )
    await ast.settle(1)
    alice = ast.switch.session(alice_uuid)
    assert alice is not None and alice.channel.get_variable("ran_on") == alice_uuid
    (peer,) = [e for e in ast.fired("CHANNEL_HANGUP") if e.channel is not None
               and dict(e.headers)["Channel-Name"] == "loopback/1000-a"]  # fmt: skip
    assert dict(peer.headers)["Hangup-Cause"] == "USER_BUSY"
    alice.hangup()
    await ast.idle()


async def test_without_a_real_channel_there_is_no_execute_bowout(asterisk: Factory) -> None:
    routes = {
        "1000": [
            Action("unloop"),
            Action("set", "ran_on=${uuid}"),
            Action("answer"),
            Action("park"),
        ]
    }
    ast = await _setup(asterisk, routes)
    result = await ast.switch.api("originate", "loopback/1000/default/table &park()")
    assert result.ok, result.output
    await ast.settle(1)
    b = ast.named("loopback/1000-b")
    assert b is not None and b.channel.get_variable("ran_on") == b.uuid
    assert not ast.fired("CUSTOM", subclass="loopback::bowout")
    await ast.switch.api("hupall", "")
    await ast.idle()


async def test_bridge_bowout_follows_a_chain_of_pairs(asterisk: Factory) -> None:
    routes = {
        "1": [Action("bridge", "loopback/2/default/table")],
        "2": [Action("bridge", "loopback/3/default/table")],
        "3": [Action("bridge", "sim/bob")],
    }
    ast = await _setup(asterisk, routes, loopback_fire_bowout_on_bridge=True)
    alice_uuid = await _alice(ast, "&bridge(loopback/1/default/table)")
    await ast.settle(5)
    alice, bob = ast.switch.session(alice_uuid), ast.named("sim/bob")
    assert alice is not None and bob is not None
    assert alice.bridge is not None and alice.bridge is bob.bridge
    assert ast.named("loopback/") is None
    direct = [dict(e.headers) for e in ast.fired("CUSTOM", subclass="loopback::direct")]
    assert direct, "fire-bowout-on-bridge gives loopback::direct events"
    first = direct[0]
    assert {first["Connecting-Leg-A-UUID"], first["Connecting-Leg-B-UUID"]} == {
        alice_uuid,
        bob.uuid,
    }
    alice.hangup()
    await ast.idle()


async def test_a_vetoed_pair_in_the_chain_stays(asterisk: Factory) -> None:
    routes = {
        "1": [Action("bridge", "{loopback_bowout=false}loopback/2/default/table")],
        "2": [Action("bridge", "sim/bob")],
    }
    ast = await _setup(asterisk, routes)
    alice_uuid = await _alice(ast, "&bridge(loopback/1/default/table)")
    await ast.settle(5)
    alice, bob = ast.switch.session(alice_uuid), ast.named("sim/bob")
    inner_a, inner_b = ast.named("loopback/2-a"), ast.named("loopback/2-b")
    assert alice is not None and bob is not None
    assert inner_a is not None and inner_b is not None
    assert ast.named("loopback/1-") is None
    assert alice.bridge is not None and alice.bridge is inner_a.bridge
    assert inner_b.bridge is not None and inner_b.bridge is bob.bridge
    alice.hangup()
    await ast.idle()


async def test_controlled_hangup_ends_both_legs_with_the_cause(asterisk: Factory) -> None:
    routes = {"1": [Action("bridge", "sim/bob")]}
    ast = await _setup(
        asterisk,
        routes,
        loopback_bowout_controlled_hangup=True,
        loopback_bowout_hangup_cause="NORMAL_CLEARING",
    )
    alice_uuid = await _alice(ast, "&bridge(loopback/1/default/table)")
    await ast.settle(5)
    causes = {
        dict(e.headers)["Channel-Name"]: dict(e.headers)["Hangup-Cause"]
        for e in ast.fired("CHANNEL_HANGUP")
    }
    assert causes == {"loopback/1-a": "NORMAL_CLEARING", "loopback/1-b": "NORMAL_CLEARING"}
    alice = ast.switch.session(alice_uuid)
    assert alice is not None and alice.channel.ready and alice.bridge is not None
    alice.hangup()
    await ast.idle()


def test_bowout_hangup_cause_is_validated() -> None:
    config = AsteriskConfig(loopback_bowout_hangup_cause="user_busy")
    assert config.loopback_bowout_hangup_cause == "USER_BUSY"
    with pytest.raises(ValidationError):
        AsteriskConfig(loopback_bowout_hangup_cause="NOT_A_CAUSE")
