"""XML bindings against a real erl node, OTP 25 and 28 (spec §4.13, §4.14, §10): bind, fetch and
fetch_reply for dialplan, directory and configuration; the first reply wins; a fetch
that times out falls back to the static XML; large XML as a binary."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pyerlsw.etf import Atom
from pyerlsw.switch.session import Session
from pyerlsw.switch.xml.limits import XmlLimits
from tests.erlang_support import ErlangNode
from tests.gateway.integration.conftest import Rig
from tests.gateway.integration.support import ERROR, OK, s, text

FETCH = Atom("fetch")


@pytest.fixture(scope="module")
def erl(erl_any: ErlangNode) -> ErlangNode:
    return erl_any


DIALPLAN_7777 = (
    "<document type='freeswitch/xml'><section name='dialplan'><context name='default'>"
    "<extension name='fetched'><condition field='destination_number' expression='^7777$'>"
    "<action application='set' data='fetched_from={who}'/>"
    "<action application='hangup' data='CALL_REJECTED'/>"
    "</condition></extension></context></section></document>")


def xml_literal(xml: str) -> str:
    return f'<<"{xml}">>'


async def fetch_handler(rig: Rig, section: str, mode: str) -> None:
    got = await rig.ev(f"pyerlsw_test_util:start_fetch_handler(FS, {section}, {mode}).")
    assert got[0] == OK, got


async def ended(session: Session, timeout: float = 10) -> None:
    await asyncio.wait_for(asyncio.shield(session.destroyed), timeout)


async def test_dialplan_fetch_first_reply_wins(rig: Rig) -> None:
    await rig.ev("{ok, _} = pyerlsw_test_util:start_collector().")
    slow = xml_literal(DIALPLAN_7777.format(who="slow"))
    fast = xml_literal(DIALPLAN_7777.format(who="fast"))
    await fetch_handler(rig, "dialplan", f"{{delay, 300, {{reply, {slow}}}}}")
    await fetch_handler(rig, "dialplan", f"{{reply, {fast}}}")
    session = await rig.switch.inbound_call("7777", caller_id_number="1003")
    await ended(session)
    assert session.channel.get_variable("fetched_from") == "fast"
    assert session.channel.get_variable("hangup_cause") == "CALL_REJECTED"
    fetches = await rig.ev("pyerlsw_test_util:wait_many({fetch, '_', '_', '_', '_', '_', '_'}, "
                           "2, 5000).")
    first, second = fetches[1]
    assert first == second  # every binder gets the same clean 7-tuple
    tag, section, tag_name, key, value, fetch_id, params = first
    assert (tag, section) == (FETCH, Atom("dialplan"))
    assert tag_name == key == value == s("undefined")
    assert params[0] == s(session.uuid)
    pairs = {text(k): text(v) for k, v in params[1:]}
    assert pairs["Hunt-Destination-Number"] == "7777"
    assert pairs["Caller-Caller-ID-Number"] == "1003"
    replies = await rig.ev("pyerlsw_test_util:wait_many({pyerlsw_test_util, fetch_replied, "
                           "'_', '_'}, 2, 5000).")
    # fast: accepted; slow: too late ({error, invalid_uuid}, which fsclient reports as timeout)
    assert [r[3] for r in replies[1]] == [OK, Atom("timeout")]
    assert all(r[2] == fetch_id for r in replies[1])
    late = await rig.ev(f"fsclient:send(FS, {{fetch_reply, {_charlist(fetch_id)}, <<\"x\">>}}).")
    assert late == (ERROR, Atom("invalid_uuid"))


async def test_fetch_timeout_falls_back_to_static_xml(rig: Rig) -> None:
    rig.switch.xml.limits = XmlLimits(fetch_timeout=5.0)
    rig.gateway.fetches.timeout = 0.3
    await rig.ev("{ok, _} = pyerlsw_test_util:start_collector().")
    for mode in ("silent", "garbage", "not_found", "{garbage, []}", "{garbage, bad_atom}"):
        await rig.ev("catch pyerlsw_test_util:stop(whereis(binder)), "
                     f"{{ok, H}} = pyerlsw_test_util:start_fetch_handler(FS, dialplan, {mode}), "
                     "register(binder, H).")
        session = await rig.switch.inbound_call("5900")  # the static dialplan parks 5900
        for _ in range(300):
            if "park" in session.channel.flags:
                break
            await asyncio.sleep(0.01)
        assert "park" in session.channel.flags, mode
        assert rig.gateway.fetches.pending == 0
        session.hangup()
        await ended(session)


async def test_directory_and_large_configuration(rig: Rig) -> None:
    await rig.ev("{ok, _} = pyerlsw_test_util:start_collector().")
    big = ("fun({fetch, configuration, _, _, \"big.conf\", _, _}) -> "
           "Params = [[\"<param name='p\", integer_to_list(I), \"' value='v\", "
           "integer_to_list(I), \"'/>\"] || I <- lists:seq(1, 5000)], "
           "iolist_to_binary([\"<document type='freeswitch/xml'><section name='configuration'>"
           "<configuration name='big.conf'><settings>\", Params, "
           "\"</settings></configuration></section></document>\"]); "
           "({fetch, configuration, _, _, \"list.conf\", _, _}) -> "
           "binary_to_list(iolist_to_binary([\"<document type='freeswitch/xml'>"
           "<section name='configuration'><configuration name='list.conf'>\", "
           "lists:duplicate(70000, $ ), \"</configuration></section></document>\"])); "
           "(_) -> pyerlsw_test_util:not_found_xml() end")
    await fetch_handler(rig, "configuration", f"{{reply_fun, {big}}}")
    element = await rig.switch.xml.configuration("big.conf")
    assert element is not None and len(element.findall("settings/param")) == 5000
    # more than 65535 characters as a charlist: Erlang sends a proper list -> not found
    assert await rig.switch.xml.configuration("list.conf") is None
    fetched = await rig.ev("pyerlsw_test_util:wait_for({fetch, configuration, '_', '_', "
                           "\"big.conf\", '_', '_'}, 5000).")
    assert fetched[1][2:5] == (s("configuration"), s("name"), s("big.conf"))
    assert fetched[1][6] == []

    await fetch_handler(rig, "directory", "not_found")
    domain = rig.switch.globals["domain"]
    entry = await rig.switch.xml.directory_user("1000", domain)
    assert entry is not None  # the static directory answered
    request = await rig.ev("pyerlsw_test_util:wait_for({fetch, directory, '_', '_', '_', '_', "
                           "'_'}, 5000).")
    assert request[1][2:5] == (s("domain"), s("name"), s(domain))
    params = request[1][6]
    assert params[0] == Atom("undefined")
    assert (s("user"), s("1000")) in params[1:]


async def test_bindings_come_and_go(rig: Rig) -> None:
    await rig.ev("{ok, _} = pyerlsw_test_util:start_collector().")
    assert await rig.ev("fsclient:send(FS, {bind, phrases}).") == (ERROR, Atom("badarg"))
    assert await rig.ev("fsclient:send(FS, {bind, \"dialplan\"}).") == (ERROR, Atom("badarg"))
    await rig.ev("{ok, H} = pyerlsw_test_util:start_fetch_handler(FS, languages, not_found), "
                 "catch unregister(lang_binder), register(lang_binder, H).")
    await fetch_handler(rig, "configuration", "not_found")
    bindings = await rig.ev('fsclient:api(FS, erlang, "bindings").')
    assert text(bindings[1]) == f"{rig.erl.node} phrases\n{rig.erl.node} config\n"
    await rig.ev("pyerlsw_test_util:stop(whereis(lang_binder)).")
    for _ in range(200):
        if len(rig.gateway.fetches.bindings) == 1:
            break
        await asyncio.sleep(0.01)
    assert [b.sections.name for b in rig.gateway.fetches.bindings] == ["CONFIG"]


def _charlist(value: Any) -> str:
    return '"' + bytes(value).decode() + '"'

