"""Asterisk's AMI events as FreeSWITCH CUSTOM events on the switch's bus.

Each AMI event becomes a ``CUSTOM`` event whose ``Event-Subclass`` names it, whose
first headers are the AMI fields (names exactly as in AMI), followed by the usual
channel data (``Channel-State``, ``Unique-ID``, ``Caller-*``, ``variable_*``) of the
channel it is about:

==========================  ==============================  =============
AMI event                   CUSTOM subclass                 channel data
==========================  ==============================  =============
``HangupHandlerPush``       ``hangup_handler::push``        the channel
``HangupHandlerPop``        ``hangup_handler::pop``         the channel
``HangupHandlerRun``        ``hangup_handler::run``         the channel
``LocalBridge``             ``local::bridge``               ``;2``
``LocalOptimizationBegin``  ``local::optimization_begin``   ``;1``
``LocalOptimizationEnd``    ``local::optimization_end``     ``;1``
``Pickup``                  ``call::pickup``                the picker, moved
==========================  ==============================  =============

FreeSWITCH drops headers with an empty value, so an empty ``AccountCode`` is absent.
The AMI snapshot maps the core's channel onto Asterisk's fields: ``ChannelState`` 6
(Up) when answered, 4 (Ring) for an unanswered inbound channel, 5 (Ringing) for an
outbound one that rings, else 0 (Down); ``Uniqueid`` is the channel UUID and
``Linkedid`` its ``call_uuid``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk.ami import ChannelSnapshot, hangup_handler_event
from pyerlsw.switch.asterisk.pbxstate import STATE_KEY, PbxState

if TYPE_CHECKING:
    from pyerlsw.switch.session import Session

__all__ = [
    "HANGUP_HANDLER_SUBCLASSES",
    "LOCAL_SUBCLASSES",
    "ami_snapshot",
    "ami_state",
    "fire_custom",
    "fire_handler_event",
]

HANGUP_HANDLER_SUBCLASSES = {
    "Push": "hangup_handler::push",
    "Pop": "hangup_handler::pop",
    "Run": "hangup_handler::run",
}
LOCAL_SUBCLASSES = {
    "LocalBridge": "local::bridge",
    "LocalOptimizationBegin": "local::optimization_begin",
    "LocalOptimizationEnd": "local::optimization_end",
}
_ORIGINS = {
    "hangup_handler::push": ("func_channel.c", "func_channel_write_real", 0),
    "hangup_handler::pop": ("func_channel.c", "func_channel_write_real", 0),
    "hangup_handler::run": ("pbx_hangup_handler.c", "ast_pbx_hangup_handler_run", 0),
    "local::bridge": ("core_local.c", "local_call", 0),
    "local::optimization_begin": ("core_local.c", "local_optimization_started_cb", 0),
    "local::optimization_end": ("core_local.c", "local_optimization_finished_cb", 0),
    "call::pickup": ("pickup.c", "send_call_pickup_stasis_message", 0),
}


def ami_state(session: Session) -> int:
    """Asterisk's channel state number for a core channel."""
    ch = session.channel
    if ch.answered:
        return 6
    if ch.direction == "inbound":
        return 4
    if ch.ring_ready:
        return 5
    return 0


def ami_snapshot(session: Session) -> ChannelSnapshot:
    """The AMI snapshot block of ``session``."""
    ch = session.channel
    state = session.private.get(STATE_KEY)
    st = state if isinstance(state, PbxState) else PbxState()
    profile = ch.profile
    caller_name, caller_num = st.caller or (profile.caller_id_name, profile.caller_id_number)
    return ChannelSnapshot(
        name=ch.name,
        state=ami_state(session),
        caller_num=caller_num,
        caller_name=caller_name,
        connected_num=st.connected_num,
        connected_name=st.connected_name,
        language=st.language,
        accountcode=st.accountcode,
        context=st.context if isinstance(state, PbxState) else profile.context,
        exten=st.exten if isinstance(state, PbxState) else profile.destination_number,
        priority=st.priority if isinstance(state, PbxState) else 1,
        uniqueid=ch.uuid,
        linkedid=ch.call_uuid,
    )


def fire_custom(session: Session, subclass: str, fields: Sequence[tuple[str, str]]) -> None:
    """Fire ``CUSTOM``/``subclass`` with ``fields`` first and ``session``'s data."""
    event = session.channel.make_event(
        "CUSTOM",
        subclass=subclass,
        pre=tuple(fields),
        origin=_ORIGINS.get(subclass, ("pbx.c", "manager_event", 0)),
    )
    session.switch.fire(event)


def fire_handler_event(session: Session, kind: str, handler: str) -> None:
    """``HangupHandlerPush``/``Pop``/``Run`` (``kind`` is ``Push``, ``Pop`` or ``Run``)."""
    fields = hangup_handler_event(kind, ami_snapshot(session), handler)
    fire_custom(session, HANGUP_HANDLER_SUBCLASSES[kind], fields)
