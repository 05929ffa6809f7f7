"""The Erlang modules inside one real node, on OTP 25 and on OTP 28 (same OTP 25 beams).

Pure functions (fsclient's event accessors, the collector's patterns), the collector
and forwarding processes, and myhandler's three outbound entry points, all driven from
the node itself.
"""

from __future__ import annotations

import pytest

from pyerlsw.etf import Atom, Pid, Reference
from tests.erlang_modules.support import run
from tests.erlang_support import ErlangError, ErlangNode

OK = Atom("ok")
NOTFOUND = (Atom("error"), Atom("notfound"))

STRING_EVENT = (
    '{event, ["8a1d", {"Event-Name", "CHANNEL_ANSWER"}, {"Unique-ID", "8a1d"}, '
    '{"Caller-Caller-ID-Number", "1000"}, {"body", "hello"}]}'
)
BINARY_EVENT = (
    '{event, [<<"8a1d">>, {<<"Event-Name">>, <<"CHANNEL_ANSWER">>}, '
    '{<<"Unique-ID">>, <<"8a1d">>}, {<<"body">>, <<"hello">>}]}'
)
SYSTEM_EVENT = '{event, [undefined, {"Event-Name", "HEARTBEAT"}, {"Up-Time", "0 years"}]}'


def s(text: str) -> list[int]:
    """An Erlang string as the REPL returns it."""
    return list(text.encode())


def fresh(erl: ErlangNode) -> None:
    """A new default collector and no myhandler configuration or process."""
    run(erl, "{ok, _} = pyerlsw_test_util:start_collector(), myhandler:stop(), "
             "myhandler:set_collector(undefined), myhandler:clear_actions().")


# ---------------------------------------------------------------- fsclient accessors


@pytest.mark.parametrize(("event", "key", "expected"), [
    (STRING_EVENT, '"Event-Name"', s("CHANNEL_ANSWER")),
    (STRING_EVENT, '"Caller-Caller-ID-Number"', s("1000")),
    (STRING_EVENT, '<<"Unique-ID">>', s("8a1d")),
    (STRING_EVENT, '"Nope"', NOTFOUND),
    (BINARY_EVENT, '"Event-Name"', b"CHANNEL_ANSWER"),
    (BINARY_EVENT, '<<"Unique-ID">>', b"8a1d"),
    (BINARY_EVENT, '"8a1d"', NOTFOUND),  # the UUID head is not a header
    (SYSTEM_EVENT, '"Up-Time"', s("0 years")),
    (f"element(2, {STRING_EVENT})", '"Event-Name"', s("CHANNEL_ANSWER")),
    (f"{{call, {BINARY_EVENT}}}", '"body"', b"hello"),
    (f"{{call_event, {STRING_EVENT}}}", '"body"', s("hello")),
    ('{event, []}', '"Event-Name"', NOTFOUND),
    ('{event, [undefined]}', '"Event-Name"', NOTFOUND),
], ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None)
def test_get_event_header(erl_any: ErlangNode, event: str, key: str, expected: object) -> None:
    assert run(erl_any, f"fsclient:get_event_header({event}, {key}).") == expected


def test_get_event_name_and_body(erl_any: ErlangNode) -> None:
    got = run(erl_any,
        f"[fsclient:get_event_name(E) || E <- [{STRING_EVENT}, {BINARY_EVENT}, {SYSTEM_EVENT}]]"
        f" ++ [fsclient:get_event_body(E) || E <- [{STRING_EVENT}, {BINARY_EVENT},"
        f" {SYSTEM_EVENT}]].")
    assert got == [s("CHANNEL_ANSWER"), b"CHANNEL_ANSWER", s("HEARTBEAT"),
                   s("hello"), b"hello", NOTFOUND]


def test_duplicate_headers_give_the_first(erl_any: ErlangNode) -> None:
    assert run(erl_any,
        'fsclient:get_event_header({event, [undefined, {"X", "1"}, {"X", "2"}]}, "X").'
    ) == s("1")


