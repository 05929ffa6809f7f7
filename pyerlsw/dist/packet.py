"""Control messages <-> distribution packets (pass-through: no atom cache, no fragments).

A packet is ``112 · 131 Control · [131 Payload]`` after its 4-byte length.

* :func:`encode_packet` / :func:`decode_packet` / :func:`write_frame`: stateless.
* :class:`PacketCodec`: the same, per connection, with two small caches. Control tuples
  repeat: message after message the same sender and receiver pids (or registered name)
  travel in the header, and only the payload changes. The codec keeps the encoded
  header per ``(message type, header fields)`` and the decoded header per exact header
  bytes (found with a cheap scan, :func:`control_end`), so a steady stream costs one
  payload encode/decode per message. Both caches are bounded and keyed by full values,
  so they can never change a result.

Decoding raises :class:`RemoteProtocolError` for anything but a well-formed packet: a
distribution header (the atom cache and fragments were not negotiated), a term that
does not decode, a control tuple of the wrong shape, trailing bytes.
"""

from __future__ import annotations

import dataclasses
import operator
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from pyerlsw.dist.control import (
    BY_OP,
    CHECKS,
    ControlMessage,
    RegSend,
    Send,
    SendSender,
    UnknownControl,
)
from pyerlsw.dist.errors import RemoteProtocolError
from pyerlsw.etf import Atom, Pid, Reference, decode_from, encode_into
from pyerlsw.etf.errors import DecodeError
from pyerlsw.etf.limits import DEFAULT_LIMITS, DecodeLimits

__all__ = [
    "PASS_THROUGH",
    "EncodedTerm",
    "PacketCodec",
    "control_end",
    "decode_packet",
    "encode_packet",
    "write_frame",
]

PASS_THROUGH: Final = 112  # 'p'
Term = Any
_U32: Final = struct.Struct(">I")
_U16: Final = struct.Struct(">H")
MAX_CACHED_HEADER: Final = 512
"""Longest control tuple (in bytes) the caches keep."""


@dataclass(frozen=True, slots=True)
class EncodedTerm:
    """A message payload that is already a complete external term (``term_to_binary``
    output, starting with the version byte 131).

    Put it where a control message carries its payload (``Send(to, EncodedTerm(b))``)
    and the bytes are written as they are: one term encoded once can be sent to many
    processes without encoding it again. The bytes are not checked here; a malformed
    term makes the peer drop the connection, so only wrap what an encoder produced.
    """

    data: bytes

    def __post_init__(self) -> None:
        if not self.data or self.data[0] != 131:
            raise ValueError("an EncodedTerm must start with the version byte 131")


_IDENTITY_FIELDS: Final = frozenset(
    {"from_pid", "to_pid", "to_name", "alias", "ref", "from_proc", "to_proc", "req_id"})
_IDENTITY_TYPES: Final = (Pid, Atom, Reference)


@dataclass(frozen=True, slots=True)
class _Plan:
    """How to check a control tuple of one op and build its message."""

    cls: type[ControlMessage]
    size: int  # elements in the control tuple
    checks: tuple[tuple[int, str, Callable[[object], bool]], ...]
    payload_check: Callable[[object], bool] | None
    sources: tuple[int, ...]  # per dataclass field: control index, or -1 = payload
    payload_field: int  # index of the payload among the fields, -1 if none
    header: Callable[[Any], Any]  # the non-payload fields, as a tuple (cache key)
    cacheable: bool  # every header field is a pid, a name or a reference


def _plan(cls: type[ControlMessage]) -> _Plan:
    fields = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    positions = {name: i + 1 for i, name in enumerate(cls.LAYOUT) if name}
    sources = tuple(-1 if name == cls.PAYLOAD else positions[name] for name in fields)
    checks = tuple((positions[n], n, CHECKS[n]) for n in cls.LAYOUT if n in CHECKS)
    header_fields = [n for n in fields if n != cls.PAYLOAD]
    cacheable = all(n in _IDENTITY_FIELDS for n in header_fields)
    return _Plan(
        cls=cls,
        size=len(cls.LAYOUT) + 1,
        checks=checks,
        payload_check=CHECKS.get(cls.PAYLOAD) if cls.PAYLOAD else None,
        sources=sources,
        payload_field=fields.index(cls.PAYLOAD) if cls.PAYLOAD else -1,
        header=_tuple_getter(header_fields),
        cacheable=cacheable,
    )


