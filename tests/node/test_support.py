"""Names, cookies, configuration, the exposed-function registry and the EPMD helpers."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from pyerlsw.dist import epmd
from pyerlsw.etf import Atom
from pyerlsw.node import EpmdServer, ErlangExit, Node, NodeConfig, NodeError, epmd_client
from pyerlsw.node.exposed import Exposed
from pyerlsw.node.naming import full_node_name, resolve_cookie, short_hostname
from tests.erlang_support import free_port


def test_node_names() -> None:
    assert full_node_name("py") == f"py@{short_hostname()}"
    assert full_node_name("py@some.host") == "py@some.host"
    for bad in ("@h", "a@", "a@b@c", "x" * 300):
        with pytest.raises(NodeError):
            full_node_name(bad)


def test_cookie_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_cookie("ABC") == b"ABC"
    assert resolve_cookie(b"XYZ") == b"XYZ"
    with pytest.raises(NodeError):
        resolve_cookie("")
    cookie_file = tmp_path / "cookie"
    cookie_file.write_text("FROMFILE\n")
    cookie_file.chmod(0o600)
    assert resolve_cookie(cookie_file=cookie_file) == b"FROMFILE"
    cookie_file.chmod(0o644)
    with pytest.raises(NodeError, match="owner only"):
        resolve_cookie(cookie_file=cookie_file)
    with pytest.raises(NodeError, match="does not exist"):
        resolve_cookie(cookie_file=tmp_path / "missing")
    monkeypatch.setenv("HOME", str(tmp_path))
    created = resolve_cookie()  # like OTP: ~/.erlang.cookie is created when missing
    home_cookie = tmp_path / ".erlang.cookie"
    assert len(created) == 20 and created.isalpha() and created.isupper()
    assert stat.S_IMODE(home_cookie.stat().st_mode) == 0o400
    assert resolve_cookie() == created


def test_config_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ERL_EPMD_PORT", "4555")
    assert NodeConfig().epmd_port == 4555
    monkeypatch.delenv("ERL_EPMD_PORT")
    assert NodeConfig().epmd_port == 4369
    with pytest.raises(ValidationError):
        NodeConfig(net_ticktime=0)
    with pytest.raises(ValidationError):
        NodeConfig(unknown_option=1)
    with pytest.raises(ValidationError):
        NodeConfig(flags=1 << 64)
    node = Node("cfg", cookie="C", net_ticktime=5)
    assert node.config.net_ticktime == 5
    assert not node.flags & 1  # hidden: no PUBLISHED
    assert Node("vis", cookie="C", hidden=False).flags & 1
    with pytest.raises(TypeError):
        Node("x", cookie="C", config=NodeConfig(), net_ticktime=1)


async def test_exposed_registry() -> None:
    exposed = Exposed()

    def opt(a: int, b: int = 2) -> int:
        return a * b

    async def exit_it() -> None:
        raise ErlangExit(Atom("bye"))

    exposed.add("m", {"opt": opt, "var": lambda *a: len(a), "exit": exit_it,
                      "bad": object})
    assert exposed.find(Atom("m"), Atom("opt"), 1) is opt
    assert exposed.find(Atom("m"), Atom("opt"), 2) is opt
    assert exposed.find(Atom("m"), Atom("opt"), 3) is None
    assert exposed.find(Atom("m"), Atom("var"), 9) is not None
    assert exposed.find("m", Atom("opt"), 1) is None  # only atoms name functions
    assert (await exposed.apply(Atom("m"), Atom("opt"), [3])).value == 6
    assert (await exposed.apply(Atom("m"), Atom("exit"), [])).kind == "exit"
    bad = await exposed.apply(Atom("m"), Atom("bad"), [])
    assert bad.kind == "error" and bad.value[1] == b"EncodeError"
    undef = await exposed.apply(Atom("m"), Atom("nope"), [1])
    assert (undef.kind, undef.value) == ("error", Atom("undef"))
    exposed.remove("m", "opt")
    assert exposed.find(Atom("m"), Atom("opt"), 1) is None
    with pytest.raises(TypeError):
        exposed.add("m", {"x": 42})  # type: ignore[dict-item]


async def test_builtin_epmd_server_protocol() -> None:
    server = await EpmdServer().start("127.0.0.1", 0)
    port = server.port
    try:
        reg = epmd_client.Registration()
        creation = await reg.register("127.0.0.1", port, epmd.NodeEntry("alpha", 5555))
        assert creation > 0
        with pytest.raises(NodeError):
            await epmd_client.Registration().register("127.0.0.1", port,
                                                      epmd.NodeEntry("alpha", 5556))
        entry = await epmd_client.port_please("127.0.0.1", port, "alpha")
        assert entry is not None and entry.port == 5555
        assert await epmd_client.port_please("127.0.0.1", port, "beta") is None
        assert await epmd_client.names("127.0.0.1", port) == [("alpha", 5555)]
        assert not await epmd_client.kill("127.0.0.1", port)  # nodes registered: refused
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"\x00\x01Q")  # garbage closes only that connection
        assert await asyncio.wait_for(reader.read(), 5) == b""
        writer.close()
        await reg.close()
        for _ in range(100):
            if not server.nodes:
                break
            await asyncio.sleep(0.01)
        assert await epmd_client.names("127.0.0.1", port) == []
        assert await epmd_client.kill("127.0.0.1", port)
    finally:
        await server.close()


async def test_no_epmd_and_no_start_is_an_error() -> None:
    node = Node("lonely", cookie="C", epmd_port=free_port(), start_epmd=False,
                listen_host="127.0.0.1")
    with pytest.raises(NodeError, match="no EPMD"):
        await node.start()


def _pids_of_epmd_on(port: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"epmd") and str(port).encode() in argv:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(shutil.which("epmd") is None, reason="no epmd binary")
async def test_starts_epmd_daemon_when_none_answers() -> None:
    port = free_port()
    try:
        async with Node("daemonised", cookie="C", epmd_port=port,
                        listen_host="127.0.0.1") as node:
            assert node._epmd_server is None  # the real epmd was started
            assert (node.alive, node.port) in await epmd_client.names("127.0.0.1", port)
    finally:
        for pid in _pids_of_epmd_on(port):  # stop the daemon we started, by its PID
            os.kill(pid, signal.SIGTERM)
