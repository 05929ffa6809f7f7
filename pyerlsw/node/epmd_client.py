"""Talking to EPMD over asyncio streams (the messages are in :mod:`pyerlsw.dist.epmd`).

* :class:`Registration` registers a node and keeps the connection open for the node's
  lifetime (EPMD forgets the name when it closes).
* :func:`port_please`, :func:`names`, :func:`kill` are one-shot requests: EPMD answers
  and closes, so the answer is read to EOF (bounded) and parsed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from pyerlsw.dist import epmd
from pyerlsw.dist.errors import RemoteProtocolError
from pyerlsw.node.errors import NodeError

__all__ = ["Registration", "is_running", "kill", "names", "port_please"]

log = logging.getLogger("pyerlsw.node")

_MAX_ANSWER = 1 << 20  # NAMES of a very busy host still fits


async def _request(host: str, port: int, request: bytes, timeout: float) -> bytes:
    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(request)
            await writer.drain()
            data = await reader.read(_MAX_ANSWER + 1)
            chunks = [data]
            total = len(data)
            while data and total <= _MAX_ANSWER:
                data = await reader.read(_MAX_ANSWER + 1 - total)
                chunks.append(data)
                total += len(data)
            if total > _MAX_ANSWER:
                raise RemoteProtocolError("EPMD answer too long")
            return b"".join(chunks)
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    return await asyncio.wait_for(exchange(), timeout)


async def port_please(host: str, port: int, alive: str,
                      timeout: float = 5.0) -> epmd.NodeEntry | None:
    """The entry EPMD on ``host:port`` has for ``alive``, or ``None`` if unknown."""
    data = await _request(host, port, epmd.PortPlease2Request(alive).encode(), timeout)
    answer = epmd.parse_port2_response(data)
    return answer.entry if answer.result == 0 else None


async def names(host: str, port: int, timeout: float = 5.0) -> list[tuple[str, int]]:
    """``(alive name, port)`` for every node registered with EPMD on ``host:port``."""
    data = await _request(host, port, epmd.NamesRequest().encode(), timeout)
    return list(epmd.parse_names_response(data).names)


async def kill(host: str, port: int, timeout: float = 5.0) -> bool:
    """Ask EPMD to stop; ``True`` if it answered ``OK``."""
    return await _request(host, port, epmd.KillRequest().encode(), timeout) == b"OK"


async def is_running(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether something answers NAMES like EPMD on ``host:port``."""
    try:
        await names(host, port, timeout)
    except (OSError, TimeoutError, RemoteProtocolError):
        return False
    return True


class Registration:
    """A node's registration with EPMD; the TCP connection stays open until
    :meth:`close`."""

    def __init__(self) -> None:
        self.creation = 0
        self._writer: asyncio.StreamWriter | None = None
        self._watch: asyncio.Task[None] | None = None

    async def register(self, host: str, port: int, entry: epmd.NodeEntry,
                       timeout: float = 5.0) -> int:
        """Register ``entry``; return the creation EPMD assigned.

        Raises:
            NodeError: EPMD refused (typically: the name is taken).
            OSError, TimeoutError: EPMD is not reachable.
        """
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        try:
            writer.write(epmd.Alive2Request(entry).encode())
            buffer = b""
            parsed = None
            while parsed is None:
                chunk = await asyncio.wait_for(reader.read(64), timeout)
                if not chunk:
                    raise NodeError("EPMD closed the connection during ALIVE2")
                buffer += chunk
                parsed = epmd.parse_alive2_response(buffer)
        except BaseException:
            writer.close()
            raise
        answer, _ = parsed
        if not answer.ok:
            writer.close()
            raise NodeError(f"EPMD refused the name {entry.name!r} (is it already in use?)")
        self.creation = answer.creation
        self._writer = writer
        self._watch = asyncio.get_running_loop().create_task(self._watch_eof(reader, entry))
        return answer.creation

    async def _watch_eof(self, reader: asyncio.StreamReader, entry: epmd.NodeEntry) -> None:
        with contextlib.suppress(OSError):
            while await reader.read(256):
                pass
        if self._writer is not None:
            log.warning("EPMD closed the registration of %s; peers cannot find this node",
                        entry.name)

    async def close(self) -> None:
        """Unregister (close the connection)."""
        writer, self._writer = self._writer, None
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
