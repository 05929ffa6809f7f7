from __future__ import annotations

from pathlib import Path

import pytest

from pyerlsw.switch.asterisk.config import (
    load_extensions_conf,
    parse_extensions_conf,
    shrink_phone_number,
)
from pyerlsw.switch.asterisk.diagnostics import ERROR, WARNING
from pyerlsw.switch.asterisk.model import Dialplan

DATA = Path(__file__).parent / "data"


def parse(text: str) -> tuple[Dialplan, list[str]]:
    result = parse_extensions_conf(text, "extensions.conf")
    return result.dialplan, [r.message for r in result.problems]


def steps(dp: Dialplan, context: str, exten: str) -> list[tuple[int, str | None, str, str]]:
    ctx = dp.context(context)
    assert ctx is not None
    entries = ctx.entries(exten)
    assert entries, f"{exten} not in {context}"
    return [(p.number, p.label, p.app, p.data) for p in entries[0].priorities]


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("seed*.conf")))
def test_every_seed_dialplan_parses_cleanly(name: str) -> None:
    result = load_extensions_conf(DATA / name)
    assert result.problems == ()
    assert result.dialplan.contexts


def test_seed_astdb_example_keeps_its_typo_label() -> None:
    dp = load_extensions_conf(DATA / "seed001_callfile.conf").dialplan
    assert steps(dp, "devices", "201") == [
        (1, None, "NoOp", ""),
        (2, None, "Set", "DEVICE=${DB(phones/${EXTEN}/device)}"),
        (3, None, "GotoIf", "$[${ISNULL(${DEVICE})}]?hangup"),
        (4, None, "Dial", "${DEVICE},30"),
        (5, "hangup(", "Hangup", ""),  # "n(hangup()" in the seed: label "hangup("
    ]


def test_seed_hangup_handler_lines() -> None:
    dp = load_extensions_conf(DATA / "seed000_handlers.conf").dialplan
    s = steps(dp, "default", "syntax")
    assert s[1] == (
        2,
        None,
        "Set",
        "CHANNEL(hangup_handler_push)=[[context,]exten,]priority[(arg1[,...][,argN])]",
    )
    assert s[3][3] == (
        "CHANNEL(hangup_handler_wipe)=[[[context,]exten,]priority[(arg1[,...][,argN])]]"
    )
    assert steps(dp, "default", "cascade")[1:4] == [
        (2, None, "Set", "CHANNEL(hangup_handler_push)=hdlr3,s,1(args)"),
        (3, None, "Set", "CHANNEL(hangup_handler_push)=hdlr2,s,1(args)"),
        (4, None, "Set", "CHANNEL(hangup_handler_push)=hdlr1,s,1(args)"),
    ]


def test_same_and_next_and_labels() -> None:
    dp, problems = parse(
        """
[ctx]
exten => 100,1,Answer()
 same => n,Playback(hello-world)
 same => n(done),Hangup()
exten => 200,n,NoOp(two)
exten => 300,10,NoOp
 same => s,NoOp(dup)
 same => done+1,NoOp
exten => 300,start+5,NoOp
"""
    )
    assert steps(dp, "ctx", "100") == [
        (1, None, "Answer", ""),
        (2, None, "Playback", "hello-world"),
        (3, "done", "Hangup", ""),
    ]
    # 'n' continues the context's counter, not the extension's
    assert steps(dp, "ctx", "200") == [(4, None, "NoOp", "two")]
    assert steps(dp, "ctx", "300") == [(10, None, "NoOp", "")]
    assert problems == [
        "Unable to register extension '300' priority 10 in 'ctx', already in use",
        "Unable to register extension at line 8 of extensions.conf",
        "Invalid priority/label 'done' at line 9 of extensions.conf",
        "Invalid priority/label 'start' at line 10 of extensions.conf",
    ]


