"""Inbound commands from a real erl node (OTP 25 and 28) through fsclient (spec §4, §5,
§6, §12, §13): api, bgapi, events and their subscriptions, filters, sendevent, logs,
getpid, ping, garbage, the console."""

from __future__ import annotations

import asyncio

import pytest

from pyerlsw.etf import Atom
from tests.erlang_support import ErlangNode
from tests.gateway.integration.conftest import Rig
from tests.gateway.integration.support import ERROR, OK, header, s, text

BADARG = (ERROR, Atom("badarg"))


@pytest.fixture(scope="module")
def erl(erl_any: ErlangNode) -> ErlangNode:
    return erl_any


UNDEF = (ERROR, Atom("undef"))


async def reset(rig: Rig) -> None:
    await rig.ev("{ok, _} = pyerlsw_test_util:start_collector(), pyerlsw_test_util:flush().")


async def event_handler(rig: Rig, *events: str) -> None:
    """A collector, an event handler forwarding to it, subscribed to ``events``."""
    await reset(rig)
    names = ", ".join(f"'{e}'" for e in events)
    await rig.ev("{ok, _} = pyerlsw_test_util:start_event_handler(FS).")
    if events:
        assert await rig.ev(f"fsclient:event(FS, [{names}]).") == OK


async def events_named(rig: Rig, name: str, count: int = 1, timeout: int = 5000) -> list:
    pattern = ("fun({event, E}) -> fsclient:get_event_name({event, E}) =:= "
               f"\"{name}\"; (_) -> false end")
    found = await rig.ev(f"pyerlsw_test_util:wait_many({pattern}, {count}, {timeout}).")
    assert found[0] == OK, found
    return list(found[1])


async def no_more_events(rig: Rig, wait_ms: int = 300) -> list:
    await asyncio.sleep(wait_ms / 1000)
    return list(await rig.ev("pyerlsw_test_util:collect(0)."))


# ---------------------------------------------------------------- api / bgapi


async def test_api_replies(rig: Rig) -> None:
    version = await rig.ev('fsclient:api(FS, version, "short").')
    assert version[0] == OK and text(version[1]).startswith("1.")
    assert await rig.ev("fsclient:api(FS, nosuch).") == (ERROR, s("nosuch: Command not found!\n"))
    # output starting with '-' is an error; empty output is 'Command returned no output!'
    assert await rig.ev('fsclient:api(FS, log, "").') == (ERROR, s("-ERR\n"))
    assert await rig.ev('fsclient:api(FS, global_getvar, "nosuchvar").') == (
        ERROR, s("Command returned no output!"))
    assert await rig.ev('fsclient:api(FS, global_setvar, <<"x=1">>).') == (OK, s("+OK"))
    assert await rig.ev('fsclient:api(FS, global_getvar, "x").') == (OK, s("1"))
    # the command must be an atom; the argument a string, binary or an empty term
    assert await rig.ev('fsclient:api(FS, "status", "").') == BADARG
    assert await rig.ev("fsclient:api(FS, status, foo).") == BADARG
    assert await rig.ev("fsclient:send(FS, {api, status}).") == BADARG


async def test_bgapi_answers_first_then_fires_background_job(rig: Rig) -> None:
    await event_handler(rig, "BACKGROUND_JOB")
    got = await rig.ev('fsclient:bgapi(FS, global_getvar, "hostname").')
    assert got[0] == OK
    job = got[1]
    outcome = await rig.ev("receive {bgok, _, _} = M -> M; {bgerror, _, _} = M -> M "
                           "after 5000 -> timeout end.")
    assert outcome == (Atom("bgok"), job, s("pyerlsw"))
    (event,) = await events_named(rig, "BACKGROUND_JOB")
    assert header(event, "Job-UUID") == job
    assert header(event, "Job-Command") == s("global_getvar")
    assert header(event, "Job-Command-Arg") == s("hostname")
    assert header(event, "Job-Successful") == s("true")
    assert header(event, "body") == s("pyerlsw")

    got = await rig.ev("fsclient:bgapi(FS, nosuch, \"\").")
    outcome = await rig.ev("receive {bgerror, _, _} = M -> M after 5000 -> timeout end.")
    assert outcome == (Atom("bgerror"), got[1], s("nosuch: Command not found!\n"))
    (event,) = await events_named(rig, "BACKGROUND_JOB")
    assert header(event, "Job-Command-Arg") is None  # empty args: no header
    assert header(event, "Job-Successful") == s("false")


