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

__all__ = [
    "ALL",
    "ALL_INDEX",
    "CUSTOM",
    "CUSTOM_INDEX",
    "EVENT_TYPES",
    "event_index",
    "lookup_event_type",
]

EVENT_TYPES: tuple[str, ...] = (
    "CUSTOM", "CLONE", "CHANNEL_CREATE", "CHANNEL_DESTROY", "CHANNEL_STATE",
    "CHANNEL_CALLSTATE", "CHANNEL_ANSWER", "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE",
    "CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_HOLD", "CHANNEL_UNHOLD",
    "CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE", "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA",
    "CHANNEL_OUTGOING", "CHANNEL_PARK", "CHANNEL_UNPARK", "CHANNEL_APPLICATION",
    "CHANNEL_ORIGINATE", "CHANNEL_UUID", "API", "LOG", "INBOUND_CHAN", "OUTBOUND_CHAN",
    "STARTUP", "SHUTDOWN", "PUBLISH", "UNPUBLISH", "TALK", "NOTALK", "SESSION_CRASH",
    "MODULE_LOAD", "MODULE_UNLOAD", "DTMF", "MESSAGE", "PRESENCE_IN", "NOTIFY_IN",
    "PRESENCE_OUT", "PRESENCE_PROBE", "MESSAGE_WAITING", "MESSAGE_QUERY", "ROSTER",
    "CODEC", "BACKGROUND_JOB", "DETECTED_SPEECH", "DETECTED_TONE", "PRIVATE_COMMAND",
    "HEARTBEAT", "TRAP", "ADD_SCHEDULE", "DEL_SCHEDULE", "EXE_SCHEDULE", "RE_SCHEDULE",
    "RELOADXML", "NOTIFY", "PHONE_FEATURE", "PHONE_FEATURE_SUBSCRIBE", "SEND_MESSAGE",
    "RECV_MESSAGE", "REQUEST_PARAMS", "CHANNEL_DATA", "GENERAL", "COMMAND",
    "SESSION_HEARTBEAT", "CLIENT_DISCONNECTED", "SERVER_DISCONNECTED", "SEND_INFO",
    "RECV_INFO", "RECV_RTCP_MESSAGE", "SEND_RTCP_MESSAGE", "CALL_SECURE", "NAT",
    "RECORD_START", "RECORD_STOP", "PLAYBACK_START", "PLAYBACK_STOP", "CALL_UPDATE",
    "FAILURE", "SOCKET_DATA", "MEDIA_BUG_START", "MEDIA_BUG_STOP",
    "CONFERENCE_DATA_QUERY", "CONFERENCE_DATA", "CALL_SETUP_REQ", "CALL_SETUP_RESULT",
    "CALL_DETAIL", "DEVICE_STATE", "TEXT", "SHUTDOWN_REQUESTED", "CERT_RELOAD", "ALL",
)  # fmt: skip
"""Every event type name, in ``switch_event_types_t`` order; ``ALL`` (last) is a
subscription-only pseudo type."""

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
