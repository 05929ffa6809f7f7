"""Gateway benchmark: mod_erlang_event on pyerlsw next to the same exchanges between
Erlang nodes, measured in the same run.

    python -m bench gateway [--rounds N] [--scale X] [--gc-threshold T]

One run starts a private EPMD, five ``erl`` nodes (OTP 25 from the system, loading
``erlang_test_nodes/pyerlsw_gateway_bench.erl``, ``pyerlsw_node_bench.erl`` and
``fsclient.erl`` compiled into a temporary folder) and a switch with its gateway (real
clock, default ``erlang_event.conf`` settings: ``max-event-bulk`` 1, encoding
``string``), all on loopback. Round by round (medians reported):

* **events to one handler**: the switch fires N CUSTOM events of 41 headers (the shape
  of a channel event); an event handler on E1 counts them. Baseline: E2 sends the very
  term the gateway sent, N times, to a sink on E1 (Erlang-to-Erlang one-way).
* **events to four nodes**: the same with event handlers on E1, E3, E4, E5 (each event
  encoded once and shared). Baseline: E2 sends each term to sinks on the four nodes.
* **api round trips**, 1 and 16 clients on E1: ``{api, version, "short"}`` answered
  ``{ok, Output}``. Baseline: the same request/reply with an Erlang server on E2.
* **calls**: clients on E1 run ``api originate sim/bench &erlang(bench_calls E1)``
  (8 at a time); ``bench_calls`` on E1 gets ``{call, ..}``, answers with a sendmsg
  hangup, then gets the call's ``{call_event, ..}``s and ``{call_hangup, ..}``.
  Baseline: an Erlang process on E2 plays the switch's part of the same exchange with
  the same number of messages and the same event term.

Rates are per second; the ratio is pyerlsw / Erlang (1.00x = as fast as Erlang).
FreeSWITCH's own mod_erlang_event loop delivers about one event per millisecond per
connection (1,000 events/s); the table shows how far beyond that pyerlsw goes.
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
from bench.etf_bench import HEADERS
from pyerlsw.etf import Atom, decode
from pyerlsw.gateway.config import ErlangEventConfig
from pyerlsw.gateway.gateway import Gateway
from pyerlsw.node import Process
from pyerlsw.switch import Switch
from tests.erlang_support import (
    ERLANG_TEST_NODES,
    EpmdDaemon,
    ErlangNode,
    find_system_otp,
    free_port,
    short_hostname,
    unique_name,
)

SUBCLASS = "bench::ev"  # the event handler on E1 alone
FAN_SUBCLASS = "bench::fan"  # the event handlers on the four nodes
EXTRA_HEADERS = tuple(HEADERS[13:])  # after the standard headers the switch adds
COUNTED = Atom("counted")
FS_MODULES = ("pyerlsw_gateway_bench.erl", "pyerlsw_node_bench.erl", "fsclient.erl")
MOD_ERLANG_EVENT_RATE = 1000.0  # events/s per connection: one per ~1 ms loop iteration
CALL_CONCURRENCY = 8


async def ev(erl: ErlangNode, expr: str) -> Any:
    return await asyncio.to_thread(erl.eval, expr, 600)


async def erl_seconds(erl: ErlangNode, expr: str) -> float:
    return float(await ev(erl, expr)) / 1e6


def compile_modules(out_dir: Path) -> None:
    erlc = shutil.which("erlc")
    if erlc is None:
        raise SystemExit("erlc (OTP 25) is needed to compile the Erlang side")
    subprocess.run([erlc, "-o", str(out_dir), *[str(ERLANG_TEST_NODES / m) for m in FS_MODULES]],
                   check=True)


class Bench:
    """The running setup: switch + gateway, five erl nodes, a Python inbox."""

    def __init__(self, gateway: Gateway, nodes: list[ErlangNode]) -> None:
        self.gateway = gateway
        self.switch = gateway.switch
        self.nodes = nodes
        self.fs = f"'{gateway.node.name}'"
        self.inbox: Process = gateway.node.make_process()
        self.sample_term: Any = None

    def fire(self, count: int, subclass: str) -> None:
        switch = self.switch
        for _ in range(count):
            switch.fire(switch.new_event("CUSTOM", subclass=subclass, pre=EXTRA_HEADERS))

    async def events(self, receivers: list[ErlangNode], count: int, subclass: str) -> float:
        """Seconds from the first event fired to every receiver's count."""
        start = time.perf_counter()
        for erl in receivers:
            self.inbox.send(("bench_counter", erl.node), (Atom("count"), count, self.inbox.pid))
        sent = 0
        while sent < count:
            burst = min(200, count - sent)
            self.fire(burst, subclass)
            sent += burst
            await asyncio.sleep(0)
        for _ in receivers:
            answer = await self.inbox.receive(timeout=600)
            assert answer[0] == COUNTED, answer
        return time.perf_counter() - start


