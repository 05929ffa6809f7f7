"""The handshake state machine: byte-exact vectors, an in-memory pair, refusals, garbage."""

from __future__ import annotations

import struct
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyerlsw.dist import handshake_messages as hm
from pyerlsw.dist.errors import LocalProtocolError, RemoteProtocolError
from pyerlsw.dist.flags import DEFAULT_FLAGS, MANDATORY_25, MANDATORY_26, DistFlags
from pyerlsw.dist.handshake import (
    TRANSITIONS,
    FailureReason,
    Handshake,
    HandshakeComplete,
    HandshakeEvent,
    HandshakeFailed,
    NameReceived,
    Role,
    State,
    Status,
)

COOKIE = b"SECRETX"


def challenges(*values: int) -> Iterator[int]:
    yield from values


def make_pair(
    *,
    i_cookie: bytes = COOKIE,
    a_cookie: bytes = COOKIE,
    i_flags: int = DEFAULT_FLAGS,
    a_flags: int = DEFAULT_FLAGS,
    dialled: str = "b@host",
    a_name: str = "b@host",
    required: int = MANDATORY_26,
) -> tuple[Handshake, Handshake]:
    i_ch = challenges(0x11111111)
    a_ch = challenges(3735928559)
    initiator = Handshake(Role.INITIATOR, "a@host", i_cookie, i_flags, 7,
                          peer_name=dialled, required_flags=required,
                          challenge_source=lambda: next(i_ch))
    acceptor = Handshake(Role.ACCEPTOR, a_name, a_cookie, a_flags, 9,
                         required_flags=required, challenge_source=lambda: next(a_ch))
    return initiator, acceptor


class Pair:
    """Initiator <-> acceptor wired in memory (like h11's ConnectionPair)."""

    def __init__(self, initiator: Handshake, acceptor: Handshake,
                 status: Status = Status.OK) -> None:
        self.i, self.a, self.status = initiator, acceptor, status
        self.i_events: list[HandshakeEvent] = []
        self.a_events: list[HandshakeEvent] = []
        self.wire_i_to_a: list[bytes] = []
        self.wire_a_to_i: list[bytes] = []

    def run(self, chunk: int = 1 << 16) -> None:
        for _ in range(20):
            moved = False
            out = self.i.data_to_send()
            if out:
                self.wire_i_to_a.append(out)
                moved = True
                for k in range(0, len(out), chunk):
                    if self.a.state not in (State.CONNECTED, State.FAILED):
                        self.a_events += self.a.receive_data(out[k:k + chunk])
                if self.a.state is State.DECIDING:
                    self.a_events += self.a.decide(self.status)
            out = self.a.data_to_send()
            if out:
                self.wire_a_to_i.append(out)
                moved = True
                for k in range(0, len(out), chunk):
                    if self.i.state not in (State.CONNECTED, State.FAILED):
                        self.i_events += self.i.receive_data(out[k:k + chunk])
            if not moved:
                return


def test_digest_vector() -> None:
    assert hm.digest(3735928559, b"SECRETX").hex() == "5e65d7f5cc65386dd44cc9537090cd39"
    assert hm.digest(-559038737, b"SECRETX") == hm.digest(3735928559, b"SECRETX")


def test_message_vectors() -> None:
    assert hm.SendName(DistFlags(0x1000000), 7, "a@h").encode() == bytes(
        [0, 18, 78, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7, 0, 3, 97, 64, 104])
    assert hm.StatusMessage("ok").encode() == b"\x00\x03sok"
    assert hm.Challenge(DistFlags(4), 0xDEADBEEF, 9, "b@h").encode() == (
        b"\x00\x16N" + struct.pack(">QIIH", 4, 0xDEADBEEF, 9, 3) + b"b@h")
    reply = hm.ChallengeReply(1, b"\x01" * 16).encode()
    assert reply == b"\x00\x15r\x00\x00\x00\x01" + b"\x01" * 16
    assert hm.ChallengeAck(b"\x02" * 16).encode() == b"\x00\x11a" + b"\x02" * 16
    assert hm.Complement(3, 9).encode() == b"\x00\x09c\x00\x00\x00\x03\x00\x00\x00\x09"
    named = hm.StatusMessage("named:", "x@h", 5).encode()
    assert hm.decode_status(named[3:]) == hm.StatusMessage("named:", "x@h", 5)


def test_trailing_bytes_in_name_and_challenge_are_ignored() -> None:
    body = hm.SendName(DistFlags(4), 7, "a@h").encode()[3:] + b"future"
    assert hm.decode_send_name(body).name == "a@h"
    body = hm.Challenge(DistFlags(4), 1, 2, "b@h").encode()[3:] + b"future"
    assert hm.decode_challenge(body).name == "b@h"


