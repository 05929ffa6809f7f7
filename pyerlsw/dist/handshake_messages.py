"""Handshake messages (distribution protocol version 6) as typed values.

Each message travels as ``Len:16 · Tag · Body``; :func:`frame` adds the prefix, and the
``decode_*`` functions take the body (after the tag). Layouts: erlang_dist.md §3.2.
Node names are ASCII/Latin-1 bytes on the wire (OTP sends ``atom_to_binary(N, latin1)``).

Decoders raise :class:`RemoteProtocolError` on malformed bodies; trailing bytes are
ignored where OTP ignores them (``'N'`` name and challenge, ``named:`` status).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import Final

from pyerlsw.dist.errors import LocalProtocolError, RemoteProtocolError
from pyerlsw.dist.flags import DistFlags

__all__ = [
    "TAG_ACK",
    "TAG_COMPLEMENT",
    "TAG_NAME_NEW",
    "TAG_NAME_OLD",
    "TAG_REPLY",
    "TAG_STATUS",
    "Challenge",
    "ChallengeAck",
    "ChallengeReply",
    "Complement",
    "SendName",
    "SendNameV5",
    "StatusMessage",
    "decode_challenge",
    "decode_challenge_ack",
    "decode_challenge_reply",
    "decode_complement",
    "decode_send_name",
    "decode_send_name_v5",
    "decode_status",
    "digest",
    "frame",
    "validate_node_name",
]

TAG_NAME_NEW: Final = ord("N")  # send_name v6, and the v6 challenge
TAG_NAME_OLD: Final = ord("n")  # send_name v5
TAG_STATUS: Final = ord("s")
TAG_COMPLEMENT: Final = ord("c")
TAG_REPLY: Final = ord("r")
TAG_ACK: Final = ord("a")

MAX_NODE_NAME: Final = 255
"""A node name is an atom: at most 255 characters."""


def digest(challenge: int, cookie: bytes) -> bytes:
    """``MD5(cookie ++ decimal(challenge))``, the challenge read as unsigned 32-bit."""
    return hashlib.md5(cookie + str(challenge & 0xFFFFFFFF).encode("ascii")).digest()


def validate_node_name(name: str) -> str:
    """Return ``name`` if it is ``alive@host`` (both parts non-empty, ASCII, <= 255).

    Raises :class:`LocalProtocolError` otherwise (callers turn it into a remote error
    for names that came from the peer).
    """
    alive, sep, host = name.partition("@")
    if (
        not sep
        or not alive
        or not host
        or "@" in host
        or len(name) > MAX_NODE_NAME
        or not name.isascii()
        or not name.isprintable()
    ):
        raise LocalProtocolError(f"not a valid node name (alive@host): {name!r}")
    return name


def frame(tag: int, body: bytes) -> bytes:
    """``Len:16 · Tag · Body``."""
    if len(body) + 1 > 0xFFFF:
        raise LocalProtocolError("handshake message too long")
    return struct.pack(">HB", len(body) + 1, tag) + body


def _name_bytes(name: str) -> bytes:
    return name.encode("latin-1")


def _peer_name(raw: bytes) -> str:
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise RemoteProtocolError(f"node name is not ASCII: {raw!r}") from None
    return text


@dataclass(frozen=True, slots=True)
class SendName:
    """``'N'`` send_name (v6): the initiator's flags, creation and full node name."""

    flags: DistFlags
    creation: int
    name: str

    def encode(self) -> bytes:
        raw = _name_bytes(self.name)
        return frame(TAG_NAME_NEW, struct.pack(">QIH", self.flags, self.creation, len(raw)) + raw)


def decode_send_name(body: bytes) -> SendName:
    if len(body) < 14:
        raise RemoteProtocolError("send_name 'N' truncated")
    flags, creation, nlen = struct.unpack_from(">QIH", body)
    if len(body) < 14 + nlen:
        raise RemoteProtocolError("send_name 'N' name truncated")
    return SendName(DistFlags(flags), creation, _peer_name(body[14 : 14 + nlen]))


@dataclass(frozen=True, slots=True)
class SendNameV5:
    """``'n'`` send_name (v5) as OTP 23/24 send it without asking EPMD first."""

    version: int
    flags: DistFlags
    name: str

    def encode(self) -> bytes:
        return frame(TAG_NAME_OLD, struct.pack(">HI", self.version, self.flags & 0xFFFFFFFF)
                     + _name_bytes(self.name))


