"""Processes on one node: mailbox, selective receive, spawn, local links and monitors."""

from __future__ import annotations

import asyncio

import pytest

from pyerlsw.etf import Atom
from pyerlsw.node import Node, NodeError, ProcessExited
from tests.node.conftest import MakeNode

EXIT, DOWN, PROCESS = Atom("EXIT"), Atom("DOWN"), Atom("process")


@pytest.fixture
async def node(make_node: MakeNode, private_epmd_port: int) -> Node:
    return await make_node("C", private_epmd_port, epmd_command=None)


async def test_selective_receive_keeps_order(node: Node) -> None:
    proc = node.make_process()
    for i in range(5):
        node.send(proc.pid, i)
    assert await proc.receive(match=lambda m: m == 3) == 3
    assert [await proc.receive(timeout=0) for _ in range(4)] == [0, 1, 2, 4]
    with pytest.raises(TimeoutError):
        await proc.receive(timeout=0)


async def test_selective_receive_waits_for_a_match(node: Node) -> None:
    proc = node.make_process()

    async def later() -> None:
        await asyncio.sleep(0.01)
        node.send(proc.pid, "skip")
        await asyncio.sleep(0.01)
        node.send(proc.pid, 42)

    task = asyncio.create_task(later())
    assert await proc.receive(timeout=5, match=lambda m: m == 42) == 42
    assert proc.receive_nowait() == "skip"
    await task


async def test_receive_timeout_and_exit(node: Node) -> None:
    proc = node.make_process()
    with pytest.raises(TimeoutError):
        await proc.receive(timeout=0.01)
    waiting = asyncio.create_task(proc.receive())
    await asyncio.sleep(0)
    proc.exit(Atom("stop"))
    with pytest.raises(ProcessExited) as info:
        await waiting
    assert info.value.reason == Atom("stop")
    with pytest.raises(ProcessExited):
        proc.receive_nowait()


async def test_timed_receive_after_a_miss_a_cancel_and_a_hit(node: Node) -> None:
    """The deadline covers every wait of one receive (messages that do not match do not
    extend it); a cancelled timed receive leaves the process usable; a receive that got
    its message leaves no timer behind."""
    proc = node.make_process()
    loop = asyncio.get_running_loop()
    start = loop.time()
    node.send(proc.pid, "other")
    with pytest.raises(TimeoutError):
        await proc.receive(timeout=0.05, match=lambda m: m == "wanted")
    assert loop.time() - start >= 0.04
    waiting = asyncio.create_task(proc.receive(timeout=5, match=lambda m: m == "wanted"))
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    asyncio.get_running_loop().call_later(0.01, node.send, proc.pid, "wanted")
    assert await proc.receive(timeout=0.05, match=lambda m: m == "wanted") == "wanted"
    await asyncio.sleep(0.08)  # past the deadline: nothing fires, nothing is lost
    assert proc.receive_nowait() == "other"


async def test_registered_names(node: Node) -> None:
    proc = node.register("svc")
    assert node.whereis("svc") == proc.pid
    node.send("svc", 1)
    node.send((Atom("svc"), node.name), 2)
    assert [proc.receive_nowait(), proc.receive_nowait()] == [1, 2]
    with pytest.raises(ValueError):
        node.register("svc")
    with pytest.raises(NodeError):
        node.send("nobody", 1)
    node.send(("nobody", node.name), 1)  # like Erlang: silently dropped
    proc.exit()
    assert node.whereis("svc") is None
    assert node.register("svc").name == Atom("svc")


async def test_local_links_and_trap_exit(node: Node) -> None:
    a, b, c = node.make_process(), node.make_process(), node.make_process()
    a.trap_exit = True
    a.link(b.pid)
    b.link(c.pid)
    c.exit(Atom("crash"))  # c -> b (dies) -> a (traps)
    assert not b.alive and b.exit_reason == Atom("crash")
    assert a.receive_nowait() == (EXIT, b.pid, Atom("crash"))


