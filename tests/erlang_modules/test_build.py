"""The Erlang modules compile cleanly, and the build cache behaves under concurrency."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.erlang_build import EXAMPLES, ErlangBuildError, build_ebin, compile_strict
from tests.erlang_support import ERLANG_TEST_NODES

pytestmark = pytest.mark.erlang

SOURCES = sorted(ERLANG_TEST_NODES.glob("*.erl")) + sorted(EXAMPLES.glob("*.erl"))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_compiles_without_warnings(source: Path, erlc: str, tmp_path: Path) -> None:
    assert compile_strict(source, tmp_path, erlc=erlc) == ""
    assert (tmp_path / f"{source.stem}.beam").is_file()


def test_our_modules_are_there() -> None:
    names = {p.name for p in SOURCES}
    assert {"fsclient.erl", "myhandler.erl", "pyerlsw_test_util.erl"} <= names
    assert (EXAMPLES / "myhandler.erl") in SOURCES


def test_ebin_holds_every_module(ebin: Path) -> None:
    beams = {p.stem for p in ebin.glob("*.beam")}
    assert beams >= {p.stem for p in ERLANG_TEST_NODES.glob("*.erl")}


def _copy_sources(dest: Path) -> Path:
    src = dest / "src"
    src.mkdir()
    for name in ("fsclient.erl", "pyerlsw_test_util.erl"):
        shutil.copy(ERLANG_TEST_NODES / name, src / name)
    return src


def test_cache_is_reused_until_a_source_changes(erlc: str, tmp_path: Path) -> None:
    src = _copy_sources(tmp_path)
    cache = tmp_path / "cache"
    first = build_ebin(src, erlc=erlc, cache_root=cache)
    beam = first / "fsclient.beam"
    stamp = beam.stat().st_mtime_ns
    assert build_ebin(src, erlc=erlc, cache_root=cache) == first
    assert beam.stat().st_mtime_ns == stamp  # not compiled again
    (src / "fsclient.erl").write_text(
        (src / "fsclient.erl").read_text() + "\n%% a changed comment\n")
    second = build_ebin(src, erlc=erlc, cache_root=cache)
    assert second != first and (second / "fsclient.beam").is_file()
    assert first.parent == second.parent == cache / "otp25"


def test_concurrent_builds_agree(erlc: str, tmp_path: Path) -> None:
    src = _copy_sources(tmp_path)
    cache = tmp_path / "cache"
    with ThreadPoolExecutor(4) as pool:
        dirs = list(pool.map(lambda _: build_ebin(src, erlc=erlc, cache_root=cache), range(4)))
    assert len(set(dirs)) == 1
    assert sorted(p.name for p in dirs[0].iterdir()) == ["fsclient.beam",
                                                          "pyerlsw_test_util.beam"]
    # No staging folder is left behind.
    assert [p.name for p in (cache / "otp25").iterdir()] == [dirs[0].name]


def test_a_compile_error_is_reported(erlc: str, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "broken.erl").write_text("-module(broken).\n-export([f/0]).\nf() -> .\n")
    with pytest.raises(ErlangBuildError, match=r"broken\.erl:3"):
        build_ebin(src, erlc=erlc, cache_root=tmp_path / "cache")
    assert list((tmp_path / "cache" / "otp25").iterdir()) == []


def test_a_warning_fails_the_strict_compile(erlc: str, tmp_path: Path) -> None:
    source = tmp_path / "warns.erl"
    source.write_text("-module(warns).\n-export([f/1]).\nf(X) -> Y = 1, X.\n")
    with pytest.raises(ErlangBuildError, match="unused"):
        compile_strict(source, tmp_path, erlc=erlc)
