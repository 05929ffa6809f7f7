"""examples/embedded_node.py runs, and a real OTP 25 node drives it: rpc into the
exposed Python function, and a call placed through mod_erlang_event that the Python
event consumer answers with a prompt and hangs up."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pyerlsw.etf import Atom
from tests.cli.runsupport import run_env
from tests.erlang_support import EpmdDaemon, free_port, random_cookie, short_hostname, unique_name

pytestmark = pytest.mark.erlang
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "embedded_node.py"


def test_library_example(epmd25: EpmdDaemon, erl25, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    alive, cookie = unique_name("lib"), random_cookie()
    proc = subprocess.Popen(
        [sys.executable, str(EXAMPLE), "--name", alive, "--cookie", cookie,
         "--port", str(free_port())],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=run_env(epmd25, tmp_path),
    )
    try:
        assert proc.stdout is not None
        ready = proc.stdout.readline()
        node = f"{alive}@{short_hostname()}"
        assert ready.strip() == f"ready {node}", proc.stderr.read() if proc.stderr else ""
        erl = erl25(cookie=cookie)
        assert erl.eval(f"rpc:call('{node}', pbx, stats, []).") == {
            Atom("answered"): 0, Atom("hung_up"): 0}
        reply = erl.eval(f"{{x, '{node}'}} ! {{api, originate, \"sim/bob &park()\"}}, "
                         "receive R -> R after 5000 -> timeout end.")
        assert reply[0] == Atom("ok") and reply[1].startswith(b"+OK ")  # binary encoding
        line = proc.stdout.readline()
        assert "sim/bob ended: NORMAL_CLEARING" in line
        assert erl.eval(f"rpc:call('{node}', pbx, stats, []).") == {
            Atom("answered"): 1, Atom("hung_up"): 1}
        proc.send_signal(signal.SIGTERM)
        out, _err = proc.communicate(timeout=30)
        assert "stats {'answered': 1, 'hung_up': 1}" in out
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
