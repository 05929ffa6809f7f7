"""A pyerlsw node against real erl nodes (OTP 25 and OTP 28): never a mock."""

from __future__ import annotations

import asyncio
import logging

import pytest

from pyerlsw.etf import Atom, Pid
from pyerlsw.node import ErlangError, ErlangThrow, Node, ProcessExited, RpcError
from tests.erlang_support import ErlangNode
from tests.node.conftest import MakeNode, Otp, ev, eventually

EXIT, DOWN = Atom("EXIT"), Atom("DOWN")


async def setup(otp: Otp, make_node: MakeNode, **options: object) -> tuple[ErlangNode, Node]:
    erl = otp.start()
    node = await make_node(erl.cookie, otp.epmd_port, **options)
    node.expose("pymath", {
        "add": lambda a, b: a + b,
        "div": lambda a, b: a // b,
        "fail": _fail,
        "nothing": lambda: None,
    })
    await ev(erl, "register(repl, self()).")
    return erl, node


def _fail(kind: bytes) -> None:
    if kind == b"throw":
        raise ErlangThrow(Atom("thrown"))
    raise ErlangError(Atom("custom"))


async def test_ping_and_hidden(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    assert await ev(erl, f"net_adm:ping('{node.name}').") == Atom("pong")
    assert await ev(erl, "nodes(hidden).") == [Atom(node.name)]
    assert await ev(erl, "nodes().") == []
    info = await ev(erl, f"net_kernel:node_info('{node.name}').")
    assert (Atom("type"), Atom("hidden")) in info[1]
    assert await node.ping(erl.node)


async def test_python_pings_first(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    assert await node.ping(erl.node)
    assert node.nodes() == [erl.node]
    assert await ev(erl, "nodes(hidden).") == [Atom(node.name)]


async def test_messages_both_ways(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    inbox = node.register("inbox")
    await ev(erl, f"{{inbox, '{node.name}'}} ! "
                  "{hello, self(), [1, 2.5, <<\"bin\">>, #{a => 1}]}.")
    tag, repl_pid, payload = await inbox.receive(timeout=10)
    assert tag == Atom("hello") and isinstance(repl_pid, Pid)
    assert payload == [1, 2.5, b"bin", {Atom("a"): 1}]
    node.send(repl_pid, (Atom("to_pid"), inbox.pid), sender=inbox.pid)
    node.send(("repl", erl.node), "to_name")
    got = await ev(erl, "[receive M -> M after 5000 -> timeout end || _ <- [1, 2]].")
    assert got == [(Atom("to_pid"), inbox.pid), b"to_name"]


async def test_erlang_replies_to_our_pid(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    proc = node.make_process()
    await ev(erl, "Echo = spawn(fun E() -> receive {From, M} -> From ! {echo, M}, E() end end), "
                  "register(echo, Echo).")
    for i in range(20):
        node.send(("echo", erl.node), (proc.pid, i), sender=proc.pid)
    got = [await proc.receive(timeout=10) for _ in range(20)]
    assert got == [(Atom("echo"), i) for i in range(20)]


async def test_rpc_into_python(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    n = node.name
    assert await ev(erl, f"rpc:call('{n}', pymath, add, [40, 2]).") == 42
    assert await ev(erl, f"erpc:call('{n}', pymath, add, [1, 2]).") == 3
    assert await ev(erl, f"rpc:call('{n}', pymath, nothing, []).") == Atom("ok")
    undef = await ev(erl, f"rpc:call('{n}', pymath, sub, [40, 2]).")
    assert undef == (Atom("badrpc"), (EXIT, (Atom("undef"),
                                            [(Atom("pymath"), Atom("sub"), [40, 2], [])])))
    assert await ev(erl, f"rpc:call('{n}', os, cmd, [\"id\"]).") == (
        Atom("badrpc"), (EXIT, (Atom("undef"), [(Atom("os"), Atom("cmd"), [list(b"id")], [])])))
    caught = await ev(erl, f"try erpc:call('{n}', pymath, sub, []) catch C:R -> {{C, R}} end.")
    assert caught == (Atom("error"), (Atom("exception"), Atom("undef"),
                                      [(Atom("pymath"), Atom("sub"), [], [])]))
    div0 = await ev(erl, f"rpc:call('{n}', pymath, 'div', [1, 0]).")
    assert div0[0] == Atom("badrpc") and div0[1][1][0][0] == Atom("python_error")
    assert div0[1][1][0][1] == b"ZeroDivisionError"
    assert await ev(erl, f"catch erpc:call('{n}', pymath, fail, [<<\"throw\">>]).") == Atom(
        "thrown")
    assert await ev(erl, f"rpc:call('{n}', pymath, fail, [<<\"error\">>]).") == (
        Atom("badrpc"), (EXIT, (Atom("custom"), [(Atom("pymath"), Atom("fail"), 1, [])])))


async def test_rex_gen_server_and_plain_forms(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    n = node.name
    assert await ev(erl, f"gen_server:call({{rex, '{n}'}}, "
                         "{call, pymath, add, [1, 2], user}).") == 3
    assert await ev(erl, f"{{rex, '{n}'}} ! {{self(), {{call, pymath, add, [2, 2], user}}}}, "
                         "receive {rex, R} -> R after 5000 -> timeout end.") == 4
    assert await ev(erl, f"{{rex, '{n}'}} ! {{self(), features_request}}, "
                         "receive {features_reply, N, F} -> {N, F} after 5000 -> timeout end."
                    ) == (Atom(n), [Atom("erpc")])


async def test_remote_spawn_of_unexposed_function(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    down = await ev(erl, f"{{P, R}} = spawn_monitor('{node.name}', pymath, nope, []), "
                         "receive {'DOWN', R, process, P, Why} -> Why after 5000 -> timeout end.")
    assert down == (Atom("undef"), [(Atom("pymath"), Atom("nope"), [], [])])


async def test_python_calls_erlang(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    assert await node.rpc(erl.node, "lists", "reverse", [[1, 2, 3]]) == [3, 2, 1]
    assert await node.rpc(erl.node, "erlang", "node", []) == Atom(erl.node)
    with pytest.raises(RpcError) as info:
        await node.rpc(erl.node, "nomod", "nofun", [], timeout=10)
    assert info.value.reason[0] == EXIT


async def test_links_python_exit_reaches_erlang(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    proc = node.make_process()
    node.send(("repl", erl.node), proc.pid)
    await ev(erl, "Py = receive P -> P after 5000 -> none end, process_flag(trap_exit, true), "
                  "link(Py).")
    await eventually(lambda: len(proc.links) == 1)
    proc.exit(Atom("boom"))
    assert await ev(erl, "receive {'EXIT', Py, R} -> R after 5000 -> timeout end.") == Atom("boom")


async def test_links_erlang_exit_reaches_python(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    trapping, plain, unlinked = (node.make_process() for _ in range(3))
    trapping.trap_exit = True
    victim = await ev(erl, "V = spawn(fun() -> receive stop -> exit(bang) end end).")
    for proc in (trapping, plain, unlinked):
        proc.link(victim)
    unlinked.unlink(victim)
    await eventually(lambda: not unlinked.links)
    await ev(erl, "{links, L} = process_info(V, links), 2 = length(L).")
    await ev(erl, "V ! stop.")
    assert await trapping.receive(timeout=10) == (EXIT, victim, Atom("bang"))
    with pytest.raises(ProcessExited) as info:
        await plain.receive(timeout=10)
    assert info.value.reason == Atom("bang")
    assert unlinked.alive


async def test_erlang_links_python_and_exit2(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    proc = node.make_process()
    node.send(("repl", erl.node), proc.pid)
    await ev(erl, "Py2 = receive P -> P after 5000 -> none end, exit(Py2, kill).")
    with pytest.raises(ProcessExited) as info:
        await proc.receive(timeout=10)
    assert info.value.reason == Atom("killed")


async def test_monitors_both_ways(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    watcher = node.make_process()
    victim = await ev(erl, "V = spawn(fun() -> receive stop -> exit(bang) end end), "
                           "register(victim, V), V.")
    ref = watcher.monitor(victim)
    ref_name = watcher.monitor(("victim", erl.node))
    await ev(erl, "timer:sleep(50), {monitored_by, [_, _]} = process_info(V, monitored_by).")
    await ev(erl, "V ! stop.")
    downs = {await watcher.receive(timeout=10), await watcher.receive(timeout=10)}
    assert downs == {(DOWN, ref, Atom("process"), victim, Atom("bang")),
                     (DOWN, ref_name, Atom("process"), (Atom("victim"), Atom(erl.node)),
                      Atom("bang"))}
    # Erlang monitors our processes, by pid and by name, and a missing name
    target = node.register("target")
    node.send(("repl", erl.node), target.pid)
    await ev(erl, f"T = receive P -> P after 5000 -> none end, R1 = monitor(process, T), "
                  f"R2 = monitor(process, {{target, '{node.name}'}}), "
                  f"R3 = monitor(process, {{nobody, '{node.name}'}}).")
    assert await ev(erl, "receive {'DOWN', R3, process, _, W3} -> W3 after 5000 -> t end.") == (
        Atom("noproc"))
    await eventually(lambda: len(target.watchers) == 2)
    target.exit(Atom("done"))
    assert await ev(erl, "[receive {'DOWN', R, process, _, W} -> W after 5000 -> t end "
                         "|| R <- [R1, R2]].") == [Atom("done"), Atom("done")]


async def test_gen_server_call_to_dead_python_process_fails_fast(otp: Otp,
                                                                 make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    assert await ev(erl, f"catch gen_server:call({{nobody, '{node.name}'}}, hi, 5000).") == (
        EXIT, (Atom("noproc"), (Atom("gen_server"), Atom("call"),
                                [(Atom("nobody"), Atom(node.name)), Atom("hi"), 5000])))


async def test_erl_call(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    erl_call = otp.runtime.tool("erl_call")
    if erl_call is None:
        pytest.skip("no erl_call in this runtime")
    proc = await asyncio.create_subprocess_exec(
        erl_call, "-c", erl.cookie, "-n", node.name, "-a", "pymath add [40, 2]",
        env=otp.runtime.env(otp.epmd_port), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err
    assert out.strip() == b"42"


async def test_wrong_cookie(otp: Otp, make_node: MakeNode,
                            caplog: pytest.LogCaptureFixture) -> None:
    erl = otp.start()
    node = await make_node("NOT" + erl.cookie, otp.epmd_port)
    with caplog.at_level(logging.WARNING, logger="pyerlsw.node"):
        assert await ev(erl, f"net_adm:ping('{node.name}').") == Atom("pang")
        assert not await node.ping(erl.node, timeout=10)
    assert all(r.exc_info is None for r in caplog.records)
    assert any("cookie" in r.getMessage() for r in caplog.records)
    assert node.nodes() == []


async def test_killed_erl_node_is_noticed(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    proc = node.make_process()
    proc.trap_exit = True
    watcher = node.make_process()
    node.monitor_nodes(watcher)
    victim = await ev(erl, "spawn(fun() -> receive after infinity -> ok end end).")
    proc.link(victim)
    ref = proc.monitor(victim)
    assert await watcher.receive(timeout=10) == (Atom("nodeup"), Atom(erl.node))
    await ev(erl, "timer:sleep(50).")
    erl.stop()
    assert await watcher.receive(timeout=10) == (Atom("nodedown"), Atom(erl.node))
    got = {await proc.receive(timeout=10), await proc.receive(timeout=10)}
    assert got == {(EXIT, victim, Atom("noconnection")),
                   (DOWN, ref, Atom("process"), victim, Atom("noconnection"))}
    assert node.nodes() == []


async def test_restarted_erl_node_reconnects(otp: Otp, make_node: MakeNode) -> None:
    erl, node = await setup(otp, make_node)
    assert await node.ping(erl.node)
    erl.stop()
    await eventually(lambda: node.nodes() == [], timeout=10)
    again = otp.start(sname=erl.sname, cookie=erl.cookie)
    assert await node.ping(again.node)
    assert await ev(again, f"net_adm:ping('{node.name}').") == Atom("pong")
    assert await node.rpc(again.node, "erlang", "node", []) == Atom(again.node)


@pytest.mark.erlang
async def test_silent_peer_dropped_by_tick_timeout(otp25_only: Otp, make_node: MakeNode
                                                   ) -> None:
    import os
    import signal

    erl, node = await setup(otp25_only, make_node, net_ticktime=0.8)
    assert await node.ping(erl.node)
    os.kill(erl.pid, signal.SIGSTOP)
    try:
        await eventually(lambda: node.nodes() == [], timeout=5)
    finally:
        os.kill(erl.pid, signal.SIGCONT)


@pytest.mark.erlang
async def test_builtin_epmd_serves_real_erlang(otp25_only: Otp, make_node: MakeNode,
                                               private_epmd_port: int) -> None:
    node = await make_node("BUILTINCOOKIE", private_epmd_port, epmd_command=None)
    erl = ErlangNode(otp25_only.runtime, private_epmd_port, cookie="BUILTINCOOKIE")
    try:
        await asyncio.to_thread(erl.start)  # the loop must keep serving EPMD meanwhile
        assert await ev(erl, f"net_adm:ping('{node.name}').") == Atom("pong")
        names = await ev(erl, "{ok, Names} = net_adm:names(), [N || {N, _} <- Names].")
        assert sorted(names) == sorted([list(node.alive.encode()), list(erl.sname.encode())])
    finally:
        erl.stop()
