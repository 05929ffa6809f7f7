"""Distribution capability flags (``DFLAG_*``) and the sets OTP requires.

One :class:`DistFlags` enum holds every flag; the module constants are the single source
of truth for what each OTP release insists on (``docs``: erlang_dist.md §4). Tests pin
their numeric values.

ERRATUM honoured here: ``MANDATORY_25_DIGEST`` is bit **26** (``0x04000000``), as in
``dist.h`` and what OTP 25 sends, not bit 36 as the protocol guide says.
"""

from __future__ import annotations

import enum

__all__ = [
    "DEFAULT_FLAGS",
    "MANDATORY_25",
    "MANDATORY_26",
    "REJECTABLE",
    "REQUIRED_FROM_PEER",
    "DistFlags",
    "expand_mandatory_25_digest",
    "flag_names",
    "missing_flags",
]


class DistFlags(enum.IntFlag):
    """Capability bits exchanged in the handshake (value = ``1 << bit``)."""

    PUBLISHED = 1 << 0
    ATOM_CACHE = 1 << 1
    EXTENDED_REFERENCES = 1 << 2
    DIST_MONITOR = 1 << 3
    FUN_TAGS = 1 << 4
    DIST_MONITOR_NAME = 1 << 5
    HIDDEN_ATOM_CACHE = 1 << 6
    NEW_FUN_TAGS = 1 << 7
    EXTENDED_PIDS_PORTS = 1 << 8
    EXPORT_PTR_TAG = 1 << 9
    BIT_BINARIES = 1 << 10
    NEW_FLOATS = 1 << 11
    UNICODE_IO = 1 << 12
    DIST_HDR_ATOM_CACHE = 1 << 13
    SMALL_ATOM_TAGS = 1 << 14
    ETS_COMPRESSED = 1 << 15  # ERTS-internal, never on the wire
    UTF8_ATOMS = 1 << 16
    MAP_TAG = 1 << 17
    BIG_CREATION = 1 << 18
    SEND_SENDER = 1 << 19
    BIG_SEQTRACE_LABELS = 1 << 20
    PENDING_CONNECT = 1 << 21  # ERTS-internal
    EXIT_PAYLOAD = 1 << 22
    FRAGMENTS = 1 << 23
    HANDSHAKE_23 = 1 << 24
    UNLINK_ID = 1 << 25
    MANDATORY_25_DIGEST = 1 << 26
    SPAWN = 1 << 32
    NAME_ME = 1 << 33
    V4_NC = 1 << 34
    ALIAS = 1 << 35
    LOCAL_EXT = 1 << 36  # ERTS-internal (OTP 26+)
    ALTACT_SIG = 1 << 37


_F = DistFlags

MANDATORY_25 = (
    _F.EXTENDED_REFERENCES
    | _F.FUN_TAGS
    | _F.NEW_FUN_TAGS
    | _F.EXTENDED_PIDS_PORTS
    | _F.EXPORT_PTR_TAG
    | _F.BIT_BINARIES
    | _F.NEW_FLOATS
    | _F.UTF8_ATOMS
    | _F.MAP_TAG
    | _F.BIG_CREATION
    | _F.HANDSHAKE_23
)
"""What OTP 25 refuses to connect without (``DFLAG_DIST_MANDATORY_25`` = 0x1070F94)."""

MANDATORY_26 = MANDATORY_25 | _F.UNLINK_ID | _F.V4_NC
"""What OTP 26, 27 and 28 refuse to connect without (0x403070F94)."""

REJECTABLE = _F.ATOM_CACHE | _F.HIDDEN_ATOM_CACHE | _F.DIST_HDR_ATOM_CACHE | _F.FRAGMENTS
"""Flags OTP lets a node leave off; pyerlsw never sets them (no atom cache, no fragments)."""

DEFAULT_FLAGS = (
    MANDATORY_26
    | _F.MANDATORY_25_DIGEST
    | _F.DIST_MONITOR
    | _F.DIST_MONITOR_NAME
    | _F.UNICODE_IO
    | _F.SMALL_ATOM_TAGS
    | _F.SEND_SENDER
    | _F.BIG_SEQTRACE_LABELS
    | _F.EXIT_PAYLOAD
    | _F.SPAWN
    | _F.ALIAS
)
"""What a pyerlsw hidden node advertises (add ``PUBLISHED`` for a visible node).

Every flag is a promise the codec and the node keep: the codec decodes all the term
tags the mandatory flags imply, and the node handles monitors, SEND_SENDER, payload
exits, SPAWN_REQUEST (erpc) and ALIAS_SEND.
"""

REQUIRED_FROM_PEER = MANDATORY_25
"""What pyerlsw refuses to connect without by default.

The OTP 25 set is all the codec needs; ``UNLINK_ID`` and ``V4_NC`` are used when the
peer offers them (an older C node may not).
"""


def expand_mandatory_25_digest(flags: int) -> DistFlags:
    """Return ``flags`` with the OTP 25 mandatory set added when bit 26 is set.

    This is what OTP does before checking a peer's flags (``dist_util``).
    """
    result = DistFlags(flags)
    if result & _F.MANDATORY_25_DIGEST:
        result |= MANDATORY_25
    return result


def missing_flags(peer_flags: int, required: int) -> DistFlags:
    """The ``required`` flags the peer does not offer (after expanding bit 26)."""
    return DistFlags(required & ~expand_mandatory_25_digest(peer_flags) & ((1 << 64) - 1))


def flag_names(flags: int) -> list[str]:
    """Names of the set bits, lowest first (unknown bits as ``"BIT_<n>"``)."""
    names = []
    for bit in range(64):
        if flags >> bit & 1:
            name = DistFlags(1 << bit).name
            names.append(name if name else f"BIT_{bit}")
    return names
