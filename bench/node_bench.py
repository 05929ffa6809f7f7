"""Node benchmark: the pyerlsw node next to an Erlang node doing the same work.

    python -m bench node [--rounds N] [--scale X]

One run starts a private EPMD, two ``erl`` nodes (E1, E2, OTP 25 from the system, with
the compiled ``erlang_test_nodes/pyerlsw_node_bench.erl``) and one pyerlsw node (Py),
all on loopback, and measures, round by round (medians reported):

* one-way throughput Erlang -> Python vs Erlang -> Erlang: a compiled loop on E1 sends
  N messages to a registered ``sink`` on Py (resp. E2), which counts them and answers
  ``{done, N}``; timed on E1.
* one-way throughput Python -> Erlang vs Erlang -> Erlang: Py (resp. E2) sends N
  messages to the sink on E1; timed by the sender.
* request/reply round trips per second, 1 and 16 concurrent clients: Erlang clients on
  E1 call an ``echo`` server on Py (resp. E2), written as a process task looping on
  ``await receive()``, and again as a service process (``handler=``) that answers while
  the packet is handled; and Python clients on Py call the echo server on E1 (resp.
  Erlang clients on E2).

Decoding an event allocates about 120 containers, so CPython's cyclic garbage collector
(gen-0 threshold 700 allocations) runs every few events; ``--gc-threshold 20000``
shows what an application that tunes it gets.

Terms: the 40-header FreeSWITCH event in the charlist form mod_erlang_event sends
(``bench/etf_bench.py``), and a small ``{hello, 42}``. Ratios are pyerlsw rate / Erlang
rate (1.00x = as fast as Erlang).
"""

from __future__ import annotations

import asyncio
import base64
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import LoadCase, Selection, run_cases, run_load_bench
from bench.etf_bench import build_cases
from pyerlsw.etf import Atom, encode
from pyerlsw.node import Node, Process
from tests.erlang_support import (
    ERLANG_TEST_NODES,
    EpmdDaemon,
    ErlangNode,
    find_system_otp,
    unique_name,
)

COUNT, DONE = Atom("count"), Atom("done")
SMALL = (Atom("hello"), 42)
EVENT = build_cases()["event (charlists)"]


async def ev(erl: ErlangNode, expr: str) -> Any:
    return await asyncio.to_thread(erl.eval, expr, 300)


def compile_module(out_dir: Path) -> None:
    erlc = shutil.which("erlc")
    if erlc is None:
        raise SystemExit("erlc (OTP 25) is needed to compile the Erlang side")
    subprocess.run([erlc, "-o", str(out_dir), str(ERLANG_TEST_NODES / "pyerlsw_node_bench.erl")],
                   check=True)


async def python_sink(proc: Process) -> None:
    node = proc.node
    while True:
        msg = await proc.receive()
        if type(msg) is tuple and len(msg) == 3 and msg[0] == COUNT:
            _, reply_to, n = msg
            for _ in range(n):
                await proc.receive()
            node.send(reply_to, (DONE, n), sender=proc.pid)


async def python_echo(proc: Process) -> None:
    node = proc.node
    while True:
        reply_to, ref, msg = await proc.receive()
        node.send(reply_to, (ref, msg), sender=proc.pid)


def echo_service(proc: Process, msg: Any) -> None:
    """The same echo as a service process: answered inside the packet handling."""
    reply_to, ref, payload = msg
    proc.node.send(reply_to, (ref, payload), sender=proc.pid)


async def python_one_way(node: Node, peer: str, n: int, term: Any) -> float:
    """Seconds for Py to send ``n`` messages to the sink on ``peer``."""
    me = node.make_process()
    dest = ("sink", peer)
    start = time.perf_counter()
    node.send(dest, (COUNT, me.pid, n), sender=me.pid)
    for i in range(n):
        node.send(dest, term, sender=me.pid)
        if i % 1000 == 999:
            await node.drain(peer)
    await me.receive(timeout=300)
    elapsed = time.perf_counter() - start
    me.exit()
    return elapsed


async def python_round_trips(node: Node, peer: str, clients: int, per_client: int) -> float:
    """Seconds for ``clients`` Python processes to make ``per_client`` calls each."""

    async def client() -> None:
        proc = node.make_process()
        dest = ("echo", peer)
        for _ in range(per_client):
            ref = node.kernel.make_ref()
            node.send(dest, (proc.pid, ref, SMALL), sender=proc.pid)
            await proc.receive(timeout=60, match=lambda m, r=ref: m[0] == r)
        proc.exit()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - start