def _tuple_getter(names: list[str]) -> Callable[[Any], Any]:
    if len(names) == 1:
        single = operator.attrgetter(names[0])
        return lambda obj: (single(obj),)
    return operator.attrgetter(*names)


_PLANS: Final[dict[int, _Plan]] = {op: _plan(cls) for op, cls in BY_OP.items()}
_PLAN_BY_CLASS: Final[dict[type[ControlMessage], _Plan]] = {
    p.cls: p for p in _PLANS.values()}


def _build(control: tuple[Term, ...], payload: Term) -> ControlMessage:
    op = control[0]
    plan = _PLANS.get(op)
    if plan is None:
        return UnknownControl(op, control, payload)
    if len(control) != plan.size:
        raise RemoteProtocolError(
            f"op {op} needs a {plan.size}-tuple, got {len(control)} elements")
    for index, name, check in plan.checks:
        if not check(control[index]):
            raise RemoteProtocolError(f"op {op}: bad {name} {control[index]!r}")
    if plan.payload_check is not None and not plan.payload_check(payload):
        raise RemoteProtocolError(f"op {op}: bad payload {payload!r}")
    return plan.cls(*[payload if s < 0 else control[s] for s in plan.sources])


def _has_payload(op: int, offset: int, end: int) -> bool:
    plan = _PLANS.get(op)
    return plan.payload_field >= 0 if plan is not None else offset < end


def _decode(data: bytes, start: int, end: int, limits: DecodeLimits) -> ControlMessage:
    """The message in ``data[start:end]`` (one packet body, starting with 112)."""
    if start >= end or data[start] != PASS_THROUGH:
        kind = data[start] if start < end else None
        raise RemoteProtocolError(f"not a pass-through packet (type {kind})")
    try:
        control, offset = decode_from(data, start + 1, limits=limits)
        if type(control) is not tuple or not control or type(control[0]) is not int:
            raise RemoteProtocolError(f"control message is not a tuple with an op: {control!r}")
        payload: Term = None
        if _has_payload(control[0], offset, end):
            if offset >= end:
                raise RemoteProtocolError(f"control message {control[0]} without its payload")
            payload, offset = decode_from(data, offset, limits=limits)
    except DecodeError as exc:
        raise RemoteProtocolError(f"undecodable term in packet: {exc}") from None
    if offset != end:
        raise RemoteProtocolError(f"{end - offset} bytes too many or few after the terms")
    return _build(control, payload)


def decode_packet(packet: bytes, limits: DecodeLimits = DEFAULT_LIMITS) -> ControlMessage:
    """Decode one packet body (without its length prefix); see the module docstring."""
    return _decode(bytes(packet), 0, len(packet), limits)


def _write_control(msg: ControlMessage, out: bytearray) -> bool:
    """Append ``131 Control`` for ``msg``; return whether a payload follows."""
    out += b"\x83"
    if type(msg) is UnknownControl:
        encode_into(msg.control_tuple, out)
        return msg.payload_term is not None
    encode_into(msg.control(), out)
    return msg.PAYLOAD is not None


def _payload_of(msg: ControlMessage) -> Term:
    if type(msg) is UnknownControl:
        return msg.payload_term
    return getattr(msg, msg.PAYLOAD or "")


def _write_payload(payload: Term, out: bytearray) -> None:
    """Append ``131 Payload``: an :class:`EncodedTerm` as it is, else encoded."""
    if type(payload) is EncodedTerm:
        out += payload.data
    else:
        out += b"\x83"
        encode_into(payload, out)


def write_frame(msg: ControlMessage, out: bytearray) -> None:
    """Append ``Len:32 · 112 · 131 Control · [131 Payload]`` for ``msg`` to ``out``.

    Raises :class:`pyerlsw.etf.EncodeError` if a term cannot be encoded; ``out`` is then
    left as it was.
    """
    start = len(out)
    out += b"\x00\x00\x00\x00p"
    try:
        if _write_control(msg, out):
            _write_payload(_payload_of(msg), out)
    except BaseException:
        del out[start:]
        raise
    _U32.pack_into(out, start, len(out) - start - 4)