async def test_bgapi_fun_form_and_badarg(rig: Rig) -> None:
    await reset(rig)
    assert await rig.ev("Self = self(), fsclient:bgapi(FS, version, \"short\", "
                        "fun(R, O) -> Self ! {done, R, O} end).") == OK
    done = await rig.ev("receive {done, _, _} = M -> M after 5000 -> timeout end.")
    assert done[:2] == (Atom("done"), OK) and text(done[2]).startswith("1.")
    assert await rig.ev('fsclient:bgapi(FS, "version", "").') == BADARG


async def test_a_slow_api_never_holds_the_connection_up(rig: Rig) -> None:
    rig.switch.config.devices["slowpoke"] = {"sim_answer_after": "2"}
    await event_handler(rig, "HEARTBEAT", "CUSTOM", "test::tick")
    await rig.ev("Self = self(), spawn(fun() -> Self ! {slow, fsclient:api(FS, originate, "
                 "\"sim/slowpoke &park()\")} end).")
    for _ in range(500):  # until the originate is in progress (ringing)
        listener = rig.gateway.listeners.get(rig.erl.node)
        if listener is not None and listener.in_flight == 1:
            break
        await asyncio.sleep(0.01)
    fast = await rig.ev('fsclient:api(FS, version, "short").')
    assert fast[0] == OK
    rig.switch.send_event("CUSTOM", [("n", "1")], subclass="test::tick")
    assert len(await events_named(rig, "CUSTOM", timeout=1000)) == 1
    slow = await rig.ev("receive {slow, R} -> R after 10000 -> timeout end.", timeout=20)
    assert slow[0] == OK and text(slow[1]).startswith("+OK ")
    await rig.ev(f'fsclient:api(FS, uuid_kill, "{text(slow[1])[4:].strip()}").')


# ---------------------------------------------------------------- atoms, garbage, ping


async def test_getpid_link_ping_and_garbage(rig: Rig) -> None:
    got = await rig.ev("fsclient:getpid(FS).")
    listener = rig.gateway.listeners[rig.erl.node]
    assert got == (OK, listener.pid)
    assert await rig.ev("net_adm:ping(FS).") == Atom("pong")
    assert await rig.ev("lists:member(FS, nodes(hidden)).") is True
    for garbage in ("nosuchcommand", "{nosuch, 1}", "[1, 2, 3]", "<<\"bin\">>", "42",
                    "{\"tuple\", 1}", "{'$gen_call', {self(), make_ref()}, hello}",
                    "{new_pid, make_ref(), self()}"):
        assert await rig.ev(f"fsclient:send(FS, {garbage}).") == UNDEF, garbage
    for garbage in ("{event}", "{filter}", "{set_log_level, error}", "{set_log_level, console}",
                    "{set_log_level, 1, 2}", "{sendmsg, 1}", "{bind, phrases}",
                    "{handlecall, foo, bar, baz}", "{api, 1, 2}"):
        assert await rig.ev(f"fsclient:send(FS, {garbage}).") == BADARG, garbage
    # an answer to nothing we asked for
    assert await rig.ev("fsclient:send(FS, {make_ref(), self()}).") == (ERROR, Atom("notfound"))
    # link: no reply at all
    assert await rig.ev("{x, FS} ! link, receive R -> R after 300 -> none end.") == Atom("none")
    # a pid-addressed request is answered to its real sender (SEND_SENDER)
    assert await rig.ev("{ok, Pid} = fsclient:getpid(FS), Pid ! getpid, "
                        "receive R -> R after 5000 -> timeout end.") == (OK, listener.pid)


# ---------------------------------------------------------------- events


async def test_event_subscriptions(rig: Rig) -> None:
    switch = rig.switch
    await event_handler(rig, "CUSTOM", "a::b", "CHANNEL_CREATE")  # after CUSTOM: subclasses
    switch.send_event("CUSTOM", [("k", "v")], subclass="a::b")
    switch.send_event("CUSTOM", [("k", "v")], subclass="other::one")
    switch.send_event("CHANNEL_CREATE", [("k", "v")])
    (event,) = await events_named(rig, "CUSTOM")
    assert event[1][0] == Atom("undefined")
    assert header(event, "Event-Subclass") == s("a::b") and header(event, "k") == s("v")
    assert await no_more_events(rig) == []

    assert await rig.ev("fsclient:event(FS, 'HEARTBEAT').") == OK
    assert await rig.ev("fsclient:nixevent(FS, ['CUSTOM', 'a::b']).") == OK
    switch.send_event("CUSTOM", [], subclass="a::b")
    switch.send_event("HEARTBEAT", [("Event-Info", "test")])
    (event,) = await events_named(rig, "HEARTBEAT")
    assert header(event, "Event-Info") == s("test")
    assert await no_more_events(rig) == []

    assert await rig.ev("fsclient:send(FS, {setevent, 'API'}).") == OK
    assert await rig.ev("fsclient:send(FS, {setevent, 'API', 'ALL'}).") == BADARG
    switch.send_event("HEARTBEAT", [])
    await rig.ev('fsclient:api(FS, version, "").')
    assert len(await events_named(rig, "API")) == 1
    assert await no_more_events(rig) == []

    assert await rig.ev("fsclient:noevents(FS).") == OK
    assert await rig.ev("fsclient:noevents(FS).") == (ERROR, Atom("notlistening"))
    switch.send_event("API", [])
    assert await no_more_events(rig) == []
    assert await rig.ev("fsclient:event(FS, ['SWITCH_EVENT_ALL']).") == OK
    switch.send_event("CUSTOM", [], subclass="any::thing")
    assert len(await events_named(rig, "CUSTOM")) == 1


