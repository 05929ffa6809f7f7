"""Switch(xml_loader=...): the static XML comes from the caller, and reloadxml re-reads it."""

from __future__ import annotations

from collections.abc import Mapping

from pyerlsw.config import conf_tree
from pyerlsw.switch import Switch
from pyerlsw.switch.xml.static import StaticXml


async def test_loader_is_used_at_start_and_on_reloadxml() -> None:
    calls: list[dict[str, str]] = []
    dialplan = {"dialplan/x.xml": (
        '<include><context name="only"><extension name="park">'
        '<condition field="destination_number" expression="^7$">'
        '<action application="park"/></condition></extension></context></include>')}

    def loader(variables: Mapping[str, str]) -> StaticXml:
        calls.append(dict(variables))
        return StaticXml.from_strings(dialplan, variables=variables)

    switch = Switch(clock="virtual", xml_loader=loader, global_variables={"flavour": "x"})
    async with switch:
        assert len(calls) == 1 and calls[0]["flavour"] == "x"
        assert switch.xml.static.section("dialplan") is not None
        reply = await switch.api("reloadxml", "")
        assert reply.ok, reply.output
        assert len(calls) == 2


def test_conf_tree_loads_as_static_xml() -> None:
    static = StaticXml.from_strings(conf_tree(None), variables={})
    assert static.section("dialplan") is not None
    assert static.section("directory") is not None