def encode_packet(msg: ControlMessage) -> bytes:
    """The packet body (without the 4-byte length) for ``msg``."""
    out = bytearray()
    write_frame(msg, out)
    return bytes(out[4:])


def control_end(data: bytes, pos: int) -> int:
    """End offset of the term body at ``pos`` if it is made only of what control tuples
    usually hold (small tuples, integers, atoms, pids, references, ``[]``); ``-1`` for
    anything else or for truncated input. Never raises."""
    try:
        end = _skip(data, pos, 0)
    except (IndexError, struct.error):
        return -1
    return end if end <= len(data) else -1


def _skip(data: bytes, pos: int, depth: int) -> int:
    tag = data[pos]
    if tag == 97:  # SMALL_INTEGER_EXT
        return pos + 2
    if tag in {119, 115}:  # SMALL_ATOM_UTF8_EXT, SMALL_ATOM_EXT
        return pos + 2 + data[pos + 1]
    if tag == 88:  # NEW_PID_EXT: node atom, ID, Serial, Creation
        node = _skip_atom(data, pos + 1)
        return node + 12 if node > 0 else -1
    if tag == 104 and depth < 4:  # SMALL_TUPLE_EXT
        arity = data[pos + 1]
        pos += 2
        for _ in range(arity):
            pos = _skip(data, pos, depth + 1)
            if pos < 0:
                return -1
        return pos
    if tag == 98:  # INTEGER_EXT
        return pos + 5
    if tag in {118, 100}:  # ATOM_UTF8_EXT, ATOM_EXT
        return pos + 3 + int(_U16.unpack_from(data, pos + 1)[0])
    if tag == 90:  # NEWER_REFERENCE_EXT: Len, node atom, Creation, ID words
        words = int(_U16.unpack_from(data, pos + 1)[0])
        node = _skip_atom(data, pos + 3)
        return node + 4 + 4 * words if node > 0 else -1
    if tag == 106:  # NIL_EXT
        return pos + 1
    if tag == 110:  # SMALL_BIG_EXT (unlink ids)
        return pos + 3 + data[pos + 1]
    return -1


def _skip_atom(data: bytes, pos: int) -> int:
    tag = data[pos]
    if tag in {119, 115}:
        return pos + 2 + data[pos + 1]
    if tag in {118, 100}:
        return pos + 3 + int(_U16.unpack_from(data, pos + 1)[0])
    return -1