async def test_event_shape_and_url_decoding(rig: Rig) -> None:
    await event_handler(rig, "CUSTOM", "shape::test")
    rig.switch.send_event("CUSTOM", [("Unique-ID", "u-1"), ("pct", "a%20b+c"), ("dup", "1"),
                                     ("dup", "2")], subclass="shape::test", body="the body")
    (event,) = await events_named(rig, "CUSTOM")
    items = event[1]
    assert items[0] == s("u-1")
    names = [bytes(k).decode() for k, _ in items[1:]]
    assert names[:13] == ["Event-Name", "Core-UUID", "FreeSWITCH-Hostname",
                          "FreeSWITCH-Switchname", "FreeSWITCH-IPv4", "FreeSWITCH-IPv6",
                          "Event-Date-Local", "Event-Date-GMT", "Event-Date-Timestamp",
                          "Event-Calling-File", "Event-Calling-Function",
                          "Event-Calling-Line-Number", "Event-Sequence"]
    assert names[13:] == ["Event-Subclass", "Unique-ID", "pct", "dup", "dup", "body"]
    assert header(event, "pct") == s("a b+c")
    assert items[-1] == (s("body"), s("the body"))


async def test_filters(rig: Rig) -> None:
    await event_handler(rig, "CUSTOM", "f::t")
    reply = await rig.ev("fsclient:send(FS, {filter, 'color red', 'add size big', "
                         "'delete nothing', bad, 'add lonely'}).")
    assert reply == (Atom("filter_command_processing_log"), [
        (s("added"), s("color"), s("red")), (s("added"), s("size"), s("big")),
        (s("deleted"), s("nothing"), []), Atom("-ERR invalid syntax"),
        Atom("-ERR invalid syntax")])
    send = rig.switch.send_event
    send("CUSTOM", [("color", "red"), ("size", "big"), ("n", "1")], subclass="f::t")
    send("CUSTOM", [("color", "blue"), ("size", "big"), ("n", "2")], subclass="f::t")
    send("CUSTOM", [("size", "BIG"), ("n", "3")], subclass="f::t")  # no color: skipped
    got = await events_named(rig, "CUSTOM", 2)
    assert [header(e, "n") for e in got] == [s("1"), s("3")]
    assert await no_more_events(rig) == []
    reply = await rig.ev("fsclient:send(FS, {filter, 'delete all', 'n -/^[0-4]$/'}).")
    assert reply[1][0] == (s("deleted"), s("all"), [])
    send("CUSTOM", [("n", "5")], subclass="f::t")
    send("CUSTOM", [("n", "2")], subclass="f::t")
    got = await events_named(rig, "CUSTOM", 1)
    assert header(got[0], "n") == s("5")


async def test_sendevent(rig: Rig) -> None:
    await event_handler(rig, "NOTIFY", "CUSTOM", "my::sub")
    assert await rig.ev('fsclient:sendevent(FS, \'NOTIFY\', [{"profile", "internal"}, '
                        '{"body", "the body"}, {"gone", "x"}, {"gone", ""}]).') == OK
    (event,) = await events_named(rig, "NOTIFY")
    assert header(event, "profile") == s("internal")
    assert header(event, "gone") is None
    assert header(event, "body") == s("the body")
    assert await rig.ev('fsclient:sendevent_custom(FS, \'my::sub\', [{"a", "1"}]).') == OK
    (event,) = await events_named(rig, "CUSTOM")
    assert header(event, "Event-Subclass") == s("my::sub") and header(event, "a") == s("1")
    # unknown name: {error, badarg} (FreeSWITCH sends nothing); binaries are refused
    assert await rig.ev("fsclient:sendevent(FS, 'NO_SUCH_EVENT', []).") == BADARG
    assert await rig.ev('fsclient:sendevent(FS, \'NOTIFY\', [{<<"a">>, "b"}]).') == BADARG
    assert await rig.ev("fsclient:sendevent(FS, 'NOTIFY', nolist).") == BADARG


