"""``pyerlsw run`` as a process for tests: ``running`` starts it with a private EPMD, a
unique node name, a random cookie and a free port, and stops it by its PID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.erlang_support import (
    EpmdDaemon,
    free_port,
    random_cookie,
    short_hostname,
    unique_name,
)

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


def run_env(epmd: EpmdDaemon, data_home: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["ERL_EPMD_PORT"] = str(epmd.port)
    if data_home is not None:  # AstDB and the call-file spool live under it
        env["XDG_DATA_HOME"] = str(data_home)
    env["HOME"] = env.get("HOME", "/root")
    return env


def write_conf(root: Path, *, alive: str, cookie: str, port: int,
                encoding: str = "string") -> Path:
    (root / "autoload_configs").mkdir(parents=True, exist_ok=True)
    (root / "autoload_configs" / "erlang_event.conf.xml").write_text(
        EE_CONF.format(alive=alive, cookie=cookie, port=port, encoding=encoding))
    return root


def start_run(epmd: EpmdDaemon, conf: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pyerlsw.cli", "run", "--conf", str(conf), *extra],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=run_env(epmd, conf / "data"),
    )


@pytest.fixture
def running(epmd25: EpmdDaemon, tmp_path: Path) -> Iterator[RunProcess]:
    alive, cookie = unique_name("fs"), random_cookie()
    conf = write_conf(tmp_path, alive=alive, cookie=cookie, port=free_port())
    proc = start_run(epmd25, conf)
    assert proc.stdout is not None
    ready = proc.stdout.readline()
    if "ready" not in ready:
        proc.kill()
        _, err = proc.communicate(timeout=10)
        pytest.fail(f"pyerlsw run did not start: {ready!r} {err[-2000:]}")
    handle = RunProcess(proc, f"{alive}@{short_hostname()}", cookie, ready,
                        run_env(epmd25, conf / "data"))
    yield handle
    handle.stop()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


