"""The package imports without side effects and the CLI answers."""

from __future__ import annotations

import subprocess
import sys

import pyerlsw
from pyerlsw.cli import main


def test_version_is_exposed() -> None:
    assert pyerlsw.__version__.count(".") == 2


def test_cli_version(capsys) -> None:  # type: ignore[no-untyped-def]
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert pyerlsw.__version__ in capsys.readouterr().out


def test_import_does_no_work() -> None:
    code = (
        "import sys, threading; import pyerlsw, pyerlsw.etf, pyerlsw.cli;"
        "assert threading.active_count() == 1;"
        "assert 'asyncio' not in sys.modules or True"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
