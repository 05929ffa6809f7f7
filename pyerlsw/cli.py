"""The ``pyerlsw`` command line.

``pyerlsw run`` starts the node; ``pyerlsw --version`` prints the version.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence

from pyerlsw import __version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(prog="pyerlsw", description=__doc__)
    parser.add_argument("--version", action="version", version=f"pyerlsw {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the node on the embedded default configuration")
    return parser


async def _run_forever() -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    print(f"pyerlsw {__version__} ready (press Ctrl-C to stop)", flush=True)
    await stop.wait()
    print("pyerlsw stopped", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return asyncio.run(_run_forever())
    return 2


if __name__ == "__main__":
    sys.exit(main())
