"""Caller profiles: who is calling whom, and when things happened to the channel.

A :class:`CallerProfile` is an immutable value (a new one replaces the old on every
change), so an event can keep a reference to the profile it describes instead of
copying it. :meth:`CallerProfile.headers` renders it the way
``switch_caller_profile_event_set_data`` does, under a prefix such as ``Caller``,
``Other-Leg`` or ``Channel``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["CallerProfile", "Header"]

Header = tuple[str, str]

# (header suffix, attribute) for the text fields, in FreeSWITCH's order; all are
# optional (left out when empty).
_TEXT_FIELDS: tuple[tuple[str, str], ...] = (
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

_TIME_FIELDS: tuple[tuple[str, str], ...] = (
    ("Profile-Created-Time", "profile_created"),
    ("Channel-Created-Time", "created"),
    ("Channel-Answered-Time", "answered"),
    ("Channel-Progress-Time", "progress"),
    ("Channel-Progress-Media-Time", "progress_media"),
    ("Channel-Hangup-Time", "hungup"),
    ("Channel-Transfer-Time", "transferred"),
    ("Channel-Resurrect-Time", "resurrected"),
    ("Channel-Bridged-Time", "bridged"),
    ("Channel-Last-Hold", "last_hold"),
    ("Channel-Hold-Accum", "hold_accum"),
)

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
    """A channel's caller profile. Times are microseconds since the epoch, 0 = never."""

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

    def headers(self, prefix: str) -> list[Header]:
        """The profile as event headers ``<prefix>-<Field>``."""
        out: list[Header] = [
            (f"{prefix}-Direction", self.direction),
            (f"{prefix}-Logical-Direction", self.logical_direction),
        ]
        for suffix, attr in _TEXT_FIELDS:
            value = getattr(self, attr)
            if value:
                out.append((f"{prefix}-{suffix}", value))
        for suffix, attr in _TIME_FIELDS:
            out.append((f"{prefix}-{suffix}", str(getattr(self, attr))))
        out.append((f"{prefix}-Screen-Bit", "true" if self.screen_bit else "false"))
        out.append((f"{prefix}-Privacy-Hide-Name", "true" if self.privacy_hide_name else "false"))
        out.append(
            (f"{prefix}-Privacy-Hide-Number", "true" if self.privacy_hide_number else "false")
        )
        return out
