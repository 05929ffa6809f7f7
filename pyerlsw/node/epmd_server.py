"""A small EPMD server, for hosts without Erlang.

It answers what nodes and tools ask: ALIVE2 (registration lives as long as the
registering connection), PORT_PLEASE2, NAMES, DUMP, KILL and STOP. Like ``epmd``, it
refuses a name that is already registered, and refuses KILL/STOP while nodes are
registered. Requests are parsed by :mod:`pyerlsw.dist.epmd`; garbage closes only that
connection.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import struct
from dataclasses import dataclass
from typing import cast

from pyerlsw.dist import epmd
from pyerlsw.dist.buffer import ReceiveBuffer
from pyerlsw.dist.errors import RemoteProtocolError

__all__ = ["EpmdServer"]

log = logging.getLogger("pyerlsw.node")

_MAX_REQUEST_BUFFER = 70_000  # one request is at most 2 + 65535 bytes


@dataclass(slots=True)
class _Registered:
    entry: epmd.NodeEntry
    creation: int
    owner: _EpmdProtocol


class EpmdServer:
    """The built-in EPMD. ``await EpmdServer().start(host, port)``; ``await close()``."""

    def __init__(self) -> None:
        self.nodes: dict[str, _Registered] = {}
        self.port = 0
        self._server: asyncio.Server | None = None
        self._creation = secrets.randbits(31) + 1

    async def start(self, host: str, port: int) -> EpmdServer:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _EpmdProtocol(self), host, port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        log.info("built-in EPMD listening on %s:%d", host, self.port)
        return self

    async def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            for reg in list(self.nodes.values()):
                if reg.owner.transport is not None:
                    reg.owner.transport.close()
            self.nodes.clear()
            await server.wait_closed()

    def next_creation(self) -> int:
        self._creation = self._creation % 0xFFFFFFFF + 1
        return self._creation

    def answer(self, proto: _EpmdProtocol, request: epmd.EpmdRequest) -> tuple[bytes, bool]:
        """The answer bytes, and whether to close the connection after it."""
        if isinstance(request, epmd.Alive2Request):
            name = request.entry.name
            extended = request.entry.highest_version >= 6
            if name in self.nodes or proto.registered is not None:
                return epmd.Alive2Response(1, 0, extended).encode(), True
            creation = self.next_creation()
            self.nodes[name] = _Registered(request.entry, creation, proto)
            proto.registered = name
            return epmd.Alive2Response(0, creation, extended).encode(), False
        if isinstance(request, epmd.PortPlease2Request):
            reg = self.nodes.get(request.name)
            entry = reg.entry if reg is not None else None
            return epmd.Port2Response(0 if entry else 1, entry).encode(), True
        if isinstance(request, epmd.NamesRequest):
            listing = tuple((n, r.entry.port) for n, r in self.nodes.items())
            return epmd.NamesResponse(self.port, listing).encode(), True
        if isinstance(request, epmd.DumpRequest):
            lines = "".join(f"active name     <{n}> at port {r.entry.port}, fd = 0\n"
                            for n, r in self.nodes.items())
            return struct.pack(">I", self.port) + lines.encode(), True
        if isinstance(request, epmd.KillRequest):
            if self.nodes:
                return b"NO", True
            asyncio.get_running_loop().create_task(self.close())
            return b"OK", True
        if isinstance(request, epmd.StopRequest):
            return b"NOEXIST", True
        raise RemoteProtocolError(f"unhandled EPMD request {request!r}")  # pragma: no cover

    def forget(self, proto: _EpmdProtocol) -> None:
        name = proto.registered
        if name is not None and name in self.nodes and self.nodes[name].owner is proto:
            del self.nodes[name]


class _EpmdProtocol(asyncio.Protocol):
    def __init__(self, server: EpmdServer) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.registered: str | None = None
        self._buffer = ReceiveBuffer()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses: no isinstance check
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self._buffer.append(data)
        if len(self._buffer) > _MAX_REQUEST_BUFFER:
            self.transport.abort()
            return
        try:
            while True:
                parsed = epmd.parse_request(self._buffer.raw, self._buffer.start)
                if parsed is None:
                    return
                request, end = parsed
                self._buffer.skip(end - self._buffer.start)
                answer, close = self.server.answer(self, request)
                self.transport.write(answer)
                if close:
                    self.transport.close()
                    return
        except RemoteProtocolError as exc:
            log.info("built-in EPMD: bad request: %s", exc)
            self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.forget(self)