def test_label_reuse_as_priority() -> None:
    dp, problems = parse("[c]\nexten => 1,5(top),NoOp(a)\nexten => 1,top+1,NoOp(b)\n")
    assert problems == []
    assert steps(dp, "c", "1") == [(5, "top", "NoOp", "a"), (6, None, "NoOp", "b")]


def test_next_on_first_entry_and_same_without_exten() -> None:
    dp, problems = parse("[c]\n same => n,NoOp\nexten => 1,n,NoOp\nexten => 2,1,NoOp\n")
    assert problems == [
        "No previous pattern in the first entry of context 'c' to match 'n,NoOp' at line 2 "
        "of extensions.conf!",
        "Can't use 'next' priority on the first entry at line 3 of extensions.conf!",
    ]
    assert steps(dp, "c", "2") == [(1, None, "NoOp", "")]


def test_counter_resets_per_section_even_when_merged() -> None:
    dp, problems = parse("[c]\nexten => 1,1,NoOp\n[d]\nexten => 1,1,NoOp\n[c]\nexten => 2,n,X\n")
    assert problems == [
        "Can't use 'next' priority on the first entry at line 6 of extensions.conf!"
    ]
    ctx = dp.context("c")
    assert ctx is not None and [e.name for e in ctx.extensions] == ["1"]


def test_application_data_parsing() -> None:
    dp, problems = parse(
        "[c]\n"
        "exten => 1,1,Set(A=(x))trailing\n"
        "exten => 1,2,  Hangup\n"
        "exten => 1,3,Verbose(0, hi)\n"
        "exten => 1,4,NoOp(a\\;b) ; comment\n"
        "exten => 1,5,Dial(SIP/a,30\n"
        "exten => 1,6\n"
    )
    assert steps(dp, "c", "1") == [
        (1, None, "Set", "A=(x)"),
        (2, None, "Hangup", ""),
        (3, None, "Verbose", "0, hi"),
        (4, None, "NoOp", "a;b"),
        (5, None, "Dial", "SIP/a,30"),
        (6, None, "", ""),
    ]
    assert problems == [
        "No closing parenthesis found? 'Dial(SIP/a,30' at line 6 of extensions.conf"
    ]


def test_priority_forms() -> None:
    dp, problems = parse(
        "[c]\nexten => 1,0,NoOp\nexten => 1,-3,NoOp\nexten => 1,x,NoOp\nexten => 1,2+3,NoOp\n"
        "exten => 1,7abc,NoOp\nexten => 1, 8 ,NoOp\nexten => 1,N,NoOp\n"
    )
    assert [p[0] for p in steps(dp, "c", "1")] == [5, 7, 8]
    assert problems == [
        "Invalid priority/label '0' at line 2 of extensions.conf",
        "Invalid priority/label '-3' at line 3 of extensions.conf",
        "Invalid priority/label 'x' at line 4 of extensions.conf",
        "Invalid priority/label 'N' at line 8 of extensions.conf",
    ]


def test_callerid_entries_and_hints() -> None:
    dp, problems = parse(
        "[c]\nexten => 306,1,NoOp(plain)\nexten => 306/_101,1,NoOp(cid)\n"
        "exten => 306/(555) 123-4567,1,NoOp(shrunk)\nexten => 306,hint,SIP/306&Custom:x\n"
        "exten => 306,hint,SIP/dup\n"
    )
    ctx = dp.context("c")
    assert ctx is not None
    assert [e.display_name for e in ctx.extensions] == ["306/5551234567", "306/_101", "306"]
    assert ctx.hints() == {"306": "SIP/306&Custom:x"}
    assert problems[0] == "Unable to register extension '306' priority -1 in 'c', already in use"


def test_shrink_phone_number() -> None:
    assert shrink_phone_number("(555) 123-4567") == "5551234567"
    assert shrink_phone_number("_1[2-4]X.") == "_1[2-4]X."
    assert shrink_phone_number("1.2.3") == "123"


