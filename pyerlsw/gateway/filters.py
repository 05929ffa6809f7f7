"""Per-connection event header filters: the ``filter`` command (spec §4.8) and the
evaluation rules of §5.3.

A filter is a header name and a raw value. Values are stored as given; when an event
is checked the value is read as ``[+|-]*`` signs and spaces (the last sign counts,
``+`` by default) followed by the text to compare: a ``/regex/flags`` when the raw value
starts with ``/``, else a case-insensitive (ASCII) string. Filters run in insertion
order, only on events that carry the filter's header:

===============  =========  ================
sign / outcome   match      mismatch
===============  =========  ================
``+``            continue   drop the event
``-``            drop       continue
===============  =========  ================

An empty comparison text continues for ``+`` and drops for ``-``. So positive filters
on one header are AND-ed (two different values never both pass) and ``-/re/`` compares
the literal text ``/re/``: FreeSWITCH's behaviour, kept on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from .replies import FilterAdded, FilterDeleted, FilterInvalid, FilterLogEntry
from .text import ascii_equal_ci, ascii_lower

__all__ = ["DEFAULT_MAX_FILTERS", "EventFilters", "HeaderLookup"]

DEFAULT_MAX_FILTERS = 10_000
"""Most filters one connection may hold; specs beyond it are answered as invalid."""


class HeaderLookup(Protocol):
    """Anything with FreeSWITCH's ``switch_event_get_header``: the first value of a
    header, names compared case-insensitively, ``None`` when absent."""

    def header(self, name: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class _Filter:
    header: str
    value: str
    positive: bool
    compare: str
    regex: re.Pattern[str] | None
    is_regex: bool


def _compile(header: str, value: str) -> _Filter:
    positive = True
    start = 0
    for char in value:
        if char == "+":
            positive = True
        elif char == "-":
            positive = False
        elif char != " ":
            break
        start += 1
    compare = value[start:]
    is_regex = value.startswith("/")
    regex: re.Pattern[str] | None = None
    if is_regex:
        body = compare[1:]
        close = body.rfind("/")
        if close >= 0:  # "/re" without a closing slash never matches, as in FreeSWITCH
            options = body[close + 1 :]
            flags = (re.IGNORECASE if "i" in options else 0) | (re.DOTALL if "s" in options else 0)
            try:
                regex = re.compile(body[:close], flags)
            except (re.error, RecursionError, OverflowError):
                regex = None
    return _Filter(header, value, positive, compare, regex, is_regex)


def _split_first_space(text: str) -> tuple[str, str | None]:
    cut = text.find(" ")
    return (text, None) if cut < 0 else (text[:cut], text[cut + 1 :])


class EventFilters:
    """The filter list of one connection. Starts empty; ``noevents`` keeps it."""

    __slots__ = ("_filters", "_max_filters")

    def __init__(self, max_filters: int = DEFAULT_MAX_FILTERS) -> None:
        if max_filters < 0:
            raise ValueError("max_filters must be >= 0")
        self._filters: list[_Filter] = []
        self._max_filters = max_filters

    def __len__(self) -> int:
        return len(self._filters)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """``(header, raw value)`` pairs in evaluation order."""
        return ((f.header, f.value) for f in self._filters)

    # ------------------------------------------------------------ the filter command

    def process(self, specs: Iterable[str], unprocessed: int = 0) -> list[FilterLogEntry]:
        """Apply the specs of one ``{filter, ...}`` command; one log entry per element
        (``unprocessed`` trailing non-atom elements are answered as invalid)."""
        entries = [self.apply(spec) for spec in specs]
        entries.extend(FilterInvalid() for _ in range(unprocessed))
        return entries

    def apply(self, spec: str) -> FilterLogEntry:
        """Apply one spec: ``'Header Value'``, ``'add Header Value'``,
        ``'delete Header [Value]'`` or ``'delete all'``."""
        first_space = spec.find(" ")
        skipped = len(spec) - len(spec.lstrip(" "))
        if first_space < 0:
            name, value = spec, None
        else:
            value = spec[first_space + 1 :]
            # FreeSWITCH skips leading spaces for the name but cuts at the first space
            # of the whole spec, so ' A B' names the header 'A B'.
            name = spec[skipped:] if skipped > first_space else spec[:first_space]
        if value is not None and ascii_equal_ci(name, "delete"):
            header, target = _split_first_space(value)
            if ascii_equal_ci(header, "all"):
                self._filters.clear()
            else:
                self._delete(header, target)
            return FilterDeleted(header, target or "")
        if value is None:
            return FilterInvalid()
        if ascii_equal_ci(name, "add"):
            name, value = _split_first_space(value)
            if value is None:  # FreeSWITCH would encode a NULL here and crash
                return FilterInvalid()
        if value == "":  # adding an empty value deletes the header (switch_event rules)
            self._delete(name, None)
            return FilterAdded(name, value)
        if len(self._filters) >= self._max_filters:
            return FilterInvalid()
        self._filters.append(_compile(name, value))
        return FilterAdded(name, value)

    def _delete(self, header: str, value: str | None) -> None:
        wanted = ascii_lower(header)
        self._filters = [
            f
            for f in self._filters
            if not (ascii_lower(f.header) == wanted and (not value or f.value == value))
        ]

    def clear(self) -> None:
        """Remove every filter."""
        self._filters.clear()

    # ------------------------------------------------------------ evaluation (§5.3)

    def passes(self, event: HeaderLookup) -> bool:
        """Whether an event that matched the subscriptions may be queued."""
        for item in self._filters:
            found = event.header(item.header)
            if found is None:
                continue
            if not item.compare:
                if item.positive:
                    continue
                return False
            if item.is_regex:
                matched = item.regex is not None and item.regex.search(found) is not None
            else:
                matched = ascii_equal_ci(found, item.compare)
            if matched != item.positive:
                return False
        return True