def test_full_handshake_byte_exact() -> None:
    i, a = make_pair()
    pair = Pair(i, a)
    pair.run()
    assert i.state is State.CONNECTED and a.state is State.CONNECTED
    flags = DEFAULT_FLAGS & DEFAULT_FLAGS
    assert pair.i_events == [HandshakeComplete("b@host", DistFlags(DEFAULT_FLAGS), 9, flags)]
    assert pair.a_events == [
        NameReceived("a@host", DistFlags(DEFAULT_FLAGS), 7),
        HandshakeComplete("a@host", DistFlags(DEFAULT_FLAGS), 7, flags),
    ]
    i_to_a = b"".join(pair.wire_i_to_a)
    expected = (hm.SendName(DistFlags(DEFAULT_FLAGS), 7, "a@host").encode()
                + hm.ChallengeReply(0x11111111, hm.digest(3735928559, COOKIE)).encode())
    assert i_to_a == expected
    a_to_i = b"".join(pair.wire_a_to_i)
    assert a_to_i == (b"\x00\x03sok"
                      + hm.Challenge(DistFlags(DEFAULT_FLAGS), 3735928559, 9, "b@host").encode()
                      + hm.ChallengeAck(hm.digest(0x11111111, COOKIE)).encode())


def test_handshake_one_byte_at_a_time() -> None:
    pair = Pair(*make_pair())
    pair.run(chunk=1)
    assert pair.i.state is State.CONNECTED and pair.a.state is State.CONNECTED


def test_ok_simultaneous_continues() -> None:
    pair = Pair(*make_pair(), status=Status.OK_SIMULTANEOUS)
    pair.run()
    assert pair.i.state is State.CONNECTED and pair.a.state is State.CONNECTED


@pytest.mark.parametrize("status", [Status.NOK, Status.NOT_ALLOWED])
def test_acceptor_refuses(status: Status) -> None:
    pair = Pair(*make_pair(), status=status)
    pair.run()
    assert pair.a.state is State.FAILED and pair.i.state is State.FAILED
    assert pair.a_events[-1] == HandshakeFailed(
        FailureReason.DECLINED, f"refused a@host with {status.value}")
    last = pair.i_events[-1]
    assert isinstance(last, HandshakeFailed)
    assert last.reason is FailureReason.REFUSED and last.status == status.value


def test_alive_answered_true_by_initiator() -> None:
    pair = Pair(*make_pair(), status=Status.ALIVE)
    pair.run()
    assert pair.i.state is State.CONNECTED and pair.a.state is State.CONNECTED
    assert b"\x00\x05strue" in b"".join(pair.wire_i_to_a)


def test_alive_answered_false() -> None:
    _, a = make_pair()
    a.receive_data(hm.SendName(DistFlags(DEFAULT_FLAGS), 7, "a@host").encode())
    a.decide(Status.ALIVE)
    assert a.data_to_send() == b"\x00\x06salive"
    [event] = a.receive_data(b"\x00\x06sfalse")
    assert isinstance(event, HandshakeFailed) and event.reason is FailureReason.REFUSED


def test_wrong_cookie_acceptor_closes_silently() -> None:
    pair = Pair(*make_pair(i_cookie=b"WRONG"))
    pair.run()
    assert pair.a.state is State.FAILED
    event = pair.a_events[-1]
    assert isinstance(event, HandshakeFailed) and event.reason is FailureReason.BAD_COOKIE
    assert pair.i.state is State.AWAIT_ACK  # the driver sees EOF next
    assert pair.a.data_to_send() == b""


def test_wrong_cookie_detected_by_initiator() -> None:
    i, _ = make_pair()
    i.data_to_send()
    i.receive_data(b"\x00\x03sok")
    i.receive_data(hm.Challenge(DistFlags(DEFAULT_FLAGS), 5, 9, "b@host").encode())
    [event] = i.receive_data(hm.ChallengeAck(b"\x00" * 16).encode())
    assert isinstance(event, HandshakeFailed) and event.reason is FailureReason.BAD_COOKIE


def test_initiator_checks_the_name_in_the_challenge() -> None:
    pair = Pair(*make_pair(a_name="other@host"))
    pair.run()
    event = pair.i_events[-1]
    assert isinstance(event, HandshakeFailed)
    assert event.reason is FailureReason.WRONG_PEER_NAME


def test_acceptor_refuses_peer_missing_flags() -> None:
    pair = Pair(*make_pair(i_flags=MANDATORY_25))
    pair.run()
    assert b"\x00\x0csnot_allowed" in b"".join(pair.wire_a_to_i)
    event = pair.a_events[-1]
    assert isinstance(event, HandshakeFailed)
    assert event.reason is FailureReason.MISSING_FLAGS
    assert "UNLINK_ID" in event.detail and "V4_NC" in event.detail
    i_event = pair.i_events[-1]
    assert isinstance(i_event, HandshakeFailed) and i_event.status == "not_allowed"


def test_initiator_refuses_acceptor_missing_flags() -> None:
    pair = Pair(*make_pair(a_flags=MANDATORY_25))
    pair.run()
    event = pair.i_events[-1]
    assert isinstance(event, HandshakeFailed) and event.reason is FailureReason.MISSING_FLAGS