def test_globals_general_and_substituted_extension_names() -> None:
    dp, problems = parse(
        "[general]\nstatic=yes\nautofallthrough=no\nextenpatternmatchnew=no\n"
        "[globals]\nOP=0\nPREFIX=${OP}9\nEMPTY=\n"
        "[c]\nexten => ${PREFIX}1,1,NoOp(${OP})\n"
    )
    assert problems == []
    assert dp.globals == (("OP", "0"), ("PREFIX", "09"), ("EMPTY", ""))
    assert dp.general.static and not dp.general.autofallthrough
    assert steps(dp, "c", "091") == [(1, None, "NoOp", "${OP}")]  # data is kept raw
    assert set(dp.contexts) == {"c"}


def test_includes_ignorepat_switch_and_unknown() -> None:
    dp, problems = parse(
        "[a]\ninclude => b\ninclude => b\ninclude => c,09:00-17:00,mon-fri,*,*\n"
        "include => missing\nignorepat => 9\nignorepat => 9\nswitch => IAX2/foo\nbogus => 1\n"
        "[b]\n[c]\n"
    )
    ctx = dp.context("a")
    assert ctx is not None
    assert [i.context for i in ctx.includes] == ["b", "c", "missing"]
    assert ctx.includes[1].timing is not None
    assert ctx.ignore_patterns == ("9",)
    assert ctx.switches == ("IAX2/foo",)
    assert problems == [
        "The requested context 'b' is already included in 'a' context on include at line 3 "
        "of extensions.conf",
        "Unable to include ignorepat '9' in context 'a' at line 7 of extensions.conf",
        "Alternative switch 'IAX2/foo' in context 'a' at line 8 of extensions.conf is not "
        "supported; ignored",
        "==!!== Unknown directive: bogus at line 9 of extensions.conf -- IGNORING!!!",
        "Context 'a' tries to include nonexistent context 'missing'",
    ]


def test_discouraged_catch_all() -> None:
    _dp, problems = parse("[c]\nexten => _.,1,NoOp\nexten => _!,1,NoOp\n")
    assert problems == [
        "The use of '_.' for an extension is strongly discouraged and can have unexpected "
        "behavior.  Please use '_X.' instead at line 2 of extensions.conf",
        "The use of '_!' for an extension is strongly discouraged and can have unexpected "
        "behavior.  Please use '_X!' instead at line 3 of extensions.conf",
    ]


def test_comments_and_block_comments() -> None:
    dp, problems = parse(
        "[c] ; context\n;-- a block\nexten => 1,1,NoOp(hidden)\n;-- nested --;\n"
        "still hidden --; exten => 2,1,NoOp(visible)\n"
        "exten => 3,1,NoOp(x;-- inline --;y)\n"
    )
    assert problems == []
    ctx = dp.context("c")
    assert ctx is not None
    assert [e.name for e in ctx.extensions] == ["2", "3"]
    assert steps(dp, "c", "3") == [(1, None, "NoOp", "xy")]


def test_bad_lines_never_stop_the_parse() -> None:
    result = parse_extensions_conf(
        "exten => 0,1,NoOp\n[broken\nexten => 1,1,NoOp\n[ok]\nno equal sign\n"
        "exten => 2,1,NoOp\n[tpl](!)\nexten => 9,1,NoOp(t)\n[child](tpl,nosuch)\n"
        "exten => 8,1,NoOp\n[child2](+)\n",
        "x.conf",
    )
    dp = result.dialplan
    assert sorted(dp.contexts) == ["child", "child2", "ok"]
    assert [e.name for e in dp.contexts["child"].extensions] == ["8", "9"]
    located = [(r.level, r.line, r.message) for r in result.problems]
    assert located == [
        (WARNING, 1, "parse error: No category context for line 1 of x.conf"),
        (WARNING, 2, "parse error: no closing ']', line 2 of x.conf"),
        (WARNING, 3, "parse error: No category context for line 3 of x.conf"),
        (WARNING, 5, "No '=' (equal sign) in line 5 of x.conf"),
        (
            WARNING,
            9,
            "Inheritance requested, but category 'nosuch' does not exist, line 9 of x.conf",
        ),
        (
            WARNING,
            11,
            "Category addition requested, but category 'child2' does not exist, line 11 of x.conf",
        ),
    ]
    assert all(r.file == "x.conf" for r in result.problems)


