"""Sans-I/O cores of the Erlang distribution protocol (no asyncio, no sockets).

* :mod:`~pyerlsw.dist.flags` -- capability flags and the sets each OTP requires;
* :mod:`~pyerlsw.dist.epmd` -- EPMD requests and responses;
* :mod:`~pyerlsw.dist.handshake` -- the version-6 handshake, both roles;
* :mod:`~pyerlsw.dist.control` -- control messages as typed values, packet codec;
* :mod:`~pyerlsw.dist.connection` -- the connected phase: framing, ticks, limits.

Every core takes bytes and returns events (``receive_data``) and queues bytes to write
(``data_to_send``); the asyncio runtime in :mod:`pyerlsw.node` drives them.
"""

from __future__ import annotations

from .connection import DEFAULT_MAX_PACKET_SIZE, TICK, DistConnection, Tick
from .errors import LocalProtocolError, ProtocolError, RemoteProtocolError
from .flags import (
    DEFAULT_FLAGS,
    MANDATORY_25,
    MANDATORY_26,
    REQUIRED_FROM_PEER,
    DistFlags,
)
from .handshake import (
    FailureReason,
    Handshake,
    HandshakeComplete,
    HandshakeFailed,
    NameReceived,
    Role,
    State,
    Status,
)
from .packet import EncodedTerm

__all__ = [
    "DEFAULT_FLAGS",
    "DEFAULT_MAX_PACKET_SIZE",
    "MANDATORY_25",
    "MANDATORY_26",
    "REQUIRED_FROM_PEER",
    "TICK",
    "DistConnection",
    "DistFlags",
    "EncodedTerm",
    "FailureReason",
    "Handshake",
    "HandshakeComplete",
    "HandshakeFailed",
    "LocalProtocolError",
    "NameReceived",
    "ProtocolError",
    "RemoteProtocolError",
    "Role",
    "State",
    "Status",
    "Tick",
]