# ---------------------------------------------------------------- logs


async def test_logs_and_levels(rig: Rig) -> None:
    await reset(rig)
    await rig.ev("{ok, _} = pyerlsw_test_util:start_log_handler(FS).")
    assert await rig.ev('fsclient:api(FS, log, "NOTICE hello from erlang").') == (OK, s("+OK\n"))
    found = await rig.ev("pyerlsw_test_util:wait_for(fun({log, L}) -> "
                         "lists:keyfind(level, 1, L) =:= {level, 5}; (_) -> false end, 5000).")
    assert found[0] == OK
    entries = found[1][1]
    assert [key for key, _ in entries] == [Atom(k) for k in (
        "level", "text_channel", "file", "func", "line", "data", "user_data")]
    as_dict = dict(entries)
    assert as_dict[Atom("text_channel")] == 5 and as_dict[Atom("file")] == s("mod_commands.c")
    assert text(as_dict[Atom("data")]).endswith("[NOTICE] mod_commands.c:5000 hello from erlang\n")
    assert as_dict[Atom("user_data")] == []

    assert await rig.ev("fsclient:send(FS, {set_log_level, err}).") == OK
    await rig.ev('fsclient:api(FS, log, "WARNING not wanted").')
    await rig.ev('fsclient:api(FS, log, "ERR wanted").')
    found = await rig.ev("pyerlsw_test_util:wait_many({log, '_'}, 1, 5000).")
    levels = [dict(m[1])[Atom("level")] for m in found[1]]
    assert levels == [3]
    assert await rig.ev("fsclient:send(FS, {set_log_level, '2000'}).") == OK  # clamps to 63
    assert await rig.ev("fsclient:send(FS, nolog).") == OK
    await rig.ev('fsclient:api(FS, log, "ERR after nolog").')
    await asyncio.sleep(0.3)
    assert [m for m in await rig.ev("pyerlsw_test_util:collect(0).") if m[0] == Atom("log")] == []


# ---------------------------------------------------------------- console


async def test_console_command(rig: Rig) -> None:
    await event_handler(rig, "CHANNEL_ANSWER", "CUSTOM", "x::y")
    listeners = await rig.ev("fsclient:api(FS, erlang, \"listeners\").")
    assert text(listeners[1]).startswith(f"Listener to {rig.erl.node} with outbound sessions: 0 ")
    handlers = text((await rig.ev("fsclient:api(FS, erlang, \"handlers\")."))[1])
    assert handlers == (f"Listener {rig.erl.node}:\n{'-' * 32}\nCHANNEL_ANSWER\nCUSTOM:\n"
                        "\tx::y\n\n")
    sessions = await rig.ev(f'fsclient:api(FS, erlang, "sessions {rig.erl.node}").')
    assert text(sessions[1]) == f"No active sessions for {rig.erl.node}\n"
    assert text((await rig.ev('fsclient:api(FS, erlang, "bindings").'))[1]) == "No bindings\n"
    assert text((await rig.ev('fsclient:api(FS, erlang, "debug on").'))[1]) == "+OK debug on\n"
    assert rig.gateway.debug is True
    usage = await rig.ev('fsclient:api(FS, erlang, "").')
    assert text(usage[1]).startswith("USAGE:\n")


async def test_commands_in_flight_are_bounded(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    from pyerlsw.gateway import listener as listener_module

    monkeypatch.setattr(listener_module, "MAX_COMMANDS_IN_FLIGHT", 2)
    rig.switch.config.devices["slowpoke"] = {"sim_answer_after": "2"}
    await reset(rig)
    await rig.ev("Self = self(), [spawn(fun() -> Self ! {slow, fsclient:api(FS, originate, "
                 "\"sim/slowpoke &hangup()\")} end) || _ <- [1, 2]].")
    for _ in range(500):
        listener = rig.gateway.listeners.get(rig.erl.node)
        if listener is not None and listener.in_flight == 2:
            break
        await asyncio.sleep(0.01)
    busy = await rig.ev('fsclient:api(FS, version, "").')
    assert busy == (ERROR, s("-ERR 2 commands in progress\n"))
    assert await rig.ev("[receive {slow, R} -> element(1, R) after 10000 -> timeout end "
                        "|| _ <- [1, 2]].", timeout=20) == [OK, OK]
    assert (await rig.ev('fsclient:api(FS, version, "").'))[0] == OK
