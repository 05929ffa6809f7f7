"""Hangup causes: FreeSWITCH's names for the Q.850 numbers (and its own 4xx-8xx codes).

Causes are plain ``int`` values everywhere in the core, because FreeSWITCH accepts any
number (``uuid_kill <uuid> 9999`` is legal and prints as ``UNKNOWN``). This module
converts between numbers and names exactly as ``switch_channel_str2cause`` and
``switch_channel_cause2str`` do, and maps SIP responses and dial outcomes for the
applications that need them.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = [
    "CAUSES",
    "NAMES",
    "cause_from_sip",
    "cause_name",
    "dial_status",
    "parse_cause",
]

#: Name -> number, in FreeSWITCH's table order.
CAUSES: MappingProxyType[str, int] = MappingProxyType(
    {
        "NONE": 0,
        "UNALLOCATED_NUMBER": 1,
        "NO_ROUTE_TRANSIT_NET": 2,
        "NO_ROUTE_DESTINATION": 3,
        "CHANNEL_UNACCEPTABLE": 6,
        "CALL_AWARDED_DELIVERED": 7,
        "NORMAL_CLEARING": 16,
        "USER_BUSY": 17,
        "NO_USER_RESPONSE": 18,
        "NO_ANSWER": 19,
        "SUBSCRIBER_ABSENT": 20,
        "CALL_REJECTED": 21,
        "NUMBER_CHANGED": 22,
        "REDIRECTION_TO_NEW_DESTINATION": 23,
        "EXCHANGE_ROUTING_ERROR": 25,
        "DESTINATION_OUT_OF_ORDER": 27,
        "INVALID_NUMBER_FORMAT": 28,
        "FACILITY_REJECTED": 29,
        "RESPONSE_TO_STATUS_ENQUIRY": 30,
        "NORMAL_UNSPECIFIED": 31,
        "NORMAL_CIRCUIT_CONGESTION": 34,
        "NETWORK_OUT_OF_ORDER": 38,
        "NORMAL_TEMPORARY_FAILURE": 41,
        "SWITCH_CONGESTION": 42,
        "ACCESS_INFO_DISCARDED": 43,
        "REQUESTED_CHAN_UNAVAIL": 44,
        "PRE_EMPTED": 45,
        "FACILITY_NOT_SUBSCRIBED": 50,
        "OUTGOING_CALL_BARRED": 52,
        "INCOMING_CALL_BARRED": 54,
        "BEARERCAPABILITY_NOTAUTH": 57,
        "BEARERCAPABILITY_NOTAVAIL": 58,
        "SERVICE_UNAVAILABLE": 63,
        "BEARERCAPABILITY_NOTIMPL": 65,
        "CHAN_NOT_IMPLEMENTED": 66,
        "FACILITY_NOT_IMPLEMENTED": 69,
        "SERVICE_NOT_IMPLEMENTED": 79,
        "INVALID_CALL_REFERENCE": 81,
        "INCOMPATIBLE_DESTINATION": 88,
        "INVALID_MSG_UNSPECIFIED": 95,
        "MANDATORY_IE_MISSING": 96,
        "MESSAGE_TYPE_NONEXIST": 97,
        "WRONG_MESSAGE": 98,
        "IE_NONEXIST": 99,
        "INVALID_IE_CONTENTS": 100,
        "WRONG_CALL_STATE": 101,
        "RECOVERY_ON_TIMER_EXPIRE": 102,
        "MANDATORY_IE_LENGTH_ERROR": 103,
        "PROTOCOL_ERROR": 111,
        "INTERWORKING": 127,
        "SUCCESS": 142,
        "ORIGINATOR_CANCEL": 487,
        "CRASH": 700,
        "SYSTEM_SHUTDOWN": 701,
        "LOSE_RACE": 702,
        "MANAGER_REQUEST": 703,
        "BLIND_TRANSFER": 800,
        "ATTENDED_TRANSFER": 801,
        "ALLOTTED_TIMEOUT": 802,
        "USER_CHALLENGE": 803,
        "MEDIA_TIMEOUT": 804,
        "PICKED_OFF": 805,
        "USER_NOT_REGISTERED": 806,
        "PROGRESS_TIMEOUT": 807,
        "INVALID_GATEWAY": 808,
        "GATEWAY_DOWN": 809,
        "INVALID_URL": 810,
        "INVALID_PROFILE": 811,
        "NO_PICKUP": 812,
        "SRTP_READ_ERROR": 813,
        "BOWOUT": 814,
        "BUSY_EVERYWHERE": 815,
        "DECLINE": 816,
        "DOES_NOT_EXIST_ANYWHERE": 817,
        "NOT_ACCEPTABLE": 818,
        "UNWANTED": 819,
        "NO_IDENTITY": 820,
        "BAD_IDENTITY_INFO": 821,
        "UNSUPPORTED_CERTIFICATE": 822,
        "INVALID_IDENTITY": 823,
        "STALE_DATE": 824,
        "REJECT_ALL": 825,
    }
)

#: Number -> name.
NAMES: MappingProxyType[int, str] = MappingProxyType({v: k for k, v in CAUSES.items()})

_UPPER = {k.upper(): v for k, v in CAUSES.items()}

NORMAL_CLEARING = 16


def cause_name(cause: int) -> str:
    """The FreeSWITCH name of ``cause``; ``UNKNOWN`` for numbers outside the table."""
    return NAMES.get(cause, "UNKNOWN")


def parse_cause(text: str | None, default: int = NORMAL_CLEARING) -> int:
    """Parse a cause as ``switch_channel_str2cause`` does.

    A leading digit means a number (``atoi``: the leading digits, any value); otherwise
    the case-insensitive name; an unknown name gives ``default`` (NORMAL_CLEARING, as in
    FreeSWITCH). ``None`` or empty text also gives ``default``.
    """
    if not text:
        return default
    text = text.strip()
    if not text:
        return default
    if text[0].isdigit():
        end = 0
        while end < len(text) and text[end].isdigit():
            end += 1
        return int(text[:end])
    return _UPPER.get(text.upper(), default)


# SIP final responses to causes, as FreeSWITCH's sofia module maps them (RFC 3398 style).
_SIP_CAUSES: dict[int, int] = {
    200: 16,
    401: 21,
    402: 21,
    403: 21,
    404: 1,
    405: 63,
    406: 88,
    407: 21,
    408: 102,
    410: 22,
    413: 127,
    414: 28,
    415: 79,
    420: 127,
    421: 127,
    423: 127,
    480: 18,
    481: 41,
    482: 25,
    483: 25,
    484: 28,
    485: 1,
    486: 17,
    487: 487,
    488: 88,
    500: 41,
    501: 79,
    502: 38,
    503: 34,
    504: 102,
    505: 127,
    513: 127,
    600: 17,
    603: 21,
    604: 1,
    606: 58,
}


def cause_from_sip(code: int) -> int:
    """The hangup cause for a SIP final response code (unknown codes: NORMAL_TEMPORARY_FAILURE
    for 5xx, CALL_REJECTED for 6xx, INTERWORKING otherwise)."""
    if code in _SIP_CAUSES:
        return _SIP_CAUSES[code]
    if 500 <= code < 600:
        return 41
    if 600 <= code < 700:
        return 21
    return 127


_DIAL_STATUS: dict[int, str] = {
    17: "BUSY",
    19: "NOANSWER",
    18: "NOANSWER",
    487: "CANCEL",
    21: "CHANUNAVAIL",
    1: "CHANUNAVAIL",
    3: "CHANUNAVAIL",
    44: "CHANUNAVAIL",
    34: "CONGESTION",
    42: "CONGESTION",
    41: "CONGESTION",
    810: "INVALIDARGS",
}


def dial_status(cause: int | None) -> str:
    """The Asterisk-style ``DIALSTATUS`` FreeSWITCH sets after a bridge attempt."""
    if cause is None or cause in (16, 142):
        return "ANSWER"
    return _DIAL_STATUS.get(cause, "CHANUNAVAIL")
