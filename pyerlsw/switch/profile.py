"""Caller profiles (who is calling whom) and channel times (when things happened).

Both are immutable values: a new one replaces the old on every change, so an event can
keep references to the ones it describes instead of copying them. They are separate
because times change several times per call while the profile rarely does.
:meth:`CallerProfile.headers` renders both the way ``switch_caller_profile_event_set_data``
does, under a prefix such as ``Caller``, ``Other-Leg`` or ``Channel``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

__all__ = ["TEXT_FIELDS", "CallerProfile", "ChannelTimes", "Header"]

Header = tuple[str, str]

# (header suffix, attribute) for the text fields, in FreeSWITCH's order; all are
# optional (left out when empty).
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("Username", "username"),
    ("Dialplan", "dialplan"),
    ("Caller-ID-Name", "caller_id_name"),
    ("Caller-ID-Number", "caller_id_number"),
    ("Orig-Caller-ID-Name", "orig_caller_id_name"),
    ("Orig-Caller-ID-Number", "orig_caller_id_number"),
    ("Callee-ID-Name", "callee_id_name"),
    ("Callee-ID-Number", "callee_id_number"),
    ("Network-Addr", "network_addr"),
    ("ANI", "ani"),
    ("ANI-II", "aniii"),
    ("Destination-Number", "destination_number"),
    ("Unique-ID", "uuid"),
    ("Source", "source"),
    ("Transfer-Source", "transfer_source"),
    ("Context", "context"),
    ("RDNIS", "rdnis"),
    ("Channel-Name", "chan_name"),
    ("Profile-Index", "profile_index"),
)

_TIME_HEADERS: tuple[str, ...] = (
    "Profile-Created-Time",
    "Channel-Created-Time",
    "Channel-Answered-Time",
    "Channel-Progress-Time",
    "Channel-Progress-Media-Time",
    "Channel-Hangup-Time",
    "Channel-Transfer-Time",
    "Channel-Resurrect-Time",
    "Channel-Bridged-Time",
    "Channel-Last-Hold",
    "Channel-Hold-Accum",
)


class ChannelTimes(NamedTuple):
    """When things happened to a channel, in microseconds since the epoch (0 = never);
    field order is the header order."""

    profile_created: int = 0
    created: int = 0
    answered: int = 0
    progress: int = 0
    progress_media: int = 0
    hungup: int = 0
    transferred: int = 0
    resurrected: int = 0
    bridged: int = 0
    last_hold: int = 0
    hold_accum: int = 0


_NO_TIMES = ChannelTimes()

#: FreeSWITCH caller-field names (``${destination_number}``, dialplan conditions)
#: -> attribute.
FIELD_NAMES: MappingProxyType[str, str] = MappingProxyType(
    {
        "username": "username",
        "dialplan": "dialplan",
        "caller_id_name": "caller_id_name",
        "caller_id_number": "caller_id_number",
        "orig_caller_id_name": "orig_caller_id_name",
        "orig_caller_id_number": "orig_caller_id_number",
        "callee_id_name": "callee_id_name",
        "callee_id_number": "callee_id_number",
        "network_addr": "network_addr",
        "ani": "ani",
        "aniii": "aniii",
        "destination_number": "destination_number",
        "uuid": "uuid",
        "source": "source",
        "transfer_source": "transfer_source",
        "context": "context",
        "rdnis": "rdnis",
        "chan_name": "chan_name",
        "profile_index": "profile_index",
    }
)


@dataclass(frozen=True, slots=True)
class CallerProfile:
    """A channel's caller profile (FreeSWITCH's ``switch_caller_profile_t`` fields)."""

    uuid: str = ""
    direction: str = "inbound"
    logical_direction: str = "inbound"
    username: str = ""
    dialplan: str = ""
    caller_id_name: str = ""
    caller_id_number: str = ""
    orig_caller_id_name: str = ""
    orig_caller_id_number: str = ""
    callee_id_name: str = ""
    callee_id_number: str = ""
    network_addr: str = ""
    ani: str = ""
    aniii: str = ""
    destination_number: str = ""
    source: str = ""
    transfer_source: str = ""
    context: str = ""
    rdnis: str = ""
    chan_name: str = ""
    profile_index: str = "1"
    screen_bit: bool = True
    privacy_hide_name: bool = False
    privacy_hide_number: bool = False

    def replace(self, **changes: object) -> CallerProfile:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def field(self, name: str) -> str | None:
        """A field by its FreeSWITCH name, or None when the name is unknown."""
        attr = FIELD_NAMES.get(name)
        if attr is None:
            return None
        value: str = getattr(self, attr)
        return value

    def headers(self, prefix: str, times: ChannelTimes | None = None) -> list[Header]:
        """The profile (and ``times``; all zero when None) as event headers
        ``<prefix>-<Field>``."""
        out: list[Header] = [
            (f"{prefix}-Direction", self.direction),
            (f"{prefix}-Logical-Direction", self.logical_direction),
        ]
        for suffix, attr in TEXT_FIELDS:
            value = getattr(self, attr)
            if value:
                out.append((f"{prefix}-{suffix}", value))
        stamps = times or _NO_TIMES
        out += [
            (f"{prefix}-{suffix}", str(value))
            for suffix, value in zip(_TIME_HEADERS, stamps, strict=True)
        ]
        out.append((f"{prefix}-Screen-Bit", "true" if self.screen_bit else "false"))
        out.append((f"{prefix}-Privacy-Hide-Name", "true" if self.privacy_hide_name else "false"))
        out.append(
            (f"{prefix}-Privacy-Hide-Number", "true" if self.privacy_hide_number else "false")
        )
        return out
