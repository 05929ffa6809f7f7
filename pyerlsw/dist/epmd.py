"""EPMD messages, both directions, as bytes <-> typed values (no I/O).

Requests travel as ``Len:16 · Request`` and a server parses them with
:func:`parse_request`. Responses carry no length prefix:

* ``ALIVE2_X_RESP`` / ``ALIVE2_RESP`` arrive on the connection that stays open for the
  node's lifetime: parse them incrementally with :func:`parse_alive2_response`;
* ``PORT2_RESP`` and ``NAMES`` answers end when EPMD closes the socket: read to EOF,
  then call :func:`parse_port2_response` / :func:`parse_names_response`.

Every encoder validates what it is given (:class:`LocalProtocolError`); every parser
raises :class:`RemoteProtocolError` for malformed input and nothing else. Layouts are
in ``/work/shared/spec/erlang_dist.md`` §2.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final

from pyerlsw.dist.errors import LocalProtocolError, RemoteProtocolError

__all__ = [
    "ALIVE2_REQ",
    "ALIVE2_RESP",
    "ALIVE2_X_RESP",
    "DUMP_REQ",
    "KILL_REQ",
    "NAMES_REQ",
    "NODE_TYPE_HIDDEN",
    "NODE_TYPE_NORMAL",
    "PORT2_RESP",
    "PORT_PLEASE2_REQ",
    "STOP_REQ",
    "Alive2Request",
    "Alive2Response",
    "DumpRequest",
    "EpmdRequest",
    "KillRequest",
    "NamesRequest",
    "NamesResponse",
    "NodeEntry",
    "Port2Response",
    "PortPlease2Request",
    "StopRequest",
    "parse_alive2_response",
    "parse_names_response",
    "parse_port2_response",
    "parse_request",
]

ALIVE2_REQ: Final = 120  # 'x'
ALIVE2_X_RESP: Final = 118  # 'v'
ALIVE2_RESP: Final = 121  # 'y'
PORT_PLEASE2_REQ: Final = 122  # 'z'
PORT2_RESP: Final = 119  # 'w'
NAMES_REQ: Final = 110  # 'n'
DUMP_REQ: Final = 100  # 'd'
KILL_REQ: Final = 107  # 'k'
STOP_REQ: Final = 115  # 's'

NODE_TYPE_NORMAL: Final = 77  # 'M' (OTP registers this even for -hidden nodes)
NODE_TYPE_HIDDEN: Final = 72  # 'H'

_MAX_NAME_BYTES: Final = 255 * 4  # an atom has at most 255 characters


def _encode_name(name: str) -> bytes:
    raw = name.encode("utf-8")
    if not raw or len(raw) > _MAX_NAME_BYTES or b"\x00" in raw or "@" in name:
        raise LocalProtocolError(f"not a valid alive name for EPMD: {name!r}")
    return raw


def _decode_name(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RemoteProtocolError(f"EPMD node name is not UTF-8: {raw!r}") from None


def _frame(body: bytes) -> bytes:
    if len(body) > 0xFFFF:
        raise LocalProtocolError(f"EPMD request too long ({len(body)} bytes)")
    return struct.pack(">H", len(body)) + body


@dataclass(frozen=True, slots=True)
class NodeEntry:
    """What a node registers with ALIVE2 and what PORT_PLEASE2 returns.

    ``name`` is the alive part only (no ``@host``).
    """

    name: str
    port: int
    node_type: int = NODE_TYPE_NORMAL
    protocol: int = 0
    highest_version: int = 6
    lowest_version: int = 6
    extra: bytes = b""

    def encode_body(self) -> bytes:
        """``PortNo · NodeType · Protocol · High · Low · Nlen · Name · Elen · Extra``."""
        if not 0 <= self.port <= 0xFFFF:
            raise LocalProtocolError(f"port out of range: {self.port}")
        name = _encode_name(self.name)
        if len(self.extra) > 0xFFFF:
            raise LocalProtocolError("EPMD extra field too long")
        return (
            struct.pack(
                ">HBBHHH",
                self.port,
                self.node_type,
                self.protocol,
                self.highest_version,
                self.lowest_version,
                len(name),
            )
            + name
            + struct.pack(">H", len(self.extra))
            + self.extra
        )

    @classmethod
    def decode_body(cls, body: bytes) -> NodeEntry:
        """Inverse of :meth:`encode_body`; trailing bytes are a protocol error."""
        if len(body) < 10:
            raise RemoteProtocolError("EPMD node entry truncated")
        port, node_type, protocol, high, low, nlen = struct.unpack_from(">HBBHHH", body)
        end_name = 10 + nlen
        if len(body) < end_name + 2:
            raise RemoteProtocolError("EPMD node entry truncated in the name")
        name = _decode_name(body[10:end_name])
        (elen,) = struct.unpack_from(">H", body, end_name)
        if len(body) != end_name + 2 + elen:
            raise RemoteProtocolError("EPMD node entry has a bad extra length")
        if not name:
            raise RemoteProtocolError("EPMD node entry has an empty name")
        extra = bytes(body[end_name + 2 :])
        return cls(name, port, node_type, protocol, high, low, extra)


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True, slots=True)
class Alive2Request:
    """Register ``entry``; keep the connection open for as long as the node lives."""

    entry: NodeEntry

    def encode(self) -> bytes:
        return _frame(bytes([ALIVE2_REQ]) + self.entry.encode_body())


@dataclass(frozen=True, slots=True)
class PortPlease2Request:
    """Ask for the listen port of the node whose alive name is ``name``."""

    name: str

    def encode(self) -> bytes:
        return _frame(bytes([PORT_PLEASE2_REQ]) + _encode_name(self.name))


@dataclass(frozen=True, slots=True)
class NamesRequest:
    """List the registered names (``net_adm:names/0``)."""

    def encode(self) -> bytes:
        return _frame(bytes([NAMES_REQ]))


@dataclass(frozen=True, slots=True)
class DumpRequest:
    """Debug dump of EPMD's table."""

    def encode(self) -> bytes:
        return _frame(bytes([DUMP_REQ]))


