"""A tour of the embedded switch on the virtual clock (runs in well under a second).

    python examples/switch_demo.py

It originates calls to simulated devices (answered, busy, never answering), routes an
inbound call through the default XML dialplan into a bridge, drives a parked call with
queued commands as an Erlang handler would, and prints the events and API output.
"""

from __future__ import annotations

import asyncio
import time

from pyerlsw.switch import OriginateError, Switch


async def main() -> None:
    started = time.perf_counter()
    devices = {
        "1001": {"sim_answer_after": "3", "sim_hangup_after": "20"},
        "bob": {"sim_result": "busy"},
    }
    async with Switch(clock="virtual", devices=devices, heartbeat_interval=None) as switch:
        events = switch.subscribe(
            "CHANNEL_ANSWER", "CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE", "CHANNEL_HANGUP_COMPLETE"
        )

        def show(title: str) -> None:
            print(f"-- {title} (virtual time +{switch.clock.now() - t0:.1f} s)")
            for event in events.drain():
                cause = event.get("Hangup-Cause") or ""
                print(f"   {event.name:<24} {event.get('Channel-Name'):<14} {cause}")

        t0 = switch.clock.now()

        # 1. API originate, FreeSWITCH output
        print((await switch.api("originate", "sim/alice &park()")).output, end="")
        print(
            (await switch.api("originate", "sofia/internal/bob@example.com &park()")).output, end=""
        )
        try:
            await switch.originate(
                "{sim_result=noanswer,originate_timeout=30}sim/carol", app="park"
            )
        except OriginateError as exc:
            print(f"carol: {exc.cause_name} after 30 virtual seconds")
        show("originates")

        # 2. an inbound call through the default XML dialplan: 1001 is bridged to sim/1001
        call = await switch.inbound_call("1001", caller_id_number="1000", caller_id_name="Me")
        await call.destroyed
        show("inbound 1001 -> bridge sim/1001, callee hangs up after 20 s")

        # 3. a parked call driven from outside, like sendmsg from Erlang
        parked = await switch.originate("sim/dave", app="park")
        parked.queue_command(
            [
                ("call-command", "execute"),
                ("execute-app-name", "playback"),
                ("execute-app-arg", "silence_stream://2500"),
            ]
        )
        parked.queue_command([("call-command", "hangup"), ("hangup-cause", "USER_BUSY")])
        await parked.destroyed
        show("parked call: playback 2.5 s then hangup USER_BUSY")

        print((await switch.api("show", "channels")).output, end="")
        print((await switch.api("hupall")).output, end="")
        print((await switch.api("status")).output, end="")
    print(f"real time: {time.perf_counter() - started:.3f} s")


if __name__ == "__main__":
    asyncio.run(main())
