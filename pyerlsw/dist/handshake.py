"""The distribution handshake (version 6) as a sans-I/O state machine, both roles.

Usage (the driver owns the socket and the timer)::

    hs = Handshake(Role.INITIATOR, "py@host", b"COOKIE", DEFAULT_FLAGS, creation,
                   peer_name="erl@host")
    sock.send(hs.data_to_send())              # the send_name message
    while hs.state is not State.CONNECTED:
        for event in hs.receive_data(sock.recv(4096)):
            ...                               # NameReceived -> hs.decide(Status.OK)
        sock.send(hs.data_to_send())          # always flush, also after a failure
        if hs.state is State.FAILED: close

* :meth:`receive_data` consumes bytes and returns events; :meth:`data_to_send` drains
  the bytes to write. Neither does I/O.
* The acceptor stops in :attr:`State.DECIDING` after the peer's name: it emits
  :class:`NameReceived` and waits for :meth:`decide` (the node knows about pending or
  live connections to that peer, the core does not).
* Expected refusals (bad cookie, missing flags, ``nok``...) end in :attr:`State.FAILED`
  with a :class:`HandshakeFailed` event, after queueing whatever status OTP would send.
  Malformed or out-of-order messages raise :class:`RemoteProtocolError` (state FAILED).
* Bytes that arrive after the last handshake message belong to the connected phase:
  take them with :meth:`trailing_data`.

The transition table :data:`TRANSITIONS` is the whole state graph; anything not in it is
a protocol error. Layouts and rules: erlang_dist.md §3.
"""

from __future__ import annotations

import enum
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, NoReturn

from pyerlsw.dist import handshake_messages as hm
from pyerlsw.dist.buffer import ReceiveBuffer
from pyerlsw.dist.errors import LocalProtocolError, RemoteProtocolError
from pyerlsw.dist.flags import (
    REQUIRED_FROM_PEER,
    DistFlags,
    expand_mandatory_25_digest,
    flag_names,
    missing_flags,
)

__all__ = [
    "TRANSITIONS",
    "FailureReason",
    "Handshake",
    "HandshakeComplete",
    "HandshakeEvent",
    "HandshakeFailed",
    "NameReceived",
    "Role",
    "State",
    "Status",
]


class Role(enum.Enum):
    INITIATOR = "initiator"  # we dialled the peer ("A" in the protocol guide)
    ACCEPTOR = "acceptor"  # the peer dialled us ("B")


class State(enum.Enum):
    AWAIT_STATUS = "await_status"  # initiator: name sent
    AWAIT_CHALLENGE = "await_challenge"  # initiator: status ok, challenge next
    AWAIT_ACK = "await_ack"  # initiator: reply sent
    AWAIT_NAME = "await_name"  # acceptor: nothing received yet
    DECIDING = "deciding"  # acceptor: NameReceived emitted, decide() expected
    AWAIT_ALIVE_ANSWER = "await_alive_answer"  # acceptor: sent "alive"
    AWAIT_COMPLEMENT = "await_complement"  # acceptor: old 'n' name, 'c' next
    AWAIT_REPLY = "await_reply"  # acceptor: challenge sent
    CONNECTED = "connected"
    FAILED = "failed"


class Status(enum.Enum):
    """What the acceptor answers after reading the initiator's name (§3.3)."""

    OK = "ok"
    OK_SIMULTANEOUS = "ok_simultaneous"  # we were dialling too and our attempt yields
    NOK = "nok"  # we were dialling too and our attempt wins
    NOT_ALLOWED = "not_allowed"
    ALIVE = "alive"  # we already have a connection from this name: is it dead?


class FailureReason(enum.Enum):
    BAD_COOKIE = "bad_cookie"
    MISSING_FLAGS = "missing_flags"
    WRONG_PEER_NAME = "wrong_peer_name"  # the challenge named another node
    BAD_PEER_NAME = "bad_peer_name"  # not alive@host, or a NAME_ME request
    REFUSED = "refused"  # the peer answered nok / not_allowed / alive+false...
    DECLINED = "declined"  # we answered nok / not_allowed (decide())


@dataclass(frozen=True, slots=True)
class NameReceived:
    """Acceptor only: the peer's name arrived; call :meth:`Handshake.decide` next.

    ``creation`` is ``None`` for an old ``'n'`` name (it comes with the complement).
    """

    peer_name: str
    peer_flags: DistFlags
    creation: int | None


@dataclass(frozen=True, slots=True)
class HandshakeComplete:
    """Both sides proved the cookie; switch to 4-byte framing.

    ``flags`` is the negotiated set (ours AND theirs), ``peer_flags`` what the peer
    offered (bit 26 expanded).
    """

    peer_name: str
    peer_flags: DistFlags
    peer_creation: int
    flags: DistFlags


