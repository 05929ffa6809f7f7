"""Which events and log lines a handler gets (spec §4.1, §4.4-4.9, §5.2, §6, §7).

* :class:`EventSubscription` -- a set of event types plus CUSTOM subclasses, changed
  by ``event``/``nixevent``/``setevent`` (and their ``session_`` forms) exactly as
  FreeSWITCH's bit array and subclass hash are.
* :class:`ConnectionEvents` -- one connection's event side: the events flag, its
  subscription and :class:`~pyerlsw.gateway.filters.EventFilters`.
* :class:`CallEvents` -- the subscription of one attached call (starts as ALL).
* :class:`ConnectionLogs` -- one connection's log flag and level.

All are plain mutable objects without I/O. Methods that answer a command return the
reply term; emptying queues, linking and sending stay with the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from pyerlsw.etf.terms import Term

from .eventnames import ALL, ALL_INDEX, CUSTOM, CUSTOM_INDEX, EVENT_TYPES, event_index
from .eventnames import lookup_event_type as _lookup
from .filters import DEFAULT_MAX_FILTERS, EventFilters, HeaderLookup
from .loglevels import LEVEL_DEBUG
from .replies import ERROR_BADARG, ERROR_NOTLISTENING, OK, filter_reply
from .text import Encoding

__all__ = [
    "DEFAULT_MAX_SUBCLASSES",
    "CallEvents",
    "ConnectionEvents",
    "ConnectionLogs",
    "EventSubscription",
    "SubscribableEvent",
]

DEFAULT_MAX_SUBCLASSES = 10_000
"""Most CUSTOM subclasses one subscription may hold; further names are ignored."""

_EVERY_BIT = (1 << (ALL_INDEX + 1)) - 1
_ALL_BIT = 1 << ALL_INDEX
_TYPE_BITS = _ALL_BIT - 1  # every real type, without the ALL bit
_BIT = {name: 1 << number for number, name in enumerate(EVENT_TYPES)}


class SubscribableEvent(HeaderLookup, Protocol):
    """What delivery needs to know about an event (see
    :class:`pyerlsw.gateway.eventterm.PreparedEvent`)."""

    @property
    def event_type(self) -> str | None: ...

    @property
    def subclass(self) -> str | None: ...


class EventSubscription:
    """Subscribed event types and CUSTOM subclasses (case-sensitive names)."""

    __slots__ = ("_mask", "_max_subclasses", "_subclasses")

    def __init__(self, *, everything: bool = False,
                 max_subclasses: int = DEFAULT_MAX_SUBCLASSES) -> None:  # fmt: skip
        self._mask = _EVERY_BIT if everything else 0
        self._subclasses: dict[str, None] = {}
        self._max_subclasses = max_subclasses

    def _add_subclass(self, subclass: str) -> None:
        if len(self._subclasses) < self._max_subclasses:
            self._subclasses[subclass] = None

    def subscribe(self, names: Iterable[str]) -> None:
        """``event`` (§4.4): names resolve like ``switch_name_event`` (unknown ones are
        skipped); ``ALL`` sets every bit; after ``CUSTOM`` every name is a subclass."""
        custom = False
        for name in names:
            if custom:
                self._add_subclass(name)
                continue
            resolved = _lookup(name)
            if resolved is None:
                continue
            if resolved == ALL:
                self._mask = _EVERY_BIT
            else:
                self._mask |= _BIT[resolved]
                custom = resolved == CUSTOM

    def unsubscribe(self, names: Iterable[str]) -> None:
        """``nixevent`` (§4.5): ``ALL`` clears every bit (subclasses stay); another type
        first expands a set ALL bit into the individual bits; after ``CUSTOM`` (whose
        bit stays) every name is a subclass to remove."""
        custom = False
        for name in names:
            if custom:
                self._subclasses.pop(name, None)
                continue
            resolved = _lookup(name)
            if resolved is None:
                continue
            if resolved == CUSTOM:
                custom = True
            elif resolved == ALL:
                self._mask = 0
            else:
                if self._mask & _ALL_BIT:
                    self._mask = _TYPE_BITS
                self._mask &= ~(_BIT[resolved])

    def replace(self, names: Iterable[str]) -> bool:
        """``setevent`` (§4.6): build a new set by the ``event`` rules and install it.

        Returns ``False`` when ``ALL`` was met: FreeSWITCH stops scanning there but still
        installs what it had (the caller answers ``{error, badarg}``)."""
        fresh = EventSubscription(max_subclasses=self._max_subclasses)
        complete = True
        custom = False
        for name in names:
            if custom:
                fresh._add_subclass(name)
                continue
            resolved = _lookup(name)
            if resolved is None:
                continue
            if resolved == ALL:
                complete = False
                break
            fresh._mask |= _BIT[resolved]
            custom = resolved == CUSTOM
        self._mask = fresh._mask
        self._subclasses = fresh._subclasses
        return complete

    def clear(self) -> None:
        """No types, no subclasses."""
        self._mask = 0
        self._subclasses = {}

    def wants(self, event_type: str | None, subclass: str | None) -> bool:
        """Delivery rule §5.2 (3): the ALL bit, or the type's bit and (not CUSTOM, or
        no subclass, or a listed subclass)."""
        if self._mask & _ALL_BIT:
            return True
        number = event_index(event_type) if event_type is not None else None
        if number is None or not self._mask & (1 << number):
            return False
        return number != CUSTOM_INDEX or subclass is None or subclass in self._subclasses

    @property
    def all_set(self) -> bool:
        """Whether the ALL bit is set."""
        return bool(self._mask & _ALL_BIT)

    def subscribed_types(self) -> tuple[str, ...]:
        """Types with their bit set, in enum order, including CUSTOM and ALL."""
        return tuple(name for n, name in enumerate(EVENT_TYPES) if self._mask >> n & 1)

    @property
    def subclasses(self) -> tuple[str, ...]:
        """Subscribed CUSTOM subclasses in the order they were added."""
        return tuple(self._subclasses)


class ConnectionEvents:
    """The event side of one connection: flag, subscription, filters."""

    __slots__ = ("enabled", "filters", "subscription")

    def __init__(self, *, max_subclasses: int = DEFAULT_MAX_SUBCLASSES,
                 max_filters: int = DEFAULT_MAX_FILTERS) -> None:  # fmt: skip
        self.enabled = False
        self.subscription = EventSubscription(max_subclasses=max_subclasses)
        self.filters = EventFilters(max_filters)

    def register_handler(self) -> Term:
        """``register_event_handler``: events flag on (subscriptions unchanged)."""
        self.enabled = True
        return OK

    def event(self, names: Iterable[str]) -> Term:
        """``{event, ...}``: flag on, subscribe; ``ok``."""
        self.enabled = True
        self.subscription.subscribe(names)
        return OK

    def nixevent(self, names: Iterable[str]) -> Term:
        """``{nixevent, ...}``: unsubscribe (flag untouched); ``ok``."""
        self.subscription.unsubscribe(names)
        return OK

    def setevent(self, names: Iterable[str]) -> Term:
        """``{setevent, ...}``: flag on, replace; ``ok`` or ``{error, badarg}`` (ALL)."""
        self.enabled = True
        return OK if self.subscription.replace(names) else ERROR_BADARG

    def noevents(self) -> Term:
        """``noevents``: flag off and subscriptions cleared (filters kept) -> ``ok``;
        ``{error, notlistening}`` when the flag was off. The caller empties the
        connection's event queue in both cases."""
        if not self.enabled:
            return ERROR_NOTLISTENING
        self.enabled = False
        self.subscription.clear()
        return OK

    def handler_exited(self) -> None:
        """The event handler died (§7): flag off, subscriptions cleared, filters kept."""
        self.enabled = False
        self.subscription.clear()

    def filter(self, specs: Iterable[str], unprocessed: int, encoding: Encoding) -> Term:
        """``{filter, ...}``: apply the specs; the processing log reply."""
        return filter_reply(self.filters.process(specs, unprocessed), encoding)

    def wants(self, event: SubscribableEvent) -> bool:
        """§5.2 steps 2-4: flag, subscription, then filters."""
        return (
            self.enabled
            and self.subscription.wants(event.event_type, event.subclass)
            and self.filters.passes(event)
        )