async def setup_counter(bench: Bench, erl: ErlangNode, subclasses: list[str]) -> None:
    """The event handler of ``erl``'s connection (one per connection), registered as
    ``bench_counter``."""
    names = ", ".join(f"'{name}'" for name in subclasses)
    await ev(erl, "catch unregister(bench_counter), register(bench_counter, element(2, "
                  f"pyerlsw_gateway_bench:start_event_counter({bench.fs}, [{names}]))).")


async def measure(rounds: int, scale: float, select: Selection | None = None,
                  ) -> list[list[str]]:
    runtime = find_system_otp()
    if runtime is None:
        raise SystemExit("no erl on this machine")
    n_events, n_fan = int(20_000 * scale), int(10_000 * scale)
    n_api, n_calls = int(4_000 * scale), int(1_000 * scale)
    with tempfile.TemporaryDirectory() as tmp:
        compile_modules(Path(tmp))
        epmd = EpmdDaemon(runtime).start()
        first = ErlangNode(runtime, epmd.port, code_paths=[Path(tmp)])
        nodes = [first] + [ErlangNode(runtime, epmd.port, code_paths=[Path(tmp)],
                                      cookie=first.cookie) for _ in range(4)]
        try:
            for erl in nodes:
                erl.start()
            config = ErlangEventConfig.model_validate({
                "listen-ip": "127.0.0.1", "listen-port": free_port(),
                "nodename": f"{unique_name('fsbench')}@{short_hostname()}",
                "cookie_sources": [{"kind": "cookie", "value": first.cookie}]})
            switch = Switch(heartbeat_interval=None)
            await switch.start()
            try:
                async with Gateway.start(switch=switch, config=config, epmd_port=epmd.port,
                                         busy_wait=select.busy_wait if select else 0.0
                                         ) as gateway:
                    bench = Bench(gateway, nodes)
                    return await _rounds(bench, rounds=rounds, n_events=n_events, n_fan=n_fan,
                                         n_api=n_api, n_calls=n_calls, select=select)
            finally:
                await switch.stop()
        finally:
            for erl in nodes:
                erl.stop()
            epmd.stop()


