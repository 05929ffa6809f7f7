"""Asterisk-layer benchmark: extensions.conf calls per second on the call core.

    python -m bench asterisk [--calls N] [--concurrency K]

Two scenarios, on the virtual clock (so only CPU time counts), K callers at a time
until N calls are done:

* ``pbx``: an inbound call runs 12 priorities (Set, NoOp, GotoIf with ``$[]``, a
  Gosub with arguments and Return, Verbose with substitution, a hangup handler) and
  hangs up; reported as calls/s and priorities/s;
* ``local``: the seed's trivial Local example: the caller Dials ``Local/201@inner``,
  ``;2`` Dials a sim device that answers, the pair is optimised away, the caller
  hangs up; reported as calls/s (each call is 4 channels);
* ``local-masq``: the same with ``local_optimization = "masquerade"`` (Asterisk <= 11):
  the device is masqueraded into ``;1`` 20 ms after ``;2`` is bridged, so the caller
  stays 0.1 s (virtual) before hanging up.

A log consumer is subscribed (every verbose line is rendered), as a console would be.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from bench.common import machine
from pyerlsw.switch import Switch
from pyerlsw.switch.asterisk.install import install_asterisk, uninstall_asterisk

PBX = """
[c]
exten => 1,1,Set(CHANNEL(hangup_handler_push)=hh,s,1(${EXTEN}))
 same => n,Set(N=${CALLERID(num)})
 same => n,NoOp(${N:1:3})
 same => n,GotoIf($[${LEN(${N})} > 3]?long)
 same => n,Verbose(5,short)
 same => n(long),Gosub(sub,s,1(a,b))
 same => n,Verbose(5,ret ${GOSUB_RETVAL})
 same => n,Hangup()
[sub]
exten => s,1,Set(LOCAL(X)=${ARG1}${ARG2})
 same => n,Return(${X})
[hh]
exten => s,1,NoOp(${ARG1})
 same => n,Return()
"""
PBX_PRIORITIES = 11

LOCAL = """
[devices]
exten => 201,1,Dial(Local/201@inner)
[inner]
exten => 201,1,Dial(SIP/dev,30)
"""


async def _run(
    text: str, calls: int, concurrency: int, exten: str, context: str, *,
    optimization: str = "bridge", hold: float = 0.0,
) -> float:  # fmt: skip
    switch = Switch(clock="virtual", heartbeat_interval=None, max_sessions=concurrency * 8 + 10)
    await switch.start()
    logs = switch.subscribe_logs(level=6, maxsize=1_000_000)
    layer = install_asterisk(
        switch, extensions_text=text, spool=False, verbose=4, local_optimization=optimization
    )
    done = 0

    async def worker(index: int) -> None:
        nonlocal done
        while done < calls:
            done += 1
            session = await switch.inbound_call(
                exten, context=context, dialplan="asterisk", caller_id_number="2125551234",
                name=f"SIP/c{index}-{done:08x}",
            )  # fmt: skip
            if context == "devices":
                while not session.channel.answered and session.channel.ready:
                    await switch.clock.sleep(0.01)
                if hold:
                    await switch.clock.sleep(hold)
                session.hangup()
            await session.destroyed
            while len(logs):
                _ = logs.get_nowait()

    start = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - start
    await switch.stop()
    uninstall_asterisk(layer)
    return elapsed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench asterisk")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args(argv)
    print(machine())
    pbx = asyncio.run(_run(PBX, args.calls, args.concurrency, "1", "c"))
    print(
        f"pbx:   {args.calls} calls in {pbx:.2f} s: {args.calls / pbx:.0f} calls/s, "
        f"{args.calls * PBX_PRIORITIES / pbx:.0f} priorities/s"
    )
    local = asyncio.run(_run(LOCAL, args.calls, args.concurrency, "201", "devices"))
    print(f"local: {args.calls} calls in {local:.2f} s: {args.calls / local:.0f} calls/s")
    masq = asyncio.run(
        _run(LOCAL, args.calls, args.concurrency, "201", "devices", optimization="masquerade",
             hold=0.1)
    )  # fmt: skip
    print(f"local-masq: {args.calls} calls in {masq:.2f} s: {args.calls / masq:.0f} calls/s")
    return 0
