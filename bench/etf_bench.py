"""ETF codec benchmark: pyerlsw.etf vs PyPI's erlang-py vs Erlang's own codec.

    python -m bench etf [--runs N] [--rounds N] [--target SECONDS] [--no-erlang] [--markdown]

Terms: a FreeSWITCH-style event ``{event, [UUID, {Name, Value} x 40]}`` in a binary
variant and a charlist variant (how mod_erlang_event sends it), small control tuples,
and lists of 10,000 and 80,000 elements for the linear-scaling check.

* pyerlsw and erlang-py (module ``erlang``, installed by ``pip install -e .[bench]``)
  are timed in this process, interleaved round by round. erlang-py gets the same
  bytes decoded into its own types, and its re-encoding is checked to be the same term.
* Erlang's ``term_to_binary``/``binary_to_term`` are timed inside a real ``erl`` (a
  compiled loop, ``timer:tc`` over many iterations, same number of rounds) in the same
  run, on the same terms (sent as our encoding).

Reported: medians over rounds, and ratios: ``vs erlang-py`` = erlang-py time / pyerlsw
time (above 1 means pyerlsw is faster; median of per-round ratios, both measured
back to back); ``of Erlang`` = Erlang time / pyerlsw time (the fraction of Erlang's
native speed; ratio of medians, as erl runs in its own process). Linear scaling is the
time for 80,000 elements over the time for 10,000 (8.00x is linear), both sizes timed
in the same rounds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import (
    Samples,
    interleaved,
    machine,
    markdown_table,
    micros,
    paired_ratio,
)
from pyerlsw.etf import Atom, ImproperList, Pid, Reference, decode, encode

HEADERS = [
    ("Event-Name", "CHANNEL_CREATE"),
    ("Core-UUID", "6d9c8a2e-4b1f-4c3a-9e7d-2f5b8c1a0e93"),
    ("FreeSWITCH-Hostname", "pbx-01.example.net"),
    ("FreeSWITCH-Switchname", "pbx-01"),
    ("FreeSWITCH-IPv4", "192.0.2.10"),
    ("FreeSWITCH-IPv6", "::1"),
    ("Event-Date-Local", "2024-05-14 10:21:07"),
    ("Event-Date-GMT", "Tue, 14 May 2024 08:21:07 GMT"),
    ("Event-Date-Timestamp", "1715674867123456"),
    ("Event-Calling-File", "switch_core_state_machine.c"),
    ("Event-Calling-Function", "switch_core_session_run"),
    ("Event-Calling-Line-Number", "604"),
    ("Event-Sequence", "5301"),
    ("Channel-State", "CS_INIT"),
    ("Channel-Call-State", "DOWN"),
    ("Channel-State-Number", "2"),
    ("Channel-Name", "sofia/internal/1001@192.0.2.10"),
    ("Unique-ID", "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"),
    ("Call-Direction", "inbound"),
    ("Presence-Call-Direction", "inbound"),
    ("Channel-HIT-Dialplan", "true"),
    ("Channel-Presence-ID", "1001@192.0.2.10"),
    ("Channel-Call-UUID", "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"),
    ("Answer-State", "ringing"),
    ("Caller-Direction", "inbound"),
    ("Caller-Logical-Direction", "inbound"),
    ("Caller-Username", "1001"),
    ("Caller-Dialplan", "XML"),
    ("Caller-Caller-ID-Name", "Alice Example"),
    ("Caller-Caller-ID-Number", "1001"),
    ("Caller-Orig-Caller-ID-Name", "Alice Example"),
    ("Caller-Orig-Caller-ID-Number", "1001"),
    ("Caller-Network-Addr", "192.0.2.55"),
    ("Caller-ANI", "1001"),
    ("Caller-Destination-Number", "5000"),
    ("Caller-Unique-ID", "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"),
    ("Caller-Source", "mod_sofia"),
    ("Caller-Context", "default"),
    ("Caller-Channel-Name", "sofia/internal/1001@192.0.2.10"),
    ("Caller-Profile-Index", "1"),
]
UUID = "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"


def build_cases() -> dict[str, Any]:
    """The benchmark terms, by name."""
    node = Atom("freeswitch@pbx-01")
    pid = Pid(node, 90, 0, 1715674867)
    ref = Reference(node, 1715674867, (176437, 2836447233, 91822))
    event_binary = (Atom("event"), [UUID.encode(), *[(n.encode(), v.encode())
                                                     for n, v in HEADERS]])
    event_charlist = (Atom("event"), [list(UUID.encode()), *[(list(n.encode()),
                                                              list(v.encode()))
                                                             for n, v in HEADERS]])
    return {
        "event (binaries)": event_binary,
        "event (charlists)": event_charlist,
        "control: reg_send {6, Pid, '', Name}": (6, pid, Atom(""), Atom("freeswitch")),
        "control: $gen_call": (Atom("$gen_call"), (pid, ImproperList([Atom("alias")], ref)),
                               (Atom("call"), Atom("math"), Atom("sqrt"), [4.0],
                                Atom("user"))),
        "command: {api, status, \"\"}": (Atom("api"), Atom("status"), []),
        SCALING[0]: [(i, b"v") for i in range(10_000)],
        SCALING[1]: [(i, b"v") for i in range(80_000)],
    }


SCALING = ("list of 10k {I, <<\"v\">>}", "list of 80k {I, <<\"v\">>}")


# A compiled loop, so Erlang's own codec is timed without erl_eval overhead.
ERLANG_MODULE = r"""
-module(etf_bench_erl).
-export([main/1]).

