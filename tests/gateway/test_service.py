"""Starting the gateway from Python (no Erlang needed: pyerlsw's built-in EPMD and a
second pyerlsw node play the peer)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from pyerlsw.etf import Atom
from pyerlsw.gateway.config import ErlangEventConfig
from pyerlsw.gateway.gateway import Gateway
from pyerlsw.gateway.service import node_name, start_node
from pyerlsw.node import Node
from pyerlsw.switch import Switch
from tests.erlang_support import free_port, unique_name

COOKIE = "SERVICECOOKIE"


def config(**params: Any) -> ErlangEventConfig:
    base: dict[str, Any] = {
        "listen-ip": "127.0.0.1", "listen-port": free_port(),
        "nodename": f"{unique_name('fs')}@localhost",
        "cookie_sources": [{"kind": "cookie", "value": COOKIE}],
    }
    base.update(params)
    return ErlangEventConfig.model_validate(base)


def test_node_names() -> None:
    def named(**params: Any) -> str:
        return node_name(ErlangEventConfig.model_validate(params), hostname="box.example.org")

    assert named() == "freeswitch@box"
    assert named(shortname="false") == "freeswitch@box.example.org"
    assert named(nodename="fs@given.host") == "fs@given.host"
    assert named(**{"listen-ip": "::"}) == "freeswitch@box"
    # a specific address is named by its reverse DNS name (127.0.0.1 -> localhost)
    reverse = socket.gethostbyaddr("127.0.0.1")[0].split(".")[0]
    assert named(**{"listen-ip": "127.0.0.1"}) == f"freeswitch@{reverse}"


async def test_start_builds_switch_and_node_and_serves_a_peer() -> None:
    epmd_port = free_port()
    cfg = config()
    async with Gateway.start(config=cfg, epmd_port=epmd_port, epmd_command=None) as gateway:
        assert gateway.node.name == cfg.nodename and gateway.node.port == cfg.listen_port
        assert gateway.switch.running
        peer = Node(unique_name("peer"), cookie=COOKIE, epmd_port=epmd_port,
                    listen_host="127.0.0.1", epmd_command=None)
        await peer.start()
        try:
            inbox = peer.make_process()
            inbox.send(("anything", gateway.node.name), (Atom("api"), Atom("version"), b"short"))
            answer = await inbox.receive(timeout=5)
            assert answer[0] == Atom("ok") and bytes(answer[1]).startswith(b"1.")
            inbox.send(("x", gateway.node.name), Atom("getpid"))
            assert (await inbox.receive(timeout=5)) == (
                Atom("ok"), gateway.listeners[peer.name].pid)
        finally:
            await peer.close()
    assert not gateway.running and not gateway.switch.running


async def test_bind_error_gives_up_or_retries() -> None:
    epmd_port = free_port()
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    try:
        strict = config(**{"listen-port": port, "stop-on-bind-error": "true"})
        with pytest.raises(OSError):
            async with Gateway.start(config=strict, epmd_port=epmd_port, epmd_command=None):
                pass
        patient = config(**{"listen-port": port})
        node = Node(patient.nodename, cookie=COOKIE, epmd_port=epmd_port,
                    listen_host="127.0.0.1", listen_port=port, epmd_command=None)
        starting = asyncio.ensure_future(start_node(node, patient))
        await asyncio.sleep(0.35)  # a few retries, every 0.1 s
        assert not starting.done()
        blocker.close()
        await asyncio.wait_for(starting, 5)
        assert node.port == port
        await node.close()
    finally:
        blocker.close()


async def test_an_existing_switch_and_node_are_left_running(make_switch_node: Any) -> None:
    switch, node = make_switch_node
    async with Gateway.start(switch=switch, node=node, config=config()) as gateway:
        assert switch.api_commands.get("erlang") is not None
        assert switch.applications.get("erlang_sendmsg") is not None
    assert switch.api_commands.get("erlang") is None
    assert switch.applications.get("erlang") is None
    assert switch.running and node.port and not gateway.running


@pytest.fixture
async def make_switch_node() -> Any:
    switch = await Switch().start()
    node = Node(unique_name("own"), cookie=COOKIE, epmd_port=free_port(),
                listen_host="127.0.0.1", epmd_command=None)
    await node.start()
    yield switch, node
    await node.close()
    await switch.stop()


def test_load_acls(tmp_path: Any) -> None:
    from pyerlsw.gateway.service import load_acls

    builtin = load_acls()
    assert builtin.allows_all("127.0.0.1", ["loopback.auto"])
    assert not builtin.allows_all("127.0.0.1", ["nosuchlist"])
    conf = tmp_path / "acl.conf.xml"
    conf.write_text('<configuration name="acl.conf"><network-lists>'
                    '<list name="lan" default="deny"><node type="allow" cidr="10.1.0.0/16"/>'
                    '</list><list name="loopback.auto" default="deny"/>'
                    '</network-lists></configuration>')
    merged = load_acls(conf)
    assert merged.allows_all("10.1.2.3", ["lan"]) and not merged.allows_all("10.2.0.1", ["lan"])
    assert not merged.allows_all("127.0.0.1", ["loopback.auto"])  # the file's list wins


async def test_random_terms_never_silence_or_break_the_gateway() -> None:
    """Whatever a peer sends, the connection keeps answering (a property check over
    random terms, and over random command-shaped tuples)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.etf.strategies import terms

    epmd_port = free_port()
    commands = st.sampled_from(["api", "bgapi", "event", "nixevent", "setevent", "filter",
                                "sendevent", "sendmsg", "handlecall", "bind", "fetch_reply",
                                "set_log_level", "session_event", "rex", "nosuch"])
    shaped = st.builds(lambda head, rest: (Atom(head), *rest), commands,
                       st.lists(terms, max_size=4))
    sent: list[Any] = []

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(terms, shaped).filter(lambda t: t != Atom("exit")))  # exit closes
    def collect(term: Any) -> None:
        sent.append(term)

    collect()
    async with Gateway.start(config=config(), epmd_port=epmd_port, epmd_command=None) as gateway:
        peer = Node(unique_name("fuzz"), cookie=COOKIE, epmd_port=epmd_port,
                    listen_host="127.0.0.1", epmd_command=None)
        await peer.start()
        try:
            client = peer.make_process()
            for term in sent:
                try:
                    client.send(("fuzz", gateway.node.name), term)
                except Exception:  # a term the codec cannot encode
                    continue
            client.send(("fuzz", gateway.node.name), Atom("getpid"))

            def is_getpid(message: Any) -> bool:
                return (isinstance(message, tuple) and len(message) == 2
                        and message[0] == Atom("ok") and message[1] == gateway.listeners[
                            peer.name].pid)

            await client.receive(timeout=20, match=is_getpid)
            assert peer.name in gateway.listeners and not gateway.listeners[peer.name].closed
        finally:
            await peer.close()
