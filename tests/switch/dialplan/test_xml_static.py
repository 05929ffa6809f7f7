"""StaticXml: assembling FreeSWITCH conf trees, pre-processing, errors naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyerlsw.switch.xml import StaticXml, XmlConfigError, XmlLimits, XmlParseError


def _names(parent, tag):
    return [e.get("name") for e in parent.iterfind(tag)]


def test_bare_include_fragments_join_their_sections():
    static = StaticXml.from_strings(
        {
            "dialplan/default.xml": '<include><context name="default"/></include>',
            "dialplan/public.xml": '<include><context name="public"/></include>',
            "autoload_configs/x.conf.xml": '<configuration name="x.conf"/>',
            "directory/default.xml": '<include><domain name="example.com"/></include>',
        }
    )
    assert _names(static.section("dialplan"), "context") == ["default", "public"]
    assert static.locate("configuration", "configuration", "name", "x.conf") is not None
    assert static.locate("directory", "domain", "name", "example.com") is not None
    assert static.locate("directory", "domain", "name", "other") is None
    assert static.root.tag == "document"
    assert static.root.get("type") == "freeswitch/xml"


def test_set_and_expansion_in_document_order_and_fixed_variables_win():
    static = StaticXml.from_strings(
        {
            "vars.xml": '<include><X-PRE-PROCESS cmd="set" data="domain=a.example"/>'
            '<X-PRE-PROCESS cmd="set" data="node=n1@h"/></include>',
            "dialplan/d.xml": '<include><context name="$${domain}">'
            '<extension name="e"><condition><action application="erlang" '
            'data="h:! $${node}"/></condition></extension>'
            '<X-PRE-PROCESS cmd="set" data="domain=changed"/>'
            '<extension name="$${domain}"/></context></include>',
        },
        variables={"node": "fixed@host"},
    )
    context = static.section("dialplan").find("context")
    assert context.get("name") == "a.example"
    assert context.find("extension/condition/action").get("data") == "h:! fixed@host"
    assert [e.get("name") for e in context.iterfind("extension")] == ["e", "changed"]
    assert static.variables["node"] == "fixed@host"
    assert static.variables["domain"] == "changed"


def test_unknown_variable_expands_empty_with_a_warning():
    static = StaticXml.from_string(
        '<document type="freeswitch/xml"><section name="dialplan">'
        '<context name="x$${nope}y"/></section></document>'
    )
    assert static.section("dialplan").find("context").get("name") == "xy"
    assert any("nope" in w for w in static.warnings)


def test_include_resolves_relative_to_the_including_file_and_splices_children():
    static = StaticXml.from_strings(
        {
            "dialplan/default.xml": '<include><context name="default">'
            '<extension name="first"/>'
            '<X-PRE-PROCESS cmd="include" data="default/*.xml"/>'
            '<extension name="last"/></context></include>',
            "dialplan/default/10_b.xml": '<include><extension name="b"/></include>',
            "dialplan/default/01_a.xml": '<include><extension name="a"/>'
            '<extension name="a2"/></include>',
            "dialplan/default/.hidden.xml": '<include><extension name="hidden"/></include>',
        }
    )
    context = static.locate("dialplan").find("context")
    assert _names(context, "extension") == ["first", "a", "a2", "b", "last"]


def test_files_no_include_pulled_in_join_the_context_named_by_their_folder():
    static = StaticXml.from_strings(
        {
            "dialplan/default.xml": '<include><context name="default">'
            '<extension name="main"/></context></include>',
            "dialplan/default/extra.xml": '<include><extension name="extra"/></include>',
            "dialplan/fresh/deep/x.xml": '<extension name="x"/>',
            "directory/example.com/1000.xml": '<include><user id="1000"/></include>',
        }
    )
    dialplan = static.section("dialplan")
    default = dialplan.find("context[@name='default']")
    assert _names(default, "extension") == ["main", "extra"]
    assert _names(dialplan.find("context[@name='fresh']"), "extension") == ["x"]
    domain = static.locate("directory", "domain", "name", "example.com")
    assert domain.find("users/user").get("id") == "1000"


def test_whole_document_files_merge_their_sections():
    static = StaticXml.from_strings(
        {
            "autoload_configs/all.xml": '<document type="freeswitch/xml">'
            '<section name="configuration"><configuration name="a.conf"/></section>'
            '<section name="chatplan"><context name="default"/></section></document>',
            "autoload_configs/b.conf.xml": '<configuration name="b.conf"/>',
        }
    )
    assert _names(static.section("configuration"), "configuration") == ["a.conf", "b.conf"]
    assert static.locate("chatplan", "context", "name", "default") is not None
    assert static.section("languages") is None


def test_freeswitch_xml_is_loaded_alone_with_its_includes(tmp_path: Path):
    (tmp_path / "dialplan").mkdir()
    (tmp_path / "freeswitch.xml").write_text(
        '<?xml version="1.0"?>\n<document type="freeswitch/xml">\n'
        '  <X-PRE-PROCESS cmd="set" data="ctx=main"/>\n'
        '  <section name="dialplan">\n'
        '    <X-PRE-PROCESS cmd="include" data="dialplan/*.xml"/>\n'
        "  </section>\n</document>\n"
    )
    (tmp_path / "dialplan" / "a.xml").write_text('<include><context name="$${ctx}"/></include>')
    static = StaticXml.from_directory(tmp_path)
    assert static.locate("dialplan", "context", "name", "main") is not None


def test_conf_dir_names_a_real_tree_and_absolute_includes_work(tmp_path: Path):
    (tmp_path / "dialplan" / "extra").mkdir(parents=True)
    (tmp_path / "dialplan" / "d.xml").write_text(
        '<include><context name="$${conf_dir}">'
        '<X-PRE-PROCESS cmd="include" data="$${conf_dir}/dialplan/extra/*.xml"/>'
        "</context></include>"
    )
    (tmp_path / "dialplan" / "extra" / "x.xml").write_text('<extension name="x"/>')
    static = StaticXml.from_directory(str(tmp_path))
    context = static.section("dialplan").find("context")
    assert context.get("name") == str(tmp_path.resolve())
    assert _names(context, "extension") == ["x"]
    assert static.warnings == ()


def test_malformed_file_error_names_the_file_and_line(tmp_path: Path):
    (tmp_path / "dialplan").mkdir()
    bad = tmp_path / "dialplan" / "broken.xml"
    bad.write_text('<include>\n  <context name="x">\n    <extension name="y">\n</include>\n')
    with pytest.raises(XmlParseError) as caught:
        StaticXml.from_directory(tmp_path)
    assert caught.value.source == str(bad)
    assert caught.value.line == 4
    assert str(bad) in str(caught.value)
    assert ":4:" in str(caught.value)


def test_malformed_included_file_is_named_not_the_includer():
    with pytest.raises(XmlParseError) as caught:
        StaticXml.from_strings(
            {
                "dialplan/d.xml": '<include><context name="d">'
                '<X-PRE-PROCESS cmd="include" data="d/*.xml"/></context></include>',
                "dialplan/d/bad.xml": "<include>\n\n<extension name='a'>\n</include>",
            }
        )
    assert caught.value.source.endswith("dialplan/d/bad.xml")
    assert caught.value.line == 4


def test_entities_and_dtds_are_refused():
    with pytest.raises(XmlParseError):
        StaticXml.from_string(
            '<!DOCTYPE d [<!ENTITY a "aaaa">]><document><section name="x">&a;</section></document>'
        )


def test_ignored_directives_warn_and_never_run():
    static = StaticXml.from_strings(
        {
            "vars.xml": '<include><X-PRE-PROCESS cmd="exec" data="touch /tmp/pwned"/>'
            '<X-PRE-PROCESS cmd="exec-set" data="a=echo hi"/></include>',
        }
    )
    assert "a" not in static.variables
    assert len([w for w in static.warnings if "ignored" in w]) == 2


def test_include_loop_is_an_error():
    with pytest.raises(XmlConfigError):
        StaticXml.from_strings(
            {
                "dialplan/a.xml": '<include><X-PRE-PROCESS cmd="include" data="a.xml"/></include>',
            }
        )


def test_limits_bound_files_and_depth():
    big = "<include>" + "<x/>" * 1000 + "</include>"
    with pytest.raises(XmlParseError, match="more than the limit"):
        StaticXml.from_strings({"dialplan/big.xml": big}, limits=XmlLimits(max_file_bytes=1000))
    deep = "<include>" + "<a>" * 50 + "</a>" * 50 + "</include>"
    with pytest.raises(XmlConfigError, match="nested deeper"):
        StaticXml.from_strings({"dialplan/deep.xml": deep}, limits=XmlLimits(max_element_depth=20))
    many = {f"dialplan/{i}.xml": "<include/>" for i in range(5)}
    with pytest.raises(XmlConfigError, match="more than 3 files"):
        StaticXml.from_strings(many, limits=XmlLimits(max_files=3))


def test_from_string_requires_a_document_root():
    with pytest.raises(XmlConfigError, match="expected <document>"):
        StaticXml.from_string("<include/>")


def test_embedded_defaults_route_to_erlang_with_the_configured_node():
    static = StaticXml.default(variables={"erlang_handler_node": "calls@box"})
    dialplan = static.section("dialplan")
    assert {"default", "public"} <= set(_names(dialplan, "context"))
    default = dialplan.find("context[@name='default']")
    datas = {
        e.get("name"): e.find("condition/action").get("data") for e in default.iterfind("extension")
    }
    assert datas["erlang"] == "myhandler:! calls@box"
    assert datas["to_erlang"] == "myhandler calls@box"
    assert "bridge" in [a.get("application") for a in default.iter("action")]
    assert static.locate("configuration", "configuration", "name", "erlang_event.conf")
    domain = static.locate("directory", "domain", "name", "localhost")
    assert domain is not None
    assert static.warnings == ()
