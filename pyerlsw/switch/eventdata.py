"""Channel data on events (``switch_channel_event_set_data``), captured as a snapshot.

When a channel fires an event the core takes a :class:`ChannelSnapshot`: the few values
that change (states, cause, flags) plus references to the immutable caller profiles,
times and a copy-on-write view of the variables. It is a named tuple because a call
takes a couple of dozen of them and construction cost matters; rendering into headers
happens only when a consumer reads the event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from pyerlsw.switch.causes import cause_name
from pyerlsw.switch.profile import CallerProfile, ChannelTimes, Header
from pyerlsw.switch.states import CallState, ChannelState

__all__ = ["ChannelSnapshot", "CodecInfo"]


@dataclass(frozen=True, slots=True)
class CodecInfo:
    """The (simulated) media codec of a channel."""

    name: str = "PCMU"
    rate: int = 8000
    bit_rate: int = 64000


DEFAULT_CODEC = CodecInfo()


class ChannelSnapshot(NamedTuple):
    """A channel as it was when an event was fired."""

    uuid: str
    name: str
    direction: str
    running_state: ChannelState
    state: ChannelState
    call_state: CallState
    answer_state: str
    hit_dialplan: bool
    call_uuid: str
    hangup_cause: int | None
    codec: CodecInfo | None
    profile: CallerProfile
    times: ChannelTimes
    other_type: str | None
    other_profile: CallerProfile | None
    other_times: ChannelTimes | None
    variables: Mapping[str, str] | None
    presence_id: str | None = None
    presence_data: str | None = None
    external_id: str | None = None

    def headers(self, profile_prefix: str = "Caller") -> list[Header]:
        """The channel data headers in FreeSWITCH's order, then ``variable_*``."""
        out: list[Header] = [
            ("Channel-State", self.running_state.name),
            ("Channel-Call-State", self.call_state.name),
            ("Channel-State-Number", str(int(self.state))),
            ("Channel-Name", self.name),
            ("Unique-ID", self.uuid),
            ("Session-External-ID", self.external_id or self.uuid),
            ("Call-Direction", self.direction),
            ("Presence-Call-Direction", self.direction),
            ("Channel-HIT-Dialplan", "true" if self.hit_dialplan else "false"),
        ]
        if self.presence_id:
            out.append(("Channel-Presence-ID", self.presence_id))
        if self.presence_data:
            out.append(("Channel-Presence-Data", self.presence_data))
        out.append(("Channel-Call-UUID", self.call_uuid))
        out.append(("Answer-State", self.answer_state))
        if self.hangup_cause is not None:
            out.append(("Hangup-Cause", cause_name(self.hangup_cause)))
        codec = self.codec
        if codec is not None:
            rate = str(codec.rate)
            bits = str(codec.bit_rate)
            out += [
                ("Channel-Read-Codec-Name", codec.name),
                ("Channel-Read-Codec-Rate", rate),
                ("Channel-Read-Codec-Bit-Rate", bits),
                ("Channel-Write-Codec-Name", codec.name),
                ("Channel-Write-Codec-Rate", rate),
                ("Channel-Write-Codec-Bit-Rate", bits),
            ]
        out += self.profile.headers(profile_prefix, self.times)
        if self.other_type is not None and self.other_profile is not None:
            out.append(("Other-Type", self.other_type))
            out += self.other_profile.headers("Other-Leg", self.other_times)
        if self.variables:
            out += [(f"variable_{key}", value) for key, value in self.variables.items()]
        return out
