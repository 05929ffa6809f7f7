"""Control messages: byte-exact packets, round trips of every op, and bad packets."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyerlsw.dist import control as c
from pyerlsw.dist import packet as pk
from pyerlsw.dist.errors import RemoteProtocolError
from pyerlsw.etf import Atom, Pid, Reference, encode

NODE = Atom("a@h")
P1 = Pid(NODE, 1, 0, 5)
P2 = Pid(NODE, 2, 0, 5)
REF = Reference(NODE, 5, (1, 2, 3))
TOK = Atom("token")
PID_BYTES_1 = b"X" + b"w\x03a@h" + bytes([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5])
PID_BYTES_2 = b"X" + b"w\x03a@h" + bytes([0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 5])

ALL: list[c.ControlMessage] = [
    c.Link(P1, P2),
    c.Send(P2, b"hi"),
    c.SendTT(P2, [1], TOK),
    c.Exit(P1, P2, Atom("normal")),
    c.ExitTT(P1, P2, Atom("normal"), TOK),
    c.Unlink(P1, P2),
    c.RegSend(P1, Atom("rex"), (1, 2)),
    c.RegSendTT(P1, Atom("rex"), (1, 2), TOK),
    c.GroupLeader(P1, P2),
    c.Exit2(P1, P2, Atom("kill")),
    c.Exit2TT(P1, P2, Atom("kill"), TOK),
    c.MonitorP(P1, P2, REF),
    c.MonitorP(P1, Atom("net_kernel"), REF),
    c.DemonitorP(P1, Atom("net_kernel"), REF),
    c.MonitorPExit(P2, P1, REF, Atom("noproc")),
    c.SendSender(P1, P2, {1: 2}),
    c.SendSenderTT(P1, P2, {1: 2}, TOK),
    c.PayloadExit(P1, P2, (Atom("shutdown"), 1)),
    c.PayloadExitTT(P1, P2, Atom("x"), TOK),
    c.PayloadExit2(P1, P2, Atom("x")),
    c.PayloadExit2TT(P1, P2, Atom("x"), TOK),
    c.PayloadMonitorPExit(Atom("reg"), P1, REF, Atom("noproc")),
    c.SpawnRequest(REF, P1, P2, (Atom("erpc"), Atom("execute_call"), 4), [Atom("monitor")],
                   [REF, Atom("m"), Atom("f"), [1]]),
    c.SpawnRequestTT(REF, P1, P2, (Atom("m"), Atom("f"), 0), [], [], TOK),
    c.SpawnReply(REF, P1, 2, P2),
    c.SpawnReplyTT(REF, P1, 0, Atom("badarg"), TOK),
    c.AliasSend(P1, REF, 42),
    c.AliasSendTT(P1, REF, 42, TOK),
    c.UnlinkId(1, P1, P2),
    c.UnlinkIdAck((1 << 64) - 1, P2, P1),
]


@pytest.mark.parametrize("msg", ALL, ids=lambda m: type(m).__name__)
def test_roundtrip(msg: c.ControlMessage) -> None:
    packet = pk.encode_packet(msg)
    assert packet[:2] == b"p\x83"
    back = pk.decode_packet(packet)
    assert back == msg
    assert back.control()[0] == msg.OP


def test_every_op_of_the_spec_has_a_class() -> None:
    ops = {1, 2, 3, 4, 6, 7, 8, 12, 13, 16, 18, *range(19, 37)}
    assert set(c.BY_OP) == ops
    assert {type(m).OP for m in ALL} == ops


def test_tt_variants_are_subclasses() -> None:
    assert isinstance(c.SendTT(P2, 1, TOK), c.Send)
    assert c.SendTT(P2, 1, TOK) != c.Send(P2, 1)


def test_send_packet_bytes() -> None:
    # {2, '', Pid} + 42: the Unused slot is the empty atom.
    packet = pk.encode_packet(c.Send(P2, 42))
    assert packet == b"p\x83h\x03a\x02w\x00" + PID_BYTES_2 + b"\x83a\x2a"


def test_reg_send_packet_bytes() -> None:
    packet = pk.encode_packet(c.RegSend(P1, Atom("rex"), Atom("hi")))
    assert packet == (b"p\x83h\x04a\x06" + PID_BYTES_1 + b"w\x00w\x03rex"
                      + b"\x83w\x02hi")


def test_write_frame_prefixes_length_and_appends() -> None:
    out = bytearray(b"xx")
    pk.write_frame(c.Link(P1, P2), out)
    body = pk.encode_packet(c.Link(P1, P2))
    assert bytes(out) == b"xx" + len(body).to_bytes(4, "big") + body


def test_write_frame_leaves_buffer_alone_on_encode_error() -> None:
    out = bytearray(b"keep")
    with pytest.raises(ValueError):
        pk.write_frame(c.Send(P2, float("nan")), out)
    assert out == b"keep"


def test_unknown_op_is_kept() -> None:
    packet = b"p" + encode((37, 0, P1, P2)) + encode(Atom("m"))
    msg = pk.decode_packet(packet)
    assert msg == c.UnknownControl(37, (37, 0, P1, P2), Atom("m"))
    assert pk.encode_packet(msg) == packet


BAD: list[bytes] = [
    b"",
    b"\x83D\x00",  # distribution header: atom cache was not negotiated
    b"p",
    b"p\x83",
    b"p" + encode(42),  # not a tuple
    b"p" + encode(()),
    b"p" + encode((Atom("x"),)),
    b"p" + encode((1, P1)),  # LINK with a missing element
    b"p" + encode((1, P1, Atom("notapid"))),
    b"p" + encode((2, Atom(""), P2)),  # SEND without payload
    b"p" + encode((1, P1, P2)) + b"\x00",  # trailing garbage
    b"p" + encode((19, P1, 42, REF)),  # MONITOR_P to an integer
    b"p" + encode((35, 0, P1, P2)),  # UNLINK_ID id 0
    b"p" + encode((29, REF, P1, P2, (Atom("m"), Atom("f")), [])) + encode([]),
    b"p" + encode((29, REF, P1, P2, (Atom("m"), Atom("f"), 0), [])) + encode(7),
]


@pytest.mark.parametrize("packet", BAD)
def test_bad_packets(packet: bytes) -> None:
    with pytest.raises(RemoteProtocolError):
        pk.decode_packet(packet)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=120))
def test_garbage_raises_only_remote_errors(data: bytes) -> None:
    for packet in (data, b"p" + data, b"p\x83h" + data):
        with contextlib.suppress(RemoteProtocolError):
            pk.decode_packet(packet)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ALL), st.integers(min_value=1, max_value=40))
def test_truncated_packets(msg: Any, cut: int) -> None:
    packet = pk.encode_packet(msg)
    if cut < len(packet):
        with pytest.raises(RemoteProtocolError):
            pk.decode_packet(packet[:-cut])


@pytest.mark.parametrize("msg", ALL, ids=lambda m: type(m).__name__)
def test_codec_with_caches_gives_the_same_results(msg: c.ControlMessage) -> None:
    codec = pk.PacketCodec()
    for _ in range(3):  # miss, then hits
        out = bytearray()
        codec.write(msg, out)
        body = bytes(out[4:])
        assert body == pk.encode_packet(msg)
        assert codec.decode(body, 0, len(body)) == msg


def test_codec_cache_keeps_payloads_apart_and_is_bounded() -> None:
    codec = pk.PacketCodec(max_entries=4)
    for i in range(20):
        pid = Pid(NODE, i, 0, 5)
        for payload in (i, [i], True, 1):
            out = bytearray()
            codec.write(c.SendSender(P1, pid, payload), out)
            got = codec.decode(bytes(out), 4, len(out))
            assert got == c.SendSender(P1, pid, payload)
            assert type(got.message) is type(payload)  # type: ignore[attr-defined]
    assert len(codec._decoded) <= 4 and len(codec._encoded) <= 4


def test_codec_hit_still_checks_the_payload_and_trailing_bytes() -> None:
    codec = pk.PacketCodec()
    body = pk.encode_packet(c.SendSender(P1, P2, 1))
    codec.decode(body, 0, len(body))
    with pytest.raises(RemoteProtocolError):
        codec.decode(body + b"\x00", 0, len(body) + 1)
    with pytest.raises(RemoteProtocolError):
        codec.decode(body[:-1], 0, len(body) - 1)
    link = pk.encode_packet(c.Link(P1, P2))
    assert codec.decode(link, 0, len(link)) == c.Link(P1, P2)
    with pytest.raises(RemoteProtocolError):
        codec.decode(link + b"x", 0, len(link) + 1)


def test_control_end_scans_common_headers() -> None:
    for term in [(22, P1, P2), (6, P1, Atom(""), Atom("rex")), (19, P1, Atom("x"), REF),
                 (35, 1 << 40, P1, P2), (1, [], -5)]:
        raw = encode(term)
        assert pk.control_end(raw, 1) == len(raw)
    assert pk.control_end(encode((1, b"bin")), 1) == -1
    assert pk.control_end(encode((22, P1, P2))[:-1], 1) == -1
    assert pk.control_end(b"\x68", 0) == -1
