"""Every API command's output, byte for byte where FreeSWITCH's is known."""

from __future__ import annotations

import json
import re

from pyerlsw.switch import Switch
from pyerlsw.switch.session import Session
from tests.switch.support import START, next_event, settle, wait_for


async def parked(switch: Switch, dial: str = "sim/alice") -> Session:
    session = await switch.originate(dial, app="park")
    await settle(switch)
    return session


async def test_unknown_command(switch: Switch) -> None:
    events = switch.subscribe("API")
    result = await switch.api("nosuch", "x")
    assert result.output == "nosuch: Command not found!\n"
    assert not result.found and not result.ok
    assert events.drain() == []  # no API event for unknown commands


async def test_api_event(switch: Switch) -> None:
    events = switch.subscribe("API")
    await switch.api("uptime", " ms ")
    await switch.api("  status  ")
    first, second = events.drain()
    assert first.get("API-Command") == "uptime"
    assert first.get("API-Command-Argument") == "ms"
    assert second.get("API-Command") == "status"
    assert second.get("API-Command-Argument") is None


async def test_status(switch: Switch) -> None:
    await parked(switch)
    await settle(switch, 3723.5)
    out = (await switch.api("status")).output
    lines = out.split("\n")
    assert lines[0] == (
        "UP 0 years, 0 days, 1 hour, 2 minutes, 3 seconds, 500 milliseconds, 0 microseconds"
    )
    assert lines[1] == "FreeSWITCH (Version 1.10.12-release~64bit) is ready"
    assert lines[2] == "1 session(s) since startup"
    assert lines[3] == "1 session(s) - peak 1, last 5min 1 "
    assert re.fullmatch(r"\d+ session\(s\) per Sec out of max 30, peak 1, last 5min \d+ ", lines[4])
    assert lines[5] == "10000 session(s) max"
    assert re.fullmatch(r"min idle cpu \d+\.\d\d/\d+\.\d\d", lines[6])
    assert lines[7] == ""


async def test_version_uptime_hostname(switch: Switch) -> None:
    assert (await switch.api("version")).output == (
        "FreeSWITCH Version 1.10.12-release~64bit (-release 64bit)\n"
    )
    assert (await switch.api("version", "short")).output == "1.10.12\n"
    await settle(switch, 90)
    assert (await switch.api("uptime")).output == "90\n"
    assert (await switch.api("uptime", "m")).output == "1\n"
    assert (await switch.api("uptime", "ms")).output == "90000\n"
    assert (await switch.api("uptime", "microseconds")).output == "90000000\n"
    assert (await switch.api("uptime", "weeks")).output == (
        "-USAGE: [us|ms|s|m|h|d|microseconds|milliseconds|seconds|minutes|hours|days]\n"
    )
    assert (await switch.api("hostname")).output == "testhost"


async def test_globals_and_eval(switch: Switch) -> None:
    assert (await switch.api("global_setvar", "colour=blue")).output == "+OK"
    assert (await switch.api("global_getvar", "colour")).output == "blue"
    assert (await switch.api("global_setvar", "colour=red=green")).output == "+OK"
    assert (await switch.api("global_getvar", "colour")).output == "blue"  # condition failed
    assert (await switch.api("global_setvar", "colour=red=blue")).output == "+OK"
    assert (await switch.api("global_getvar", "colour")).output == "red"
    assert (await switch.api("global_getvar", "unset_one")).output == ""
    assert "colour=red\n" in (await switch.api("global_getvar")).output
    assert (await switch.api("global_setvar")).output == "-USAGE: <var>=<value> [=<value2>]\n"
    assert (await switch.api("eval", "$${colour}/${colour}/${nothing}.")).output == "red/red/."
    session = await parked(switch)
    session.channel.set_variable("mood", "calm")
    out = (await switch.api("eval", f"uuid:{session.uuid} ${{Channel-Name}} ${{mood}}")).output
    assert out == "sim/alice calm"
    assert (await switch.api("eval", "")).output == ""


async def test_strftime(switch: Switch) -> None:
    assert (await switch.api("strftime", "1700000000|%Y-%m-%d")).output == "Y-11-14"
    assert (await switch.api("strftime", "1700000000| %Y")).output == "2023"
    out = (await switch.api("strftime")).output
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", out)
    assert (await switch.api("strftime", "%s")).output == str(int(START))


