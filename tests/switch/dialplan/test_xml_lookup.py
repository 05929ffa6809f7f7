"""XmlLookup: providers in order, each bounded by a timeout, falling back to static XML."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from xml.etree.ElementTree import Element

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyerlsw.switch.xml import (
    NOT_FOUND_DOCUMENT,
    FetchRequest,
    StaticXml,
    XmlLimits,
    XmlLookup,
    XmlParseError,
    parse_xml,
)

STATIC = StaticXml.from_strings(
    {
        "dialplan/default.xml": '<include><context name="default">'
        '<extension name="static"/></context>'
        '<context name="global"><extension name="g"/></context></include>',
        "autoload_configs/a.conf.xml": '<configuration name="a.conf"><settings/></configuration>',
        "directory/d.xml": '<include><domain name="example.com">'
        '<params><param name="p" value="domain"/><param name="q" value="domain"/></params>'
        '<users><user id="1000"><params><param name="q" value="user"/></params></user></users>'
        '<groups><group name="sales"><params><param name="p" value="group"/></params>'
        '<users><user id="1001" number-alias="2001"/><user id="1000" type="pointer"/></users>'
        "</group></groups></domain></include>",
    }
)


def _dialplan_doc(extension: str) -> str:
    return (
        '<document type="freeswitch/xml"><section name="dialplan">'
        f'<context name="default"><extension name="{extension}"/></context>'
        "</section></document>"
    )


def _first_extension(section: Element) -> str:
    return section.find("context/extension").get("name")


class Recorder:
    def __init__(self, answer, delay: float = 0.0, raises: Exception | None = None):
        self.answer = answer
        self.delay = delay
        self.raises = raises
        self.requests: list[FetchRequest] = []

    async def __call__(self, request: FetchRequest):
        self.requests.append(request)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.raises is not None:
            raise self.raises
        return self.answer


async def test_without_providers_the_static_xml_answers():
    lookup = XmlLookup(STATIC)
    section = await lookup.fetch("dialplan")
    assert _first_extension(section) == "static"
    assert not lookup.has_providers("dialplan")


async def test_first_usable_answer_wins_and_later_providers_are_not_asked():
    first, second = Recorder(_dialplan_doc("one")), Recorder(_dialplan_doc("two"))
    lookup = XmlLookup(STATIC)
    lookup.add_provider(first)
    lookup.add_provider(second)
    section = await lookup.fetch("dialplan", params={"Hunt-Destination-Number": "1000"})
    assert _first_extension(section) == "one"
    assert second.requests == []
    request = first.requests[0]
    assert request.section == "dialplan"
    assert (request.tag_name, request.key_name, request.key_value) == (None, None, None)
    assert request.params == (("Hunt-Destination-Number", "1000"),)
    assert request.param("hunt-destination-number") == "1000"


async def test_a_timeout_falls_through_to_the_static_xml(caplog):
    slow = Recorder(_dialplan_doc("slow"), delay=10)
    lookup = XmlLookup(STATIC, limits=XmlLimits(fetch_timeout=0.02))
    lookup.add_provider(slow)
    with caplog.at_level(logging.WARNING):
        section = await lookup.fetch("dialplan")
    assert _first_extension(section) == "static"
    assert "timed out" in caplog.text


@pytest.mark.parametrize(
    "answer",
    [
        "<document><section name='dialplan'>",  # does not parse
        b"\xff\xfe<not xml",
        NOT_FOUND_DOCUMENT,
        "",
        b"",
        None,
        '<document type="freeswitch/xml"><section name="directory"/></document>',  # no dialplan
        ["not", "xml"],
        '<!DOCTYPE x [<!ENTITY e "e">]><document><section name="dialplan">&e;</section></document>',
    ],
    ids=[
        "malformed",
        "garbage-bytes",
        "not-found",
        "empty-str",
        "empty-bytes",
        "none",
        "lacks-section",
        "wrong-type",
        "entities",
    ],
)
async def test_unusable_answers_fall_through(answer):
    lookup = XmlLookup(STATIC)
    bad, good = Recorder(answer), Recorder(_dialplan_doc("good"))
    lookup.add_provider(bad)
    lookup.add_provider(good)
    assert _first_extension(await lookup.fetch("dialplan")) == "good"
    lookup.remove_provider(good)
    assert _first_extension(await lookup.fetch("dialplan")) == "static"


async def test_a_provider_that_raises_falls_through(caplog):
    lookup = XmlLookup(STATIC)
    lookup.add_provider(Recorder(None, raises=RuntimeError("boom")))
    with caplog.at_level(logging.ERROR):
        assert _first_extension(await lookup.fetch("dialplan")) == "static"
    assert "boom" in caplog.text


async def test_providers_only_see_their_sections_and_can_be_removed():
    dialplan_only = Recorder(_dialplan_doc("dp"))
    lookup = XmlLookup(STATIC)
    lookup.add_provider(dialplan_only, sections=["DialPlan"])
    assert await lookup.configuration("a.conf") is not None
    assert dialplan_only.requests == []
    assert lookup.has_providers("dialplan") and not lookup.has_providers("directory")
    assert lookup.remove_provider(dialplan_only) == 1
    assert lookup.remove_provider(dialplan_only) == 0


async def test_a_parsed_element_is_accepted():
    root = Element("document")
    section = Element("section", {"name": "configuration"})
    section.append(Element("configuration", {"name": "a.conf", "from": "provider"}))
    root.append(section)
    lookup = XmlLookup(STATIC)
    lookup.add_provider(Recorder(root))
    assert (await lookup.configuration("a.conf")).get("from") == "provider"


async def test_answer_lacking_the_keyed_tag_falls_back():
    lookup = XmlLookup(STATIC)
    other = Recorder(
        '<document><section name="configuration"><configuration name="b.conf"/>'
        "</section></document>"
    )
    lookup.add_provider(other)
    found = await lookup.configuration("a.conf", {"x": "y"})
    assert found.find("settings") is not None
    assert other.requests[0].key_value == "a.conf"
    assert other.requests[0].tag_name == "configuration"


async def test_dialplan_context_falls_back_to_global():
    lookup = XmlLookup(STATIC)
    assert (await lookup.dialplan_context("default")).get("name") == "default"
    assert (await lookup.dialplan_context("missing")).get("name") == "global"


async def test_directory_user_merges_domain_group_user_settings():
    lookup = XmlLookup(STATIC)
    spy = Recorder(None)
    lookup.add_provider(spy)
    direct = await lookup.directory_user("1000", "example.com")
    assert direct.group is None and direct.user_id == "1000"
    assert direct.params() == {"p": "domain", "q": "user"}
    assert spy.requests[0].key_value == "example.com"
    assert spy.requests[0].param("user") == "1000"
    grouped = await lookup.directory_user("2001", "example.com")
    assert grouped.user_id == "1001" and grouped.group.get("name") == "sales"
    assert grouped.params() == {"p": "group", "q": "domain"}
    assert grouped.domain_name == "example.com"
    assert await lookup.directory_user("9999", "example.com") is None
    assert await lookup.directory_user("1000", "nowhere") is None


async def test_megabyte_documents_pass_and_oversized_ones_fall_back():
    body = "".join(
        f'<extension name="e{i}"><condition field="destination_number" '
        f'expression="^{i}$"><action application="bridge" data="sim/{i}"/></condition>'
        "</extension>"
        for i in range(30_000)
    )
    document = (
        '<document type="freeswitch/xml"><section name="dialplan">'
        f'<context name="default">{body}</context></section></document>'
    )
    assert len(document) > 4_000_000
    lookup = XmlLookup(STATIC)
    lookup.add_provider(Recorder(document.encode()))
    section = await lookup.fetch("dialplan")
    assert len(section.find("context")) == 30_000
    small = XmlLookup(STATIC, limits=XmlLimits(max_document_bytes=1_000_000))
    small.add_provider(Recorder(document))
    assert _first_extension(await small.fetch("dialplan")) == "static"


async def test_replace_static_swaps_the_fallback():
    lookup = XmlLookup(STATIC)
    lookup.replace_static(StaticXml.from_string(_dialplan_doc("reloaded")))
    assert _first_extension(await lookup.fetch("dialplan")) == "reloaded"
    assert await XmlLookup().fetch("dialplan") is None


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0" encoding="bogus"?><document/>',
        b"\x00\x01",
        "<a>\x00</a>",
        "",
        b'<?xml version="1.0" encoding="UTF-16"?><document/>',
    ],
)
def test_parse_errors_are_always_xml_parse_errors(data):
    with pytest.raises(XmlParseError) as caught:
        parse_xml(data, source="peer", max_bytes=1000)
    assert str(caught.value).startswith("peer")


@given(st.binary(max_size=64) | st.text(max_size=64))
def test_parsing_arbitrary_input_never_raises_anything_else(data):
    with contextlib.suppress(XmlParseError):
        parse_xml(data, source="fuzz", max_bytes=1000)


def test_encodings_are_honoured():
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><a>\u00e9</a>'
    assert parse_xml(latin.encode("latin-1"), source="s", max_bytes=100).text == "\u00e9"
    assert parse_xml(latin, source="s", max_bytes=100).text == "\u00e9"
