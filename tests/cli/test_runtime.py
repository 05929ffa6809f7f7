"""pyerlsw.runtime: the event loop and GC settings of ``pyerlsw run``."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest

from pyerlsw import runtime
from pyerlsw.config import CliOverrides, StartupError, load_run_config


def test_defaults() -> None:
    cfg = load_run_config(None)
    assert cfg.runtime.event_loop == "auto"
    assert cfg.runtime.gc_threshold == runtime.DEFAULT_GC_THRESHOLD
    assert cfg.runtime.gc_freeze is True
    assert cfg.runtime.busy_wait == runtime.DEFAULT_BUSY_WAIT > 0


def test_busy_wait_setting_and_the_virtual_clock(tmp_path: Path) -> None:
    (tmp_path / "pyerlsw.toml").write_text("[runtime]\nbusy_wait = 0.002\n")
    settings = load_run_config(tmp_path).runtime
    assert settings.node_busy_wait() == 0.002
    assert settings.node_busy_wait(virtual_clock=True) == 0.0


def test_runtime_table_and_loop_flag(tmp_path: Path) -> None:
    (tmp_path / "pyerlsw.toml").write_text(
        '[runtime]\nevent_loop = "asyncio"\ngc_threshold = 0\ngc_freeze = false\n')
    cfg = load_run_config(tmp_path)
    assert (cfg.runtime.event_loop, cfg.runtime.gc_threshold, cfg.runtime.gc_freeze) == (
        "asyncio", 0, False)
    flagged = load_run_config(tmp_path, CliOverrides(event_loop="uvloop"))
    assert flagged.runtime.event_loop == "uvloop"
    assert flagged.runtime.gc_freeze is False


@pytest.mark.parametrize("text", ['event_loop = "trio"', "gc_threshold = -1", "spin = 1",
                                  "busy_wait = -0.001", "busy_wait = 5"])
def test_bad_runtime_settings_stop_start_up(tmp_path: Path, text: str) -> None:
    (tmp_path / "pyerlsw.toml").write_text(f"[runtime]\n{text}\n")
    with pytest.raises(StartupError, match="runtime"):
        load_run_config(tmp_path)


def test_resolve_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "uvloop_available", lambda: True)
    assert runtime.resolve_loop("auto") == "uvloop"
    assert runtime.resolve_loop("auto", virtual_clock=True) == "asyncio"
    assert runtime.resolve_loop("asyncio") == "asyncio"
    assert runtime.resolve_loop("uvloop", virtual_clock=True) == "uvloop"
    monkeypatch.setattr(runtime, "uvloop_available", lambda: False)
    assert runtime.resolve_loop("auto") == "asyncio"
    with pytest.raises(RuntimeError, match="uvloop is not installed"):
        runtime.resolve_loop("uvloop")


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_run_on_the_named_loop(loop: str) -> None:
    if loop == "uvloop":
        pytest.importorskip("uvloop")

    async def main() -> int:
        return 7 if type(asyncio.get_running_loop()).__module__.startswith(loop) else 1

    assert runtime.run(main(), loop) == 7


def test_gc_threshold_zero_leaves_cpython_alone() -> None:
    before = gc.get_threshold()
    try:
        runtime.set_gc_threshold(0)
        assert gc.get_threshold() == before
        runtime.set_gc_threshold(12345)
        assert gc.get_threshold() == (12345, *before[1:])
    finally:
        gc.set_threshold(*before)


@pytest.mark.parametrize(("clock", "expected"), [("real", runtime.DEFAULT_BUSY_WAIT),
                                                 ("virtual", 0.0)])
def test_pyerlsw_run_gives_its_node_the_busy_wait(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path, clock: str,
                                                 expected: float) -> None:
    from pyerlsw import cli, runner

    seen: dict[str, object] = {}

    async def fake_serve(cfg: object, **options: object) -> int:
        seen.update(options)
        return 0

    threshold = gc.get_threshold()
    monkeypatch.setattr(runner, "serve", fake_serve)
    monkeypatch.setattr(runtime, "set_gc_threshold", lambda _threshold: None)
    assert cli.main(["run", "--conf", str(tmp_path), "--loop", "asyncio",
                     "--clock", clock]) == 0
    assert seen["busy_wait"] == expected
    assert gc.get_threshold() == threshold