async def test_normal_exit_does_not_propagate(node: Node) -> None:
    a, b = node.make_process(), node.make_process()
    a.link(b.pid)
    b.exit()
    assert a.alive and not a.links


async def test_link_to_dead_process_is_noproc(node: Node) -> None:
    a, b = node.make_process(), node.make_process()
    b.exit()
    a.trap_exit = True
    a.link(b.pid)
    assert a.receive_nowait() == (EXIT, b.pid, Atom("noproc"))


async def test_exit_signal_kill_is_untrappable(node: Node) -> None:
    a, b = node.make_process(), node.make_process()
    a.trap_exit = True
    b.exit_signal(a.pid, Atom("normal"))
    assert a.receive_nowait() == (EXIT, b.pid, Atom("normal"))
    b.exit_signal(a.pid, Atom("kill"))
    assert a.exit_reason == Atom("killed")


async def test_local_monitors(node: Node) -> None:
    watcher, target = node.make_process(), node.register("t")
    ref1 = watcher.monitor(target.pid)
    ref2 = watcher.monitor("t")
    ref3 = watcher.monitor(("t", node.name))
    gone = watcher.monitor("nobody")
    assert watcher.receive_nowait() == (DOWN, gone, PROCESS, (Atom("nobody"), Atom(node.name)),
                                        Atom("noproc"))
    watcher.demonitor(ref3)
    target.exit(Atom("bye"))
    assert watcher.flush() == [
        (DOWN, ref1, PROCESS, target.pid, Atom("bye")),
        (DOWN, ref2, PROCESS, (Atom("t"), Atom(node.name)), Atom("bye")),
    ]


async def test_spawn_runs_and_ends(node: Node) -> None:
    results: list[object] = []

    async def worker(proc, factor):  # type: ignore[no-untyped-def]
        msg = await proc.receive(timeout=5)
        results.append(msg * factor)

    watcher = node.make_process()
    proc = node.spawn(worker, 10)
    ref = watcher.monitor(proc.pid)
    node.send(proc.pid, 4)
    assert await watcher.receive(timeout=5) == (DOWN, ref, PROCESS, proc.pid, Atom("normal"))
    assert results == [40]


async def test_spawn_crash_and_kill(node: Node) -> None:
    async def crash(proc):  # type: ignore[no-untyped-def]
        raise ValueError("bad")

    async def forever(proc):  # type: ignore[no-untyped-def]
        await asyncio.sleep(3600)

    watcher = node.make_process()
    crashing = node.spawn(crash)
    ref = watcher.monitor(crashing.pid)
    down = await watcher.receive(timeout=5)
    assert down[:4] == (DOWN, ref, PROCESS, crashing.pid)
    assert down[4] == (Atom("python_error"), b"ValueError", b"bad")
    sleeper = node.spawn(forever, link=watcher.pid)
    watcher.trap_exit = True
    watcher.exit_signal(sleeper.pid, Atom("kill"))
    assert await watcher.receive(timeout=5) == (EXIT, sleeper.pid, Atom("killed"))
    assert sleeper.task is None or sleeper.task.done() or sleeper.task.cancelling()


async def test_mailbox_limit(make_node: MakeNode, private_epmd_port: int) -> None:
    node = await make_node("C", private_epmd_port, epmd_command=None, max_mailbox=3)
    proc = node.make_process()
    for i in range(4):
        node.send(proc.pid, i)
    assert proc.exit_reason == Atom("mailbox_overflow")


async def test_api_needs_a_started_node() -> None:
    node = Node("unstarted", cookie="C")
    with pytest.raises(NodeError):
        node.make_process()


async def test_service_process_handles_messages_in_order(node: Node) -> None:
    seen: list[object] = []

    def handler(proc, msg):  # type: ignore[no-untyped-def]
        if msg == "boom":
            raise RuntimeError("handler bug")
        seen.append(msg)

    svc = node.register("svc2", handler=handler)
    for m in (1, "boom", 2):
        node.send("svc2", m)
    assert seen == [1, 2] and svc.alive and len(svc) == 0