def test_include_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "more.conf").write_text("exten => 2,1,NoOp(included)\n[other]\n")
    (tmp_path / "sub" / "g2.conf").write_text("exten => g2,1,NoOp\n")
    (tmp_path / "sub" / "g1.conf").write_text("exten => g1,1,NoOp\n")
    (tmp_path / "extensions.conf").write_text(
        '[c]\nexten => 1,1,NoOp\n#include "sub/more.conf"\nexten => 3,1,NoOp\n'
        "#include missing.conf\n#tryinclude alsomissing.conf\n#exec /bin/true\n#bogus x\n"
        "#include sub/g*.conf\n"
    )
    result = load_extensions_conf(tmp_path / "extensions.conf")
    dp = result.dialplan
    assert [e.name for e in dp.contexts["c"].extensions] == ["1", "2"]
    assert [e.name for e in dp.contexts["other"].extensions] == ["3", "g1", "g2"]
    levels = [(r.level, r.message) for r in result.problems]
    assert levels[0] == (
        ERROR,
        "The file 'missing.conf' was listed as a #include but it does not exist.",
    )
    assert levels[1][1].startswith("Cannot perform #exec")
    assert levels[2] == (
        WARNING,
        f"Unknown directive '#bogus' at line 8 of {tmp_path}/extensions.conf",
    )
    assert len(result.dialplan.files) == 4


def test_recursive_include_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.conf").write_text("[c]\nexten => 1,1,NoOp\n#include b.conf\n")
    (tmp_path / "b.conf").write_text("exten => 2,1,NoOp\n#include a.conf\n")
    result = load_extensions_conf(tmp_path / "a.conf")
    assert [e.name for e in result.dialplan.contexts["c"].extensions] == ["1", "2"]
    assert any("Recursive #include" in r.message for r in result.problems)


def test_missing_main_file(tmp_path: Path) -> None:
    result = load_extensions_conf(tmp_path / "none.conf")
    assert result.dialplan.contexts == {}
    assert result.problems[0].level == ERROR


def test_long_lines_are_skipped() -> None:
    from pyerlsw.switch.asterisk.conffile import ConfigLimits

    result = parse_extensions_conf(
        "[c]\nexten => 1,1,NoOp(" + "x" * 100 + ")\nexten => 2,1,NoOp\n",
        limits=ConfigLimits(max_line_length=50),
    )
    assert [e.name for e in result.dialplan.contexts["c"].extensions] == ["2"]
    assert "longer than 50 characters" in result.problems[0].message


def test_load_time_substitution_problems_are_located() -> None:
    result = parse_extensions_conf("[globals]\nA=${FOO(1)}\n[c]\nexten => ${B,1,NoOp\n", "g.conf")
    assert [(r.line, r.message) for r in result.problems] == [
        (2, "Function FOO not registered"),
        (4, "Error in extension logic (missing '}')"),
        (4, "Unable to register extension at line 4 of g.conf"),  # the name became empty
    ]
    assert all(r.file == "g.conf" for r in result.problems)


def test_bom_and_crlf(tmp_path: Path) -> None:
    (tmp_path / "e.conf").write_bytes(b"\xef\xbb\xbf[c]\r\nexten => 1,1,NoOp(x)\r\n")
    result = load_extensions_conf(tmp_path / "e.conf")
    assert result.problems == ()
    assert steps(result.dialplan, "c", "1") == [(1, None, "NoOp", "x")]
