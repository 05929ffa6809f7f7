"""Two Python nodes in one process, with pyerlsw's built-in EPMD: no Erlang needed."""

from __future__ import annotations

import asyncio
import logging
import struct

import pytest

from pyerlsw.dist import DEFAULT_FLAGS, Handshake, HandshakeComplete, Role
from pyerlsw.etf import Atom, Pid
from pyerlsw.node import CallError, Node, NodeError, ProcessExited, RpcError
from tests.node.conftest import MakeNode, eventually

COOKIE = "LOCALCOOKIE"
EXIT, DOWN = Atom("EXIT"), Atom("DOWN")


@pytest.fixture
async def pair(make_node: MakeNode, private_epmd_port: int) -> tuple[Node, Node]:
    a = await make_node(COOKIE, private_epmd_port, epmd_command=None)
    b = await make_node(COOKIE, private_epmd_port, epmd_command=None)
    return a, b


async def test_messages_both_ways(pair: tuple[Node, Node]) -> None:
    a, b = pair
    inbox = a.register("inbox")
    sender = b.make_process()
    b.send(("inbox", a.name), (b"hello", sender.pid), sender=sender.pid)
    msg = await inbox.receive(timeout=5)
    assert msg == (b"hello", sender.pid)
    a.send(msg[1], [1, 2, 3])
    assert await sender.receive(timeout=5) == [1, 2, 3]
    assert a.nodes() == [b.name] and b.nodes() == [a.name]


async def test_send_all_keeps_order_remote_and_local(pair: tuple[Node, Node]) -> None:
    from pyerlsw.dist import EncodedTerm
    from pyerlsw.etf import encode

    a, b = pair
    inbox = a.register("inbox")
    local = b.make_process()
    assert await b.ping(a.name)
    b.send_all(inbox.pid, [1, EncodedTerm(encode((Atom("two"), 2))), [3]], sender=local.pid)
    b.send_all(("inbox", a.name), [4, 5])  # not a pid: a loop of send
    b.send_all(local.pid, [6, EncodedTerm(encode(7))])  # local: delivered decoded
    got = [await inbox.receive(timeout=5) for _ in range(5)]
    assert got == [1, (Atom("two"), 2), [3], 4, 5]
    assert [await local.receive(timeout=5) for _ in range(2)] == [6, 7]
    b.send_all(inbox.pid, [])  # nothing to send is fine


async def test_ping_and_rpc(pair: tuple[Node, Node]) -> None:
    a, b = pair

    async def slow_add(x: int, y: int) -> int:
        await asyncio.sleep(0)
        return x + y

    a.expose("pymath", {"add": lambda x, y: x + y, "aadd": slow_add})
    assert await b.ping(a.name)
    assert await b.rpc(a.name, "pymath", "add", [40, 2]) == 42
    assert await b.rpc(a.name, "pymath", "aadd", [1, 2]) == 3
    with pytest.raises(RpcError) as info:
        await b.rpc(a.name, "os", "cmd", [b"ls"])
    assert info.value.reason == (EXIT, (Atom("undef"), [(Atom("os"), Atom("cmd"), [b"ls"], [])]))
    with pytest.raises(RpcError):  # wrong arity is undef too
        await b.rpc(a.name, "pymath", "add", [1])


async def test_ping_unknown_node_is_false(pair: tuple[Node, Node]) -> None:
    a, _ = pair
    assert not await a.ping(f"nobody@{a.host}", timeout=5)


@pytest.mark.parametrize("rounds", [4])
async def test_simultaneous_connect(make_node: MakeNode, private_epmd_port: int,
                                    rounds: int) -> None:
    for _ in range(rounds):
        a = await make_node(COOKIE, private_epmd_port, epmd_command=None)
        b = await make_node(COOKIE, private_epmd_port, epmd_command=None)
        ok = await asyncio.gather(a.connect(b.name), b.connect(a.name))
        assert ok == [True, True]
        await eventually(lambda a=a, b=b: a.nodes() == [b.name] and b.nodes() == [a.name])
        pa, pb = a.register("x"), b.register("x")
        a.send(("x", b.name), 1)
        b.send(("x", a.name), 2)
        assert await pb.receive(timeout=5) == 1
        assert await pa.receive(timeout=5) == 2


async def test_sends_before_connect_are_queued_in_order(pair: tuple[Node, Node]) -> None:
    a, b = pair
    inbox = a.register("inbox")
    for i in range(100):
        b.send(("inbox", a.name), i)
    got = [await inbox.receive(timeout=5) for _ in range(100)]
    assert got == list(range(100))


