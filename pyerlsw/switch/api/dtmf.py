"""DTMF API commands: ``uuid_recv_dtmf``, ``uuid_send_dtmf``, ``uuid_flush_dtmf``
(``mod_commands.c``; the digit syntax is in :mod:`pyerlsw.switch.dtmf`).

Outputs are FreeSWITCH's: ``uuid_recv_dtmf``/``uuid_send_dtmf`` print nothing on
success, ``-ERR Cannot locate session!\\n`` for an unknown channel and
``-USAGE: <uuid> <dtmf_data>\\n`` without both arguments; characters that are not
digits are skipped (a string without any digit queues nothing and still prints
nothing; a WARNING is logged). ``uuid_flush_dtmf`` prints ``+OK\\n`` or
``-ERR no such session\\n``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.dtmf import flush, receive_string, send_string

if TYPE_CHECKING:
    from pyerlsw.switch.api import ApiRegistry
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["DTMF_SYNTAX", "register"]

DTMF_SYNTAX = "<uuid> <dtmf_data>"
NO_SESSION = "-ERR Cannot locate session!\n"


def _target(switch: Switch, args: str) -> tuple[Session | None, str, str | None]:
    """(session, digits, error output)."""
    argv = args.strip().split(None, 1)
    if len(argv) < 2 or not argv[1].strip():
        return None, "", f"-USAGE: {DTMF_SYNTAX}\n"
    target = switch.session(argv[0])
    if target is None:
        return None, "", NO_SESSION
    return target, argv[1].strip(), None


def _no_digits(switch: Switch, target: Session, digits: str) -> None:
    switch.log(4, f"No DTMF digits in [{digits}]\n", uuid=target.uuid)


async def uuid_recv_dtmf(switch: Switch, args: str, session: Session | None) -> str:
    target, digits, error = _target(switch, args)
    if error is not None or target is None:
        return error or NO_SESSION
    if not receive_string(target, digits):
        _no_digits(switch, target, digits)
    return ""


async def uuid_send_dtmf(switch: Switch, args: str, session: Session | None) -> str:
    target, digits, error = _target(switch, args)
    if error is not None or target is None:
        return error or NO_SESSION
    if not send_string(target, digits):
        _no_digits(switch, target, digits)
    return ""


async def uuid_flush_dtmf(switch: Switch, args: str, session: Session | None) -> str:
    target = switch.session(args.strip())
    if target is None:
        return "-ERR no such session\n"
    flush(target)
    return "+OK\n"


def register(registry: ApiRegistry) -> None:
    """Register this module's commands."""
    registry.register(
        "uuid_recv_dtmf", uuid_recv_dtmf, syntax=DTMF_SYNTAX, description="receive dtmf digits"
    )
    registry.register(
        "uuid_send_dtmf", uuid_send_dtmf, syntax=DTMF_SYNTAX, description="send dtmf digits"
    )
    registry.register(
        "uuid_flush_dtmf",
        uuid_flush_dtmf,
        syntax="<uuid>",
        description="Flush dtmf on a given uuid",
    )