@dataclass(frozen=True, slots=True)
class HandshakeFailed:
    """The handshake ended without a connection; ``detail`` is one log line."""

    reason: FailureReason
    detail: str
    status: str | None = None  # the status the peer sent, for REFUSED


HandshakeEvent = NameReceived | HandshakeComplete | HandshakeFailed

_N, _n, _s, _c, _r, _a = (hm.TAG_NAME_NEW, hm.TAG_NAME_OLD, hm.TAG_STATUS,
                          hm.TAG_COMPLEMENT, hm.TAG_REPLY, hm.TAG_ACK)
_I, _A = Role.INITIATOR, Role.ACCEPTOR

TRANSITIONS: Final[dict[tuple[Role, State, int], tuple[str, frozenset[State]]]] = {
    # (role, state, incoming tag): (handler, states the handler may move to)
    (_I, State.AWAIT_STATUS, _s): (
        "_on_status", frozenset({State.AWAIT_CHALLENGE, State.FAILED})),
    (_I, State.AWAIT_CHALLENGE, _N): (
        "_on_challenge", frozenset({State.AWAIT_ACK, State.FAILED})),
    (_I, State.AWAIT_ACK, _a): ("_on_ack", frozenset({State.CONNECTED, State.FAILED})),
    (_A, State.AWAIT_NAME, _N): ("_on_name", frozenset({State.DECIDING, State.FAILED})),
    (_A, State.AWAIT_NAME, _n): ("_on_name_v5", frozenset({State.DECIDING, State.FAILED})),
    (_A, State.AWAIT_ALIVE_ANSWER, _s): (
        "_on_alive_answer",
        frozenset({State.AWAIT_REPLY, State.AWAIT_COMPLEMENT, State.FAILED})),
    (_A, State.AWAIT_COMPLEMENT, _c): (
        "_on_complement", frozenset({State.AWAIT_REPLY, State.FAILED})),
    (_A, State.AWAIT_REPLY, _r): ("_on_reply", frozenset({State.CONNECTED, State.FAILED})),
}
"""The whole state graph. :meth:`Handshake.decide` adds the acceptor's only
user-triggered edge: DECIDING -> AWAIT_REPLY | AWAIT_COMPLEMENT | AWAIT_ALIVE_ANSWER |
FAILED."""

_DECIDE_TARGETS: Final = frozenset(
    {State.AWAIT_REPLY, State.AWAIT_COMPLEMENT, State.AWAIT_ALIVE_ANSWER, State.FAILED})


def _default_challenge() -> int:
    return secrets.randbits(32)


