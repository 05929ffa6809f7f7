"""The connected-phase framer: ticks, ordering, limits, flag-dependent variants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyerlsw.dist import control as c
from pyerlsw.dist.connection import TICK, DistConnection
from pyerlsw.dist.errors import LocalProtocolError, RemoteProtocolError
from pyerlsw.dist.flags import DEFAULT_FLAGS, MANDATORY_26, DistFlags
from pyerlsw.etf import Atom, Pid, Reference

NODE = Atom("a@h")
P1 = Pid(NODE, 1, 0, 5)
P2 = Pid(NODE, 2, 0, 5)
REF = Reference(NODE, 5, (1, 2, 3))


def pair(flags: int = DEFAULT_FLAGS) -> tuple[DistConnection, DistConnection]:
    return DistConnection("b@h", flags), DistConnection("a@h", flags)


def test_ticks_both_ways() -> None:
    a, b = pair()
    a.send_tick()
    assert a.pending == 4
    assert b.receive_data(a.data_to_send()) == [TICK]
    assert a.data_to_send() == b""


def test_messages_in_order_byte_by_byte() -> None:
    a, b = pair()
    msgs = [c.SendSender(P1, P2, i) for i in range(50)]
    for m in msgs:
        a.send(m)
    a.send_tick()
    data = a.data_to_send()
    events = []
    for i in range(len(data)):
        events += b.receive_data(data[i:i + 1])
    assert events == [*msgs, TICK]


def test_large_burst_is_linear() -> None:
    a, b = pair()
    for i in range(20000):
        a.send(c.SendSender(P1, P2, i))
    events = b.receive_data(a.data_to_send())
    assert len(events) == 20000 and events[-1] == c.SendSender(P1, P2, 19999)


def test_packet_over_limit_refused_from_the_prefix() -> None:
    b = DistConnection("a@h", DEFAULT_FLAGS, max_packet_size=100)
    with pytest.raises(RemoteProtocolError, match="limit 100"):
        b.receive_data(b"\x00\x00\x10\x00p")
    assert b.closed
    with pytest.raises(LocalProtocolError):
        b.receive_data(b"")


def test_garbage_packet_closes() -> None:
    b = DistConnection("a@h", DEFAULT_FLAGS)
    with pytest.raises(RemoteProtocolError):
        b.receive_data(b"\x00\x00\x00\x03abc")
    assert b.closed


def test_variants_follow_the_flags() -> None:
    full, _ = pair(DEFAULT_FLAGS)
    bare, peer = pair(MANDATORY_26)
    full.send_message(P1, P2, 1)
    full.send_exit(P1, P2, Atom("x"))
    full.send_exit2(P1, P2, Atom("x"))
    full.send_monitor_exit(P1, P2, REF, Atom("x"))
    bare.send_message(P1, P2, 1)
    bare.send_exit(P1, P2, Atom("x"))
    bare.send_exit2(P1, P2, Atom("x"))
    bare.send_monitor_exit(P1, P2, REF, Atom("x"))
    got_full = peer.receive_data(full.data_to_send())
    got_bare = peer.receive_data(bare.data_to_send())
    assert [type(e) for e in got_full] == [c.SendSender, c.PayloadExit, c.PayloadExit2,
                                           c.PayloadMonitorPExit]
    assert [type(e) for e in got_bare] == [c.Send, c.Exit, c.Exit2, c.MonitorPExit]
    assert full.supports_unlink_id and not DistConnection("x@h", MANDATORY_26 & ~(
        DistFlags.UNLINK_ID)).supports_unlink_id


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_garbage_stream_raises_only_remote_errors(data: bytes) -> None:
    b = DistConnection("a@h", DEFAULT_FLAGS, max_packet_size=1000)
    try:
        b.receive_data(data)
    except RemoteProtocolError:
        assert b.closed
