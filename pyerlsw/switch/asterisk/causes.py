"""Asterisk's hangup causes (``main/channel.c`` ``causes[]``) and how they map onto the
call core's numbers.

Both sides use Q.850 numbers, so most causes are the same number. The exceptions are
the core's own codes above 127: a losing Dial leg is hung up with ``LOSE_RACE`` (702),
which Asterisk calls ``ANSWERED_ELSEWHERE`` (26), and the rest are shown to the
dialplan as the Q.850 cause closest to their meaning (:func:`asterisk_cause`).
"""

from __future__ import annotations

import re
from types import MappingProxyType

__all__ = [
    "ANSWERED_ELSEWHERE",
    "AST_CAUSES",
    "BUSY",
    "CONGESTION",
    "NORMAL_CLEARING",
    "NO_ANSWER",
    "asterisk_cause",
    "core_cause",
    "parse_hangup_cause",
    "str2cause",
]

NORMAL_CLEARING = 16
BUSY = 17
NO_ANSWER = 19
ANSWERED_ELSEWHERE = 26
CONGESTION = 34
_LOSE_RACE = 702

#: Asterisk's cause table, in its order (``ast_str2cause`` takes the first fit).
AST_CAUSES: tuple[tuple[str, int], ...] = (
    ("UNALLOCATED", 1), ("NO_ROUTE_TRANSIT_NET", 2), ("NO_ROUTE_DESTINATION", 3),
    ("MISDIALLED_TRUNK_PREFIX", 5), ("CHANNEL_UNACCEPTABLE", 6),
    ("CALL_AWARDED_DELIVERED", 7), ("PRE_EMPTED", 8), ("NUMBER_PORTED_NOT_HERE", 14),
    ("NORMAL_CLEARING", 16), ("USER_BUSY", 17), ("NO_USER_RESPONSE", 18),
    ("NO_ANSWER", 19), ("SUBSCRIBER_ABSENT", 20), ("CALL_REJECTED", 21),
    ("NUMBER_CHANGED", 22), ("REDIRECTED_TO_NEW_DESTINATION", 23),
    ("ANSWERED_ELSEWHERE", 26), ("DESTINATION_OUT_OF_ORDER", 27),
    ("INVALID_NUMBER_FORMAT", 28), ("FACILITY_REJECTED", 29),
    ("RESPONSE_TO_STATUS_ENQUIRY", 30), ("NORMAL_UNSPECIFIED", 31),
    ("NORMAL_CIRCUIT_CONGESTION", 34), ("NETWORK_OUT_OF_ORDER", 38),
    ("NORMAL_TEMPORARY_FAILURE", 41), ("SWITCH_CONGESTION", 42),
    ("ACCESS_INFO_DISCARDED", 43), ("REQUESTED_CHAN_UNAVAIL", 44),
    ("FACILITY_NOT_SUBSCRIBED", 50), ("OUTGOING_CALL_BARRED", 52),
    ("INCOMING_CALL_BARRED", 54), ("BEARERCAPABILITY_NOTAUTH", 57),
    ("BEARERCAPABILITY_NOTAVAIL", 58), ("BEARERCAPABILITY_NOTIMPL", 65),
    ("CHAN_NOT_IMPLEMENTED", 66), ("FACILITY_NOT_IMPLEMENTED", 69),
    ("INVALID_CALL_REFERENCE", 81), ("INCOMPATIBLE_DESTINATION", 88),
    ("INVALID_MSG_UNSPECIFIED", 95), ("MANDATORY_IE_MISSING", 96),
    ("MESSAGE_TYPE_NONEXIST", 97), ("WRONG_MESSAGE", 98), ("IE_NONEXIST", 99),
    ("INVALID_IE_CONTENTS", 100), ("WRONG_CALL_STATE", 101),
    ("RECOVERY_ON_TIMER_EXPIRE", 102), ("MANDATORY_IE_LENGTH_ERROR", 103),
    ("PROTOCOL_ERROR", 111), ("INTERWORKING", 127),
)  # fmt: skip

#: The core's causes above 127 as the dialplan sees them.
_FROM_CORE: MappingProxyType[int, int] = MappingProxyType(
    {
        487: NORMAL_CLEARING,  # ORIGINATOR_CANCEL: the caller's normal hangup
        _LOSE_RACE: ANSWERED_ELSEWHERE,
        806: 20,  # USER_NOT_REGISTERED: subscriber absent
        807: NO_ANSWER,  # PROGRESS_TIMEOUT
    }
)
_TO_CORE: MappingProxyType[int, int] = MappingProxyType({ANSWERED_ELSEWHERE: _LOSE_RACE})
_SCANF_INT = re.compile(r"\s*([+-]?\d+)")


def str2cause(name: str) -> int:
    """``ast_str2cause``: the first table name the text *starts with* (case-insensitive),
    or -1. So ``USER_BUSY`` works and ``NORMAL`` alone does not."""
    upper = name.upper()
    for cause_name, number in AST_CAUSES:
        if upper.startswith(cause_name):
            return number
    return -1


def parse_hangup_cause(text: str) -> int | None:
    """The cause of ``Hangup(text)``: a table name or a positive number; None when
    invalid (the caller logs ``Invalid cause given to Hangup()``)."""
    cause = str2cause(text)
    if cause > 0:
        return cause
    m = _SCANF_INT.match(text)
    if m and int(m.group(1)) > 0:
        return int(m.group(1))
    return None


def asterisk_cause(core: int | None) -> int:
    """A core hangup cause as ``${HANGUPCAUSE}`` shows it (None: 0)."""
    if core is None:
        return 0
    if core <= 127:
        return core
    return _FROM_CORE.get(core, NORMAL_CLEARING)


def core_cause(cause: int) -> int:
    """The core cause to hang a channel up with for Asterisk cause ``cause``."""
    return _TO_CORE.get(cause, cause)