async def test_log_command(switch: Switch) -> None:
    logs = switch.subscribe_logs()
    assert (await switch.api("log", "WARNING disk is full")).output == "+OK\n"
    assert (await switch.api("log", "just text")).output == "+OK\n"
    assert (await switch.api("log")).output == "-ERR\n"
    first, second = logs.drain()
    assert (first.level, first.text) == (4, "disk is full\n")
    # like FreeSWITCH, the first word is always taken as the level (invalid: DEBUG)
    assert (second.level, second.text) == (7, "text\n")
    assert first.level_name == "WARNING"
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \d+\.\d\d% \[WARNING\] mod_commands\.c:\d+ "
        r"disk is full\n",
        first.line_text(),
    )


async def test_reloadxml(switch: Switch) -> None:
    events = switch.subscribe("RELOADXML")
    assert (await switch.api("reloadxml")).output == "+OK [Success]\n"
    assert len(events.drain()) == 1


async def test_originate_usage_and_errors(switch: Switch) -> None:
    usage = (
        "-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] "
        "[<cid_name>] [<cid_num>] [<timeout_sec>]\n"
    )
    assert (await switch.api("originate", "")).output == usage
    assert (await switch.api("originate", "sim/x")).output == usage
    assert (await switch.api("originate", "a b c d e f g h")).output == usage
    assert (await switch.api("originate", "error/NO_ROUTE_DESTINATION 1000")).output == (
        "-ERR NO_ROUTE_DESTINATION\n"
    )


async def test_originate_caller_id_and_exten(switch: Switch) -> None:
    from tests.switch.support import TableDialplan, route

    table = TableDialplan({"1000": route("park")})
    switch.dialplans.register(table)
    events = switch.subscribe("CHANNEL_PARK")
    out = (await switch.api("originate", "sim/bob 1000 test ctx 'Big Boss' 4242")).output
    uuid = out.split()[1]
    park = await next_event(switch, events, "CHANNEL_PARK")
    assert park.unique_id == uuid
    assert park.get("Caller-Caller-ID-Name") == "Big Boss"
    assert park.get("Caller-Caller-ID-Number") == "4242"
    assert park.get("Caller-Destination-Number") == "1000"
    assert park.get("Caller-Context") == "ctx"
    assert park.get("Channel-HIT-Dialplan") == "true"
    assert table.hunts == [("1000", "ctx", "")]
    out = (await switch.api("originate", "sim/bob 1000 test undef undef 777")).output
    park = await next_event(switch, events, "CHANNEL_PARK")
    assert park.get("Caller-Caller-ID-Number") == "777"
    assert park.get("Caller-Context") == "default"


async def test_uuid_kill(switch: Switch) -> None:
    session = await parked(switch)
    assert (await switch.api("uuid_kill")).output == "-USAGE: <uuid> [cause]\n"
    assert (await switch.api("uuid_kill", "nope")).output == "-ERR No such channel!\n"
    assert (await switch.api("uuid_kill", f"{session.uuid} USER_BUSY")).output == "+OK\n"
    await wait_for(switch, session.destroyed)
    assert session.channel.hangup_cause == 17
    other = await parked(switch)
    assert (await switch.api("uuid_kill", f"{other.uuid} 9999")).output == "+OK\n"
    await wait_for(switch, other.destroyed)
    assert other.channel.get_variable("hangup_cause") == "UNKNOWN"


async def test_uuid_answer_park_and_exists(switch: Switch) -> None:
    from tests.switch.support import TableDialplan, route

    switch.dialplans.register(TableDialplan({"1": route("sleep:100000")}))
    events = switch.subscribe("CHANNEL_ANSWER", "CHANNEL_PARK")
    a = await switch.inbound_call("1", dialplan="test")
    await settle(switch)
    assert (await switch.api("uuid_answer", a.uuid)).output == "+OK\n"
    assert (await next_event(switch, events)).name == "CHANNEL_ANSWER"
    assert (await switch.api("uuid_answer", "nope")).output == "-ERR No such channel!\n"
    assert (await switch.api("uuid_park", a.uuid)).output == "+OK\n"
    assert (await next_event(switch, events)).name == "CHANNEL_PARK"
    assert a.channel.running_state.name == "CS_PARK"
    assert (await switch.api("uuid_park", "nope")).output == "-ERR No such channel!\n"
    assert (await switch.api("uuid_exists", a.uuid)).output == "true"
    assert (await switch.api("uuid_exists", "nope")).output == "false"
    assert (await switch.api("uuid_exists")).output == "false"