class PacketCodec:
    """Per-connection packet encoder/decoder with header caches (module docstring).

    Args:
        limits: decoding limits for every term.
        max_entries: size of each cache; a full cache is emptied and refilled.
    """

    __slots__ = ("_decoded", "_encoded", "_last_hit", "_last_key", "limits", "max_entries")

    def __init__(self, limits: DecodeLimits = DEFAULT_LIMITS, max_entries: int = 4096) -> None:
        self.limits = limits
        self.max_entries = max_entries
        self._decoded: dict[bytes, tuple[_Plan, tuple[Term, ...]] | ControlMessage] = {}
        self._encoded: dict[tuple[type[ControlMessage], tuple[Term, ...]], bytes] = {}
        self._last_key = b""
        self._last_hit: tuple[_Plan, tuple[Term, ...]] | ControlMessage = UnknownControl(0, ())

    def decode(self, data: bytes, start: int, end: int) -> ControlMessage:
        """The message in ``data[start:end]`` (a packet body); RemoteProtocolError if bad."""
        if start + 2 < end and data[start] == PASS_THROUGH and data[start + 1] == 131:
            # A stream usually repeats its last header; ETF is prefix-free, so a match
            # of the whole previous header at this offset *is* that header.
            last = self._last_key
            if last and data.startswith(last, start + 2):
                return self._from_cache(self._last_hit, data, start + 2 + len(last), end)
            header_end = control_end(data, start + 2)
            if start + 2 < header_end <= end and header_end - start <= MAX_CACHED_HEADER:
                key = data[start + 2:header_end]
                hit = self._decoded.get(key)
                if hit is None:
                    msg = _decode(data, start, end, self.limits)
                    self._remember(key, msg)
                    return msg
                self._last_key, self._last_hit = key, hit
                return self._from_cache(hit, data, header_end, end)
        return _decode(data, start, end, self.limits)

    def _from_cache(self, hit: tuple[_Plan, tuple[Term, ...]] | ControlMessage, data: bytes,
                    offset: int, end: int) -> ControlMessage:
        if isinstance(hit, ControlMessage):
            if offset != end:
                raise RemoteProtocolError(f"{end - offset} trailing bytes after the control")
            return hit
        plan, header = hit
        if offset >= end:
            raise RemoteProtocolError(f"control message {plan.cls.OP} without its payload")
        try:
            payload, offset = decode_from(data, offset, limits=self.limits)
        except DecodeError as exc:
            raise RemoteProtocolError(f"undecodable term in packet: {exc}") from None
        if offset != end:
            raise RemoteProtocolError(f"{end - offset} trailing bytes after the payload")
        if plan.payload_check is not None and not plan.payload_check(payload):
            raise RemoteProtocolError(f"op {plan.cls.OP}: bad payload {payload!r}")
        where = plan.payload_field
        return plan.cls(*header[:where], payload, *header[where:])  # type: ignore[call-arg]

    def _remember(self, key: bytes, msg: ControlMessage) -> None:
        plan = _PLAN_BY_CLASS.get(type(msg))
        if plan is None or not plan.cacheable:
            return
        if len(self._decoded) >= self.max_entries:
            self._decoded.clear()
        hit = (plan, plan.header(msg)) if plan.payload_field >= 0 else msg
        self._decoded[key] = hit
        self._last_key, self._last_hit = key, hit

    def write_message(self, from_pid: Pid | None, to_pid: Pid, payload: Term,
                      out: bytearray) -> None:
        """Append the framed ``SEND_SENDER`` (with ``from_pid``) or ``SEND`` (without)
        of ``payload`` to ``to_pid``; the same bytes as :meth:`write` of that message,
        without building it once the header is cached (the hot path of every send).

        Raises :class:`pyerlsw.etf.EncodeError` (``out`` left as it was) like
        :meth:`write`.
        """
        if from_pid is None:
            self._write_keyed(Send, (to_pid,), payload, out)
        else:
            self._write_keyed(SendSender, (from_pid, to_pid), payload, out)

    def write_reg_send(self, from_pid: Pid, to_name: Atom, payload: Term,
                       out: bytearray) -> None:
        """Append the framed ``REG_SEND`` of ``payload`` to ``to_name``, like
        :meth:`write_message` (the same bytes as :meth:`write` of the message)."""
        self._write_keyed(RegSend, (from_pid, to_name), payload, out)

    def _write_keyed(self, cls: type[ControlMessage], values: tuple[Term, ...],
                     payload: Term, out: bytearray) -> None:
        """``cls(*values, payload)`` framed; ``values`` are its header fields in field
        order (the cache key :meth:`write` uses), the payload its last field."""
        header = None
        for value in values:
            if type(value) not in _IDENTITY_TYPES:
                break
        else:
            header = self._encoded.get((cls, values))
        if header is None:  # fills the cache when the values allow it
            self.write(cls(*values, payload), out)  # type: ignore[call-arg]
            return
        start = len(out)
        out += b"\x00\x00\x00\x00p"
        out += header
        try:
            _write_payload(payload, out)
        except BaseException:
            del out[start:]
            raise
        _U32.pack_into(out, start, len(out) - start - 4)

    def write(self, msg: ControlMessage, out: bytearray) -> None:
        """Append the framed packet for ``msg`` to ``out`` (like :func:`write_frame`)."""
        plan = _PLAN_BY_CLASS.get(type(msg))
        if plan is None or not plan.cacheable:
            write_frame(msg, out)
            return
        values = plan.header(msg)
        for value in values:
            if type(value) not in _IDENTITY_TYPES:  # e.g. 1 and True hash alike
                write_frame(msg, out)
                return
        key = (plan.cls, values)
        header = self._encoded.get(key)
        start = len(out)
        out += b"\x00\x00\x00\x00p"
        try:
            if header is None:
                mark = len(out)
                _write_control(msg, out)
                if len(out) - mark <= MAX_CACHED_HEADER:
                    if len(self._encoded) >= self.max_entries:
                        self._encoded.clear()
                    self._encoded[key] = bytes(out[mark:])
            else:
                out += header
            if plan.payload_field >= 0:
                _write_payload(_payload_of(msg), out)
        except BaseException:
            del out[start:]
            raise
        _U32.pack_into(out, start, len(out) - start - 4)
