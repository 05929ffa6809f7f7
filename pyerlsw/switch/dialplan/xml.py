"""The ``XML`` dialplan engine (FreeSWITCH's mod_dialplan_xml).

A hunt fetches the ``dialplan`` section through the :class:`XmlLookup` chain (fetch
providers such as mod_erlang_event bindings first, with the channel's data and the
``Hunt-*`` profile as request parameters; then the static XML), picks the
``<context name=...>`` (falling back to one named ``global``), and evaluates its
extensions in order (see :mod:`~pyerlsw.switch.dialplan.conditions`). With the channel
variable ``auto_hunt`` true, evaluation starts at the extension named like the
destination when there is one.

It logs what FreeSWITCH logs on the channel (``Processing <name> <number>->dest in
context ctx`` at INFO, every ``parsing``, ``Regex (PASS)``/``(FAIL)``, ``Action`` line at
DEBUG). A missing dialplan or context, no matching extension, an invalid expression or
any other broken content gives None (the core hangs up NO_ROUTE_DESTINATION); the
engine never raises for dialplan content.

Action data keeps its ``${variables}``: FreeSWITCH expands them when the application
runs, so the core must expand ``Action.data`` at execution time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import tzinfo
from pathlib import Path
from xml.etree.ElementTree import Element

from pyerlsw.switch.dialplan.base import Action, HuntTarget
from pyerlsw.switch.dialplan.captures import RegexCache
from pyerlsw.switch.dialplan.conditions import DialplanContentError, HuntRun
from pyerlsw.switch.dialplan.inline_apps import BUILTIN_INLINE_APPS, InlineApp
from pyerlsw.switch.dialplan.limits import DialplanLimits
from pyerlsw.switch.dialplan.params import dialplan_request_params
from pyerlsw.switch.dialplan.strings import is_true
from pyerlsw.switch.xml.document import find_child, find_context, find_section
from pyerlsw.switch.xml.errors import XmlError
from pyerlsw.switch.xml.lookup import XmlLookup
from pyerlsw.switch.xml.parse import parse_xml

__all__ = ["XmlDialplan"]


class XmlDialplan:
    """The XML dialplan engine, registered as ``"XML"``; one per switch.

    ``zone`` is the time zone time-of-day conditions are read in when a channel sets
    neither ``tod_tz_offset`` nor ``timezone`` (None: the process's local zone, like
    FreeSWITCH). ``inline_apps`` replaces the built-in inline applications used when a
    channel is not an :class:`~pyerlsw.switch.dialplan.base.InlineExecutor`.
    ``alternate_root`` enables ``XML:<file>`` dialplan strings (FreeSWITCH's alternate
    dialplan file), restricted to files under that directory; None (the default) refuses
    them, since dialplan strings may come from the network.
    """

    name = "XML"

    def __init__(
        self,
        lookup: XmlLookup,
        *,
        limits: DialplanLimits | None = None,
        zone: tzinfo | None = None,
        inline_apps: Mapping[str, InlineApp] | None = None,
        alternate_root: Path | None = None,
    ) -> None:
        self.lookup = lookup
        self.limits = limits or DialplanLimits()
        self.zone = zone
        self.inline_apps = BUILTIN_INLINE_APPS if inline_apps is None else inline_apps
        self.alternate_root = alternate_root
        self._regexes = RegexCache(self.limits.regex_cache_size, self.limits.max_expression_length)

    async def hunt(
        self, target: HuntTarget, destination: str, context: str, args: str
    ) -> list[Action] | None:
        """Find the actions for ``destination`` in ``context`` (``default`` when empty).
        ``args`` names an alternate dialplan file (see the class docstring)."""
        context = context or "default"
        try:
            return await self._hunt(target, destination, context, args)
        except DialplanContentError as exc:
            target.log("ERR", f"Dialplan {context} unusable for {destination}: {exc}")
        except Exception as exc:
            target.log("ERR", f"XML dialplan failed for {destination} in {context}: {exc!r}")
        return None

    async def _hunt(
        self, target: HuntTarget, destination: str, context: str, args: str
    ) -> list[Action] | None:
        name = target.caller_field("caller_id_name") or ""
        number = target.caller_field("caller_id_number") or ""
        target.log("INFO", f"Processing {name} <{number}>->{destination} in context {context}")
        dialplan = (
            await self._alternate(target, args)
            if args
            else await self._fetch(target, destination, context)
        )
        if dialplan is None:
            target.log("ERR", "Open of dialplan failed")
            return None
        xcontext = find_context(dialplan, context)
        if xcontext is None:
            target.log("WARNING", f"Context {context} not found")
            return None
        run = HuntRun(
            target,
            destination,
            context,
            self._regexes,
            self.limits,
            self.inline_apps,
            self.zone,
        )
        extensions = xcontext.findall("extension")
        if is_true(target.get_variable("auto_hunt")):
            for index, extension in enumerate(extensions):
                if extension.get("name") == destination:
                    extensions = extensions[index:]
                    break
        for extension in extensions:
            carry_on = extension.get("continue")
            label = extension.get("name") or "UNKNOWN"
            target.log(
                "DEBUG",
                f"Dialplan: {target.name} parsing [{context}->{label}] "
                f"continue={carry_on if carry_on is not None else 'false'}",
            )
            went_on = await run.extension(extension, extension.get("name") or "_anon_")
            if went_on and not is_true(carry_on):
                break
        return run.result()

    async def _fetch(self, target: HuntTarget, destination: str, context: str) -> Element | None:
        params = (
            dialplan_request_params(target, destination, context)
            if self.lookup.has_providers("dialplan")
            else None
        )
        return await self.lookup.fetch("dialplan", params=params)

    async def _alternate(self, target: HuntTarget, args: str) -> Element | None:
        """FreeSWITCH's alternate dialplan file: a document whose ``dialplan`` section
        holds the contexts (directly or inside a ``<dialplan>`` element)."""
        root = self.alternate_root
        path = (root / args).resolve() if root is not None else None
        if root is None or path is None or not path.is_relative_to(root.resolve()):
            target.log("ERR", f"Open of [{args}] failed")
            return None
        try:
            data = await asyncio.to_thread(path.read_bytes)
            document = parse_xml(
                data, source=str(path), max_bytes=self.lookup.limits.max_document_bytes
            )
        except (OSError, XmlError) as exc:
            target.log("ERR", f"Open of [{args}] failed: {exc}")
            return None
        section = find_section(document, "dialplan")
        if section is None:
            return None
        target.log("DEBUG", f"Getting dialplan from alternate path: {path}")
        nested = find_child(section, "dialplan")
        return nested if nested is not None else section
