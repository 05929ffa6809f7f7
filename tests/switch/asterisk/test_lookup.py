from __future__ import annotations

import datetime as dt

from pyerlsw.switch.asterisk.config import parse_extensions_conf
from pyerlsw.switch.asterisk.diagnostics import LogCollector
from pyerlsw.switch.asterisk.locations import parse_goto, resolve_goto, split_routine
from pyerlsw.switch.asterisk.lookup import (
    LookupStatus,
    can_match,
    exists,
    find_extension,
    find_label,
    is_ignored,
    match_more,
)
from pyerlsw.switch.asterisk.model import Dialplan

UTC = dt.UTC


def load(text: str) -> Dialplan:
    result = parse_extensions_conf(text)
    return result.dialplan


def app_at(dp: Dialplan, ctx: str, exten: str, prio: int, cid: str | None = None) -> str | None:
    found = find_extension(dp, ctx, exten, priority=prio, callerid=cid)
    return found.priority.data if found.priority else None


def test_documented_next_priority_from_less_specific_pattern() -> None:
    dp = load(
        "[c]\nexten => 6410,1,NoOp(exact)\nexten => _641X,1,NoOp(pattern1)\n"
        "exten => _641X,n,NoOp(pattern2)\n"
    )
    assert app_at(dp, "c", "6410", 1) == "exact"
    assert app_at(dp, "c", "6410", 2) == "pattern2"
    assert app_at(dp, "c", "6411", 1) == "pattern1"


def test_most_specific_pattern_wins() -> None:
    dp = load(
        "[c]\n"
        + "".join(
            f"exten => {p},1,NoOp({p})\n"
            for p in ["_6XX1", "_64XX", "_640X", "_6.", "_64NX", "_6[45]NX", "_6[34]NX"]
        )
    )
    assert app_at(dp, "c", "6421", 1) == "_64NX"
    assert app_at(dp, "c", "6401", 1) == "_640X"
    assert app_at(dp, "c", "6521", 1) == "_6[45]NX"
    assert app_at(dp, "c", "6911", 1) == "_6XX1"
    assert app_at(dp, "c", "69", 1) == "_6."


def test_own_extensions_beat_includes_and_context_is_reported() -> None:
    dp = load(
        "[a]\ninclude => b\nexten => _X.,1,NoOp(a-pattern)\n"
        "[b]\nexten => 100,1,NoOp(b-exact)\nexten => 200,1,NoOp(b-200)\n"
    )
    found = find_extension(dp, "a", "100")
    assert found.found and found.priority is not None
    assert found.priority.data == "a-pattern" and found.context == "a"
    assert find_extension(dp, "a", "200").priority is not None
    # through the include: the context that holds it is reported
    dp2 = load("[a]\ninclude => b\n[b]\nexten => 100,1,NoOp(b)\n")
    found2 = find_extension(dp2, "a", "100")
    assert found2.context == "b"


def test_include_order_and_loops() -> None:
    dp = load(
        "[a]\ninclude => b\ninclude => c\n[b]\ninclude => a\nexten => _1X,1,NoOp(b)\n"
        "[c]\nexten => 10,1,NoOp(c)\n"
    )
    # b is searched before c, so the less specific pattern of b wins
    assert app_at(dp, "a", "10", 1) == "b"
    assert find_extension(dp, "a", "99").status == LookupStatus.NO_EXTENSION


def test_include_loop_check_is_case_insensitive() -> None:
    dp = load("[A]\ninclude => a\n[a]\ninclude => A\nexten => 1,1,NoOp(lower)\n")
    assert not exists(dp, "A", "1")  # 'a' is skipped: 'A' was already searched


def test_contexts_are_case_sensitive() -> None:
    dp = load("[Ctx]\nexten => 1,1,NoOp\n")
    assert exists(dp, "Ctx", "1")
    assert find_extension(dp, "ctx", "1").status == LookupStatus.NO_CONTEXT


def test_statuses_and_labels() -> None:
    dp = load("[c]\nexten => 1,1(start),NoOp\n same => n(two),NoOp\n")
    assert find_extension(dp, "c", "1", priority=3).status == LookupStatus.NO_PRIORITY
    assert find_extension(dp, "c", "1", label="nope").status == LookupStatus.NO_LABEL
    assert find_extension(dp, "c", "2").status == LookupStatus.NO_EXTENSION
    assert find_label(dp, "c", "1", "two") == 2
    assert find_label(dp, "c", "1", "nope") == -1


def test_callerid_specific_entries() -> None:
    dp = load("[c]\nexten => 306,1,NoOp(plain)\nexten => 306/_101,1,NoOp(from 101)\n")
    assert app_at(dp, "c", "306", 1, "101") == "from 101"
    assert app_at(dp, "c", "306", 1, "102") == "plain"
    assert app_at(dp, "c", "306", 1, None) == "plain"