async def test_uuid_setvar_getvar(switch: Switch) -> None:
    s = await parked(switch)
    u = s.uuid
    assert (await switch.api("uuid_setvar", f"{u} greeting hello world")).output == "+OK\n"
    assert (await switch.api("uuid_getvar", f"{u} greeting")).output == "hello world"
    assert (await switch.api("uuid_setvar", f"{u} greeting")).output == "+OK\n"
    assert (await switch.api("uuid_getvar", f"{u} greeting")).output == "_undef_"
    assert (await switch.api("uuid_setvar", "nope a b")).output == "-ERR No such channel!\n"
    assert (await switch.api("uuid_setvar", u)).output == "-USAGE: <uuid> <var> [value]\n"
    assert (await switch.api("uuid_getvar", u)).output == "-USAGE: <uuid> <var>\n"
    assert (await switch.api("uuid_getvar", "nope x")).output == "-ERR No such channel!\n"
    s.channel.set_variable("list", "ARRAY::a|:b|:c")
    assert (await switch.api("uuid_getvar", f"{u} list[1]")).output == "b"
    assert (await switch.api("uuid_getvar", f"{u} list[7]")).output == "_undef_"


async def test_uuid_dump(switch: Switch) -> None:
    s = await parked(switch)
    s.channel.set_variable("spaced", "a b:c")
    out = (await switch.api("uuid_dump", s.uuid)).output
    lines = out.split("\n")
    assert lines[0] == "Event-Name: CHANNEL_DATA"
    assert "variable_spaced: a%20b%3Ac" in lines
    assert out.endswith("\n\n")
    plain = (await switch.api("uuid_dump", f"{s.uuid} plain")).output
    assert "variable_spaced: a b:c" in plain.split("\n")
    data = json.loads((await switch.api("uuid_dump", f"{s.uuid} json")).output)
    assert data["Unique-ID"] == s.uuid and data["variable_spaced"] == "a b:c"
    xml = (await switch.api("uuid_dump", f"{s.uuid} xml")).output
    assert xml.startswith("<event>") and "<Event-Name>CHANNEL_DATA</Event-Name>" in xml
    assert (await switch.api("uuid_dump", "nope")).output == "-ERR No such channel!\n"
    assert (await switch.api("uuid_dump")).output == "-USAGE: <uuid> [format]\n"


async def test_uuid_transfer_usage(switch: Switch) -> None:
    syntax = "-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n"
    assert (await switch.api("uuid_transfer", "")).output == syntax
    assert (await switch.api("uuid_transfer", "x")).output == syntax
    assert (await switch.api("uuid_transfer", "nope 1000")).output == "-ERR No such channel!\n"


async def test_uuid_bridge_usage(switch: Switch) -> None:
    assert (await switch.api("uuid_bridge", "x")).output == "-USAGE: <uuid> <other_uuid>\n"
    assert (await switch.api("uuid_bridge", "x y")).output == "-ERR Invalid uuid\n"
    a = await parked(switch, "sim/a")
    b = await parked(switch, "sim/b")
    out = (await switch.api("uuid_bridge", f"{a.uuid} gone {b.uuid}")).output
    assert out == f"+OK {b.uuid}\n"


async def test_show_channels(switch: Switch) -> None:
    assert (await switch.api("show", "channels")).output == "\n0 total.\n"
    assert (await switch.api("show", "channels as json")).output == '{"row_count": 0}\n'
    assert (await switch.api("show", "channels as xml")).output == '<result row_count="0"/>\n'
    assert (await switch.api("show", "channels count")).output == "\n0 total.\n"
    a = await parked(switch, "sim/a")
    await settle(switch, 1)
    b = await parked(switch, "sim/b")
    text = (await switch.api("show", "channels")).output
    lines = text.split("\n")
    assert lines[0].startswith("uuid,direction,created,created_epoch,name,state,cid_name,cid_num,")
    assert lines[0].endswith("initial_dest,initial_dialplan,initial_context")
    assert lines[1].startswith(f"{a.uuid},outbound,")
    assert lines[2].startswith(f"{b.uuid},outbound,")
    assert lines[3:] == ["", "2 total.", ""]
    assert ",CS_EXECUTE," in lines[1] and ",park,," in lines[1] and ",ACTIVE," in lines[1]
    data = json.loads((await switch.api("show", "channels as json")).output)
    assert data["row_count"] == 2
    assert [r["uuid"] for r in data["rows"]] == [a.uuid, b.uuid]
    assert all(isinstance(v, str) for r in data["rows"] for v in r.values())
    assert data["rows"][0]["created_epoch"] == str(int(START))
    assert (await switch.api("show", "channels count")).output == "\n2 total.\n"
    piped = (await switch.api("show", "channels as delim |")).output
    assert piped.split("\n")[0].startswith("uuid|direction|created|")
    xml = (await switch.api("show", "channels as xml")).output
    assert xml.startswith('<result row_count="2">\n  <row row_id="1">\n')
    assert (await switch.api("show", "nothing")).output.startswith("-USAGE: ")
    assert (await switch.api("show")).output.startswith("-USAGE: ")