@dataclass(frozen=True, slots=True)
class KillRequest:
    """Ask EPMD to stop (answered with ``OK``)."""

    def encode(self) -> bytes:
        return _frame(bytes([KILL_REQ]))


@dataclass(frozen=True, slots=True)
class StopRequest:
    """Unregister ``name`` (documented as unused by OTP)."""

    name: str

    def encode(self) -> bytes:
        return _frame(bytes([STOP_REQ]) + _encode_name(self.name))


EpmdRequest = (
    Alive2Request | PortPlease2Request | NamesRequest | DumpRequest | KillRequest | StopRequest
)


def parse_request(data: bytes | bytearray, offset: int = 0) -> tuple[EpmdRequest, int] | None:
    """Parse one ``Len:16 · Request`` at ``offset``; ``None`` if more bytes are needed.

    Returns the request and the offset just after it. Raises
    :class:`RemoteProtocolError` for an empty or unknown request.
    """
    if len(data) - offset < 2:
        return None
    (length,) = struct.unpack_from(">H", data, offset)
    end = offset + 2 + length
    if len(data) < end:
        return None
    if length == 0:
        raise RemoteProtocolError("empty EPMD request")
    kind = data[offset + 2]
    body = bytes(data[offset + 3 : end])
    request: EpmdRequest
    if kind == ALIVE2_REQ:
        request = Alive2Request(NodeEntry.decode_body(body))
    elif kind == PORT_PLEASE2_REQ:
        request = PortPlease2Request(_decode_name(body))
    elif kind == NAMES_REQ:
        request = NamesRequest()
    elif kind == DUMP_REQ:
        request = DumpRequest()
    elif kind == KILL_REQ:
        request = KillRequest()
    elif kind == STOP_REQ:
        request = StopRequest(_decode_name(body))
    else:
        raise RemoteProtocolError(f"unknown EPMD request type {kind}")
    return request, end