class CallEvents:
    """The subscription of one attached call (§4.7, §9.5); starts as ALL. Filters and
    the connection's flag do not apply to calls."""

    __slots__ = ("subscription",)

    def __init__(self, *, max_subclasses: int = DEFAULT_MAX_SUBCLASSES) -> None:
        self.subscription = EventSubscription(everything=True, max_subclasses=max_subclasses)

    def event(self, names: Iterable[str]) -> Term:
        """``{session_event, ...}`` -> ``ok``."""
        self.subscription.subscribe(names)
        return OK

    def nixevent(self, names: Iterable[str]) -> Term:
        """``{session_nixevent, ...}`` -> ``ok``."""
        self.subscription.unsubscribe(names)
        return OK

    def setevent(self, names: Iterable[str]) -> Term:
        """``{session_setevent, ...}`` -> ``ok``, or ``{error, badarg}`` for ALL (where
        FreeSWITCH sends a malformed reply)."""
        return OK if self.subscription.replace(names) else ERROR_BADARG

    def noevents(self) -> Term:
        """``session_noevents``: clear everything -> ``ok`` (the caller empties the
        call's queue; the handler still gets ``call_hangup``)."""
        self.subscription.clear()
        return OK

    def wants(self, event: SubscribableEvent) -> bool:
        """Whether an event of this call (same Unique-ID) is queued for it."""
        return self.subscription.wants(event.event_type, event.subclass)


class ConnectionLogs:
    """The log side of one connection (§4.1, §4.9, §6)."""

    __slots__ = ("enabled", "level")

    def __init__(self) -> None:
        self.enabled = False
        self.level = LEVEL_DEBUG

    def register_handler(self) -> Term:
        """``register_log_handler``: logging on at level 7 (debug); ``ok``."""
        self.enabled = True
        self.level = LEVEL_DEBUG
        return OK

    def nolog(self) -> Term:
        """``nolog``: logging off (the caller drops queued lines if it was on); ``ok``."""
        self.enabled = False
        return OK

    def set_level(self, level: int) -> Term:
        """``{set_log_level, L}`` with a level :func:`~pyerlsw.gateway.commands.parse_command`
        accepted; ``ok``. Does not turn logging on."""
        self.level = level
        return OK

    def handler_exited(self) -> None:
        """The log handler died (§7): logging off."""
        self.enabled = False

    def wants(self, line_level: int) -> bool:
        """Whether a line of ``line_level`` is queued (``line_level <= level``)."""
        return self.enabled and line_level <= self.level