class Handshake:
    """One handshake with one peer.

    Args:
        role: :attr:`Role.INITIATOR` if we dialled, :attr:`Role.ACCEPTOR` if we accepted.
        our_name: our full node name, exactly as the peer knows it (``alive@host``).
        cookie: the shared secret (Latin-1 bytes).
        our_flags: the flags we advertise; must include ``HANDSHAKE_23``.
        creation: our creation (from EPMD, never 0).
        peer_name: initiator only: the node we dialled; the challenge must name it.
        required_flags: what the peer must offer (default: the OTP 25 mandatory set).
        challenge_source: returns a fresh unsigned 32-bit challenge (default: ``secrets``).
    """

    def __init__(
        self,
        role: Role,
        our_name: str,
        cookie: bytes,
        our_flags: int,
        creation: int,
        *,
        peer_name: str | None = None,
        required_flags: int = REQUIRED_FROM_PEER,
        challenge_source: Callable[[], int] = _default_challenge,
    ) -> None:
        hm.validate_node_name(our_name)
        if not our_flags & DistFlags.HANDSHAKE_23:
            raise LocalProtocolError("our flags must include HANDSHAKE_23 (version 6)")
        if not 0 < creation <= 0xFFFFFFFF:
            raise LocalProtocolError(f"creation must be a non-zero 32-bit value: {creation}")
        if role is Role.INITIATOR:
            if peer_name is None:
                raise LocalProtocolError("an initiator needs the peer_name it dialled")
            hm.validate_node_name(peer_name)
        self.role = role
        self.our_name = our_name
        self.our_flags = DistFlags(our_flags)
        self.creation = creation
        self.required_flags = DistFlags(required_flags)
        self._cookie = cookie
        self._new_challenge = challenge_source
        self._buffer = ReceiveBuffer()
        self._out = bytearray()
        self.peer_name: str | None = peer_name
        self.peer_flags = DistFlags(0)
        self.peer_creation: int | None = None
        self._our_challenge: int | None = None
        self._peer_used_v5 = False
        self.status_sent: Status | None = None
        if role is Role.INITIATOR:
            self.state = State.AWAIT_STATUS
            self._out += hm.SendName(self.our_flags, creation, our_name).encode()
        else:
            self.state = State.AWAIT_NAME

    # ------------------------------------------------------------------ public API

    def data_to_send(self) -> bytes:
        """Drain and return the bytes to write to the peer (may be empty)."""
        out = bytes(self._out)
        self._out.clear()
        return out

    def receive_data(self, data: bytes) -> list[HandshakeEvent]:
        """Feed bytes from the peer; return the events they complete.

        Stops at the first event that needs the caller (NameReceived, completion,
        failure); later bytes stay buffered (see :meth:`trailing_data`).

        Raises:
            RemoteProtocolError: malformed or unexpected message (state becomes FAILED).
            LocalProtocolError: called in CONNECTED/FAILED state.
        """
        if self.state in (State.CONNECTED, State.FAILED):
            raise LocalProtocolError(f"handshake already {self.state.value}")
        self._buffer.append(data)
        events: list[HandshakeEvent] = []
        while self.state not in (State.CONNECTED, State.FAILED, State.DECIDING):
            body = self._buffer.take_frame(2)
            if body is None:
                break
            if not body:
                self._fail_remote("empty handshake message")
            tag = body[0]
            entry = TRANSITIONS.get((self.role, self.state, tag))
            if entry is None:
                self._fail_remote(
                    f"unexpected handshake message {chr(tag)!r} in {self.state.value}")
            handler_name, targets = entry
            handler: Callable[[bytes], HandshakeEvent | None] = getattr(self, handler_name)
            try:
                event = handler(body[1:])
            except RemoteProtocolError:
                self.state = State.FAILED
                raise
            if self.state not in targets:  # pragma: no cover - table/handler mismatch
                raise AssertionError(f"{handler_name} moved to {self.state}")
            if event is not None:
                events.append(event)
        return events

    def decide(self, status: Status) -> list[HandshakeEvent]:
        """Acceptor: answer the peer's name with ``status`` (after NameReceived).

        ``OK``/``OK_SIMULTANEOUS`` send the challenge; ``ALIVE`` waits for the peer's
        answer; ``NOK``/``NOT_ALLOWED`` end the handshake (a HandshakeFailed event).
        """
        if self.role is not Role.ACCEPTOR or self.state is not State.DECIDING:
            raise LocalProtocolError(f"decide() is not allowed in {self.state.value}")
        self.status_sent = status
        self._out += hm.StatusMessage(status.value).encode()
        events: list[HandshakeEvent] = []
        if status in (Status.OK, Status.OK_SIMULTANEOUS):
            self._send_challenge()
        elif status is Status.ALIVE:
            self.state = State.AWAIT_ALIVE_ANSWER
        else:
            events.append(self._failed(FailureReason.DECLINED,
                                       f"refused {self.peer_name} with {status.value}"))
        assert self.state in _DECIDE_TARGETS
        if self.state is not State.FAILED and len(self._buffer):
            events += self.receive_data(b"")
        return events

    def trailing_data(self) -> bytes:
        """Bytes received after the handshake's last message (connected phase data)."""
        return self._buffer.take_all()

    # ------------------------------------------------------------------ helpers

    def _fail_remote(self, message: str) -> NoReturn:
        self.state = State.FAILED
        raise RemoteProtocolError(message)

    def _failed(self, reason: FailureReason, detail: str,
                status: str | None = None) -> HandshakeFailed:
        self.state = State.FAILED
        return HandshakeFailed(reason, detail, status)

    def _check_flags(self, flags: DistFlags) -> HandshakeFailed | None:
        missing = missing_flags(flags, self.required_flags)
        if not missing:
            return None
        who = self.peer_name or "peer"
        return self._failed(FailureReason.MISSING_FLAGS,
                            f"{who} cannot handle {flag_names(missing)}")

    def _complete(self) -> HandshakeComplete:
        self.state = State.CONNECTED
        assert self.peer_name is not None and self.peer_creation is not None
        return HandshakeComplete(self.peer_name, self.peer_flags, self.peer_creation,
                                 self.our_flags & self.peer_flags)

    def _send_challenge(self) -> None:
        self._our_challenge = self._new_challenge() & 0xFFFFFFFF
        self._out += hm.Challenge(self.our_flags, self._our_challenge, self.creation,
                                  self.our_name).encode()
        self.state = State.AWAIT_COMPLEMENT if self._peer_used_v5 else State.AWAIT_REPLY

    # ------------------------------------------------------------------ initiator

    def _on_status(self, body: bytes) -> HandshakeEvent | None:
        status = hm.decode_status(body).status
        if status in ("ok", "ok_simultaneous"):
            self.state = State.AWAIT_CHALLENGE
            return None
        if status == "alive":
            # We are dialling, so we have no live connection to the peer: the one it
            # remembers is dead. Tell it to go on (OTP answers "true" while pending).
            self._out += hm.StatusMessage("true").encode()
            self.state = State.AWAIT_CHALLENGE
            return None
        return self._failed(FailureReason.REFUSED,
                            f"{self.peer_name} refused the connection: {status}", status)

    def _on_challenge(self, body: bytes) -> HandshakeEvent | None:
        msg = hm.decode_challenge(body)
        if msg.name != self.peer_name:
            return self._failed(FailureReason.WRONG_PEER_NAME,
                                f"dialled {self.peer_name} but {msg.name} answered")
        self.peer_flags = expand_mandatory_25_digest(msg.flags)
        self.peer_creation = msg.creation
        failed = self._check_flags(self.peer_flags)
        if failed is not None:
            return failed
        self._our_challenge = self._new_challenge() & 0xFFFFFFFF
        self._out += hm.ChallengeReply(self._our_challenge,
                                       hm.digest(msg.challenge, self._cookie)).encode()
        self.state = State.AWAIT_ACK
        return None

    def _on_ack(self, body: bytes) -> HandshakeEvent | None:
        msg = hm.decode_challenge_ack(body)
        assert self._our_challenge is not None
        if not hmac.compare_digest(msg.digest, hm.digest(self._our_challenge, self._cookie)):
            return self._failed(FailureReason.BAD_COOKIE,
                                f"{self.peer_name} does not share our cookie")
        return self._complete()

    # ------------------------------------------------------------------ acceptor

    def _accept_name(self, name: str, flags: DistFlags,
                     creation: int | None) -> HandshakeEvent:
        self.peer_flags = expand_mandatory_25_digest(flags)
        self.peer_creation = creation
        if self.peer_flags & DistFlags.NAME_ME:
            self._out += hm.StatusMessage(Status.NOT_ALLOWED.value).encode()
            return self._failed(FailureReason.BAD_PEER_NAME,
                                f"peer {name!r} asked for a dynamic name (unsupported)")
        try:
            hm.validate_node_name(name)
        except LocalProtocolError:
            self._out += hm.StatusMessage(Status.NOT_ALLOWED.value).encode()
            return self._failed(FailureReason.BAD_PEER_NAME, f"bad peer node name {name!r}")
        self.peer_name = name
        if not self._peer_used_v5:
            failed = self._check_flags(self.peer_flags)
            if failed is not None:
                self._out += hm.StatusMessage(Status.NOT_ALLOWED.value).encode()
                return failed
        self.state = State.DECIDING
        return NameReceived(name, self.peer_flags, creation)

    def _on_name(self, body: bytes) -> HandshakeEvent | None:
        msg = hm.decode_send_name(body)
        return self._accept_name(msg.name, msg.flags, msg.creation)

    def _on_name_v5(self, body: bytes) -> HandshakeEvent | None:
        msg = hm.decode_send_name_v5(body)
        if not msg.flags & DistFlags.HANDSHAKE_23:
            self._out += hm.StatusMessage(Status.NOT_ALLOWED.value).encode()
            return self._failed(FailureReason.MISSING_FLAGS,
                                f"{msg.name} speaks only protocol version 5")
        self._peer_used_v5 = True
        return self._accept_name(msg.name, msg.flags, None)

    def _on_alive_answer(self, body: bytes) -> HandshakeEvent | None:
        answer = hm.decode_status(body).status
        if answer == "true":
            self._send_challenge()
            return None
        if answer != "false":
            self._fail_remote(f"bad answer to alive: {answer!r}")
        return self._failed(FailureReason.REFUSED,
                            f"{self.peer_name} keeps its existing connection", answer)

    def _on_complement(self, body: bytes) -> HandshakeEvent | None:
        msg = hm.decode_complement(body)
        self.peer_flags = expand_mandatory_25_digest(self.peer_flags | (msg.flags_high << 32))
        self.peer_creation = msg.creation
        failed = self._check_flags(self.peer_flags)
        if failed is not None:
            return failed
        self.state = State.AWAIT_REPLY
        return None

    def _on_reply(self, body: bytes) -> HandshakeEvent | None:
        msg = hm.decode_challenge_reply(body)
        assert self._our_challenge is not None
        if not hmac.compare_digest(msg.digest, hm.digest(self._our_challenge, self._cookie)):
            return self._failed(FailureReason.BAD_COOKIE,
                                f"{self.peer_name} does not share our cookie")
        if self.peer_creation is None:  # pragma: no cover - ensured by the table
            self._fail_remote("no creation received")
        self._out += hm.ChallengeAck(hm.digest(msg.challenge, self._cookie)).encode()
        return self._complete()
