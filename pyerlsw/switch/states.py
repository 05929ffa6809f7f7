"""Channel states, call states and answer states, with the transition rules as tables.

A channel has a *requested* state (what someone asked for: ``CS_HANGUP`` after
``uuid_kill``, ``CS_ROUTING`` after a transfer) and a *running* state (the one its
session task is executing). FreeSWITCH reports the running state in ``Channel-State``
and the requested one in ``Channel-State-Number``; this core does the same.
"""

from __future__ import annotations

from enum import IntEnum
from types import MappingProxyType

__all__ = [
    "ANSWER_STATES",
    "CALL_STATE_TRANSITIONS",
    "EVENTS_WITH_VARIABLES",
    "STATE_REQUESTS",
    "CallState",
    "ChannelState",
    "can_change_call_state",
    "can_request_state",
]


class ChannelState(IntEnum):
    """FreeSWITCH's ``switch_channel_state_t`` (the number is ``Channel-State-Number``)."""

    CS_NEW = 0
    CS_INIT = 1
    CS_ROUTING = 2
    CS_SOFT_EXECUTE = 3
    CS_EXECUTE = 4
    CS_EXCHANGE_MEDIA = 5
    CS_PARK = 6
    CS_CONSUME_MEDIA = 7
    CS_HIBERNATE = 8
    CS_RESET = 9
    CS_HANGUP = 10
    CS_REPORTING = 11
    CS_DESTROY = 12
    CS_NONE = 13


class CallState(IntEnum):
    """FreeSWITCH's ``switch_channel_callstate_t`` (``Channel-Call-State``)."""

    DOWN = 0
    DIALING = 1
    RINGING = 2
    EARLY = 3
    ACTIVE = 4
    HELD = 5
    RING_WAIT = 6
    HANGUP = 7
    UNHELD = 8


#: ``Answer-State`` values.
ANSWER_STATES = ("ringing", "early", "answered", "hangup")

_S = ChannelState
_LIVE = frozenset(
    {
        _S.CS_ROUTING,
        _S.CS_SOFT_EXECUTE,
        _S.CS_EXECUTE,
        _S.CS_EXCHANGE_MEDIA,
        _S.CS_PARK,
        _S.CS_CONSUME_MEDIA,
        _S.CS_HIBERNATE,
        _S.CS_RESET,
        _S.CS_HANGUP,
    }
)

#: Which states may be *requested* while the channel is in a given requested state.
#: Once hangup is requested nothing but the teardown path is accepted, so a late
#: transfer or park cannot resurrect a dead call.
STATE_REQUESTS: MappingProxyType[ChannelState, frozenset[ChannelState]] = MappingProxyType(
    {
        _S.CS_NEW: frozenset({_S.CS_INIT, _S.CS_HANGUP}),
        _S.CS_INIT: _LIVE,
        _S.CS_ROUTING: _LIVE,
        _S.CS_SOFT_EXECUTE: _LIVE,
        _S.CS_EXECUTE: _LIVE,
        _S.CS_EXCHANGE_MEDIA: _LIVE,
        _S.CS_PARK: _LIVE,
        _S.CS_CONSUME_MEDIA: _LIVE,
        _S.CS_HIBERNATE: _LIVE,
        _S.CS_RESET: _LIVE,
        _S.CS_HANGUP: frozenset({_S.CS_REPORTING}),
        _S.CS_REPORTING: frozenset({_S.CS_DESTROY}),
        _S.CS_DESTROY: frozenset(),
        _S.CS_NONE: frozenset(),
    }
)


def can_request_state(current: ChannelState, new: ChannelState) -> bool:
    """True when ``new`` may be requested while ``current`` is the requested state."""
    return new in STATE_REQUESTS[current]


_C = CallState
#: Call-state changes the core performs; HANGUP is final.
CALL_STATE_TRANSITIONS: MappingProxyType[CallState, frozenset[CallState]] = MappingProxyType(
    {
        _C.DOWN: frozenset({_C.DIALING, _C.RINGING, _C.EARLY, _C.ACTIVE, _C.HANGUP}),
        _C.DIALING: frozenset({_C.RINGING, _C.EARLY, _C.ACTIVE, _C.HANGUP}),
        _C.RINGING: frozenset({_C.EARLY, _C.ACTIVE, _C.HANGUP}),
        _C.EARLY: frozenset({_C.ACTIVE, _C.HANGUP}),
        _C.ACTIVE: frozenset({_C.HELD, _C.HANGUP}),
        _C.HELD: frozenset({_C.UNHELD, _C.ACTIVE, _C.HANGUP}),
        _C.RING_WAIT: frozenset({_C.RINGING, _C.EARLY, _C.ACTIVE, _C.HANGUP}),
        _C.UNHELD: frozenset({_C.ACTIVE, _C.HELD, _C.HANGUP}),
        _C.HANGUP: frozenset(),
    }
)


def can_change_call_state(current: CallState, new: CallState) -> bool:
    """True when the call state may move from ``current`` to ``new``."""
    return new in CALL_STATE_TRANSITIONS[current]


#: Event types that carry ``variable_*`` headers (FreeSWITCH's list, without verbose
#: events).
EVENTS_WITH_VARIABLES = frozenset(
    {
        "CHANNEL_CREATE",
        "CHANNEL_ORIGINATE",
        "CHANNEL_UUID",
        "CHANNEL_ANSWER",
        "CHANNEL_PARK",
        "CHANNEL_UNPARK",
        "CHANNEL_BRIDGE",
        "CHANNEL_UNBRIDGE",
        "CHANNEL_PROGRESS",
        "CHANNEL_PROGRESS_MEDIA",
        "CHANNEL_HANGUP",
        "CHANNEL_HANGUP_COMPLETE",
        "REQUEST_PARAMS",
        "CHANNEL_DATA",
        "CHANNEL_EXECUTE",
        "CHANNEL_EXECUTE_COMPLETE",
        "CHANNEL_DESTROY",
        "SESSION_HEARTBEAT",
        "API",
        "RECORD_START",
        "RECORD_STOP",
        "PLAYBACK_START",
        "PLAYBACK_STOP",
        "CALL_UPDATE",
        "MEDIA_BUG_START",
        "MEDIA_BUG_STOP",
        "CHANNEL_HOLD",
        "CHANNEL_UNHOLD",
        "TEXT",
        "CUSTOM",
    }
)
