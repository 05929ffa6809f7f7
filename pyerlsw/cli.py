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
    cli = sub.add_parser("cli", help="run api commands on a running switch (like fs_cli -x)")
    cli.add_argument("--node", default=None,
                     help="switch node name (default: freeswitch@<short host>)")
    cli.add_argument("--cookie", default=None,
                     help="cookie (default: ~/.erlang.cookie, else ClueCon)")
    cli.add_argument("--timeout", type=float, default=30.0, help="seconds to wait per command")
    cli.add_argument("words", nargs="*", metavar="command",
                     help="api command and arguments; none: a prompt")
    return parser


async def _cli(args: argparse.Namespace) -> int:
    from pyerlsw.cli_client import (
        CliClient,
        CliError,
        default_cookie,
        default_target,
        interactive,
    )

    target = args.node or default_target()
    cookie = args.cookie or default_cookie()
    try:
        async with CliClient(target, cookie, timeout=args.timeout) as client:
            if not args.words:
                return await interactive(client)
            reply = await client.api(" ".join(args.words))
    except CliError as exc:
        print(f"-ERR {exc}", file=sys.stderr)
        return 1
    print(reply.text, end="" if reply.text.endswith("\n") else "\n")
    return 0 if reply.ok and not reply.text.startswith("-ERR") else 1


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
    if args.command == "cli":
        return asyncio.run(_cli(args))
    return 2


if __name__ == "__main__":
    sys.exit(main())
