"""Routing through the real XML dialplan engine and lookup chain (static and fetched)."""

from __future__ import annotations

import pytest

from pyerlsw.switch import Switch
from pyerlsw.switch.dialplan.base import HuntTarget, InlineExecutor, RequestParamsSource
from pyerlsw.switch.xml.lookup import FetchRequest
from tests.switch.support import next_event, wait_for

DOCUMENT = """<document type="freeswitch/xml">
  <section name="dialplan">
    <context name="default">
      <extension name="fetched">
        <condition field="destination_number" expression="^(77\\d\\d)$">
          <action application="set" data="fetched=$1"/>
          <action application="park"/>
        </condition>
      </extension>
    </context>
  </section>
</document>"""


async def test_session_implements_the_engine_protocols(switch: Switch) -> None:
    call = await switch.inbound_call("5900")
    assert isinstance(call, HuntTarget)
    assert isinstance(call, RequestParamsSource)
    assert isinstance(call, InlineExecutor)
    assert call.caller_field("destination_number") == "5900"
    assert call.caller_field("chan_name") == call.name
    assert call.expand("${destination_number}-$${hostname}") == "5900-testhost"
    assert call.now() == switch.clock.now()
    assert not await call.execute_inline("bridge", "sim/x")
    call.hangup()


async def test_default_context_local_extension(switch: Switch) -> None:
    switch.config.devices["1001"] = {"sim_answer_after": "2", "sim_hangup_after": "5"}
    events = switch.subscribe("CHANNEL_EXECUTE", "CHANNEL_BRIDGE")
    start = switch.clock.now()
    call = await switch.inbound_call("1001", caller_id_number="1000")
    await wait_for(switch, call.destroyed)
    # answered after 2 s, the callee hung up 5 s later, hangup_after_bridge=true
    assert switch.clock.now() - start == pytest.approx(7.0)
    seen = [
        (e.name, e.get("Application"), e.get("Application-Data"), e.get("Channel-State"))
        for e in events.drain()
        if e.unique_id == call.uuid
    ]
    assert seen == [
        ("CHANNEL_EXECUTE", "set", "dialed_extension=1001", "CS_ROUTING"),  # inline
        ("CHANNEL_EXECUTE", "set", "hangup_after_bridge=true", "CS_EXECUTE"),
        ("CHANNEL_EXECUTE", "set", "call_timeout=30", "CS_EXECUTE"),
        ("CHANNEL_EXECUTE", "bridge", "sim/1001", "CS_EXECUTE"),
        ("CHANNEL_BRIDGE", None, None, "CS_EXECUTE"),
    ]
    assert call.channel.get_variable("dialed_extension") == "1001"


async def test_public_context_transfers_to_default(switch: Switch) -> None:
    events = switch.subscribe("CHANNEL_PARK")
    call = await switch.inbound_call("erlang", context="public")
    # no gateway here: the erlang application is unknown, which hangs the call up
    await wait_for(switch, call.destroyed)
    assert call.channel.profile.context == "default"
    assert call.channel.hangup_cause == 27
    parked = await switch.inbound_call("5900", context="default")
    await next_event(switch, events, "CHANNEL_PARK")
    parked.hangup()


async def test_fetch_provider_first_then_static(switch: Switch) -> None:
    requests: list[FetchRequest] = []

    async def provider(request: FetchRequest) -> str | None:
        requests.append(request)
        return DOCUMENT

    switch.xml.add_provider(provider, ["dialplan"])
    events = switch.subscribe("CHANNEL_PARK")
    call = await switch.inbound_call("7712", caller_id_number="555", variables={"tag": "x"})
    await next_event(switch, events, "CHANNEL_PARK")
    assert call.channel.get_variable("fetched") == "7712"
    request = requests[0]
    assert request.section == "dialplan"
    assert request.param("Unique-ID") == call.uuid
    assert request.param("Hunt-Destination-Number") == "7712"
    assert request.param("Caller-Caller-ID-Number") == "555"
    assert request.param("variable_tag") == "x"
    call.hangup()
    # the fetched context is used as a whole, as in FreeSWITCH: 5900 has no route there
    lost = await switch.inbound_call("5900")
    await wait_for(switch, lost.destroyed)
    assert lost.channel.hangup_cause == 3


async def test_malformed_fetched_xml_falls_back(switch: Switch) -> None:
    async def broken(request: FetchRequest) -> str:
        return "<document><section name='dialplan'><context"

    switch.xml.add_provider(broken, ["dialplan"])
    events = switch.subscribe("CHANNEL_PARK")
    call = await switch.inbound_call("park")
    await next_event(switch, events, "CHANNEL_PARK")
    call.hangup()
    lost = await switch.inbound_call("7712")
    await wait_for(switch, lost.destroyed)
    assert lost.channel.hangup_cause == 3  # NO_ROUTE_DESTINATION


async def test_reloadxml_reports_a_broken_conf_dir(tmp_path: object) -> None:
    from pathlib import Path

    from tests.switch.support import make_switch

    conf = Path(str(tmp_path))
    (conf / "freeswitch.xml").write_text(
        "<document type='freeswitch/xml'><section name='dialplan'>"
        "<context name='default'><extension name='p'>"
        "<condition field='destination_number' expression='^1$'>"
        "<action application='park'/></condition></extension></context>"
        "</section></document>"
    )
    switch = make_switch(xml_conf_dir=str(conf))
    await switch.start()
    events = switch.subscribe("CHANNEL_PARK")
    call = await switch.inbound_call("1")
    await next_event(switch, events, "CHANNEL_PARK")
    call.hangup()
    (conf / "freeswitch.xml").write_text("<document><broken")
    out = (await switch.api("reloadxml")).output
    assert out.startswith("+OK [") and out != "+OK [Success]\n"
    again = await switch.inbound_call("1")  # the old document is kept
    await next_event(switch, events, "CHANNEL_PARK")
    again.hangup()
    await switch.stop()