main([CasesFile, RoundsStr, TargetUsStr]) ->
    {ok, Bin} = file:read_file(CasesFile),
    Rounds = list_to_integer(RoundsStr),
    TargetUs = list_to_integer(TargetUsStr),
    lists:foreach(fun({Name, Encoded}) ->
        Term = binary_to_term(Encoded),
        EncN = calibrate(fun(N) -> enc(Term, N, 0) end, TargetUs),
        DecN = calibrate(fun(N) -> dec(Encoded, N, 0) end, TargetUs),
        Enc = [per_op(fun() -> enc(Term, EncN, 0) end, EncN) || _ <- lists:seq(1, Rounds)],
        Dec = [per_op(fun() -> dec(Encoded, DecN, 0) end, DecN) || _ <- lists:seq(1, Rounds)],
        io:format("~s\t~s\t~s~n", [Name, floats(Enc), floats(Dec)])
    end, binary_to_term(Bin)),
    halt(0).

calibrate(Run, TargetUs) -> calibrate(Run, TargetUs, 1).
calibrate(Run, TargetUs, N) ->
    {T, _} = timer:tc(fun() -> Run(N) end),
    if T >= TargetUs div 4; N >= 1 bsl 24 -> max(1, (N * TargetUs) div max(T, 1));
       true -> calibrate(Run, TargetUs, N * 4) end.

per_op(Run, N) -> {T, _} = timer:tc(Run), T / N / 1.0e6.

enc(_, 0, Acc) -> Acc;
enc(T, N, Acc) -> enc(T, N - 1, Acc + byte_size(term_to_binary(T))).

dec(_, 0, Acc) -> Acc;
dec(B, N, Acc) -> dec(B, N - 1, Acc + erts_debug:flat_size(binary_to_term(B)) * 0).

