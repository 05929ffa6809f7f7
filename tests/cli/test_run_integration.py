"""``pyerlsw run`` and ``pyerlsw cli`` as processes, driven from a real OTP 25 node.

Each test starts ``pyerlsw run`` with a private EPMD, a unique node name, a random
cookie and a free port, and stops it by its PID.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from pyerlsw.etf import Atom
from tests.cli.runsupport import EE_CONF, RunProcess, start_run, write_conf
from tests.erlang_support import EpmdDaemon, free_port, unique_name

pytestmark = pytest.mark.erlang

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
        (lambda root: (root / "autoload_configs" / "erlang_event.conf.xml").write_text(
            EE_CONF.format(alive="x", cookie="c", port=free_port(), encoding="string")
            .replace('<param name="cookie" value="c"/>',
                     f'<param name="cookie-file" value="{root}/no-such-cookie"/>')),
         "cookie-file"),
    ],
)
def test_bad_configuration_stops_startup(epmd25: EpmdDaemon, tmp_path: Path,
                                         setup, needle) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "autoload_configs").mkdir()
    setup(tmp_path)
    proc = start_run(epmd25, tmp_path, "--sname", unique_name("bad"))
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
        conf = write_conf(tmp_path, alive=unique_name("busy"), cookie="c", port=port)
        proc = start_run(epmd25, conf)
        try:
            _out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    assert proc.returncode == 2
    assert f":{port}" in err and "listen" in err
    assert "Traceback" not in err


def test_cli_prompt_runs_commands_until_exit(running: RunProcess, tmp_path: Path) -> None:
    env = dict(running.env)
    env["HOME"] = str(tmp_path)  # the history file goes there
    result = subprocess.run(
        [sys.executable, "-m", "pyerlsw.cli", "cli", "--node", running.node,
         "--cookie", running.cookie],
        input="status\nnosuch\n\nexit\n", capture_output=True, text=True, timeout=60,
        env=env, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"{running.node}> " in result.stdout
    assert "UP 0 years" in result.stdout
    assert "nosuch: Command not found!" in result.stdout