def test_empty_cid_pattern_matches_only_no_number() -> None:
    dp = load("[c]\nexten => 1/,1,NoOp(anonymous)\nexten => 1,1,NoOp(any)\n")
    assert app_at(dp, "c", "1", 1, None) == "anonymous"
    assert app_at(dp, "c", "1", 1, "100") == "any"


def test_canmatch_and_matchmore() -> None:
    dp = load("[c]\nexten => 123,1,NoOp\nexten => _9!,1,NoOp\nexten => _5XX,1,NoOp\n")
    assert can_match(dp, "c", "12")
    assert match_more(dp, "c", "12")
    assert not match_more(dp, "c", "123")
    assert not match_more(dp, "c", "9")  # early match: stop collecting
    assert match_more(dp, "c", "5")
    assert not can_match(dp, "c", "4")


def test_include_time_ranges() -> None:
    dp = load(
        "[c]\ninclude => day,09:00-17:00,mon-fri,*,*\ninclude => night\n"
        "[day]\nexten => 1,1,NoOp(day)\n[night]\nexten => 1,1,NoOp(night)\n"
    )
    monday_noon = dt.datetime(2024, 3, 4, 12, 0, tzinfo=UTC).timestamp()
    monday_night = dt.datetime(2024, 3, 4, 22, 0, tzinfo=UTC).timestamp()
    saturday_noon = dt.datetime(2024, 3, 9, 12, 0, tzinfo=UTC).timestamp()
    for now, expected in [(monday_noon, "day"), (monday_night, "night"), (saturday_noon, "night")]:
        found = find_extension(dp, "c", "1", now=now, tz=UTC)
        assert found.priority is not None and found.priority.data == expected


def test_max_depth() -> None:
    text = "".join(f"[c{i}]\ninclude => c{i + 1}\n" for i in range(10)) + "[c10]\nexten => 1,1,X\n"
    dp = load(text)
    assert exists(dp, "c0", "1")
    log = LogCollector()
    assert not find_extension(dp, "c0", "1", max_depth=5, log=log).found
    assert log.messages() == ["Maximum PBX stack (5) exceeded. Too many includes?"]


def test_ignorepat() -> None:
    dp = load("[c]\nignorepat => 9\nignorepat => _8X\n")
    assert is_ignored(dp, "c", "9")
    assert is_ignored(dp, "c", "81")
    assert not is_ignored(dp, "c", "7")
    assert not is_ignored(dp, "nope", "9")


def test_goto_parsing_and_resolution() -> None:
    dp = load("[c]\nexten => s,1,NoOp\n same => n(lbl),NoOp\n[d]\nexten => x,5(far),NoOp\n")
    assert parse_goto("") is None
    t = parse_goto("d,x,far")
    assert t is not None
    assert resolve_goto(dp, t, context="c", exten="s", priority=1) == ("d", "x", 5)
    t = parse_goto("lbl")
    assert t is not None
    assert resolve_goto(dp, t, context="c", exten="s", priority=1) == ("c", "s", 2)
    t = parse_goto("+3")
    assert t is not None and t.relative == 1
    assert resolve_goto(dp, t, context="c", exten="s", priority=4) == ("c", "s", 7)
    t = parse_goto("y,-1")
    assert t is not None
    assert resolve_goto(dp, t, context="c", exten="s", priority=4) == ("c", "y", 3)
    log = LogCollector()
    t = parse_goto("c,s,nolabel")
    assert t is not None
    assert resolve_goto(dp, t, context="c", exten="s", priority=1, log=log) is None
    assert log.messages() == ["Priority 'nolabel' must be a number > 0, or valid label"]


def test_split_routine() -> None:
    assert split_routine("hdlr,s,1(a,b)") == ("hdlr,s,1", "a,b")
    assert split_routine("hdlr,s,1") == ("hdlr,s,1", None)
    assert split_routine("s,1(a,(b))x") == ("s,1", "a,(b)")
    log = LogCollector()
    assert split_routine("s,1(a", log) == ("s,1", "a")
    assert log.messages() == ["Ouch.  No closing paren: 's,1(a'?"]


def test_special_extension_fallbacks() -> None:
    from pyerlsw.switch.asterisk.lookup import invalid_handler, timeout_handler

    dp = load("[a]\nexten => i,1,NoOp\nexten => t,1,NoOp\n[b]\nexten => e,1,NoOp\n[c]\n")
    assert invalid_handler(dp, "a") == "i"
    assert invalid_handler(dp, "b") == "e"
    assert invalid_handler(dp, "c") is None
    assert timeout_handler(dp, "a") == "t"
    assert timeout_handler(dp, "a", absolute=True) is None
    assert timeout_handler(dp, "b", absolute=True) == "e"
