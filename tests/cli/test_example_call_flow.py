"""examples/test_erlang_call_flow.py (the pytest fixture users copy) passes as written,
run by pytest in a subprocess against a private EPMD."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.runsupport import run_env
from tests.erlang_support import EpmdDaemon

pytestmark = pytest.mark.erlang
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "test_erlang_call_flow.py"


def test_call_flow_example_passes(epmd25: EpmdDaemon, tmp_path: Path) -> None:
    env = run_env(epmd25, tmp_path)
    env["PATH"] = str(epmd25.runtime.bin_dir) + ":" + env.get("PATH", "")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(EXAMPLE), "-q", "-p", "no:cacheprovider",
         "--rootdir", str(EXAMPLE.parent.parent)],
        capture_output=True, text=True, timeout=300, env=env, check=False,
        cwd=EXAMPLE.parent.parent,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