def test_not_an_event_is_a_function_clause(erl_any: ErlangNode) -> None:
    with pytest.raises(ErlangError) as info:
        run(erl_any, 'fsclient:get_event_header(not_an_event, "X").')
    assert info.value.reason[1] == Atom("function_clause")


# ---------------------------------------------------------------- collector


@pytest.mark.parametrize(("pattern", "message", "expected"), [
    ("'_'", "anything", True),
    ("{event, '_'}", "{event, [a, b]}", True),
    ("{event, [undefined, '_']}", "{event, [undefined, {k, v}]}", True),
    ("{event, [undefined, '_']}", "{event, [undefined, {k, v}, x]}", False),
    ("{event, [undefined | '_']}", "{event, [undefined, {k, v}, x]}", True),
    ("{a, '_', c}", "{a, b}", False),
    ('"abc"', '"abc"', True),
    ('"abc"', '<<"abc">>', False),
    ("fun({x, N}) -> N > 1 end", "{x, 2}", True),
    ("fun({x, N}) -> N > 1 end", "{y, 2}", False),  # a crash is no match
    ("fun(_) -> yes end", "z", False),  # only `true` is a match
])
def test_matches(erl_any: ErlangNode, pattern: str, message: str, expected: bool) -> None:
    assert run(erl_any, f"pyerlsw_test_util:matches({pattern}, {message}).") is expected


