"""Routing a channel: hunting its dialplan engines, and blind transfers.

:func:`hunt` asks the engines named by the channel's dialplan string (``XML``,
``inline``, ``XML,inline``...) in turn, as CS_ROUTING does in FreeSWITCH; an unknown
engine is logged (``Invalid dialplan interface``) and one that raises is logged and
counts as "no route". :func:`transfer` is ``switch_ivr_session_transfer``: a new
destination (and dialplan, context), ``Caller-Transfer-Source``, a new profile index,
and CS_ROUTING again; beyond ``max_transfers`` the channel is hung up with
EXCHANGE_ROUTING_ERROR (a dialplan loop).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.causes import CAUSES
from pyerlsw.switch.dialplan.base import Action, DialplanRegistry
from pyerlsw.switch.states import ChannelState

if TYPE_CHECKING:
    from pyerlsw.switch.session import Session

__all__ = ["hunt", "transfer"]


async def hunt(session: Session) -> list[Action] | None:
    """The actions for the channel's destination, or None when no engine routes it."""
    ch = session.channel
    switch = session.switch
    profile = ch.profile
    dialplan = profile.dialplan or switch.config.default_dialplan
    context = profile.context or switch.config.default_context
    for name, args in DialplanRegistry.parse(dialplan):
        engine = switch.dialplans.get(name)
        if engine is None:
            session.log("ERR", f"Invalid dialplan interface [{name}]!\n")
            continue
        try:
            actions = await engine.hunt(session, profile.destination_number, context, args)
        except Exception as exc:
            switch.log_exception(exc, f"dialplan {name} failed", uuid=ch.uuid)
            actions = None
        if actions is not None:
            return actions
    return None


def transfer(session: Session, destination: str, dialplan: str | None, context: str | None) -> bool:
    """Blind-transfer ``session``; False when it is gone or looped too often."""
    ch = session.channel
    config = session.switch.config
    if not ch.ready:
        return False
    session.transfers += 1
    if session.transfers > config.max_transfers:
        session.log(
            "ERR",
            f"{ch.name} exceeded {config.max_transfers} transfers, hanging up (dialplan loop?)\n",
        )
        ch.hangup(CAUSES["EXCHANGE_ROUTING_ERROR"])
        return False
    profile = ch.profile
    dialplan = dialplan or profile.dialplan or config.default_dialplan
    context = context or profile.context or config.default_context
    now_us = int(session.switch.clock.now() * 1_000_000)
    source = f"{now_us // 1_000_000}:{ch.uuid}:bl_xfer:{destination}/{context}/{dialplan}"
    ch.update_profile(
        destination_number=destination,
        dialplan=dialplan,
        context=context,
        transfer_source=source,
        profile_index=str(int(profile.profile_index or "1") + 1),
    )
    ch.stamp(transferred=now_us)
    ch.set_variable("transfer_source", source)
    ch.set_variable("max_forwards", None)
    ch.flags.add("transfer")
    return ch.request_state(ChannelState.CS_ROUTING)
