"""The user-facing examples/myhandler.erl in a real node, on OTP 25 and 28.

Its observable behaviour is what the documentation's example shows: the three
outbound entry points and one error_logger line per message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pyerlsw.etf import Atom, Pid, Reference
from tests.erlang_build import EXAMPLES, build_ebin
from tests.erlang_modules.support import run
from tests.erlang_support import ErlangNode

OK = Atom("ok")


@pytest.fixture(scope="module")
def example_node(request: pytest.FixtureRequest, ebin: Path, erlc: str) -> Iterator[ErlangNode]:
    """A node loading examples/*.erl ahead of the test helpers (for the collector).

    Each ``-pa`` puts its folder at the front of the code path, so the last one wins."""
    release = request.param
    runtime = request.getfixturevalue(f"otp{release}")
    epmd = request.getfixturevalue(f"epmd{release}")
    examples = build_ebin(EXAMPLES, erlc=erlc)
    node = ErlangNode(runtime, epmd.port, code_paths=[ebin, examples]).start()
    yield node
    node.stop()


pytestmark = pytest.mark.parametrize(
    "example_node",
    [pytest.param("25", marks=pytest.mark.erlang, id="otp25"),
     pytest.param("28", marks=pytest.mark.otp28, id="otp28")],
    indirect=True, scope="module")


def fresh(erl: ErlangNode) -> None:
    run(erl, "{ok, _} = pyerlsw_test_util:start_collector(), ok = pyerlsw_test_util:capture_logs(),"
             " case whereis(myhandler) of undefined -> ok; P -> exit(P, kill) end.")


def logged(erl: ErlangNode, count: int) -> list[str]:
    _, lines = run(erl, f"pyerlsw_test_util:wait_many({{logged, '_', '_'}}, {count}, 5000).")
    return [text.decode() for _, _, text in lines]


def test_the_example_is_the_loaded_myhandler(example_node: ErlangNode, erlc: str) -> None:
    where = bytes(run(example_node, "code:which(myhandler).")).decode()
    assert Path(where) == build_ebin(EXAMPLES, erlc=erlc) / "myhandler.beam"
    exports = run(example_node, "lists:sort(myhandler:module_info(exports)).")
    assert [(name.name, arity) for name, arity in exports] == [
        ("launch", 1), ("module_info", 0), ("module_info", 1), ("run", 0), ("start", 0)]


def test_get_pid_mode(example_node: ErlangNode) -> None:
    fresh(example_node)
    ref, pid, why = run(example_node, (
        "true = myhandler:start(), Ref = make_ref(), "
        'myhandler ! {get_pid, "u-1", Ref, self()}, '
        "receive {Ref, P} -> M = erlang:monitor(process, P), "
        ' P ! {call, {event, ["u-1", {"Event-Name", "CHANNEL_DATA"}]}}, '
        ' P ! {call_event, {event, ["u-1", {"Event-Name", "CHANNEL_PARK"}]}}, '
        ' P ! {call_event, {event, [<<"u-1">>, {<<"Event-Name">>, <<"CHANNEL_HANGUP">>}]}}, '
        ' P ! {call_hangup, "u-1"}, '
        " receive {'DOWN', M, process, P, Why} -> {Ref, P, Why} after 5000 -> timeout end "
        "after 5000 -> timeout end."))
    assert isinstance(ref, Reference) and isinstance(pid, Pid) and why == Atom("normal")
    lines = logged(example_node, 5)
    assert re.fullmatch(r'myhandler <[\d.]+>: request to spawn new handler process for "u-1", '
                        r"returning <[\d.]+>", lines[0])
    assert [re.sub(r"<[\d.]+>", "<P>", line) for line in lines[1:]] == [
        'myhandler <P>: new call received, UUID is "u-1"',
        'myhandler <P>: UUID "u-1", event "CHANNEL_PARK"',
        'myhandler <P>: UUID <<"u-1">>, event <<"CHANNEL_HANGUP">>',
        'myhandler <P>: UUID "u-1", hung up',
    ]


def test_launch_mode(example_node: ErlangNode) -> None:
    fresh(example_node)
    same, alive = run(example_node, "R = make_ref(), {R2, P} = myhandler:launch(R), "
                                    "{R2 =:= R, is_process_alive(P)}.")
    assert same is True and alive is True
    assert "launch request, returning" in logged(example_node, 1)[0]


def test_registered_mode_keeps_serving_and_drops_junk(example_node: ErlangNode) -> None:
    fresh(example_node)
    alive, queued = run(example_node, (
        "myhandler:start(), "
        'myhandler ! {call, {event, ["u-2", {"Event-Name", "CHANNEL_DATA"}]}}, '
        'myhandler ! {call_hangup, "u-2"}, myhandler ! junk, '
        "pyerlsw_test_util:wait_many({logged, '_', '_'}, 3, 5000), "
        "{is_process_alive(whereis(myhandler)),"
        " element(2, erlang:process_info(whereis(myhandler), message_queue_len))}."))
    assert alive is True and queued == 0
    assert run(example_node, "pyerlsw_test_util:stop_capture_logs().") == OK