async def test_links_across_nodes(pair: tuple[Node, Node]) -> None:
    a, b = pair
    pa, pb = a.make_process(), b.make_process()
    pa.trap_exit = True
    pa.link(pb.pid)
    await eventually(lambda: pa.pid in pb.links)
    pb.exit(Atom("boom"))
    assert await pa.receive(timeout=5) == (EXIT, pb.pid, Atom("boom"))
    assert pb.pid not in pa.links


async def test_unlink_uses_unlink_id(pair: tuple[Node, Node]) -> None:
    a, b = pair
    pa, pb = a.make_process(), b.make_process()
    pa.link(pb.pid)
    await eventually(lambda: pa.pid in pb.links)
    pa.unlink(pb.pid)
    await eventually(lambda: not pa.links and not pb.links)
    pb.exit(Atom("boom"))
    await asyncio.sleep(0.05)
    assert pa.alive


async def test_untrapped_exit_kills(pair: tuple[Node, Node]) -> None:
    a, b = pair
    pa, pb = a.make_process(), b.make_process()
    pa.link(pb.pid)
    await eventually(lambda: pa.pid in pb.links)
    pb.exit_signal(pa.pid, Atom("bye"))
    with pytest.raises(ProcessExited) as info:
        await pa.receive(timeout=5)
    assert info.value.reason == Atom("bye")
    with pytest.raises(ProcessExited):  # and the link took pb down too
        await pb.receive(timeout=5)


async def test_monitors_across_nodes(pair: tuple[Node, Node]) -> None:
    a, b = pair
    watcher = a.make_process()
    target = b.register("target")
    ref = watcher.monitor(target.pid)
    ref_name = watcher.monitor(("target", b.name))
    await eventually(lambda: len(target.watchers) == 2)
    target.exit(Atom("gone"))
    downs = {await watcher.receive(timeout=5), await watcher.receive(timeout=5)}
    assert downs == {(DOWN, ref, Atom("process"), target.pid, Atom("gone")),
                     (DOWN, ref_name, Atom("process"), (Atom("target"), Atom(b.name)),
                      Atom("gone"))}
    ref = watcher.monitor(("nobody", b.name))
    assert await watcher.receive(timeout=5) == (DOWN, ref, Atom("process"),
                                                (Atom("nobody"), Atom(b.name)),
                                                Atom("noproc"))


async def test_demonitor(pair: tuple[Node, Node]) -> None:
    a, b = pair
    watcher, target = a.make_process(), b.make_process()
    ref = watcher.monitor(target.pid)
    await eventually(lambda: bool(target.watchers))
    watcher.demonitor(ref)
    await eventually(lambda: not target.watchers)


async def test_node_down_fires_links_monitors_and_notifications(pair: tuple[Node, Node]
                                                                ) -> None:
    a, b = pair
    pa, pb = a.make_process(), b.make_process()
    pa.trap_exit = True
    watcher = a.make_process()
    a.monitor_nodes(watcher)
    downs: list[str] = []
    a.on_node_down(downs.append)
    pa.link(pb.pid)
    ref = pa.monitor(pb.pid)
    await eventually(lambda: pa.pid in pb.links and bool(pb.watchers))
    assert await watcher.receive(timeout=5) == (Atom("nodeup"), Atom(b.name))
    await b.close()
    got = {await pa.receive(timeout=5), await pa.receive(timeout=5)}
    assert got == {(EXIT, pb.pid, Atom("noconnection")),
                   (DOWN, ref, Atom("process"), pb.pid, Atom("noconnection"))}
    assert await watcher.receive(timeout=5) == (Atom("nodedown"), Atom(b.name))
    assert downs == [b.name]


async def test_call_to_missing_process(pair: tuple[Node, Node]) -> None:
    a, b = pair
    with pytest.raises(CallError) as info:
        await a.call(("nobody", b.name), "hi", timeout=5)
    assert info.value.reason == Atom("noproc")


async def test_alias_send(pair: tuple[Node, Node]) -> None:
    a, b = pair
    proc = a.make_process()
    alias = proc.alias()
    b.send(alias, b"via alias")
    assert await proc.receive(timeout=5) == b"via alias"
    proc.unalias(alias)
    b.send(alias, b"dropped")
    b.send(proc.pid, b"direct")
    assert await proc.receive(timeout=5) == b"direct"


async def test_unregistered_handler(pair: tuple[Node, Node]) -> None:
    a, b = pair
    seen: list[tuple[Atom, Pid, object]] = []
    a.set_unregistered_handler(lambda name, frm, msg: seen.append((name, frm, msg)))
    sender = b.make_process()
    b.send(("anything", a.name), b"x", sender=sender.pid)
    await eventually(lambda: bool(seen))
    assert seen == [(Atom("anything"), sender.pid, b"x")]