# -------------------------------------------------------------------------- responses


@dataclass(frozen=True, slots=True)
class Alive2Response:
    """EPMD's answer to ALIVE2: ``result`` 0 = registered, with ``creation``.

    ``extended`` selects ALIVE2_X_RESP (32-bit creation, sent when the request's highest
    version is 6 or more) over the old ALIVE2_RESP (16-bit creation).
    """

    result: int
    creation: int
    extended: bool = True

    @property
    def ok(self) -> bool:
        return self.result == 0

    def encode(self) -> bytes:
        if self.extended:
            return struct.pack(">BBI", ALIVE2_X_RESP, self.result, self.creation)
        return struct.pack(">BBH", ALIVE2_RESP, self.result, self.creation & 0xFFFF)


def parse_alive2_response(
    data: bytes | bytearray, offset: int = 0
) -> tuple[Alive2Response, int] | None:
    """Parse an ALIVE2 answer at ``offset``; ``None`` if more bytes are needed."""
    if len(data) - offset < 1:
        return None
    kind = data[offset]
    if kind == ALIVE2_X_RESP:
        if len(data) - offset < 6:
            return None
        _, result, creation = struct.unpack_from(">BBI", data, offset)
        return Alive2Response(result, creation, True), offset + 6
    if kind == ALIVE2_RESP:
        if len(data) - offset < 4:
            return None
        _, result, creation = struct.unpack_from(">BBH", data, offset)
        return Alive2Response(result, creation, False), offset + 4
    raise RemoteProtocolError(f"unexpected EPMD answer to ALIVE2: type {kind}")


@dataclass(frozen=True, slots=True)
class Port2Response:
    """EPMD's answer to PORT_PLEASE2: ``entry`` when ``result`` is 0, else ``None``."""

    result: int
    entry: NodeEntry | None = None

    def encode(self) -> bytes:
        if self.entry is None or self.result != 0:
            return bytes([PORT2_RESP, self.result or 1])
        return bytes([PORT2_RESP, 0]) + self.entry.encode_body()


def parse_port2_response(data: bytes | bytearray) -> Port2Response:
    """Parse a complete PORT2_RESP (everything EPMD sent before closing)."""
    if len(data) < 2 or data[0] != PORT2_RESP:
        raise RemoteProtocolError(f"not a PORT2_RESP: {bytes(data[:8])!r}")
    result = data[1]
    if result != 0:
        if len(data) != 2:
            raise RemoteProtocolError("PORT2_RESP failure with trailing bytes")
        return Port2Response(result)
    return Port2Response(0, NodeEntry.decode_body(bytes(data[2:])))


@dataclass(frozen=True, slots=True)
class NamesResponse:
    """EPMD's answer to NAMES: its own port and ``(alive name, port)`` pairs."""

    epmd_port: int
    names: tuple[tuple[str, int], ...]

    def encode(self) -> bytes:
        lines = "".join(f"name {name} at port {port}\n" for name, port in self.names)
        return struct.pack(">I", self.epmd_port) + lines.encode("utf-8")


def parse_names_response(data: bytes | bytearray) -> NamesResponse:
    """Parse a complete NAMES answer (everything EPMD sent before closing)."""
    if len(data) < 4:
        raise RemoteProtocolError("NAMES answer truncated")
    (epmd_port,) = struct.unpack_from(">I", data)
    names: list[tuple[str, int]] = []
    for line in _decode_name(bytes(data[4:])).splitlines():
        words = line.split(" ")
        if len(words) != 5 or words[0] != "name" or words[2:4] != ["at", "port"]:
            raise RemoteProtocolError(f"bad NAMES line: {line!r}")
        if not words[4].isdigit():
            raise RemoteProtocolError(f"bad port in NAMES line: {line!r}")
        names.append((words[1], int(words[4])))
    return NamesResponse(epmd_port, tuple(names))