async def test_show_calls(switch: Switch) -> None:
    from tests.switch.support import TableDialplan, route

    switch.dialplans.register(TableDialplan({"1": route("bridge:sim/b")}))
    events = switch.subscribe("CHANNEL_BRIDGE")
    a = await switch.inbound_call("1", dialplan="test")
    bridge = await next_event(switch, events, "CHANNEL_BRIDGE")
    text = (await switch.api("show", "calls")).output
    lines = text.split("\n")
    assert lines[0].split(",")[21] == "b_uuid"
    row = lines[1].split(",")
    assert row[0] == a.uuid and row[21] == bridge.get("Bridge-B-Unique-ID")
    assert lines[2:] == ["", "1 total.", ""]
    assert (await switch.api("show", "calls count")).output == "\n1 total.\n"


async def test_hupall(switch: Switch) -> None:
    a = await parked(switch, "{team=red}sim/a")
    b = await parked(switch, "{team=blue}sim/b")
    out = (await switch.api("hupall", "USER_BUSY team red")).output
    assert out == "+OK hangup all channels matching [team]=[red] with cause: USER_BUSY\n"
    await wait_for(switch, a.destroyed)
    assert b.channel.ready and a.channel.hangup_cause == 17
    out = (await switch.api("hupall", "NORMAL_CLEARING team blue x y")).output
    assert out == "+OK hangup all channels matching [team]=[blue]... with cause: NORMAL_CLEARING\n"
    assert b.channel.ready  # x=y does not match
    out = (await switch.api("hupall", "bogus")).output
    assert out == "+OK hangup all channels with cause NORMAL_CLEARING\n"
    await wait_for(switch, b.destroyed)
    c = await parked(switch, "sim/c")
    assert (await switch.api("hupall")).output == (
        "+OK hangup all channels with cause MANAGER_REQUEST\n"
    )
    await wait_for(switch, c.destroyed)
    assert c.channel.get_variable("hangup_cause") == "MANAGER_REQUEST"


async def test_bgapi(switch: Switch) -> None:
    events = switch.subscribe("BACKGROUND_JOB")
    out = (await switch.api("bgapi", "originate {sim_answer_after=5}sim/x &park()")).output
    assert out.startswith("+OK Job-UUID: ")
    job = out.split()[-1]
    done = await next_event(switch, events, "BACKGROUND_JOB")
    assert done.get("Job-UUID") == job
    assert done.get("Job-Command") == "originate"
    assert done.get("Job-Command-Arg") == "{sim_answer_after=5}sim/x &park()"
    assert done.body is not None and done.body.startswith("+OK ")
    results: list[str] = []
    switch.bgapi(
        "nosuch", on_done=lambda j, r: results.append(r.output), job_successful_header=True
    )
    failed = await next_event(switch, events, "BACKGROUND_JOB")
    assert failed.get("Job-Successful") == "false"
    assert failed.get("Job-Command-Arg") is None
    assert failed.body == "nosuch: Command not found!\n"
    assert results == ["nosuch: Command not found!\n"]
    assert (await switch.api("bgapi")).output == "-ERR Invalid syntax\n"


async def test_long_api_does_not_block(switch: Switch) -> None:
    import asyncio

    slow = asyncio.ensure_future(switch.api("originate", "{sim_answer_after=20}sim/slow &park()"))
    await settle(switch, 1)
    assert not slow.done()
    assert (await switch.api("uptime")).output == "1\n"
    assert (await wait_for(switch, slow)).output.startswith("+OK ")  # type: ignore[attr-defined]