async def test_wrong_cookie_refused_with_one_log_line(
        make_node: MakeNode, private_epmd_port: int, caplog: pytest.LogCaptureFixture) -> None:
    a = await make_node(COOKIE, private_epmd_port, epmd_command=None)
    b = await make_node("OTHERCOOKIE", private_epmd_port, epmd_command=None)
    with caplog.at_level(logging.WARNING, logger="pyerlsw.node"):
        assert not await b.ping(a.name, timeout=5)
        await asyncio.sleep(0.05)
    refused = [r for r in caplog.records if "cookie" in r.getMessage()]
    assert refused and all(r.exc_info is None for r in caplog.records)
    assert any(a.name in r.getMessage() or "from" in r.getMessage() for r in refused)
    assert await b.ping(a.name, timeout=5) is False
    assert a.nodes() == [] and b.nodes() == []


async def test_garbage_and_silence_lose_only_their_connection(
        make_node: MakeNode, private_epmd_port: int) -> None:
    a = await make_node(COOKIE, private_epmd_port, epmd_command=None,
                        handshake_timeout=0.3)
    b = await make_node(COOKIE, private_epmd_port, epmd_command=None)
    g_reader, g_writer = await asyncio.open_connection("127.0.0.1", a.port)
    s_reader, s_writer = await asyncio.open_connection("127.0.0.1", a.port)
    g_writer.write(b"\x00\x05hello world, not erlang" * 10)
    assert await asyncio.wait_for(g_reader.read(100), 5) == b""  # closed by a
    assert await asyncio.wait_for(s_reader.read(100), 5) == b""  # handshake timeout
    g_writer.close()
    s_writer.close()
    assert await b.ping(a.name)


async def test_oversized_packet_after_handshake(make_node: MakeNode,
                                                private_epmd_port: int) -> None:
    a = await make_node(COOKIE, private_epmd_port, epmd_command=None, max_packet_size=1024)
    b = await make_node(COOKIE, private_epmd_port, epmd_command=None)
    reader, writer = await asyncio.open_connection("127.0.0.1", a.port)
    hs = Handshake(Role.INITIATOR, f"raw@{a.host}", COOKIE.encode(), DEFAULT_FLAGS, 77,
                   peer_name=a.name)
    writer.write(hs.data_to_send())
    done = False
    while not done:
        data = await asyncio.wait_for(reader.read(4096), 5)
        assert data
        for event in hs.receive_data(data):
            done = done or isinstance(event, HandshakeComplete)
        writer.write(hs.data_to_send())
    await eventually(lambda: f"raw@{a.host}" in a.nodes())
    writer.write(struct.pack(">I", 10_000_000) + b"p")
    assert await asyncio.wait_for(reader.read(100), 5) == b""
    writer.close()
    await eventually(lambda: f"raw@{a.host}" not in a.nodes())
    assert await b.ping(a.name)


async def test_name_taken(make_node: MakeNode, private_epmd_port: int) -> None:
    a = await make_node(COOKIE, private_epmd_port, epmd_command=None)
    with pytest.raises(NodeError, match="already"):
        await make_node(COOKIE, private_epmd_port, name=a.alive, epmd_command=None)


async def test_second_connection_from_a_connected_name_replaces_it(
        make_node: MakeNode, private_epmd_port: int) -> None:
    a = await make_node(COOKIE, private_epmd_port, epmd_command=None)
    b = await make_node(COOKIE, private_epmd_port, epmd_command=None)
    assert await b.ping(a.name)
    watcher = a.make_process()
    a.monitor_nodes(watcher)
    # Someone claiming to be b (with the cookie) dials a: a answers "alive", the
    # claimant says the old connection is dead ("true"), and the new one replaces it.
    reader, writer = await asyncio.open_connection("127.0.0.1", a.port)
    hs = Handshake(Role.INITIATOR, b.name, COOKIE.encode(), DEFAULT_FLAGS, 99,
                   peer_name=a.name)
    writer.write(hs.data_to_send())
    done = False
    while not done:
        data = await asyncio.wait_for(reader.read(4096), 5)
        assert data
        for event in hs.receive_data(data):
            done = done or isinstance(event, HandshakeComplete)
        writer.write(hs.data_to_send())
    assert await watcher.receive(timeout=5) == (Atom("nodedown"), Atom(b.name))
    assert await watcher.receive(timeout=5) == (Atom("nodeup"), Atom(b.name))
    await eventually(lambda: b.nodes() == [])  # b's old connection was closed
    writer.close()
