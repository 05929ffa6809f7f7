"""Compile the Erlang modules the tests load (``erlang_test_nodes/*.erl``) with ``erlc``.

:func:`build_ebin` compiles every ``*.erl`` of a source folder into a cache folder
named after a hash of the sources, the compiler and its options
(``.cache/ebin/otp25/<hash>``), and returns it for ``-pa``. It compiles only when that
folder does not exist yet, so an unchanged tree costs one hash. Several pytest
processes may build at once: each compiles into its own temporary folder and renames it
into place; the loser of the race throws its copy away and uses the winner's.

Only OTP 25 (the system ``erlc``) compiles; OTP 28's runtime has no compiler but loads
these beams, so the same folder serves both releases.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tests.erlang_support import ERLANG_TEST_NODES, REPO

__all__ = [
    "DEFAULT_CACHE_ROOT",
    "EXAMPLES",
    "ErlangBuildError",
    "build_ebin",
    "compile_strict",
    "find_erlc",
]

DEFAULT_CACHE_ROOT = REPO / ".cache" / "ebin"
EXAMPLES = REPO / "examples"
# Upper bound for one erlc run; compiling the test modules takes about a second.
ERLC_TIMEOUT_S = 120.0


class ErlangBuildError(RuntimeError):
    """erlc failed; the message holds its output."""


def find_erlc() -> str | None:
    """The system ``erlc`` (OTP 25 on CI), or None."""
    return shutil.which("erlc")


def _sources(source_dir: Path) -> list[Path]:
    return sorted(p for p in source_dir.glob("*.erl") if p.is_file())


def _digest(sources: Sequence[Path], erlc: str, options: Sequence[str]) -> str:
    h = hashlib.sha256()
    h.update(os.path.realpath(erlc).encode())
    for option in options:
        h.update(b"\0opt\0" + option.encode())
    for path in sources:
        h.update(b"\0file\0" + path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def _run_erlc(erlc: str, out_dir: Path, sources: Sequence[Path],
              options: Sequence[str]) -> str:
    """Compile ``sources`` into ``out_dir``; return erlc's output (warnings)."""
    try:
        done = subprocess.run(
            [erlc, *options, "-o", str(out_dir), *map(str, sources)],
            capture_output=True, text=True, timeout=ERLC_TIMEOUT_S,
            stdin=subprocess.DEVNULL, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ErlangBuildError(f"erlc took longer than {ERLC_TIMEOUT_S}s") from exc
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise ErlangBuildError(f"erlc failed ({done.returncode}):\n{output}")
    return output


def build_ebin(
    source_dir: Path = ERLANG_TEST_NODES,
    *,
    erlc: str | None = None,
    cache_root: Path = DEFAULT_CACHE_ROOT,
    label: str = "otp25",
    options: Sequence[str] = (),
) -> Path:
    """Compile every ``*.erl`` in ``source_dir`` (once per distinct content) and
    return the folder holding the ``.beam`` files.

    ``label`` names the cache sub-folder (the release that compiled it). Raises
    :class:`ErlangBuildError` when erlc is missing or fails, ``FileNotFoundError`` when
    ``source_dir`` holds no ``.erl`` file.
    """
    erlc = erlc or find_erlc()
    if erlc is None:
        raise ErlangBuildError("erlc not found (install erlang-nox / Erlang/OTP 25)")
    sources = _sources(source_dir)
    if not sources:
        raise FileNotFoundError(f"no .erl files in {source_dir}")
    target = cache_root / label / _digest(sources, erlc, options)
    if _complete(target, sources):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    try:
        _run_erlc(erlc, staging, sources, options)
        try:
            staging.rename(target)
        except OSError:
            # Another process won the race (target exists and is not empty).
            if not _complete(target, sources):
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _complete(ebin: Path, sources: Sequence[Path]) -> bool:
    return ebin.is_dir() and all((ebin / (s.stem + ".beam")).is_file() for s in sources)


def compile_strict(source: Path, out_dir: Path, *, erlc: str | None = None) -> str:
    """Compile one file with ``+warnings_as_errors`` (and every warning enabled that
    ``erlc`` enables by default) into ``out_dir``; raise :class:`ErlangBuildError` on
    any warning or error, else return erlc's (empty) output."""
    erlc = erlc or find_erlc()
    if erlc is None:
        raise ErlangBuildError("erlc not found (install erlang-nox / Erlang/OTP 25)")
    return _run_erlc(erlc, out_dir, [source], ["+warnings_as_errors"])
