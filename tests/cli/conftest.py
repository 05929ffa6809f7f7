"""Fixtures of tests/cli: ``running`` (a ``pyerlsw run`` process; see runsupport.py)."""

from tests.cli.runsupport import running

__all__ = ["running"]
