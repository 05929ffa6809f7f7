"""What the gateway needs from the node: the sender of every message a service gets,
payloads encoded once and sent as bytes, and who a peer is on the wire."""

from __future__ import annotations

import pytest

from pyerlsw.dist import EncodedTerm
from pyerlsw.etf import Atom, Pid, encode
from pyerlsw.node import Node, Process
from tests.node.conftest import MakeNode, eventually

COOKIE = "GWCOOKIE"
Seen = list[tuple[object, Pid | None]]


@pytest.fixture
async def pair(make_node: MakeNode, private_epmd_port: int) -> tuple[Node, Node]:
    a = await make_node(COOKIE, private_epmd_port, epmd_command=None)
    b = await make_node(COOKIE, private_epmd_port, epmd_command=None)
    return a, b


def recording_service(node: Node, seen: Seen, name: str | None = None) -> Process:
    def handler(_proc: Process, message: object, sender: Pid | None) -> None:
        seen.append((message, sender))

    return node.make_process(name, handler, with_sender=True)


async def test_a_service_with_sender_sees_who_sent(pair: tuple[Node, Node]) -> None:
    a, b = pair
    seen: Seen = []
    service = recording_service(a, seen, "svc")
    client = b.make_process()
    client.send(("svc", a.name), 1)  # REG_SEND
    client.send(service.pid, 2)  # SEND_SENDER (negotiated by default)
    local = a.make_process()
    local.send(service.pid, 3)  # local pid send
    a.send("svc", 4)  # local name, no sender given
    await eventually(lambda: len(seen) == 4)
    # local sends are delivered at once, the peer's when its packets arrive
    assert seen == [(3, local.pid), (4, None), (1, client.pid), (2, client.pid)]


async def test_plain_services_keep_their_two_argument_handler(pair: tuple[Node, Node]) -> None:
    a, b = pair
    got: list[object] = []
    a.register("plain", lambda _p, m: got.append(m))
    b.send(("plain", a.name), Atom("hi"))
    await eventually(lambda: got == [Atom("hi")])


async def test_encoded_payload_goes_out_as_is(pair: tuple[Node, Node]) -> None:
    a, b = pair
    inbox = b.register("inbox")
    term = (Atom("event"), [b"uuid", (b"Event-Name", b"HEARTBEAT")])
    payload = EncodedTerm(encode(term))
    sender = a.make_process()
    a.send(("inbox", b.name), payload, sender=sender.pid)
    a.send(inbox.pid, payload, sender=sender.pid)
    assert await inbox.receive(timeout=5) == term
    assert await inbox.receive(timeout=5) == term
    local = a.make_process()
    a.send(local.pid, payload)  # a local receiver gets the term, not the wrapper
    assert await local.receive(timeout=5) == term


def test_encoded_term_must_be_an_external_term() -> None:
    with pytest.raises(ValueError):
        EncodedTerm(b"j")
    with pytest.raises(ValueError):
        EncodedTerm(b"")


async def test_peer_info(pair: tuple[Node, Node]) -> None:
    a, b = pair
    assert a.peer_info(b.name) is None
    assert await a.connect(b.name)
    outgoing = a.peer_info(b.name)
    assert outgoing is not None and outgoing.inbound is False
    assert outgoing.address is not None and outgoing.address[1] == b.port
    await eventually(lambda: b.peer_info(a.name) is not None)
    incoming = b.peer_info(a.name)
    assert incoming is not None and incoming.inbound is True
    assert incoming.address is not None and incoming.address[0] in ("127.0.0.1", "::1")