def test_digest_bit_alone_satisfies_the_25_set() -> None:
    flags = DistFlags.HANDSHAKE_23 | DistFlags.MANDATORY_25_DIGEST
    pair = Pair(*make_pair(i_flags=flags, required=MANDATORY_25))
    pair.run()
    assert pair.a.state is State.CONNECTED


def test_v5_name_with_complement() -> None:
    _, a = make_pair()
    v5 = hm.SendNameV5(5, DistFlags(DEFAULT_FLAGS & 0xFFFFFFFF), "a@host").encode()
    [event] = a.receive_data(v5)
    assert isinstance(event, NameReceived) and event.creation is None
    a.decide(Status.OK)
    assert a.state is State.AWAIT_COMPLEMENT
    a.data_to_send()
    a.receive_data(hm.Complement(DEFAULT_FLAGS >> 32, 7).encode())
    assert a.state is State.AWAIT_REPLY
    [done] = a.receive_data(hm.ChallengeReply(1, hm.digest(3735928559, COOKIE)).encode())
    assert isinstance(done, HandshakeComplete) and done.peer_creation == 7
    assert done.flags & DistFlags.SPAWN


def test_v5_only_peer_refused() -> None:
    _, a = make_pair()
    [event] = a.receive_data(hm.SendNameV5(5, DistFlags(MANDATORY_25 & ~DistFlags.HANDSHAKE_23),
                                           "a@host").encode())
    assert isinstance(event, HandshakeFailed)
    assert a.data_to_send() == b"\x00\x0csnot_allowed"


@pytest.mark.parametrize("name", ["nohost", "@host", "a@", "a@b@c", "x" * 300 + "@h"])
def test_bad_peer_names(name: str) -> None:
    _, a = make_pair()
    [event] = a.receive_data(hm.SendName(DistFlags(DEFAULT_FLAGS), 7, name).encode())
    assert isinstance(event, HandshakeFailed) and event.reason is FailureReason.BAD_PEER_NAME


def test_name_me_is_refused() -> None:
    _, a = make_pair()
    flags = DistFlags(DEFAULT_FLAGS) | DistFlags.NAME_ME
    [event] = a.receive_data(hm.SendName(flags, 7, "host").encode())
    assert isinstance(event, HandshakeFailed)
    assert a.data_to_send() == b"\x00\x0csnot_allowed"


def test_trailing_data_after_ack_is_kept() -> None:
    i, _ = make_pair()
    i.data_to_send()
    i.receive_data(b"\x00\x03sok")
    i.receive_data(hm.Challenge(DistFlags(DEFAULT_FLAGS), 3735928559, 9, "b@host").encode())
    ack = hm.ChallengeAck(hm.digest(0x11111111, COOKIE)).encode()
    [event] = i.receive_data(ack + b"\x00\x00\x00\x00")
    assert isinstance(event, HandshakeComplete)
    assert i.trailing_data() == b"\x00\x00\x00\x00"


def test_unexpected_message_is_remote_error() -> None:
    i, _ = make_pair()
    with pytest.raises(RemoteProtocolError):
        i.receive_data(b"\x00\x11a" + b"\x00" * 16)  # ack before status
    assert i.state is State.FAILED
    with pytest.raises(LocalProtocolError):
        i.receive_data(b"")


def test_local_misuse() -> None:
    with pytest.raises(LocalProtocolError):
        Handshake(Role.INITIATOR, "a@h", COOKIE, DEFAULT_FLAGS, 1)  # no peer_name
    with pytest.raises(LocalProtocolError):
        Handshake(Role.ACCEPTOR, "a@h", COOKIE, DEFAULT_FLAGS, 0)  # creation 0
    with pytest.raises(LocalProtocolError):
        Handshake(Role.ACCEPTOR, "a@h", COOKIE, MANDATORY_25 & ~DistFlags.HANDSHAKE_23, 1)
    with pytest.raises(LocalProtocolError):
        Handshake(Role.ACCEPTOR, "noat", COOKIE, DEFAULT_FLAGS, 1)
    _, a = make_pair()
    with pytest.raises(LocalProtocolError):
        a.decide(Status.OK)


def test_transition_table_covers_both_roles() -> None:
    roles = {role for role, _, _ in TRANSITIONS}
    assert roles == {Role.INITIATOR, Role.ACCEPTOR}
    for (_, state, _), (handler, targets) in TRANSITIONS.items():
        assert hasattr(Handshake, handler)
        assert state not in (State.CONNECTED, State.FAILED)
        assert State.FAILED in targets


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([Role.INITIATOR, Role.ACCEPTOR]))
def test_garbage_raises_only_protocol_errors(data: bytes, role: Role) -> None:
    hs = Handshake(role, "a@host", COOKIE, DEFAULT_FLAGS, 1, peer_name="b@host")
    try:
        events = hs.receive_data(data)
        if hs.state is State.DECIDING:
            events += hs.decide(Status.OK)
    except RemoteProtocolError:
        assert hs.state is State.FAILED
