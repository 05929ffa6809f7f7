"""``pyerlsw run`` and ``pyerlsw cli`` as processes, driven from a real OTP 25 node.

Each test starts ``pyerlsw run`` with a private EPMD, a unique node name, a random
cookie and a free port, and stops it by its PID.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pyerlsw.etf import Atom
from tests.erlang_support import (
    EpmdDaemon,
    free_port,
    random_cookie,
    short_hostname,
    unique_name,
)

pytestmark = pytest.mark.erlang

EE_CONF = """<configuration name="erlang_event.conf">
  <settings>
    <param name="listen-ip" value="0.0.0.0"/>
    <param name="listen-port" value="{port}"/>
    <param name="nodename" value="{alive}"/>
    <param name="cookie" value="{cookie}"/>
    <param name="encoding" value="{encoding}"/>
    <param name="stop-on-bind-error" value="true"/>
  </settings>
</configuration>
"""


@dataclass
class RunProcess:
    proc: subprocess.Popen[str]
    node: str
    cookie: str
    ready: str
    env: dict[str, str]

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode


def _env(epmd: EpmdDaemon, data_home: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["ERL_EPMD_PORT"] = str(epmd.port)
    if data_home is not None:  # AstDB and the call-file spool live under it
        env["XDG_DATA_HOME"] = str(data_home)
    env["HOME"] = env.get("HOME", "/root")
    return env


def _write_conf(root: Path, *, alive: str, cookie: str, port: int,
                encoding: str = "string") -> Path:
    (root / "autoload_configs").mkdir(parents=True, exist_ok=True)
    (root / "autoload_configs" / "erlang_event.conf.xml").write_text(
        EE_CONF.format(alive=alive, cookie=cookie, port=port, encoding=encoding))
    return root


def _start_run(epmd: EpmdDaemon, conf: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pyerlsw.cli", "run", "--conf", str(conf), *extra],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=_env(epmd, conf / "data"),
    )


@pytest.fixture
def running(epmd25: EpmdDaemon, tmp_path: Path) -> Iterator[RunProcess]:
    alive, cookie = unique_name("fs"), random_cookie()
    conf = _write_conf(tmp_path, alive=alive, cookie=cookie, port=free_port())
    proc = _start_run(epmd25, conf)
    assert proc.stdout is not None
    ready = proc.stdout.readline()
    if "ready" not in ready:
        proc.kill()
        _, err = proc.communicate(timeout=10)
        pytest.fail(f"pyerlsw run did not start: {ready!r} {err[-2000:]}")
    handle = RunProcess(proc, f"{alive}@{short_hostname()}", cookie, ready,
                        _env(epmd25, conf / "data"))
    yield handle
    handle.stop()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def _cli(run: RunProcess, *words: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pyerlsw.cli", "cli", "--node", run.node,
         "--cookie", run.cookie, *words],
        capture_output=True, text=True, timeout=60, env=run.env, check=False,
    )


def test_ready_line_names_node_cookie_and_conf(running: RunProcess) -> None:
    assert running.node in running.ready
    assert "cookie from" in running.ready
    assert "conf " in running.ready


def test_erlang_node_drives_it(running: RunProcess, erl25, ebin: Path) -> None:  # type: ignore[no-untyped-def]
    erl = erl25(cookie=running.cookie, code_paths=[ebin])
    node = f"'{running.node}'"
    assert erl.eval(f"net_adm:ping({node}).") == Atom("pong")
    assert erl.eval(f"lists:member({node}, nodes(hidden)).") is True
    status = erl.eval(f"fsclient:api({node}, status, \"\").")
    assert status[0] == Atom("ok")
    assert bytes(status[1]).startswith(b"UP ")
    assert erl.eval(f"fsclient:api({node}, nosuch).") == (
        Atom("error"), list(b"nosuch: Command not found!\n"))


def test_cli_runs_commands_and_sets_exit_status(running: RunProcess) -> None:
    ok = _cli(running, "version")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("FreeSWITCH Version")
    missing = _cli(running, "nosuch")
    assert missing.returncode == 1
    assert "Command not found" in missing.stdout
    wrong = subprocess.run(
        [sys.executable, "-m", "pyerlsw.cli", "cli", "--node", running.node,
         "--cookie", "WRONG", "status"],
        capture_output=True, text=True, timeout=60, env=running.env, check=False)
    assert wrong.returncode == 1
    assert "cannot connect" in wrong.stderr


def test_sigterm_hangs_up_calls_and_leaves_epmd(running: RunProcess, epmd25: EpmdDaemon) -> None:
    placed = _cli(running, "originate", "sim/alice", "&park()")
    assert placed.returncode == 0 and placed.stdout.startswith("+OK "), placed.stdout
    alive = running.node.split("@")[0]
    names = subprocess.run([epmd25.runtime.tool("epmd") or "epmd", "-port", str(epmd25.port),
                            "-names"], capture_output=True, text=True, check=False).stdout
    assert f"name {alive} " in names
    assert running.stop() == 0
    assert running.proc.stdout is not None and running.proc.stderr is not None
    assert "pyerlsw stopped" in running.proc.stdout.read()
    assert "SYSTEM_SHUTDOWN" in running.proc.stderr.read()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        names = subprocess.run([epmd25.runtime.tool("epmd") or "epmd", "-port",
                                str(epmd25.port), "-names"],
                               capture_output=True, text=True, check=False).stdout
        if f"name {alive} " not in names:
            break
        time.sleep(0.1)
    assert f"name {alive} " not in names


@pytest.mark.parametrize(
    ("setup", "needle"),
    [
        (lambda root: (root / "autoload_configs" / "erlang_event.conf.xml").write_text(
            EE_CONF.format(alive="x", cookie="c", port=free_port(), encoding="ebcdic")),
         "encoding"),
        (lambda root: (root / "autoload_configs" / "erlang_event.conf.xml").write_text(
            "<configuration><settings>"), "erlang_event.conf.xml"),
        (lambda root: (root / "dialplan").mkdir() or (root / "dialplan" / "bad.xml").write_text(
            "<include><context></include>"), "bad.xml"),
    ],
)
def test_bad_configuration_stops_startup(epmd25: EpmdDaemon, tmp_path: Path,
                                         setup, needle) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "autoload_configs").mkdir()
    setup(tmp_path)
    proc = _start_run(epmd25, tmp_path, "--sname", unique_name("bad"))
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == 2, (out, err)
    assert "ready" not in out
    assert needle in err
    assert str(tmp_path) in err
    assert "Traceback" not in err


def test_port_in_use_stops_startup(epmd25: EpmdDaemon, tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        conf = _write_conf(tmp_path, alive=unique_name("busy"), cookie="c", port=port)
        proc = _start_run(epmd25, conf)
        try:
            _out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    assert proc.returncode == 2
    assert f":{port}" in err and "listen" in err
    assert "Traceback" not in err
