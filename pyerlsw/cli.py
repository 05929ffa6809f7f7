"""The ``pyerlsw`` command line.

``pyerlsw run`` starts the switch node, ``pyerlsw cli`` runs api commands on one,
``pyerlsw --version`` prints the version.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from pyerlsw import __version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(prog="pyerlsw", description=__doc__)
    parser.add_argument("--version", action="version", version=f"pyerlsw {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the switch node (embedded defaults, or --conf)")
    name = run.add_mutually_exclusive_group()
    name.add_argument("--name", help="full node name alive@host (long names)")
    name.add_argument("--sname", help="alive part; host is the short host name")
    run.add_argument("--cookie", help="distribution cookie (beats every conf file)")
    run.add_argument("--conf", metavar="DIR", help="FreeSWITCH-style conf directory")
    run.add_argument("--listen-ip", help="listen address (default 0.0.0.0)")
    run.add_argument("--listen-port", type=int, help="distribution port (default 8031)")
    run.add_argument("--encoding", choices=["string", "binary"],
                     help="text sent to Erlang: charlists or binaries")
    run.add_argument("--log-level", help="console, alert, crit, err, warning, notice, info, "
                     "debug (default info)")
    run.add_argument("--loop", choices=["auto", "uvloop", "asyncio"], dest="event_loop",
                     help="event loop (default auto: uvloop when installed)")
    run.add_argument("--clock", choices=["real", "virtual"], help=argparse.SUPPRESS)
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


def _run(args: argparse.Namespace) -> int:
    from pyerlsw import runtime
    from pyerlsw.config import CliOverrides, StartupError, load_run_config
    from pyerlsw.runner import serve

    flags = CliOverrides(
        name=args.name, sname=args.sname, cookie=args.cookie, listen_ip=args.listen_ip,
        listen_port=args.listen_port, encoding=args.encoding, log_level=args.log_level,
        clock=args.clock, event_loop=args.event_loop,
    )
    try:
        cfg = load_run_config(args.conf, flags)
        settings = cfg.runtime
        virtual = cfg.switch.clock == "virtual"
        try:
            loop = runtime.resolve_loop(settings.event_loop, virtual_clock=virtual)
        except RuntimeError as exc:
            raise StartupError("--loop / [runtime] event_loop", str(exc)) from None
        runtime.set_gc_threshold(settings.gc_threshold)
        on_started = runtime.freeze_gc if settings.gc_freeze else None
        busy_wait = settings.node_busy_wait(virtual_clock=virtual)
        return runtime.run(serve(cfg, on_started=on_started, busy_wait=busy_wait), loop)
    except StartupError as exc:
        print(f"pyerlsw: cannot start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return _run(args)
    if args.command == "cli":
        return asyncio.run(_cli(args))
    return 2


if __name__ == "__main__":
    sys.exit(main())
