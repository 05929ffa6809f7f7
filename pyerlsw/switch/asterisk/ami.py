"""AMI event text for the Asterisk layer: the channel snapshot block (Asterisk 12+) and
the event framing. Pure formatting; the core supplies the snapshot values.

A snapshot block is, with an optional key prefix (``LocalOne``, ``Source``...):
``Channel``, ``ChannelState`` (number), ``ChannelStateDesc``, ``CallerIDNum``,
``CallerIDName``, ``ConnectedLineNum``, ``ConnectedLineName`` (empty shown as
``<unknown>``), ``Language``, ``AccountCode``, ``Context``, ``Exten``, ``Priority``,
``Uniqueid``, ``Linkedid``, then ``Tenantid`` when set and one ``ChanVariable`` per
configured channel variable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "CHANNEL_STATE_DESC",
    "ChannelSnapshot",
    "format_event",
    "hangup_handler_event",
    "snapshot_block",
]

CHANNEL_STATE_DESC = (
    "Down", "Rsrvd", "OffHook", "Dialing", "Ring", "Ringing", "Up", "Busy",
    "Dialing Offhook", "Pre-ring",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ChannelSnapshot:
    name: str
    state: int = 0
    caller_num: str = ""
    caller_name: str = ""
    connected_num: str = ""
    connected_name: str = ""
    language: str = "en"
    accountcode: str = ""
    context: str = ""
    exten: str = ""
    priority: int = 1
    uniqueid: str = ""
    linkedid: str = ""
    tenantid: str = ""
    chanvars: tuple[tuple[str, str], ...] = ()


def _state_desc(state: int) -> str:
    return CHANNEL_STATE_DESC[state] if 0 <= state < len(CHANNEL_STATE_DESC) else "Unknown"


def snapshot_block(snapshot: ChannelSnapshot, prefix: str = "") -> list[tuple[str, str]]:
    """The snapshot fields as ``(key, value)`` pairs, keys prefixed with ``prefix``."""
    fields = [
        ("Channel", snapshot.name),
        ("ChannelState", str(snapshot.state)),
        ("ChannelStateDesc", _state_desc(snapshot.state)),
        ("CallerIDNum", snapshot.caller_num or "<unknown>"),
        ("CallerIDName", snapshot.caller_name or "<unknown>"),
        ("ConnectedLineNum", snapshot.connected_num or "<unknown>"),
        ("ConnectedLineName", snapshot.connected_name or "<unknown>"),
        ("Language", snapshot.language),
        ("AccountCode", snapshot.accountcode),
        ("Context", snapshot.context),
        ("Exten", snapshot.exten),
        ("Priority", str(snapshot.priority)),
        ("Uniqueid", snapshot.uniqueid),
        ("Linkedid", snapshot.linkedid),
    ]
    if snapshot.tenantid:
        fields.append(("Tenantid", snapshot.tenantid))
    fields.extend(("ChanVariable", f"{k}={v}") for k, v in snapshot.chanvars)
    return [(prefix + key, value) for key, value in fields]


def format_event(
    event: str, privilege: str, fields: Iterable[tuple[str, str]], *,
    timestamp: str | None = None, system_name: str | None = None,
) -> str:  # fmt: skip
    """``Event:``/``Privilege:`` then the fields, CRLF separated, ending with a blank
    line. ``privilege`` is the class list without ``,all`` (``"call"``)."""
    lines = [f"Event: {event}", f"Privilege: {privilege},all"]
    if timestamp is not None:
        lines.append(f"Timestamp: {timestamp}")
    if system_name:
        lines.append(f"SystemName: {system_name}")
    lines.extend(f"{k}: {v}" for k, v in fields)
    return "\r\n".join(lines) + "\r\n\r\n"


def hangup_handler_event(
    kind: str, snapshot: ChannelSnapshot, handler: str
) -> Sequence[tuple[str, str]]:
    """Fields of ``HangupHandlerPush``/``Pop``/``Run`` (``kind`` is ``Push``, ``Pop`` or
    ``Run``; class ``dialplan``): the snapshot block and ``Handler``."""
    del kind
    return [*snapshot_block(snapshot), ("Handler", handler)]
