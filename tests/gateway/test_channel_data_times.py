"""The {call, ...} CHANNEL_DATA event carries the channel's real times (Channel-*-Time)."""

from __future__ import annotations

from pyerlsw.gateway.calls import channel_data_event
from pyerlsw.switch import Switch


async def test_channel_times_are_set() -> None:
    async with Switch(clock="virtual", heartbeat_interval=None) as switch:
        session = await switch.originate("sim/alice", app="park")
        prepared = channel_data_event(switch, session.channel)
        times = {name: value for name, value in prepared.headers
                 if name.startswith("Channel-") and name.endswith("-Time")}
        assert times, prepared.headers
        assert int(times["Channel-Channel-Created-Time"]) > 0
        assert int(times["Channel-Channel-Answered-Time"]) > 0
        session.hangup("NORMAL_CLEARING")
        await session.destroyed
