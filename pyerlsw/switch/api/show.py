"""``show channels`` and ``show calls`` (text, ``count``, ``as json``/``xml``/``delim``).

The rows are built from the live sessions, ordered by creation time, with the column
sets of FreeSWITCH's ``channels`` table and ``basic_calls`` view.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from pyerlsw.switch.api import ApiRegistry
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["CALL_COLUMNS", "CHANNEL_COLUMNS", "register"]

CHANNEL_COLUMNS: tuple[str, ...] = (
    "uuid", "direction", "created", "created_epoch", "name", "state", "cid_name", "cid_num",
    "ip_addr", "dest", "application", "application_data", "dialplan", "context", "read_codec",
    "read_rate", "read_bit_rate", "write_codec", "write_rate", "write_bit_rate", "secure",
    "hostname", "presence_id", "presence_data", "accountcode", "callstate", "callee_name",
    "callee_num", "callee_direction", "call_uuid", "sent_callee_name", "sent_callee_num",
    "initial_cid_name", "initial_cid_num", "initial_ip_addr", "initial_dest",
    "initial_dialplan", "initial_context",
)  # fmt: skip

_CALL_SIDE: tuple[str, ...] = (
    "uuid", "direction", "created", "created_epoch", "name", "state", "cid_name", "cid_num",
    "ip_addr", "dest", "presence_id", "presence_data", "accountcode", "callstate",
    "callee_name", "callee_num", "callee_direction",
)  # fmt: skip

CALL_COLUMNS: tuple[str, ...] = (
    *_CALL_SIDE, "call_uuid", "hostname", "sent_callee_name", "sent_callee_num",
    *(f"b_{c}" for c in _CALL_SIDE), "b_sent_callee_name", "b_sent_callee_num",
    "call_created_epoch",
)  # fmt: skip

SHOW_SYNTAX = (
    "codec|endpoint|application|api|dialplan|file|timer|calls [count]|channels [count|like "
    "<match string>]|calls|detailed_calls|bridged_calls|detailed_bridged_calls|aliases|"
    "complete|chat|management|modules|nat_map|say|interfaces|interface_types|tasks|limits|status"
)


def channel_row(switch: Switch, session: Session) -> dict[str, str]:
    """One ``channels`` row."""
    ch = session.channel
    p = ch.profile
    first = ch.initial_profile
    codec = ch.codec
    get = ch.get_variable
    created = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ch.created_epoch))
    return {
        "uuid": ch.uuid,
        "direction": ch.direction,
        "created": created,
        "created_epoch": str(ch.created_epoch),
        "name": ch.name,
        "state": ch.running_state.name,
        "cid_name": p.caller_id_name,
        "cid_num": p.caller_id_number,
        "ip_addr": p.network_addr,
        "dest": p.destination_number,
        "application": ch.current_application,
        "application_data": ch.current_application_data,
        "dialplan": p.dialplan,
        "context": p.context,
        "read_codec": codec.name if codec else "",
        "read_rate": str(codec.rate) if codec else "",
        "read_bit_rate": str(codec.bit_rate) if codec else "",
        "write_codec": codec.name if codec else "",
        "write_rate": str(codec.rate) if codec else "",
        "write_bit_rate": str(codec.bit_rate) if codec else "",
        "secure": "",
        "hostname": switch.config.hostname,
        "presence_id": get("presence_id") or "",
        "presence_data": get("presence_data") or "",
        "accountcode": get("accountcode") or "",
        "callstate": ch.call_state.name,
        "callee_name": p.callee_id_name,
        "callee_num": p.callee_id_number,
        "callee_direction": "",
        "call_uuid": ch.call_uuid,
        "sent_callee_name": "",
        "sent_callee_num": "",
        "initial_cid_name": first.caller_id_name,
        "initial_cid_num": first.caller_id_number,
        "initial_ip_addr": first.network_addr,
        "initial_dest": first.destination_number,
        "initial_dialplan": first.dialplan,
        "initial_context": first.context,
    }


def call_rows(switch: Switch) -> list[dict[str, str]]:
    """``basic_calls``: every channel that is not the B side of a bridge, with its peer."""
    sessions = sorted(switch.sessions.values(), key=lambda s: s.channel.times.created)
    peers = {s.bridge.b.uuid for s in sessions if s.bridge is not None and s.bridge.a is s}
    rows: list[dict[str, str]] = []
    for session in sessions:
        if session.uuid in peers:
            continue
        row = channel_row(switch, session)
        out = {c: row[c] for c in _CALL_SIDE}
        out["call_uuid"] = row["call_uuid"]
        out["hostname"] = row["hostname"]
        out["sent_callee_name"] = out["sent_callee_num"] = ""
        bridge = session.bridge
        peer = bridge.b if bridge is not None and bridge.a is session else None
        peer_row = channel_row(switch, peer) if peer is not None else None
        for c in _CALL_SIDE:
            out[f"b_{c}"] = peer_row[c] if peer_row else ""
        out["b_sent_callee_name"] = out["b_sent_callee_num"] = ""
        out["call_created_epoch"] = row["created_epoch"] if peer_row else ""
        rows.append(out)
    return rows


def render(columns: Sequence[str], rows: list[dict[str, str]], fmt: str, delim: str) -> str:
    """Render rows like ``show``'s callbacks do."""
    if fmt == "json":
        if not rows:
            return '{"row_count": 0}\n'
        body = {"row_count": len(rows), "rows": [{c: r[c] for c in columns} for r in rows]}
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    if fmt == "xml":
        if not rows:
            return '<result row_count="0"/>\n'
        parts = [f'<result row_count="{len(rows)}">\n']
        for index, row in enumerate(rows, 1):
            parts.append(f'  <row row_id="{index}">\n')
            for c in columns:
                value = row[c]
                parts.append(f"    <{c}>{escape(value)}</{c}>\n" if value else f"    <{c}/>\n")
            parts.append("  </row>\n")
        parts.append("</result>\n")
        return "".join(parts)
    lines = []
    if rows:
        lines.append(delim.join(columns) + "\n")
        lines += [delim.join(row[c] for c in columns) + "\n" for row in rows]
    lines.append(f"\n{len(rows)} total.\n")
    return "".join(lines)


