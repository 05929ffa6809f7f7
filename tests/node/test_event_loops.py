"""The node on either event loop (asyncio's own and uvloop) against a real erl node.

``pyerlsw run`` uses uvloop by default; the library must work on whatever loop the
application runs. These tests drive their own loop (sync test functions) so that the
loop is the one named, not pytest-asyncio's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from pyerlsw.etf import Atom
from pyerlsw.node import Node, Process
from tests.erlang_support import unique_name
from tests.node.conftest import Otp, ev

LOOPS = ["asyncio", "uvloop"]


def _factory(loop: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    if loop == "asyncio":
        return None
    uvloop = pytest.importorskip("uvloop")
    return uvloop.new_event_loop  # type: ignore[no-any-return]


def _run(loop: str, main: Callable[[], object]) -> None:
    with asyncio.Runner(loop_factory=_factory(loop)) as runner:
        runner.run(main())  # type: ignore[arg-type]


@pytest.mark.parametrize("loop", LOOPS)
def test_ping_and_messages_both_ways(otp25_only: Otp, loop: str) -> None:
    erl = otp25_only.start()

    async def main() -> None:
        async with Node(unique_name("loop"), cookie=erl.cookie, epmd_port=otp25_only.epmd_port,
                        listen_host="127.0.0.1") as node:
            if loop == "uvloop":
                assert type(asyncio.get_running_loop()).__module__.startswith("uvloop")
            assert await node.ping(erl.node)
            assert await ev(erl, f"net_adm:ping('{node.name}').") == Atom("pong")
            inbox = node.register("inbox")
            await ev(erl, "register(repl, self()).")
            await ev(erl, f"{{inbox, '{node.name}'}} ! {{hello, self()}}.")
            tag, pid = await inbox.receive(timeout=10)
            assert tag == Atom("hello")
            node.send(pid, (Atom("back"), inbox.pid), sender=inbox.pid)
            assert await ev(erl, "receive M -> M after 5000 -> timeout end.") == (
                Atom("back"), inbox.pid)

    _run(loop, main)


@pytest.mark.parametrize("loop", LOOPS)
def test_stream_larger_than_the_read_budget_arrives_whole(otp25_only: Otp, loop: str) -> None:
    """A small ``read_budget`` pauses reading every few packets: nothing is lost or
    reordered, and the connection keeps working afterwards."""
    erl = otp25_only.start()
    count = 3000

    async def main() -> None:
        async with Node(unique_name("budget"), cookie=erl.cookie,
                        epmd_port=otp25_only.epmd_port, listen_host="127.0.0.1",
                        read_budget=2048) as node:
            inbox = node.register("inbox")
            assert await node.ping(erl.node)
            await ev(erl, f"[{{inbox, '{node.name}'}} ! {{I, lists:duplicate(300, $x)}}"
                          f" || I <- lists:seq(1, {count})], ok.")
            got = [await inbox.receive(timeout=20) for _ in range(count)]
            assert [i for i, _ in got] == list(range(1, count + 1))
            assert all(len(text) == 300 for _, text in got)
            assert await node.ping(erl.node)

    _run(loop, main)


@pytest.mark.parametrize("loop", LOOPS)
def test_busy_waiting_node_answers_erlang_calls(otp25_only: Otp, loop: str) -> None:
    """With ``busy_wait`` the node serves request/reply traffic from a real erl node as
    before, keeps polling while it lasts, and stops polling once it ends."""
    erl = otp25_only.start()

    def echo(proc: Process, msg: object) -> None:
        reply_to, ref, payload = msg  # type: ignore[misc]
        proc.node.send(reply_to, (ref, payload), sender=proc.pid)

    async def main() -> None:
        async with Node(unique_name("busy"), cookie=erl.cookie,
                        epmd_port=otp25_only.epmd_port, listen_host="127.0.0.1",
                        busy_wait=0.1) as node:
            node.register("echo", handler=echo)
            assert node.busy_wait is not None
            answers = await ev(erl, f"[begin R = make_ref(), {{echo, '{node.name}'}} ! "
                                    f"{{self(), R, N}}, receive {{R, A}} -> A "
                                    f"after 5000 -> timeout end end "
                                    f"|| N <- lists:seq(1, 200)].")
            assert answers == list(range(1, 201))
            started = time.perf_counter()
            while node.busy_wait.spinning and time.perf_counter() - started < 5:
                await asyncio.sleep(0.01)
            assert not node.busy_wait.spinning  # idle again once the calls stopped

    _run(loop, main)
