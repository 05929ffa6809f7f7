"""XmlDialplan: FreeSWITCH's XML matching against a fake channel."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from pyerlsw.switch.dialplan import (
    Action,
    DialplanLimits,
    HuntTarget,
    InlineExecutor,
    RequestParamsSource,
    XmlDialplan,
)
from pyerlsw.switch.xml import FetchRequest, StaticXml, XmlLookup
from tests.switch.dialplan.fakes import ExecutingTarget, FakeTarget, ParamsTarget


def engine(contexts: str, **options) -> XmlDialplan:
    static = StaticXml.from_string(
        f'<document type="freeswitch/xml"><section name="dialplan">{contexts}</section></document>'
    )
    return XmlDialplan(XmlLookup(static), zone=UTC, **options)


def default(extensions: str, **options) -> XmlDialplan:
    return engine(f'<context name="default">{extensions}</context>', **options)


def ext(body: str, name: str = "e", **attributes: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attributes.items())
    return f'<extension name="{name}"{extra}>{body}</extension>'


def act(application: str, data: str = "", **attributes: str) -> str:
    extra = "".join(f' {k}="{v}"' for k, v in attributes.items())
    return f'<action application="{application}" data="{data}"{extra}/>'


def anti(application: str, data: str = "") -> str:
    return f'<anti-action application="{application}" data="{data}"/>'


def cond(body: str = "", field: str | None = None, expression: str = "", **attributes):
    parts = []
    if field is not None:
        parts.append(f'field="{field}" expression="{expression}"')
    parts.extend(f'{k.replace("_", "-")}="{v}"' for k, v in attributes.items())
    return f"<condition {' '.join(parts)}>{body}</condition>"


async def hunt(dialplan: XmlDialplan, target: FakeTarget | None = None, dest="2000", ctx="default"):
    target = target or FakeTarget(fields={"destination_number": dest})
    return await dialplan.hunt(target, dest, ctx, "")


def apps(actions: list[Action] | None) -> list[str]:
    assert actions is not None
    return [f"{a.application}:{a.data}" if a.data else a.application for a in actions]


def test_fake_target_satisfies_the_protocols():
    assert isinstance(FakeTarget(), HuntTarget)
    assert not isinstance(FakeTarget(), RequestParamsSource | InlineExecutor)
    assert isinstance(ParamsTarget(), RequestParamsSource)
    assert isinstance(ExecutingTarget(), InlineExecutor)


# -- basic matching -------------------------------------------------------------------


async def test_captures_substitute_and_variables_stay_for_execution_time():
    dialplan = default(
        ext(
            cond(
                act("bridge", "sim/$2$1 ${caller_id_number} ${2} $$3 $x $10")
                + act("echo", "no captures: $0"),
                "destination_number",
                r"^(\d{2})(\d{2})$",
            )
        )
    )
    target = FakeTarget()
    actions = await dialplan.hunt(target, "2042", "default", "")
    assert apps(actions) == [
        "bridge:sim/4220 ${caller_id_number} 42 $ $x ",
        "echo:no captures: 2042",
    ]
    assert target.variables["DP_MATCH"] == "ARRAY::2042|:20|:42"


async def test_no_captures_without_parentheses_in_the_expression():
    dialplan = default(ext(cond(act("log", "$1 stays"), "destination_number", "^2000$")))
    assert apps(await hunt(dialplan)) == ["log:$1 stays"]


async def test_first_matching_extension_wins_and_no_match_is_no_route():
    dialplan = default(
        ext(cond(act("a"), "destination_number", "^1$"), "one")
        + ext(cond(act("b"), "destination_number", "^2"), "two")
        + ext(cond(act("c"), "destination_number", "^20"), "three")
    )
    assert apps(await hunt(dialplan, dest="2000")) == ["b"]
    target = FakeTarget()
    assert await dialplan.hunt(target, "999", "default", "") is None


async def test_missing_context_falls_back_to_global_then_fails():
    dialplan = engine(
        '<context name="default"/><context name="global">'
        + ext(cond(act("g"), "destination_number", ".*"))
        + "</context>"
    )
    assert apps(await hunt(dialplan, ctx="nowhere")) == ["g"]
    only = engine('<context name="default"/>')
    target = FakeTarget()
    assert await only.hunt(target, "2000", "nowhere", "") is None
    assert ("WARNING", "Context nowhere not found") in target.logs
    assert await only.hunt(FakeTarget(), "2000", "default", "") is None


async def test_empty_context_defaults_to_default():
    dialplan = default(ext(cond(act("d"))))
    assert apps(await dialplan.hunt(FakeTarget(), "2000", "", "")) == ["d"]


async def test_fields_by_profile_name_by_variable_and_absolute():
    dialplan = default(
        ext(
            cond(field="caller_id_number", expression="^1000$")
            + cond(field="${sip_from_user}", expression="^bob$")
            + cond(field="Network_Addr", expression=r"^192\.0\.2\.")
            + cond(act("ok"))
        )
    )
    target = FakeTarget(variables={"sip_from_user": "bob"})
    assert apps(await dialplan.hunt(target, "2000", "default", "")) == ["ok"]
    target = FakeTarget(variables={"sip_from_user": "eve"})
    assert await dialplan.hunt(target, "2000", "default", "") is None


async def test_destination_and_context_fields_are_the_hunted_ones():
    dialplan = engine(
        '<context name="other">'
        + ext(
            cond(field="context", expression="^other$")
            + cond(act("x"), "destination_number", "^77$")
        )
        + "</context>"
    )
    target = FakeTarget(fields={"destination_number": "2000", "context": "default"})
    assert apps(await dialplan.hunt(target, "77", "other", "")) == ["x"]


async def test_expression_variables_expand_and_slash_flags_apply():
    dialplan = default(
        ext(cond(field="caller_id_name", expression="^${wanted}$") + cond(act("yes")))
        + ext(cond(act("caseless"), "caller_id_name", "/^ALICE$/i"), "ci")
    )
    target = FakeTarget(variables={"wanted": "Alice"})
    assert apps(await dialplan.hunt(target, "2000", "default", "")) == ["yes"]
    assert apps(await dialplan.hunt(FakeTarget(), "2000", "default", "")) == ["caseless"]


async def test_expression_child_element_and_action_text():
    dialplan = default(
        '<extension name="t"><condition field="destination_number">'
        "<expression><![CDATA[^(2\\d+)$]]></expression>"
        '<action application="playback">say $1</action></condition></extension>'
    )
    assert apps(await hunt(dialplan)) == ["playback:say 2000"]


# -- break modes, anti-actions, continue ------------------------------------------------

BREAK_CASES = [
    # break attribute, first condition true?, second condition evaluated?
    (None, True, True),
    (None, False, False),
    ("on-false", True, True),
    ("on-false", False, False),
    ("on-true", True, False),
    ("on-true", False, True),
    ("always", True, False),
    ("always", False, False),
    ("never", True, True),
    ("never", False, True),
    ("bogus", False, False),
]


@pytest.mark.parametrize(("mode", "first", "second_runs"), BREAK_CASES)
async def test_break_modes(mode, first, second_runs):
    extra = {} if mode is None else {"break": mode}
    first_expression = "^2000$" if first else "^nope$"
    dialplan = default(
        ext(
            cond(act("first") + anti("first-anti"), "destination_number", first_expression, **extra)
            + cond(act("second"), "destination_number", "^2000$")
        )
    )
    actions = apps(await hunt(dialplan))
    assert ("second" in actions) is second_runs
    assert ("first" in actions) is first
    assert ("first-anti" in actions) is (not first)


async def test_anti_actions_run_and_the_extension_goes_on():
    dialplan = default(
        ext(cond(act("open") + anti("closed", "sorry"), "destination_number", "^1$"), "a")
        + ext(cond(act("later"), "destination_number", ".*"), "b")
    )
    assert apps(await hunt(dialplan)) == ["closed:sorry"]


async def test_a_failing_extension_keeps_the_actions_it_added():
    # FreeSWITCH appends to one caller extension while hunting, so actions of a partly
    # matching extension stay when hunting moves on.
    dialplan = default(
        ext(
            cond(act("partial"), "destination_number", "^2")
            + cond(act("never"), "destination_number", "^3"),
            "half",
        )
        + ext(cond(act("full"), "destination_number", "^2000$"), "whole")
    )
    assert apps(await hunt(dialplan)) == ["partial", "full"]


async def test_continue_true_evaluates_the_next_extension():
    dialplan = default(
        ext(cond(act("set", "a=1"), "destination_number", ".*"), "setup", **{"continue": "true"})
        + ext(cond(act("main"), "destination_number", "^2000$"), "main")
        + ext(cond(act("after"), "destination_number", ".*"), "after")
    )
    assert apps(await hunt(dialplan)) == ["set:a=1", "main"]


async def test_loop_repeats_and_zero_loop_still_routes():
    dialplan = default(ext(cond(act("beep", "x", loop="3"))))
    assert apps(await hunt(dialplan)) == ["beep:x"] * 3
    zero = default(ext(cond(act("beep", "x", loop="0"))))
    assert await hunt(zero) == []


async def test_loop_is_bounded():
    dialplan = default(ext(cond(act("beep", "x", loop="99999"))), limits=DialplanLimits(max_loop=5))
    target = FakeTarget()
    assert len(await dialplan.hunt(target, "2000", "default", "")) == 5
    assert any("cut to 5" in line for line in target.lines("WARNING"))


# -- inline ---------------------------------------------------------------------------


async def test_inline_set_runs_during_the_hunt_and_later_conditions_see_it():
    dialplan = default(
        ext(
            cond(
                act("set", "digits=$1", inline="true")
                + act("set", "greeting=hello ${caller_id_name}", inline="true")
                + act("unset", "stale", inline="true")
                + act("export", "nolocal:leg_b=1", inline="true")
                + act("log", "NOTICE routing $1", inline="true"),
                "destination_number",
                r"^(\d+)$",
            ),
            "vars",
            **{"continue": "true"},
        )
        + ext(cond(act("bridge", "sim/${digits}"), "${digits}", "^2000$"), "use")
    )
    target = FakeTarget(variables={"stale": "x"})
    actions = await dialplan.hunt(target, "2000", "default", "")
    assert apps(actions) == ["bridge:sim/${digits}"]
    assert target.variables["digits"] == "2000"
    assert target.variables["greeting"] == "hello Alice"
    assert "stale" not in target.variables
    assert "leg_b" not in target.variables and target.variables["export_vars"] == "leg_b"
    assert ("NOTICE", "routing 2000") in target.logs


async def test_inline_only_extension_routes_to_nothing_but_is_a_route():
    dialplan = default(ext(cond(act("set", "a=1", inline="true"))))
    target = FakeTarget()
    assert await dialplan.hunt(target, "2000", "default", "") == []
    assert target.variables["a"] == "1"


async def test_inline_unknown_application_is_logged_not_run():
    dialplan = default(ext(cond(act("bridge", "sim/1", inline="true") + act("next"))))
    target = FakeTarget()
    assert apps(await dialplan.hunt(target, "2000", "default", "")) == ["next"]
    assert "Application bridge cannot be executed inline" in target.lines("ERR")


async def test_inline_uses_the_channels_executor_when_it_has_one():
    dialplan = default(
        ext(
            cond(
                act("set", "x=$1", inline="true") + act("hash", "a", inline="true"),
                "destination_number",
                "^(.*)$",
            )
        )
    )
    target = ExecutingTarget()
    assert await dialplan.hunt(target, "2000", "default", "") == []
    assert target.executed == [("set", "x=2000"), ("hash", "a")]
    assert target.variables["x"] == "2000"
    assert "Application hash cannot be executed inline" in target.lines("ERR")


async def test_inline_multiset_and_custom_apps():
    calls = []
    dialplan = default(
        ext(
            cond(
                act("multiset", "^^:a=1:b=two words", inline="true")
                + act("mine", "data", inline="true")
            )
        ),
        inline_apps={"mine": lambda target, data: calls.append(data)},
    )
    target = FakeTarget()
    await dialplan.hunt(target, "2000", "default", "")
    assert calls == ["data"]
    assert "a" not in target.variables  # multiset is not in the custom table
    builtin = default(ext(cond(act("multiset", "a=1 b='two words'", inline="true"))))
    await builtin.hunt(target, "2000", "default", "")
    assert target.variables["a"] == "1" and target.variables["b"] == "two words"


# -- regex="all|any|xor" --------------------------------------------------------------


def regex_condition(rule: str, *pairs: tuple[str, str]) -> str:
    children = "".join(f'<regex field="{f}" expression="{e}"/>' for f, e in pairs)
    return f'<condition regex="{rule}">{children}' + act("yes", "$1") + anti("no") + "</condition>"


@pytest.mark.parametrize(
    ("rule", "pairs", "expected"),
    [
        ("all", [("caller_id_name", "^Alice$"), ("destination_number", "^(2000)$")], "yes:2000"),
        ("all", [("caller_id_name", "^Alice$"), ("destination_number", "^3$")], "no"),
        ("any", [("caller_id_name", "^Bob$"), ("destination_number", "^(20)00$")], "yes:20"),
        ("any", [("caller_id_name", "^Bob$"), ("destination_number", "^3$")], "no"),
        ("xor", [("caller_id_name", "^Bob$"), ("destination_number", "^(2000)$")], "yes:2000"),
        ("xor", [("caller_id_name", "^Alice$"), ("destination_number", "^2000$")], "no"),
        ("xor", [("caller_id_name", "^x$"), ("destination_number", "^y$")], "no"),
        ("all", [], "yes:$1"),
        ("any", [], "no"),
    ],
)
async def test_regex_rules(rule, pairs, expected):
    dialplan = default(ext(regex_condition(rule, *pairs)))
    assert apps(await hunt(dialplan)) == [expected]


async def test_regex_children_record_their_captures():
    dialplan = default(
        ext(
            regex_condition(
                "all", ("caller_id_number", "^(10)(00)$"), ("destination_number", "^(2000)$")
            )
        )
    )
    target = FakeTarget(variables={"DP_REGEX_MATCH_2": "old"})
    await dialplan.hunt(target, "2000", "default", "")
    assert target.variables["DP_REGEX_MATCH_1"] == "ARRAY::1000|:10|:00"
    assert target.variables["DP_REGEX_MATCH_2"] == "ARRAY::2000|:2000"


async def test_regex_child_without_field_is_absolute_and_may_be_timed():
    dialplan = default(
        ext('<condition regex="all"><regex/><regex wday="tue"/>' + act("ok") + "</condition>")
        + ext(
            '<condition regex="any"><regex wday="mon"/>'
            + act("mon")
            + anti("not-mon")
            + "</condition>",
            "m",
        )
    )
    assert apps(await hunt(dialplan)) == ["ok"]


# -- nesting --------------------------------------------------------------------------


async def test_nested_conditions_run_when_the_parent_goes_on():
    dialplan = default(
        ext(
            cond(
                act("outer")
                + cond(act("inner-a"), "caller_id_number", "^1000$")
                + cond(act("inner-b"), "destination_number", "^2000$"),
                "destination_number",
                "^2",
            )
        )
    )
    target = FakeTarget()
    assert apps(await dialplan.hunt(target, "2000", "default", "")) == [
        "outer",
        "inner-a",
        "inner-b",
    ]
    assert any(
        "Processing recursive conditions level:1 [e_recur_1]" in line for line in target.lines()
    )


async def test_failed_nested_conditions_fail_the_extension_unless_not_required():
    nested_fail = cond(act("inner"), "caller_id_number", "^9$")
    strict = default(
        ext(cond(act("outer") + nested_fail, "destination_number", "^2"), "strict")
        + ext(cond(act("next"), "destination_number", ".*"), "next")
    )
    assert apps(await hunt(strict)) == ["outer", "next"]
    relaxed = default(
        ext(
            cond(act("outer") + nested_fail, "destination_number", "^2", require_nested="false"),
            "relaxed",
        )
        + ext(cond(act("next"), "destination_number", ".*"), "next")
    )
    assert apps(await hunt(relaxed)) == ["outer"]


async def test_break_never_skips_failed_nested_conditions():
    dialplan = default(
        ext(
            cond(
                act("a") + cond(act("in"), "caller_id_number", "^9$"),
                "destination_number",
                "^2",
                **{"break": "never"},
            )
            + cond(act("b"), "destination_number", "^2000$")
        )
    )
    assert apps(await hunt(dialplan)) == ["a", "b"]


async def test_nesting_depth_is_bounded():
    inner = act("deep")
    for _ in range(8):
        inner = cond(act("level") + inner)
    dialplan = default(ext(inner), limits=DialplanLimits(max_nesting=3))
    target = FakeTarget()
    actions = await dialplan.hunt(target, "2000", "default", "")
    assert "deep" not in apps(actions)
    assert "Recursion LIMIT!" in target.lines("ERR")


# -- time of day ----------------------------------------------------------------------
# The fake clock says Tuesday 2024-05-14 08:23:45 UTC (yday 135, week 20, mweek 3).


@pytest.mark.parametrize(
    ("attributes", "matches"),
    [
        ({"wday": "3"}, True),
        ({"wday": "tue"}, True),
        ({"wday": "mon-fri"}, True),
        ({"wday": "sat-sun"}, False),
        ({"wday": "fri-wed"}, True),
        ({"hour": "8"}, True),
        ({"hour": "9-17"}, False),
        ({"hour": "18-8"}, True),
        ({"hour": "1,5,8"}, True),
        ({"minute": "23"}, True),
        ({"minute-of-day": "504"}, True),
        ({"minute-of-day": "1-503"}, False),
        ({"time-of-day": "08:00-08:23"}, False),
        ({"time-of-day": "08:00-08:23:45"}, True),
        ({"time-of-day": "22:00-08:30"}, True),
        ({"time-of-day": "01:00-02:00,08:20-08:30"}, True),
        ({"mday": "14"}, True),
        ({"mon": "5"}, True),
        ({"mon": "10-2"}, False),
        ({"year": "2024"}, True),
        ({"yday": "135"}, True),
        ({"week": "20"}, True),
        ({"mweek": "3"}, True),
        ({"mweek": "2"}, False),
        ({"date-time": "2024-05-14 08:00~2024-05-14 09:00"}, True),
        ({"date-time": "2024-05-14 08:23:45~2024-05-14 08:23:46"}, True),
        ({"date-time": "2024-05-14 08:00~2024-05-14 08:23:45"}, False),
        (
            {"date-time": "2023-01-01 00:00~2023-12-31 00:00,2024-05-01 00:00~2024-06-01 00:00"},
            True,
        ),
        ({"wday": "3", "hour": "8", "mon": "5"}, True),
        ({"wday": "3", "hour": "9"}, False),
        ({"tz-offset": "0"}, True),
        ({"tz-offset": "2"}, False),
        ({"dst": "false"}, True),
        ({"dst": "true"}, False),
    ],
)
async def test_time_conditions(attributes, matches):
    dialplan = default(ext(cond(act("open") + anti("closed"), **attributes)))
    assert apps(await hunt(dialplan)) == ["open" if matches else "closed"]


async def test_time_is_read_in_the_channels_offset_or_zone():
    dialplan = default(ext(cond(act("open") + anti("closed"), hour="10")))
    plus_two = FakeTarget(variables={"tod_tz_offset": "2"})
    assert apps(await dialplan.hunt(plus_two, "2000", "default", "")) == ["open"]
    paris = FakeTarget(variables={"timezone": "Europe/Paris"})  # CEST in May: UTC+2
    assert apps(await dialplan.hunt(paris, "2000", "default", "")) == ["open"]
    bogus = FakeTarget(variables={"timezone": "Not/AZone"})
    assert apps(await dialplan.hunt(bogus, "2000", "default", "")) == ["closed"]
    offset = default(ext(cond(act("yes") + anti("no"), **{"tz-offset": "2"})))
    assert apps(await offset.hunt(plus_two, "2000", "default", "")) == ["yes"]


async def test_time_and_field_in_one_condition_both_must_match():
    dialplan = default(
        ext(cond(act("open") + anti("closed"), "destination_number", "^2000$", wday="tue"))
    )
    assert apps(await hunt(dialplan, dest="2000")) == ["open"]
    assert apps(await hunt(dialplan, dest="3000")) == ["closed"]
    monday = default(
        ext(cond(act("open") + anti("closed"), "destination_number", "^2000$", wday="mon"))
    )
    target = FakeTarget()
    assert apps(await monday.hunt(target, "2000", "default", "")) == ["closed"]
    assert any("Date/TimeMatch (FAIL) [e] break=on-false" in line for line in target.lines())


async def test_office_hours_example_with_break_never():
    dialplan = default(
        ext(
            cond(
                act("set", "office_status=open", inline="true")
                + anti("set", "office_status=closed"),
                wday="2-6",
                hour="8-17",
                **{"break": "never"},
            )
            + cond(act("set", "day_part=morning", inline="true"), hour="0-11", **{"break": "never"})
            + cond(
                act("set", "day_part=evening", inline="true"), hour="18-23", **{"break": "never"}
            ),
            "tod",
            **{"continue": "true"},
        )
        + ext(cond(act("route", "${office_status}"), "destination_number", ".*"), "route")
    )
    target = FakeTarget()
    actions = await dialplan.hunt(target, "2000", "default", "")
    assert apps(actions) == ["route:${office_status}"]
    assert target.variables["office_status"] == "open"
    assert target.variables["day_part"] == "morning"


# -- logs -----------------------------------------------------------------------------


async def test_log_lines_follow_freeswitch():
    dialplan = default(
        ext(cond(act("a", "x") + anti("b"), "destination_number", "^(2000)$"), "first")
        + ext(cond(act("c"), "destination_number", "^3$"), "second")
    )
    target = FakeTarget()
    await dialplan.hunt(target, "2000", "default", "")
    assert target.logs[0] == ("INFO", "Processing Alice <1000>->2000 in context default")
    assert target.lines("DEBUG") == [
        "Dialplan: sim/1000 parsing [default->first] continue=false",
        "Dialplan: sim/1000 Regex (PASS) [first] destination_number(2000) =~ /^(2000)$/ "
        "break=on-false",
        "Dialplan: sim/1000 Action a(x) ",
    ]
    target = FakeTarget()
    await dialplan.hunt(target, "3", "default", "")
    assert "Dialplan: sim/1000 ANTI-Action b() " in target.lines("DEBUG")
    assert (
        "Dialplan: sim/1000 Regex (FAIL) [first] destination_number(3) =~ /^(2000)$/ break=on-false"
    ) in target.lines("DEBUG")


# -- broken content and limits ----------------------------------------------------------


async def test_invalid_regex_logs_and_routes_nowhere():
    dialplan = default(
        ext(cond(act("never"), "destination_number", "^(unclosed$"), "bad")
        + ext(cond(act("ok"), "destination_number", ".*"), "fine")
    )
    target = FakeTarget()
    assert await dialplan.hunt(target, "2000", "default", "") is None
    assert any("invalid expression" in line for line in target.lines("ERR"))
    unsupported = default(ext(cond(act("x"), "destination_number", r"\p{L}")))
    assert await hunt(unsupported) is None


async def test_too_many_actions_is_refused():
    dialplan = default(ext(cond(act("a", loop="50"))), limits=DialplanLimits(max_actions=10))
    target = FakeTarget()
    assert await dialplan.hunt(target, "2000", "default", "") is None
    assert any("more than 10 actions" in line for line in target.lines("ERR"))


async def test_unusable_provider_answers_fall_back_and_no_dialplan_is_no_route():
    async def garbage(request: FetchRequest) -> str:
        return "<document><section name='dialplan'><context"

    lookup = XmlLookup()
    lookup.add_provider(garbage)
    dialplan = XmlDialplan(lookup)
    target = FakeTarget()
    assert await dialplan.hunt(target, "2000", "default", "") is None
    assert "Open of dialplan failed" in target.lines("ERR")


async def test_a_target_that_raises_does_not_escape():
    class Broken(FakeTarget):
        def caller_field(self, field: str) -> str | None:
            raise RuntimeError("channel gone")

    dialplan = default(ext(cond(act("a"))))
    target = Broken()
    assert await dialplan.hunt(target, "2000", "default", "") is None
    assert any("channel gone" in line for line in target.lines("ERR"))


# -- fetch providers ------------------------------------------------------------------


async def test_provider_sees_hunt_params_and_its_answer_routes():
    seen: list[FetchRequest] = []

    async def provider(request: FetchRequest) -> str:
        seen.append(request)
        return (
            '<document type="freeswitch/xml"><section name="dialplan">'
            '<context name="public"><extension name="erl"><condition field="destination_number" '
            'expression="^(\\d+)$"><action application="erlang" data="h:! n@host"/>'
            "</condition></extension></context></section></document>"
        )

    lookup = XmlLookup(StaticXml.empty())
    lookup.add_provider(provider, sections=["dialplan"])
    dialplan = XmlDialplan(lookup)
    target = FakeTarget(fields={"destination_number": "555"})
    actions = await dialplan.hunt(target, "4242", "public", "")
    assert apps(actions) == ["erlang:h:! n@host"]
    params = dict(seen[0].params)
    assert seen[0].section == "dialplan" and seen[0].tag_name is None
    assert params["Hunt-Destination-Number"] == "4242"
    assert params["Hunt-Context"] == "public"
    assert params["Caller-Destination-Number"] == "555"
    assert params["Caller-Caller-ID-Name"] == "Alice"
    assert params["Unique-ID"] == target.uuid

    rich = ParamsTarget()
    await dialplan.hunt(rich, "4242", "public", "")
    names = [name for name, _ in seen[1].params]
    assert names[:5] == [
        "Event-Name",
        "Core-UUID",
        "Unique-ID",
        "Caller-Destination-Number",
        "variable_foo",
    ]
    assert "Hunt-Destination-Number" in names


async def test_auto_hunt_starts_at_the_extension_named_like_the_destination():
    dialplan = default(
        ext(cond(act("first"), "destination_number", ".*"), "catchall")
        + ext(cond(act("named")), "2000")
    )
    assert apps(await hunt(dialplan)) == ["first"]
    target = FakeTarget(variables={"auto_hunt": "true"})
    assert apps(await dialplan.hunt(target, "2000", "default", "")) == ["named"]


async def test_alternate_dialplan_file_needs_a_root(tmp_path: Path):
    (tmp_path / "alt.xml").write_text(
        '<document><section name="dialplan"><dialplan><context name="default">'
        + ext(cond(act("alt")))
        + "</context></dialplan></section></document>"
    )
    refused = default(ext(cond(act("main"))))
    target = FakeTarget()
    assert await refused.hunt(target, "2000", "default", "alt.xml") is None
    assert "Open of [alt.xml] failed" in target.lines("ERR")
    allowed = default(ext(cond(act("main"))), alternate_root=tmp_path)
    assert apps(await allowed.hunt(FakeTarget(), "2000", "default", "alt.xml")) == ["alt"]
    assert await allowed.hunt(FakeTarget(), "2000", "default", "../etc/passwd") is None
    assert await allowed.hunt(FakeTarget(), "2000", "default", "missing.xml") is None


# -- the embedded defaults and large documents -------------------------------------------


async def test_embedded_default_dialplan_routes():
    dialplan = XmlDialplan(
        XmlLookup(StaticXml.default(variables={"erlang_handler_node": "calls@box"})), zone=UTC
    )
    target = FakeTarget()
    assert apps(await dialplan.hunt(target, "123456", "default", "")) == [
        "erlang:myhandler calls@box"
    ]
    assert apps(await dialplan.hunt(target, "erlang", "default", "")) == [
        "erlang:myhandler:! calls@box"
    ]
    assert apps(await dialplan.hunt(target, "1001", "default", "")) == [
        "set:hangup_after_bridge=true",
        "set:call_timeout=30",
        "bridge:sim/1001",
    ]
    assert target.variables["dialed_extension"] == "1001"
    assert apps(await dialplan.hunt(target, "9196", "public", "")) == ["answer", "echo"]
    assert apps(await dialplan.hunt(target, "1001", "public", "")) == ["transfer:1001 XML default"]
    assert await dialplan.hunt(target, "0800", "public", "") is None


async def test_large_dialplan_matches_its_last_extension():
    body = "".join(
        ext(cond(act("bridge", f"sim/{i}"), "destination_number", f"^{i}$"), f"e{i}")
        for i in range(20_000)
    )
    dialplan = default(body)
    target = FakeTarget()
    assert apps(await dialplan.hunt(target, "19999", "default", "")) == ["bridge:sim/19999"]
