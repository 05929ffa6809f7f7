"""XML bindings: Erlang processes answering the switch's configuration lookups (§4.13,
§4.14, §10).

:class:`FetchBroker` is one provider in the switch's
:class:`~pyerlsw.switch.xml.lookup.XmlLookup` chain. When the switch needs a section
that a process bound with ``{bind, Section}``, the broker sends
``{fetch, Section, Tag, Key, Value, FetchUUID, Params}`` to every binder of exactly that
section (all connections, in binding order) and waits for the first
``{fetch_reply, FetchUUID, Xml}``; the XML goes back to the lookup, which parses it
safely (defusedxml), treats FreeSWITCH's "not found" document as nothing and, when no
usable answer comes in time, falls back to the next provider and the static XML.

The wait is bounded by ``timeout`` (default: the lookup's ``fetch_timeout``, 5 s, the
switch's real time). A reply to a fetch that is finished (answered, timed out) gets
``{error, invalid_uuid}``. Bindings end when their process exits or its connection
closes.
"""

from __future__ import annotations

import asyncio
import logging
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyerlsw.dist import EncodedTerm
from pyerlsw.etf import Pid, Term
from pyerlsw.switch.xml.lookup import FetchRequest as SwitchFetch
from pyerlsw.switch.xml.lookup import XmlAnswer

from .command_types import FetchReply
from .eventterm import FetchRequest, PreparedEvent
from .replies import ERROR_INVALID_UUID, fetch_reply_accepted
from .text import Encoding
from .xmlsections import XmlSection, parse_section_string

if TYPE_CHECKING:
    from .listener import Listener

__all__ = ["Binding", "FetchBroker"]

log = logging.getLogger("pyerlsw.gateway")


@dataclass(frozen=True, slots=True, eq=False)
class Binding:
    """``{bind, Section}`` from ``pid`` over ``listener``'s connection."""

    sections: XmlSection
    pid: Pid
    listener: Listener


class FetchBroker:
    """The gateway's XML provider and its bindings (see the module docstring).

    Args:
        encoding: how text goes into ``{fetch, ...}`` and ``{ok, FetchUUID}``.
        timeout: seconds to wait for the first ``fetch_reply``.
        debug: called with each XML answer when the console's ``erlang debug`` is on.
    """

    def __init__(self, encoding: Encoding, timeout: float,
                 debug: Callable[[str, bytes], None] | None = None) -> None:
        self.encoding = encoding
        self.timeout = timeout
        self.bindings: list[Binding] = []
        self._pending: dict[str, asyncio.Future[bytes | None]] = {}
        self._debug = debug

    # ------------------------------------------------------------------ bindings

    def bind(self, sections: XmlSection, pid: Pid, listener: Listener) -> None:
        """Add a binding (duplicates allowed: the process then gets each fetch twice)."""
        self.bindings.append(Binding(sections, pid, listener))

    def unbind_pid(self, pid: Pid) -> None:
        """Remove every binding of ``pid`` (it exited), on every connection."""
        self.bindings = [b for b in self.bindings if b.pid != pid]

    def unbind_listener(self, listener: Listener) -> None:
        """Remove the bindings made over a connection that closed."""
        self.bindings = [b for b in self.bindings if b.listener is not listener]

    @property
    def pending(self) -> int:
        """Fetches waiting for an answer."""
        return len(self._pending)

    # ------------------------------------------------------------------ the provider

    async def provide(self, request: SwitchFetch) -> XmlAnswer:
        """The switch asks for a section: ask the binders, return the first answer
        (bytes), or ``None`` when nobody is bound, nobody answers in time, or the
        answer means "not found"."""
        section = parse_section_string(request.section)
        binders = [b for b in self.bindings
                   if b.sections == section and not b.listener.closed]
        if not section or not binders:
            return None
        fetch_uuid = str(uuidlib.uuid4())
        params = PreparedEvent(request.params, event_type=None, subclass=None) \
            if request.params else None
        message = FetchRequest(request.section, request.tag_name, request.key_name,
                               request.key_value, fetch_uuid, params)
        payload = EncodedTerm(message.payload(self.encoding))
        future: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
        self._pending[fetch_uuid] = future
        try:
            for binding in binders:
                binding.listener.send(binding.pid, payload)
            async with asyncio.timeout(self.timeout):
                xml = await future
        except TimeoutError:
            log.warning("fetch %s of %s: no answer from %d binder(s) within %ss",
                        fetch_uuid, request.section, len(binders), self.timeout)
            return None
        finally:
            self._pending.pop(fetch_uuid, None)
        if xml is not None and self._debug is not None:
            self._debug(fetch_uuid, xml)
        return xml

    # ------------------------------------------------------------------ answers

    def answer(self, reply: FetchReply, encoding: Encoding) -> Term:
        """``{fetch_reply, FetchUUID, Xml}`` from any connection (§4.14): the first
        one wins; a term that is not usable XML counts as "not found"."""
        future = self._pending.pop(reply.fetch_uuid, None)
        if future is None or future.done():
            return ERROR_INVALID_UUID
        if reply.xml is None:
            log.warning("fetch %s: %s; treated as not found", reply.fetch_uuid, reply.problem)
        future.set_result(reply.xml)
        return fetch_reply_accepted(reply.fetch_uuid, encoding)