async def measure(rounds: int, scale: float, select: Selection | None = None,
                  ) -> list[list[str]]:
    runtime = find_system_otp()
    if runtime is None:
        raise SystemExit("no erl on this machine")
    n_small, n_event = int(100_000 * scale), int(20_000 * scale)
    n_calls = int(4_000 * scale)
    with tempfile.TemporaryDirectory() as tmp:
        compile_module(Path(tmp))
        epmd = EpmdDaemon(runtime).start()
        e1 = ErlangNode(runtime, epmd.port, code_paths=[Path(tmp)])
        e2 = ErlangNode(runtime, epmd.port, code_paths=[Path(tmp)], cookie=e1.cookie)
        try:
            e1.start()
            e2.start()
            async with Node(unique_name("pybench"), cookie=e1.cookie, epmd_port=epmd.port,
                            listen_host="127.0.0.1",
                            busy_wait=select.busy_wait if select else 0.0) as node:
                node.spawn(python_sink, name="sink")
                node.spawn(python_echo, name="echo")
                node.register("echo_svc", handler=echo_service)
                for erl in (e1, e2):
                    await ev(erl, "pyerlsw_node_bench:start_sink(), "
                                  "pyerlsw_node_bench:start_echo().")
                    for var, term in (("Small", SMALL), ("Event", EVENT)):
                        b64 = base64.b64encode(encode(term)).decode()
                        await ev(erl, f'{var} = binary_to_term(base64:decode("{b64}")).')
                assert await node.ping(e1.node) and await node.ping(e2.node)
                await ev(e1, f"net_adm:ping('{e2.node}').")
                return await _rounds(node, e1, e2, rounds=rounds, n_small=n_small,
                                     n_event=n_event, n_calls=n_calls, select=select)
        finally:
            e1.stop()
            e2.stop()
            epmd.stop()


async def _rounds(node: Node, e1: ErlangNode, e2: ErlangNode, *, rounds: int, n_small: int,
                  n_event: int, n_calls: int, select: Selection | None) -> list[list[str]]:
    py, n1, n2 = node.name, e1.node, e2.node
    cases: list[LoadCase] = []
    for label, var, n in (("event", "Event", n_event), ("small", "Small", n_small)):
        cases.append((
            f"one-way Erlang->Python, {label} (msg/s)", n,
            lambda var=var, n=n: _erl_us(e1, f"pyerlsw_node_bench:one_way({{sink, '{py}'}}, "
                                             f"{n}, {var})."),
            lambda var=var, n=n: _erl_us(e1, f"pyerlsw_node_bench:one_way({{sink, '{n2}'}}, "
                                             f"{n}, {var})."),
        ))
        term = EVENT if var == "Event" else SMALL
        cases.append((
            f"one-way Python->Erlang, {label} (msg/s)", n,
            lambda term=term, n=n: python_one_way(node, n1, n, term),
            lambda var=var, n=n: _erl_us(e2, f"pyerlsw_node_bench:one_way({{sink, '{n1}'}}, "
                                             f"{n}, {var})."),
        ))
    for clients in (1, 16):
        per = max(1, n_calls // clients) if clients == 1 else max(1, n_calls * 2 // clients)
        total = per * clients
        cases.append((
            f"round trips, Erlang clients -> Python echo, {clients} client(s) (rt/s)", total,
            lambda c=clients, p=per: _erl_us(
                e1, f"pyerlsw_node_bench:round_trips({{echo, '{py}'}}, {c}, {p}, Small)."),
            lambda c=clients, p=per: _erl_us(
                e1, f"pyerlsw_node_bench:round_trips({{echo, '{n2}'}}, {c}, {p}, Small)."),
        ))
        cases.append((
            f"round trips, Erlang clients -> Python echo service, {clients} client(s) (rt/s)",
            total,
            lambda c=clients, p=per: _erl_us(
                e1, f"pyerlsw_node_bench:round_trips({{echo_svc, '{py}'}}, {c}, {p}, Small)."),
            lambda c=clients, p=per: _erl_us(
                e1, f"pyerlsw_node_bench:round_trips({{echo, '{n2}'}}, {c}, {p}, Small)."),
        ))
        cases.append((
            f"round trips, Python clients -> Erlang echo, {clients} client(s) (rt/s)", total,
            lambda c=clients, p=per: python_round_trips(node, n1, c, p),
            lambda c=clients, p=per: _erl_us(
                e2, f"pyerlsw_node_bench:round_trips({{echo, '{n1}'}}, {c}, {p}, Small)."),
        ))
    return await run_cases(cases, rounds, select)


async def _erl_us(erl: ErlangNode, expr: str) -> float:
    return float(await ev(erl, expr)) / 1e6


def main(argv: list[str]) -> int:
    return run_load_bench("node", measure, argv, count_header="messages")
