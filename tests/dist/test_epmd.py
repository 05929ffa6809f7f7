"""EPMD messages: byte-exact vectors both ways, and garbage."""

from __future__ import annotations

import pytest

from pyerlsw.dist.epmd import (
    Alive2Request,
    Alive2Response,
    DumpRequest,
    KillRequest,
    NamesRequest,
    NamesResponse,
    NodeEntry,
    Port2Response,
    PortPlease2Request,
    StopRequest,
    parse_alive2_response,
    parse_names_response,
    parse_port2_response,
    parse_request,
)
from pyerlsw.dist.errors import LocalProtocolError, RemoteProtocolError

ALIVE2 = bytes([
    0, 16,  # length
    120,  # 'x'
    0x1F, 0x90,  # port 8080
    77, 0,  # normal node, TCP
    0, 6, 0, 6,  # versions
    0, 3, *b"foo",
    0, 0,  # no extra
])


def test_alive2_request_bytes() -> None:
    assert Alive2Request(NodeEntry("foo", 8080)).encode() == ALIVE2
    assert parse_request(ALIVE2) == (Alive2Request(NodeEntry("foo", 8080)), len(ALIVE2))


def test_alive2_x_response() -> None:
    data = bytes([118, 0, 0x6B, 0x05, 0x8E, 0xBA])
    resp, end = parse_alive2_response(data) or (None, 0)
    assert resp == Alive2Response(0, 1795526330, True) and resp.ok and end == 6
    assert resp.encode() == data
    assert parse_alive2_response(data[:5]) is None


def test_alive2_old_response_and_failure() -> None:
    assert parse_alive2_response(bytes([121, 1, 0, 3])) == (Alive2Response(1, 3, False), 4)
    with pytest.raises(RemoteProtocolError):
        parse_alive2_response(b"Z\x00")


def test_port_please2_request_bytes() -> None:
    assert PortPlease2Request("erl").encode() == b"\x00\x04zerl"
    assert parse_request(b"\x00\x04zerl") == (PortPlease2Request("erl"), 6)


def test_port2_response_success_and_failure() -> None:
    ok = bytes([119, 0, 0x30, 0x39, 77, 0, 0, 6, 0, 5, 0, 2, *b"ab", 0, 1, 7])
    resp = parse_port2_response(ok)
    assert resp == Port2Response(0, NodeEntry("ab", 12345, 77, 0, 6, 5, b"\x07"))
    assert resp.encode() == ok
    assert parse_port2_response(b"w\x01") == Port2Response(1)
    assert Port2Response(1).encode() == b"w\x01"


@pytest.mark.parametrize("garbage", [b"", b"w", b"x\x00", b"w\x00\x00", b"w\x01\x02",
                                     bytes([119, 0, 0, 1, 77, 0, 0, 6, 0, 5, 0, 9, 65])])
def test_port2_response_garbage(garbage: bytes) -> None:
    with pytest.raises(RemoteProtocolError):
        parse_port2_response(garbage)


def test_names() -> None:
    assert NamesRequest().encode() == b"\x00\x01n"
    data = b"\x00\x00\x11\x11name foo at port 4000\nname bar at port 4001\n"
    resp = parse_names_response(data)
    assert resp == NamesResponse(4369, (("foo", 4000), ("bar", 4001)))
    assert resp.encode() == data
    with pytest.raises(RemoteProtocolError):
        parse_names_response(b"\x00\x00\x11\x11hello\n")


def test_admin_requests_roundtrip() -> None:
    for req in (NamesRequest(), DumpRequest(), KillRequest(), StopRequest("x")):
        raw = req.encode()
        assert parse_request(raw + b"junk") == (req, len(raw))


def test_parse_request_incremental_and_garbage() -> None:
    assert parse_request(ALIVE2[:1]) is None
    assert parse_request(ALIVE2[:-1]) is None
    with pytest.raises(RemoteProtocolError):
        parse_request(b"\x00\x00")
    with pytest.raises(RemoteProtocolError):
        parse_request(b"\x00\x01Q")
    with pytest.raises(RemoteProtocolError):
        parse_request(b"\x00\x03z\xff\xfe")  # name not UTF-8


@pytest.mark.parametrize("name", ["", "a@b", "a\x00b"])
def test_bad_names_are_local_errors(name: str) -> None:
    with pytest.raises(LocalProtocolError):
        PortPlease2Request(name).encode()
