"""The XML lookup chain: fetch providers first, then the static configuration.

FreeSWITCH asks every XML binding in turn when it needs a piece of configuration, a
dialplan or a directory entry (``switch_xml_locate``): mod_erlang_event's binding sends
``{fetch, Section, Tag, Key, Value, FetchID, Params}`` to bound Erlang processes and
waits for a ``fetch_reply``. :class:`XmlLookup` is that chain for one switch.

A provider is an async callable taking a :class:`FetchRequest` and returning the XML
answer as ``str``, ``bytes`` or an already parsed ``Element``, or None for "nothing".
Providers are tried in the order they were added, only for the sections they were
added for, each bounded by ``limits.fetch_timeout``. An answer is skipped (the next
provider, finally the static XML, is tried) when the provider times out or raises, when
it is empty, larger than ``limits.max_document_bytes``, does not parse, is FreeSWITCH's
"not found" document, or lacks the requested section/tag. The first other answer wins.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from pyerlsw.switch.xml.directory import DirectoryEntry, find_user
from pyerlsw.switch.xml.document import find_context, is_not_found, locate
from pyerlsw.switch.xml.errors import XmlParseError
from pyerlsw.switch.xml.limits import XmlLimits
from pyerlsw.switch.xml.parse import parse_xml
from pyerlsw.switch.xml.static import StaticXml

__all__ = ["FetchRequest", "XmlAnswer", "XmlLookup", "XmlProvider"]

XmlAnswer = str | bytes | Element | None
"""What a provider may answer: XML text, XML bytes, a parsed root, or None."""


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """One lookup, as mod_erlang_event would send it in ``{fetch, ...}``.

    ``tag_name``, ``key_name`` and ``key_value`` are None when the lookup has none
    (dialplan lookups; mod_erlang_event then sends the string ``"undefined"``).
    ``params`` are the request parameters (the ``REQUEST_PARAMS`` event headers) in order.
    """

    section: str
    tag_name: str | None
    key_name: str | None
    key_value: str | None
    params: tuple[tuple[str, str], ...]

    def param(self, name: str) -> str | None:
        """The first parameter called ``name`` (case-insensitive), or None."""
        lowered = name.lower()
        for key, value in self.params:
            if key.lower() == lowered:
                return value
        return None


XmlProvider = Callable[[FetchRequest], Awaitable[XmlAnswer]]


@dataclass(frozen=True, slots=True)
class _Registration:
    provider: XmlProvider
    sections: frozenset[str] | None


class XmlLookup:
    """Fetch providers in front of a static document; one instance per switch."""

    def __init__(
        self,
        static: StaticXml | None = None,
        *,
        limits: XmlLimits | None = None,
        logger: logging.Logger | None = None,
    ) -> None:
        self._static = static if static is not None else StaticXml.empty()
        self.limits = limits or XmlLimits()
        self._log = logger or logging.getLogger("pyerlsw.switch.xml")
        self._registrations: list[_Registration] = []

    @property
    def static(self) -> StaticXml:
        return self._static

    def replace_static(self, static: StaticXml) -> None:
        """Swap the static document (``reloadxml``); lookups in flight keep the old one."""
        self._static = static

    def add_provider(self, provider: XmlProvider, sections: Iterable[str] | None = None) -> None:
        """Append ``provider`` to the chain for ``sections`` (names such as
        ``"dialplan"``, case-insensitive), or for every section when None. The same
        provider may be added more than once; it is then asked more than once."""
        names = None if sections is None else frozenset(s.lower() for s in sections)
        self._registrations.append(_Registration(provider, names))

    def remove_provider(self, provider: XmlProvider) -> int:
        """Remove every registration of ``provider`` (compared by identity); returns how
        many were removed."""
        before = len(self._registrations)
        self._registrations = [r for r in self._registrations if r.provider is not provider]
        return before - len(self._registrations)

    def has_providers(self, section: str) -> bool:
        """Whether any provider is registered for ``section``."""
        return any(self._wants(r, section.lower()) for r in self._registrations)

    async def fetch(
        self,
        section: str,
        tag_name: str | None = None,
        key_name: str | None = None,
        key_value: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Element | None:
        """Look up ``section`` (and ``tag_name`` keyed by ``key_name=key_value`` in it).

        Returns the tag element, or the section element when no tag is asked for, from
        the first provider with a usable answer, else from the static XML; None when
        nothing has it. Never raises for a provider's failure (it is logged).
        """
        request = FetchRequest(
            section, tag_name, key_name, key_value, tuple((params or {}).items())
        )
        wanted = section.lower()
        for registration in list(self._registrations):
            if not self._wants(registration, wanted):
                continue
            found = await self._ask(registration.provider, request)
            if found is not None:
                return found
        return self._static.locate(section, tag_name, key_name, key_value)

    async def dialplan_context(
        self, context: str, params: Mapping[str, str] | None = None
    ) -> Element | None:
        """The ``<context name=context>`` of the dialplan, falling back to a context named
        ``global`` as FreeSWITCH does; None when the dialplan or both contexts are missing."""
        dialplan = await self.fetch("dialplan", params=params)
        if dialplan is None:
            return None
        return find_context(dialplan, context)

    async def directory_user(
        self, user: str, domain: str, params: Mapping[str, str] | None = None
    ) -> DirectoryEntry | None:
        """The directory entry of ``user`` in ``domain`` (the fetch asks for tag
        ``domain`` keyed by ``name=domain`` and carries ``key=id``, ``user``, ``domain``
        in its params, as FreeSWITCH's user lookup does)."""
        merged = {"key": "id", "user": user, "domain": domain}
        merged.update(params or {})
        found = await self.fetch("directory", "domain", "name", domain, merged)
        if found is None:
            return None
        return find_user(found, user)

    async def configuration(
        self, name: str, params: Mapping[str, str] | None = None
    ) -> Element | None:
        """The ``<configuration name=name>`` element (``name`` like
        ``"erlang_event.conf"``), or None."""
        return await self.fetch("configuration", "configuration", "name", name, params)

    @staticmethod
    def _wants(registration: _Registration, section: str) -> bool:
        return registration.sections is None or section in registration.sections

    async def _ask(self, provider: XmlProvider, request: FetchRequest) -> Element | None:
        name = getattr(provider, "__qualname__", None) or repr(provider)
        try:
            async with asyncio.timeout(self.limits.fetch_timeout):
                answer = await provider(request)
        except TimeoutError:
            self._log.warning(
                "XML fetch of %s from %s timed out after %ss; trying the next source",
                request.section,
                name,
                self.limits.fetch_timeout,
            )
            return None
        except Exception:
            self._log.exception(
                "XML fetch of %s from %s failed; trying the next source", request.section, name
            )
            return None
        root = self._interpret(answer, name, request)
        if root is None:
            return None
        found = locate(root, request.section, request.tag_name, request.key_name, request.key_value)
        if found is None:
            self._log.debug(
                "XML answer of %s lacks section %s tag %s %s=%s; trying the next source",
                name,
                request.section,
                request.tag_name,
                request.key_name,
                request.key_value,
            )
        return found

    def _interpret(self, answer: object, name: str, request: FetchRequest) -> Element | None:
        if answer is None or (isinstance(answer, str | bytes) and not answer):
            self._log.debug("XML fetch of %s: %s has nothing", request.section, name)
            return None
        if isinstance(answer, Element):
            root = answer
        elif isinstance(answer, str | bytes):
            try:
                root = parse_xml(answer, source=name, max_bytes=self.limits.max_document_bytes)
            except XmlParseError as exc:
                self._log.warning(
                    "XML fetch of %s: unusable answer (%s); trying the next source",
                    request.section,
                    exc,
                )
                return None
        else:
            self._log.warning(
                "XML fetch of %s: %s answered a %s, not XML; trying the next source",
                request.section,
                name,
                type(answer).__name__,
            )
            return None
        if is_not_found(root):
            self._log.debug("XML fetch of %s: %s answered not found", request.section, name)
            return None
        return root