async def show(switch: Switch, args: str, session: Session | None) -> str:
    argv = args.split()
    if not argv:
        return f"-USAGE: {SHOW_SYNTAX}\n"
    what = argv[0].lower()
    rest = argv[1:]
    count_only = bool(rest) and rest[0].lower() == "count"
    if count_only:
        rest = rest[1:]
    fmt, delim = "delim", ","
    if len(rest) >= 2 and rest[0].lower() == "as":
        fmt = rest[1].lower()
        if fmt in ("delim", "csv"):
            delim = rest[2] if len(rest) > 2 else ","
            fmt = "delim"
        elif fmt not in ("json", "xml"):
            return f"-ERR Cannot find format {rest[1]}\n"
    if what == "channels":
        sessions = sorted(switch.sessions.values(), key=lambda s: s.channel.times.created)
        rows = [channel_row(switch, s) for s in sessions]
        columns: Sequence[str] = CHANNEL_COLUMNS
    elif what == "calls":
        rows = call_rows(switch)
        columns = CALL_COLUMNS
    else:
        return f"-USAGE: {SHOW_SYNTAX}\n"
    if count_only:
        if fmt == "json":
            return json.dumps({"row_count": len(rows)}, separators=(",", ":"))
        return f"\n{len(rows)} total.\n"
    return render(columns, rows, fmt, delim)


def register(registry: ApiRegistry) -> None:
    """Register this module's commands."""
    registry.register("show", show, syntax=SHOW_SYNTAX, description="Show running info")
