"""A pre-encoded payload (EncodedTerm) frames exactly like the term it holds."""

from __future__ import annotations

import pytest

from pyerlsw.dist import control as c
from pyerlsw.dist.packet import EncodedTerm, PacketCodec, decode_packet, write_frame
from pyerlsw.etf import Atom, EncodeError, Pid, encode

FROM = Pid(Atom("a@h"), 1, 0, 3)
TO = Pid(Atom("b@h"), 7, 0, 5)
TERM = (Atom("event"), [b"uuid", (b"Event-Name", b"API")])


def test_write_frame_is_byte_identical() -> None:
    for make in (lambda p: c.SendSender(FROM, TO, p), lambda p: c.Send(TO, p),
                 lambda p: c.RegSend(FROM, Atom("x"), p)):
        plain, raw = bytearray(), bytearray()
        write_frame(make(TERM), plain)
        write_frame(make(EncodedTerm(encode(TERM))), raw)
        assert raw == plain
        assert decode_packet(bytes(raw[4:])) == make(TERM)


def test_codec_with_cached_header_is_byte_identical() -> None:
    codec = PacketCodec()
    plain, raw = bytearray(), bytearray()
    payload = EncodedTerm(encode(TERM))
    for _ in range(3):  # the first write fills the header cache, the others use it
        codec.write(c.SendSender(FROM, TO, TERM), plain)
        codec.write(c.SendSender(FROM, TO, payload), raw)
    assert raw == plain


def test_write_message_matches_write() -> None:
    """The send fast paths frame exactly what ``write`` of the message would, cached
    header or not, for SEND_SENDER (with a sender), SEND (without) and REG_SEND."""
    codec, fast, slow = PacketCodec(), bytearray(), bytearray()
    for sender, make in ((FROM, lambda p: c.SendSender(FROM, TO, p)),
                         (None, lambda p: c.Send(TO, p))):
        for payload in (TERM, EncodedTerm(encode(TERM)), TERM):
            codec.write_message(sender, TO, payload, fast)
            write_frame(make(payload), slow)
    for payload in (TERM, EncodedTerm(encode(TERM)), TERM):
        codec.write_reg_send(FROM, Atom("sink"), payload, fast)
        write_frame(c.RegSend(FROM, Atom("sink"), payload), slow)
    assert fast == slow
    before = bytes(fast)
    with pytest.raises(EncodeError):
        codec.write_message(FROM, TO, object(), fast)
    assert fast == before