def test_collector_records_in_order_and_hands_out(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    run(erl_any, "[test_collector ! M || M <- [one, {two, 2}, {three, 3}, four]].")
    assert run(erl_any, "pyerlsw_test_util:peek().") == [
        Atom("one"), (Atom("two"), 2), (Atom("three"), 3), Atom("four")]
    # wait_for takes the first match out of the record; the others keep their order.
    assert run(erl_any, "pyerlsw_test_util:wait_for({three, '_'}, 1000).") == (
        OK, (Atom("three"), 3))
    assert run(erl_any, "pyerlsw_test_util:wait_many(fun(A) -> is_atom(A) end, 2, 1000).") == (
        OK, [Atom("one"), Atom("four")])
    assert run(erl_any, "pyerlsw_test_util:collect(1000).") == [(Atom("two"), 2)]
    assert run(erl_any, "pyerlsw_test_util:collect(0).") == []
    assert run(erl_any, "pyerlsw_test_util:stats().") == {
        Atom("kept"): 0, Atom("dropped"): 0, Atom("received"): 4}


def test_collector_waits_for_late_messages(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    got = run(erl_any,
        "spawn(fun() -> timer:sleep(50), test_collector ! early, timer:sleep(50), "
        "test_collector ! {late, 1} end), "
        "{pyerlsw_test_util:wait_for({late, '_'}, 5000), pyerlsw_test_util:collect(5000)}.")
    assert got == ((OK, (Atom("late"), 1)), [Atom("early")])


def test_collector_timeouts(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    run(erl_any, "test_collector ! {x, 1}.")
    assert run(erl_any, "pyerlsw_test_util:wait_for(nothing, 20).") == Atom("timeout")
    # Too few matches: a timeout listing what matched so far, left in the record.
    assert run(erl_any, "pyerlsw_test_util:wait_many({x, '_'}, 2, 20).") == (
        Atom("timeout"), [(Atom("x"), 1)])
    assert run(erl_any, "pyerlsw_test_util:collect(0).") == [(Atom("x"), 1)]
    assert run(erl_any, "pyerlsw_test_util:collect(20).") == []


def test_several_waiters_are_served_in_turn(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    got = run(erl_any,
        "Self = self(), "
        "[spawn(fun() -> Self ! {N, pyerlsw_test_util:wait_for({n, '_'}, 5000)} end) "
        " || N <- [1, 2]], "
        "timer:sleep(50), test_collector ! {n, a}, test_collector ! {n, b}, "
        "lists:sort([receive {N, R} -> R end || N <- [1, 2]]).")
    assert got == [(OK, (Atom("n"), Atom("a"))), (OK, (Atom("n"), Atom("b")))]


def test_named_and_anonymous_collectors(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    got = run(erl_any,
        "{ok, Anon} = pyerlsw_test_util:start_collector(none), "
        "{ok, Named} = pyerlsw_test_util:start_collector(other_collector), "
        "Anon ! a, other_collector ! b, "
        "R = {pyerlsw_test_util:collect(Anon, 1000), pyerlsw_test_util:collect(other_collector,"
        " 1000), pyerlsw_test_util:collect(0)}, "
        "ok = pyerlsw_test_util:stop(Anon), ok = pyerlsw_test_util:stop_collector(Named), "
        "{R, is_process_alive(Anon), whereis(other_collector)}.")
    assert got == (([Atom("a")], [Atom("b")], []), False, Atom("undefined"))


def test_restarting_the_default_collector_replaces_it(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    got = run(erl_any,
        "Old = whereis(test_collector), test_collector ! stale, "
        "{ok, New} = pyerlsw_test_util:start_collector(), "
        "{is_process_alive(Old), New =:= whereis(test_collector), "
        " pyerlsw_test_util:collect(0)}.")
    assert got == (False, True, [])


def test_proxy_forwards_and_runs_funs(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    got = run(erl_any,
        "P = pyerlsw_test_util:start_proxy(), P ! {hello, 1}, "
        "Me = pyerlsw_test_util:run_in(P, fun() -> self() end), "
        "Sum = pyerlsw_test_util:run_in(P, fun() -> 1 + 2 end), "
        "Err = try pyerlsw_test_util:run_in(P, fun() -> error(boom) end) "
        "      catch error:boom -> caught end, "
        "P ! {hello, 2}, "
        "{ok, Two} = pyerlsw_test_util:wait_many({hello, '_'}, 2, 1000), "
        "ok = pyerlsw_test_util:stop(P), "
        "{Me =:= P, Sum, Err, Two, is_process_alive(P)}.")
    assert got == (True, 3, Atom("caught"),
                   [(Atom("hello"), 1), (Atom("hello"), 2)], False)


def test_flush_empties_the_callers_mailbox(erl_any: ErlangNode) -> None:
    assert run(erl_any, "self() ! a, self() ! {b}, pyerlsw_test_util:flush().") == [
        Atom("a"), (Atom("b"),)]
    assert run(erl_any, "pyerlsw_test_util:flush().") == []


def test_not_found_document(erl_any: ErlangNode) -> None:
    xml = run(erl_any, "pyerlsw_test_util:not_found_xml().")
    assert b'<result status="not found"/>' in xml and xml.startswith(b"<document")


# ---------------------------------------------------------------- myhandler


def test_start_registers_myhandler(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    assert run(erl_any, "myhandler:start().") is True
    assert isinstance(run(erl_any, "whereis(myhandler)."), Pid)
    assert run(erl_any, "myhandler:stop(), whereis(myhandler).") == Atom("undefined")
    assert run(erl_any, "myhandler:stop().") == OK  # not running: no-op


def test_get_pid_answers_ref_and_new_pid(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    ref, new_pid, handler = run(erl_any,
        "myhandler:start(), Ref = make_ref(), "
        'myhandler ! {get_pid, "4f77", Ref, self()}, '
        "receive {Ref, NewPid} -> {Ref, NewPid, whereis(myhandler)} after 5000 -> timeout end.")
    assert isinstance(ref, Reference) and isinstance(new_pid, Pid)
    assert new_pid != handler
    assert run(erl_any, "pyerlsw_test_util:wait_for({myhandler, '_', get_pid, '_', '_'}, 5000).") \
        == (OK, (Atom("myhandler"), handler, Atom("get_pid"), s("4f77"), new_pid))


def test_launch_returns_ref_and_new_pid(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    same_ref, new_pid, alive = run(erl_any,
        "Ref = make_ref(), {R, P} = myhandler:launch(Ref), {R =:= Ref, P, is_process_alive(P)}.")
    assert same_ref is True and isinstance(new_pid, Pid) and alive is True
    _, (_, _, kind, launched) = run(erl_any,
        "pyerlsw_test_util:wait_for({myhandler, '_', launch, '_'}, 5000).")
    assert kind == Atom("launch") and launched == new_pid


def test_per_call_handler_sees_the_call_and_stops(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    pid, why = run(erl_any,
        "{_, P} = myhandler:launch(make_ref()), M = erlang:monitor(process, P), "
        'P ! {call, {event, ["u1", {"Event-Name", "CHANNEL_DATA"}]}}, '
        'P ! {call_event, {event, ["u1", {"Event-Name", "CHANNEL_PARK"}]}}, '
        'P ! {call_event, {event, [<<"u1">>, {<<"Event-Name">>, <<"CHANNEL_HANGUP">>}]}}, '
        'P ! {call_hangup, "u1"}, '
        "receive {'DOWN', M, process, P, Why} -> {P, Why} after 5000 -> timeout end.")
    assert why == Atom("normal")
    _, reports = run(erl_any, "pyerlsw_test_util:wait_many('_', 6, 5000).")
    assert [r[2] for r in reports] == [Atom(k) for k in (
        "launch", "call", "call_event", "call_event", "call_hangup", "done")]
    assert all(r[1] == pid for r in reports[1:])
    assert reports[1][3] == s("u1") and reports[1][4][0] == Atom("event")
    assert reports[2][3:5] == (s("u1"), s("CHANNEL_PARK"))
    assert reports[3][3:5] == (b"u1", b"CHANNEL_HANGUP")
    assert reports[4][3] == s("u1")


def test_registered_handler_keeps_running_and_drops_junk(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    run(erl_any,
        "myhandler:start(), "
        'myhandler ! {call, {event, ["u2", {"Event-Name", "CHANNEL_DATA"}]}}, '
        'myhandler ! {call_hangup, "u2"}, '
        "myhandler ! {something, odd}, "
        'myhandler ! {freeswitch_sendmsg, "hello there"}.')
    _, reports = run(erl_any, "pyerlsw_test_util:wait_many('_', 4, 5000).")
    assert [r[2] for r in reports] == [Atom(k) for k in (
        "call", "call_hangup", "unexpected", "freeswitch_sendmsg")]
    assert reports[2][3] == (Atom("something"), Atom("odd"))
    assert reports[3][3] == s("hello there")
    assert run(erl_any, "is_process_alive(whereis(myhandler)).") is True
    assert run(erl_any, "pyerlsw_test_util:collect(100).") == []  # no `done`


def test_reports_go_to_the_configured_collector(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    got = run(erl_any,
        "{ok, Mine} = pyerlsw_test_util:start_collector(none), "
        "myhandler:set_collector(Mine), {_, P} = myhandler:launch(make_ref()), "
        "R = {pyerlsw_test_util:collect(Mine, 5000), pyerlsw_test_util:collect(50)}, "
        "myhandler:set_collector(undefined), pyerlsw_test_util:stop(Mine), {P, R}.")
    pid, (mine, default) = got
    assert [r[2:] for r in mine] == [(Atom("launch"), pid)] and default == []


def test_actions_without_a_known_switch_node_are_reported(erl_any: ErlangNode) -> None:
    fresh(erl_any)
    run(erl_any,
        "myhandler:set_actions(auto, [answer]), myhandler:start(), "
        'myhandler ! {call, {event, ["u3", {"Event-Name", "CHANNEL_DATA"}]}}.')
    assert run(erl_any,
        "pyerlsw_test_util:wait_for({myhandler, '_', no_switch_node, '_'}, 5000).")[0] == OK
    run(erl_any, "myhandler:clear_actions().")
