"""pyerlsw as a library: switch, Erlang node and mod_erlang_event in your own asyncio program.

    python examples/embedded_node.py --name pbx --cookie SECRET

The program

* starts a switch and, on a hidden Erlang node, mod_erlang_event (so Erlang code can
  drive it exactly as it drives FreeSWITCH);
* handles calls in Python: every call that is answered gets a prompt played and is
  hung up 2 seconds later, from an event consumer, with the same queued commands an
  Erlang handler sends with ``sendmsg``;
* exposes a Python function to Erlang: ``rpc:call(Node, pbx, stats, [])`` returns a map
  of counters;
* with ``--demo N`` places N calls itself and exits once they are done.

It prints one line per handled call, and ``ready <node>`` once Erlang can connect.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from pyerlsw.etf import Atom
from pyerlsw.gateway.config import ErlangEventConfig
from pyerlsw.gateway.gateway import Gateway
from pyerlsw.switch import Switch


async def handle_calls(switch: Switch, stats: dict[str, int], done: asyncio.Event,
                       expected: int | None) -> None:
    """Play a prompt on every answered call, then hang it up; count what happens."""
    events = switch.subscribe("CHANNEL_ANSWER", "CHANNEL_HANGUP_COMPLETE", name="example")
    async for event in events:
        uuid = event.unique_id or ""
        if event.name == "CHANNEL_ANSWER":
            stats["answered"] += 1
            session = switch.session(uuid)
            if session is None:
                continue
            session.queue_command([("call-command", "execute"),
                                   ("execute-app-name", "playback"),
                                   ("execute-app-arg", "ivr/ivr-welcome.wav")])
            session.queue_command([("call-command", "execute"),
                                   ("execute-app-name", "sleep"),
                                   ("execute-app-arg", "2000")])
            session.queue_command([("call-command", "hangup"),
                                   ("hangup-cause", "NORMAL_CLEARING")])
        else:
            stats["hung_up"] += 1
            print(f"call {uuid} {event.get('Channel-Name')} ended: "
                  f"{event.get('Hangup-Cause')}", flush=True)
            if expected is not None and stats["hung_up"] >= expected:
                done.set()


async def main(args: argparse.Namespace) -> None:
    stats = {"answered": 0, "hung_up": 0}
    done = asyncio.Event()
    config = ErlangEventConfig.model_validate({
        "nodename": args.name, "listen-port": args.port, "listen-ip": "0.0.0.0",
        "encoding": "binary", "cookie_sources": [{"kind": "cookie", "value": args.cookie}],
    })
    async with Switch(hostname="example") as switch, \
            Gateway.start(switch=switch, config=config) as gateway:
        gateway.node.expose("pbx", {
            "stats": lambda: {Atom(k): v for k, v in stats.items()},
        })
        handler = asyncio.create_task(handle_calls(switch, stats, done, args.demo))
        print(f"ready {gateway.node.name}", flush=True)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, done.set)
        for n in range(args.demo or 0):
            reply = await switch.api("originate", f"sim/demo{n} &park()")
            print(reply.output.strip(), flush=True)
        await done.wait()
        handler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await handler
    print(f"stats {stats}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--name", default="pbx", help="node name (alive part)")
    parser.add_argument("--cookie", default="ClueCon")
    parser.add_argument("--port", type=int, default=8031, help="distribution port")
    parser.add_argument("--demo", type=int, default=None, help="place N calls, then exit")
    asyncio.run(main(parser.parse_args()))