floats(L) -> lists:join(",", [float_to_list(F, [{scientific, 6}]) || F <- L]).
"""


def erlang_times(cases: dict[str, Any], rounds: int, target: float
                 ) -> dict[str, tuple[Samples, Samples]] | None:
    """Run the Erlang side; None (with a message) when erl/erlc are missing."""
    erl, erlc = shutil.which("erl"), shutil.which("erlc")
    if not erl or not erlc:
        print("(erl/erlc not found: Erlang column skipped)")
        return None
    with tempfile.TemporaryDirectory(prefix="etf_bench_") as tmp:
        src = Path(tmp) / "etf_bench_erl.erl"
        src.write_text(ERLANG_MODULE)
        subprocess.run([erlc, "-o", tmp, str(src)], check=True, timeout=120)
        cases_file = Path(tmp) / "cases.etf"
        cases_file.write_bytes(encode([(name.encode(), encode(term))
                                       for name, term in cases.items()]))
        out = subprocess.run(
            [erl, "-noshell", "-pa", tmp, "-run", "etf_bench_erl", "main", str(cases_file),
             str(rounds), str(int(target * 1e6))],
            check=True, capture_output=True, text=True, timeout=1800,
            stdin=subprocess.DEVNULL)
    results: dict[str, tuple[Samples, Samples]] = {}
    for line in out.stdout.splitlines():
        name, enc, dec = line.split("\t")
        results[name] = (Samples([float(x) for x in enc.split(",")]),
                         Samples([float(x) for x in dec.split(",")]))
    return results


def python_times(cases: dict[str, Any], rounds: int, target: float
                 ) -> dict[str, dict[str, Samples]]:
    """pyerlsw and erlang-py, interleaved, per case: keys ``ours enc`` etc."""
    import erlang  # erlang-py (PyPI), only needed here

    results: dict[str, dict[str, Samples]] = {}
    for name, term in cases.items():
        if name in SCALING:
            continue
        results[name] = interleaved(_functions(erlang, name, term), rounds, target)
    # The two list sizes in the same rounds, so their ratio is not skewed by load drift.
    scaling: dict[str, Callable[[], object]] = {}
    for name in SCALING:
        for key, fn in _functions(erlang, name, cases[name]).items():
            scaling[f"{name}|{key}"] = fn
    for key, samples in interleaved(scaling, rounds, target).items():
        name, fn_key = key.split("|")
        results.setdefault(name, {})[fn_key] = samples
    return results


def _functions(erlang: Any, name: str, term: Any) -> dict[str, Callable[[], object]]:
    data = encode(term)
    theirs = erlang.binary_to_term(data)
    if decode(erlang.term_to_binary(theirs)) != term:
        raise SystemExit(f"erlang-py does not round-trip {name!r}; comparison invalid")
    if decode(data) != term:
        raise SystemExit(f"pyerlsw does not round-trip {name!r}")
    return {
        "ours enc": lambda: encode(term),
        "theirs enc": lambda: erlang.term_to_binary(theirs),
        "ours dec": lambda: decode(data),
        "theirs dec": lambda: erlang.binary_to_term(data),
    }


Metrics = dict[tuple[str, str], list[float | None]]


def measure_once(cases: dict[str, Any], rounds: int, target: float, with_erlang: bool
                 ) -> tuple[Metrics, Metrics]:
    """One run: per (term, op) ``[Erlang, pyerlsw, erlang-py, vs erlang-py, of Erlang]``
    and per scaling op ``[pyerlsw, erlang-py, Erlang]`` 80k/10k ratios."""
    native = erlang_times(cases, rounds, target) if with_erlang else None
    py = python_times(cases, rounds, target)
    table: Metrics = {}
    for name in cases:
        for op, index in (("encode", 0), ("decode", 1)):
            key = "enc" if op == "encode" else "dec"
            ours, theirs = py[name][f"ours {key}"], py[name][f"theirs {key}"]
            erl = native[name][index].median if native and name in native else None
            table[name, op] = [erl, ours.median, theirs.median, paired_ratio(theirs, ours),
                               erl / ours.median if erl else None]
    scaling: Metrics = {}
    small, large = SCALING
    for key, op in (("enc", "encode"), ("dec", "decode")):
        index = 0 if key == "enc" else 1
        scaling["", op] = [
            paired_ratio(py[large][f"ours {key}"], py[small][f"ours {key}"]),
            paired_ratio(py[large][f"theirs {key}"], py[small][f"theirs {key}"]),
            paired_ratio(native[large][index], native[small][index]) if native else None,
        ]
    return table, scaling


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _cell(values: list[float | None], fmt: Callable[[float], str]) -> str:
    """Median over runs, with the range when there were several runs."""
    present = [v for v in values if v is not None]
    if not present:
        return "-"
    text = fmt(statistics.median(present))
    if len(present) > 1:
        text += f" ({fmt(min(present))}-{fmt(max(present))})"
    return text


def _x(value: float) -> str:
    return f"{value:.2f}x"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench etf", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1,
                        help="whole runs (Erlang included); medians over runs are shown")
    parser.add_argument("--rounds", type=int, default=7, help="timing rounds per run")
    parser.add_argument("--target", type=float, default=0.05,
                        help="seconds per round per measurement")
    parser.add_argument("--no-erlang", action="store_true", help="skip the erl column")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args(argv)

    cases = build_cases()
    runs = [measure_once(cases, args.rounds, args.target, not args.no_erlang)
            for _ in range(args.runs)]

    header = ["term", "op", "Erlang", "pyerlsw", "erlang-py", "pyerlsw vs erlang-py",
              "pyerlsw, fraction of Erlang"]
    rows: list[list[str]] = []
    for name, term in cases.items():
        for op in ("encode", "decode"):
            per_run = [table[name, op] for table, _ in runs]
            column = [[run[i] for run in per_run] for i in range(5)]
            times = [_median(column[i]) for i in range(3)]
            rows.append([f"{name} ({len(encode(term))} B)" if op == "encode" else "", op,
                         *[micros(t) if t is not None else "-" for t in times],
                         _cell(column[3], _x), _cell(column[4], _x)])
    scale_rows = []
    for op in ("encode", "decode"):
        per_run = [scaling["", op] for _, scaling in runs]
        scale_rows.append([op, *[_cell([run[i] for run in per_run], _x) for i in range(3)]])

    print(f"\n{machine()}; {args.runs} run(s) of {args.rounds} rounds; times are medians, "
          "ratios medians (min-max over runs)\n")
    table_md = markdown_table(header, rows)
    scale_md = markdown_table(
        ["op", "pyerlsw 80k/10k", "erlang-py 80k/10k", "Erlang 80k/10k"], scale_rows)
    if args.markdown:
        print(table_md + "\n\nLinear scaling (time for 80,000 elements / 10,000; 8.00x is "
              "linear):\n\n" + scale_md)
    else:
        for row in rows:
            print("  ".join(cell.ljust(12) for cell in row))
        print()
        for row in scale_rows:
            print("scaling 80k/10k  " + "  ".join(cell.ljust(10) for cell in row))
    return 0
