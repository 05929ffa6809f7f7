"""Configuration of a :class:`~pyerlsw.node.Node`: addresses, timers and limits.

Every limit is explicit, validated and has a safe default. ``Node(name, **options)``
passes ``options`` here, so ``Node("py", net_ticktime=10)`` works too.
"""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pyerlsw.dist.connection import DEFAULT_MAX_PACKET_SIZE
from pyerlsw.dist.flags import DEFAULT_FLAGS, REQUIRED_FROM_PEER
from pyerlsw.etf.limits import DEFAULT_LIMITS, DecodeLimits

__all__ = ["DEFAULT_EPMD_PORT", "MAX_BUSY_WAIT", "NodeConfig", "default_epmd_port"]

DEFAULT_EPMD_PORT = 4369
MAX_BUSY_WAIT = 0.1
"""Longest busy-wait window accepted (seconds): longer ones only burn CPU."""


def default_epmd_port() -> int:
    """``ERL_EPMD_PORT`` from the environment, else 4369 (what ``erl`` does)."""
    raw = os.environ.get("ERL_EPMD_PORT", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 65536 else DEFAULT_EPMD_PORT


class NodeConfig(BaseModel):
    """Options of a node.

    Attributes:
        epmd_port: where EPMD listens (default: ``ERL_EPMD_PORT``, else 4369).
        epmd_host: the host whose EPMD we register with (always this machine).
        start_epmd: start an EPMD when none answers: ``epmd_command -daemon`` if that
            binary exists, else an EPMD server built into pyerlsw (lives as long as
            this node).
        epmd_command: the ``epmd`` binary to run; ``None`` to use only the built-in one.
        listen_host: address the distribution listener binds (``0.0.0.0`` = all, like
            OTP; ``127.0.0.1`` keeps it local).
        listen_port: listener port; 0 picks a free one.
        net_ticktime: seconds; a tick is sent every quarter of it when idle, and a peer
            silent for a whole period is dropped (OTP's default: 60).
        handshake_timeout: seconds for a whole handshake (OTP's net_setuptime: 7).
        connect_timeout: seconds to resolve, connect and handshake an outgoing link.
        epmd_timeout: seconds for one EPMD request.
        max_packet_size: largest distribution packet accepted from a peer, in bytes; a
            bigger one closes that connection.
        decode_limits: limits for every term a peer sends.
        max_mailbox: a process with more queued messages is killed
            (reason ``mailbox_overflow``).
        max_pending_signals: signals queued per peer while its connection is being
            set up; more are dropped (with a log line).
        read_budget: bytes handled from one peer before its connection stops reading
            until the next event-loop iteration, so that the processes fed by a peer
            that streams get to run between chunks (and fewer decoded messages wait
            in mailboxes, where CPython's GC scans them again and again).
        read_size: most bytes one read from a peer's socket returns (the size of the
            connection's receive buffer). Event loops read 256 KiB by default: a chunk
            that size holds ~150 decoded 40-header events at once, which no longer fit
            the CPU's caches (measured: ~2 us more CPU per event than 64 KiB reads).
        busy_wait: seconds the event loop keeps polling (zero-timeout) after the last
            read from a peer instead of sleeping, as BEAM's schedulers busy-wait
            (``erl +sbwt``): cuts the wake-up latency of request/reply traffic at the
            price of CPU while the traffic lasts (:mod:`pyerlsw.node.busy_wait`).
            0 (default) turns it off; ``pyerlsw run`` sets it from ``[runtime]``.
        flags: distribution flags we advertise (``PUBLISHED`` is added when the node is
            not hidden).
        required_flags: flags a peer must offer or it is refused.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    epmd_port: int = Field(default_factory=default_epmd_port, gt=0, lt=65536)
    epmd_host: str = "127.0.0.1"
    start_epmd: bool = True
    epmd_command: str | None = "epmd"
    listen_host: str = "0.0.0.0"
    listen_port: int = Field(default=0, ge=0, lt=65536)
    net_ticktime: float = Field(default=60.0, gt=0)
    handshake_timeout: float = Field(default=7.0, gt=0)
    connect_timeout: float = Field(default=10.0, gt=0)
    epmd_timeout: float = Field(default=5.0, gt=0)
    max_packet_size: int = Field(default=DEFAULT_MAX_PACKET_SIZE, gt=0)
    decode_limits: DecodeLimits = DEFAULT_LIMITS
    max_mailbox: int = Field(default=1_000_000, gt=0)
    max_pending_signals: int = Field(default=100_000, gt=0)
    read_budget: int = Field(default=64 * 1024, gt=0)
    read_size: int = Field(default=64 * 1024, ge=1024)
    busy_wait: float = Field(default=0.0, ge=0, le=MAX_BUSY_WAIT)
    flags: int = int(DEFAULT_FLAGS)
    required_flags: int = int(REQUIRED_FROM_PEER)

    @field_validator("flags", "required_flags")
    @classmethod
    def _flags_fit_64_bits(cls, value: int) -> int:
        if not 0 <= value < 1 << 64:
            raise ValueError("flags are a 64-bit unsigned value")
        return value
