"""Applications that connect calls: bridge and transfer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.bridge import after_bridge, bridge_sessions
from pyerlsw.switch.causes import CAUSES, cause_name
from pyerlsw.switch.dialplan.strings import is_true
from pyerlsw.switch.originate import originate

if TYPE_CHECKING:
    from pyerlsw.switch.applications import ApplicationRegistry
    from pyerlsw.switch.session import Session

__all__ = ["register"]


def _continue_on_fail(value: str | None, cause: int) -> bool:
    if not value:
        return False
    if is_true(value):
        return True
    listed = {item.strip().upper() for item in value.split(",")}
    return cause_name(cause) in listed or str(cause) in listed


async def bridge(session: Session, data: str) -> str | None:
    """``bridge <dial string>``: ring the legs; bridge the first that answers; on
    failure hang up with the cause unless ``continue_on_fail`` allows it."""
    ch = session.channel
    if not data.strip():
        session.log("ERR", "No dial string given to bridge\n")
        return None
    result = await originate(session.switch, data, caller=session)
    peer = result.session
    if peer is None:
        name = cause_name(result.cause)
        if not ch.ready or session.interrupted():
            return None
        if _continue_on_fail(ch.get_variable("continue_on_fail"), result.cause):
            session.log(
                "INFO",
                f"Continue on fail [{ch.get_variable('continue_on_fail')}]:  Cause: {name}\n",
            )
            return None
        session.log("INFO", f"Originate Failed.  Cause: {name}\n")
        ch.hangup(result.cause)
        return None
    if not ch.ready:
        peer.channel.hangup(ch.hangup_cause or CAUSES["NORMAL_CLEARING"])
        return None
    ch.mark_answered()
    peer_cause = await bridge_sessions(session, peer)
    after_bridge(session, peer_cause, resume=False)
    return None


async def transfer(session: Session, data: str) -> str | None:
    """``transfer [-bleg|-both] <exten> [<dialplan>] [<context>]``."""
    args = data.split()
    if not args:
        session.log("ERR", "No extension given to transfer\n")
        return None
    targets = [session]
    if args[0].startswith("-"):
        flag = args.pop(0).lower()
        partner_uuid = session.channel.get_variable("bridge_to") or session.channel.get_variable(
            "signal_bond"
        )
        partner = session.switch.session(partner_uuid) if partner_uuid else None
        if flag == "-bleg":
            targets = [partner] if partner is not None else []
        elif flag == "-both" and partner is not None:
            targets = [partner, session]
    if not args:
        session.log("ERR", "No extension given to transfer\n")
        return None
    exten = args[0]
    dialplan = args[1] if len(args) > 1 else None
    context = args[2] if len(args) > 2 else None
    for target in targets:
        target.transfer(exten, dialplan, context)
    return None


def register(apps: ApplicationRegistry) -> None:
    """Register this module's applications."""
    apps.register("bridge", bridge, syntax="<channel_url>", description="Bridge Audio")
    apps.register(
        "transfer",
        transfer,
        syntax="[-bleg|-both] <exten> [<dialplan>] [<context>]",
        description="Transfer a channel",
    )