async def _rounds(bench: Bench, *, rounds: int, n_events: int, n_fan: int, n_api: int,
                  n_calls: int, select: Selection | None) -> list[list[str]]:
    e1, e2, e3, e4, e5 = bench.nodes
    fs = bench.fs
    four = [e1, e3, e4, e5]
    await setup_counter(bench, e1, [SUBCLASS, FAN_SUBCLASS])
    for erl in (e3, e4, e5):
        await setup_counter(bench, erl, [FAN_SUBCLASS])
    term = await _sample_term(bench)
    b64 = base64.b64encode(_encode(term)).decode()
    for erl in bench.nodes:
        await ev(erl, f'persistent_term:put(bench_event, binary_to_term(base64:decode("{b64}"))),'
                      " pyerlsw_node_bench:start_sink(), ok.")
    for other in bench.nodes[1:]:
        await ev(e2, f"net_adm:ping('{other.node}').")
    await ev(e2, f"net_adm:ping('{e1.node}').")
    version = await ev(e1, f'fsclient:api({fs}, version, "short").')
    output = bytes(version[1]).decode().replace('"', '\\"')
    await ev(e2, f'pyerlsw_gateway_bench:start_api_server("{output}").')
    await ev(e1, f"pyerlsw_gateway_bench:start_call_handler("
                 f"pyerlsw_gateway_bench:gateway_request({fs})).")
    dial = f"sim/bench '&erlang(bench_calls {e1.node})'"
    call_events = [8]

    async def py_calls() -> float:
        us, events = await ev(e1, f"pyerlsw_gateway_bench:run_calls("
                                  f"pyerlsw_gateway_bench:gateway_originate({fs}, \"{dial}\"), "
                                  f"{n_calls}, {CALL_CONCURRENCY}, 120000).")
        call_events[0] = max(1, round(events / n_calls))
        return us / 1e6

    async def erl_calls() -> float:
        await ev(e2, f"pyerlsw_gateway_bench:start_fake_switch({{bench_calls, '{e1.node}'}}, "
                     f"{{persistent_term:get(bench_event), {call_events[0]}}}).")
        await ev(e1, "pyerlsw_gateway_bench:start_call_handler("
                     f"pyerlsw_gateway_bench:fake_request('{e2.node}')).")
        try:
            us, _ = await ev(e1, f"pyerlsw_gateway_bench:run_calls("
                                 f"pyerlsw_gateway_bench:fake_originate('{e2.node}', \"x\"), "
                                 f"{n_calls}, {CALL_CONCURRENCY}, 120000).")
        finally:
            await ev(e1, "pyerlsw_gateway_bench:start_call_handler("
                         f"pyerlsw_gateway_bench:gateway_request({fs})).")
        return us / 1e6

    sinks = ", ".join(f"{{sink, '{n.node}'}}" for n in four)
    cases: list[LoadCase] = [
        ("events, switch -> 1 Erlang event handler (events/s)", n_events,
         lambda: bench.events([e1], n_events, SUBCLASS),
         lambda: erl_seconds(e2, f"pyerlsw_node_bench:one_way({{sink, '{e1.node}'}}, "
                                 f"{n_events}, persistent_term:get(bench_event)).")),
        ("events, switch -> 4 Erlang nodes (events/s, each)", n_fan,
         lambda: bench.events(four, n_fan, FAN_SUBCLASS),
         lambda: erl_seconds(e2, f"pyerlsw_gateway_bench:fan_out([{sinks}], {n_fan}, "
                                 "persistent_term:get(bench_event)).")),
    ]
    for clients in (1, 16):
        per = n_api // clients if clients == 1 else max(1, n_api * 2 // clients)
        cases.append((
            f"api round trips, {clients} client(s) (rt/s)", per * clients,
            lambda c=clients, p=per: erl_seconds(
                e1, f'pyerlsw_gateway_bench:api_round_trips({fs}, {c}, {p}, version, "short").'),
            lambda c=clients, p=per: erl_seconds(
                e1, f"pyerlsw_gateway_bench:server_round_trips({{api_server, '{e2.node}'}}, "
                    f'{c}, {p}, "short").')))
    cases.append((f"calls: originate, {{call,..}}, sendmsg hangup, {{call_hangup,..}} "
                  f"({CALL_CONCURRENCY} at a time; calls/s)", n_calls, py_calls, erl_calls))
    rows = await run_cases(cases, rounds, select)
    for row in rows:
        if row[0].startswith("events"):
            rate = float(row[2].replace(",", ""))
            row[0] += f" [{rate / MOD_ERLANG_EVENT_RATE:.0f}x mod_erlang_event's loop]"
    print(f"call_events per call: {call_events[0]}", flush=True)
    return rows


async def _sample_term(bench: Bench) -> Any:
    from pyerlsw.gateway.eventterm import PreparedEvent

    event = bench.switch.new_event("CUSTOM", subclass=SUBCLASS, pre=EXTRA_HEADERS)
    prepared = PreparedEvent(event.headers, event.body, event_type="CUSTOM", subclass=SUBCLASS)
    return decode(prepared.payload(bench.gateway.encoding))


def _encode(term: Any) -> bytes:
    from pyerlsw.etf import encode

    return encode(term)


def main(argv: list[str]) -> int:
    return run_load_bench("gateway", measure, argv, count_header="count")