def decode_send_name_v5(body: bytes) -> SendNameV5:
    if len(body) < 6:
        raise RemoteProtocolError("send_name 'n' truncated")
    version, flags = struct.unpack_from(">HI", body)
    return SendNameV5(version, DistFlags(flags), _peer_name(body[6:]))


@dataclass(frozen=True, slots=True)
class StatusMessage:
    """``'s'`` status: ``ok``, ``ok_simultaneous``, ``nok``, ``not_allowed``, ``alive``,
    the initiator's answers ``true``/``false`` to ``alive``, or ``named:`` (then
    ``name`` and ``creation`` are set)."""

    status: str
    name: str | None = None
    creation: int | None = None

    def encode(self) -> bytes:
        if self.status == "named:":
            if self.name is None or self.creation is None:
                raise LocalProtocolError("a named: status needs a name and a creation")
            raw = _name_bytes(self.name)
            body = b"named:" + struct.pack(">H", len(raw)) + raw + struct.pack(">I", self.creation)
            return frame(TAG_STATUS, body)
        return frame(TAG_STATUS, self.status.encode("ascii"))


def decode_status(body: bytes) -> StatusMessage:
    if body.startswith(b"named:"):
        if len(body) < 8:
            raise RemoteProtocolError("named: status truncated")
        (nlen,) = struct.unpack_from(">H", body, 6)
        if len(body) < 8 + nlen + 4:
            raise RemoteProtocolError("named: status truncated")
        (creation,) = struct.unpack_from(">I", body, 8 + nlen)
        return StatusMessage("named:", _peer_name(body[8 : 8 + nlen]), creation)
    try:
        return StatusMessage(body.decode("ascii"))
    except UnicodeDecodeError:
        raise RemoteProtocolError(f"status is not ASCII: {body[:32]!r}") from None


@dataclass(frozen=True, slots=True)
class Challenge:
    """``'N'`` challenge (v6) from the acceptor: flags, challenge, creation, name."""

    flags: DistFlags
    challenge: int
    creation: int
    name: str

    def encode(self) -> bytes:
        raw = _name_bytes(self.name)
        return frame(
            TAG_NAME_NEW,
            struct.pack(">QIIH", self.flags, self.challenge, self.creation, len(raw)) + raw,
        )


def decode_challenge(body: bytes) -> Challenge:
    if len(body) < 18:
        raise RemoteProtocolError("challenge 'N' truncated")
    flags, challenge, creation, nlen = struct.unpack_from(">QIIH", body)
    if len(body) < 18 + nlen:
        raise RemoteProtocolError("challenge 'N' name truncated")
    return Challenge(DistFlags(flags), challenge, creation, _peer_name(body[18 : 18 + nlen]))


@dataclass(frozen=True, slots=True)
class Complement:
    """``'c'``: the high 32 flag bits and the creation, after an old ``'n'`` name."""

    flags_high: int
    creation: int

    def encode(self) -> bytes:
        return frame(TAG_COMPLEMENT, struct.pack(">II", self.flags_high, self.creation))


def decode_complement(body: bytes) -> Complement:
    if len(body) != 8:
        raise RemoteProtocolError(f"complement 'c' must be 8 bytes, got {len(body)}")
    high, creation = struct.unpack(">II", body)
    return Complement(high, creation)


@dataclass(frozen=True, slots=True)
class ChallengeReply:
    """``'r'``: the initiator's own challenge and its digest of the acceptor's."""

    challenge: int
    digest: bytes

    def encode(self) -> bytes:
        return frame(TAG_REPLY, struct.pack(">I", self.challenge) + self.digest)


def decode_challenge_reply(body: bytes) -> ChallengeReply:
    if len(body) != 20:
        raise RemoteProtocolError(f"challenge_reply 'r' must be 20 bytes, got {len(body)}")
    (challenge,) = struct.unpack_from(">I", body)
    return ChallengeReply(challenge, bytes(body[4:]))


@dataclass(frozen=True, slots=True)
class ChallengeAck:
    """``'a'``: the acceptor's digest of the initiator's challenge."""

    digest: bytes

    def encode(self) -> bytes:
        return frame(TAG_ACK, self.digest)


def decode_challenge_ack(body: bytes) -> ChallengeAck:
    if len(body) != 16:
        raise RemoteProtocolError(f"challenge_ack 'a' must be 16 bytes, got {len(body)}")
    return ChallengeAck(bytes(body))
