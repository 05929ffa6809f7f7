"""FreeSWITCH event type names and FreeSWITCH's rules for looking them up.

The table is ``switch_event_types_t`` in enum order (``CUSTOM`` is 0, ``ALL`` is last);
the order matters for the console (``erlang handlers`` lists types by number) and for
the subscription bit sets in :mod:`pyerlsw.gateway.subscriptions`.

Lookup follows ``switch_name_event``: ASCII case-insensitive, and a name longer than
13 characters also matches when everything after its 13th character does (so
``SWITCH_EVENT_CHANNEL_CREATE`` and ``XXXXXXXXXXXXXAPI`` both work).
"""

from __future__ import annotations

from types import MappingProxyType

from pyerlsw.switch.events import EVENT_TYPES

__all__ = [
    "ALL",
    "ALL_INDEX",
    "CUSTOM",
    "CUSTOM_INDEX",
    "EVENT_TYPES",
    "event_index",
    "lookup_event_type",
]

# EVENT_TYPES (imported): one table for the project, defined by the switch that fires
# the events; ``ALL`` (last) is a subscription-only pseudo type.

CUSTOM = "CUSTOM"
ALL = "ALL"

_INDEX: MappingProxyType[str, int] = MappingProxyType(
    {name: number for number, name in enumerate(EVENT_TYPES)}
)
CUSTOM_INDEX = _INDEX[CUSTOM]
ALL_INDEX = _INDEX[ALL]

# strcasecmp only folds ASCII letters; str.upper() would also fold 'ß' into 'SS'.
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_PREFIX_CHARS = 13


def event_index(canonical_name: str) -> int | None:
    """The enum number of an exact (canonical, upper-case) type name, else ``None``."""
    return _INDEX.get(canonical_name)


def lookup_event_type(name: str) -> str | None:
    """Resolve ``name`` as FreeSWITCH's ``switch_name_event`` does.

    Returns the canonical type name (e.g. ``"CHANNEL_CREATE"``, ``"ALL"``) or ``None``
    when FreeSWITCH would not know it.
    """
    found = _INDEX.get(name.translate(_ASCII_UPPER))
    if found is not None:
        return EVENT_TYPES[found]
    if len(name) > _PREFIX_CHARS:
        found = _INDEX.get(name[_PREFIX_CHARS:].translate(_ASCII_UPPER))
        if found is not None:
            return EVENT_TYPES[found]
    return None
