"""FreeSWITCH's ``loopback/`` endpoint (``mod_loopback.md``) on the call core.

``loopback/<dest>[/<context>[/<dialplan>]]`` creates the A leg (outbound,
``loopback/<dest>-a``, returned to the requester) and, when A starts, the B leg
(inbound, ``loopback/<dest>-b``) that routes ``<dest>`` in ``<context>`` (``default``)
with ``<dialplan>`` (``XML``). ``loopback/app=<app>[:<arg>]`` makes B pre-answer and
run that application instead. Requesting it from a channel pre-answers that channel
unless it has ``loopback_no_pre_answer=true``.

Variables: the request's variables and those A lists in ``loopback_export`` go to B;
``loopback_leg`` (A/B), ``is_loopback=1``, ``other_loopback_leg_uuid``,
``loopback_from_uuid`` (A) and ``other_loopback_from_uuid`` (B) are set.

Signalling goes B -> A only (answer, pre-answer, ringing); a hangup of either leg
hangs the other up with the same cause; if B cannot be created A ends with
DESTINATION_OUT_OF_ORDER.

Bow-out (``loopback_bowout.py``): when both legs are bridged (A to X, B to Y) and
answered and neither has ``loopback_bowout`` set false, ``loopback_bowout_delay``
seconds later (FreeSWITCH waits about two seconds of media) the real channels on
both sides - found through chains of further loopback pairs - are bridged directly
(``uuid_bridge``). A leg that enters CS_EXECUTE with ``loopback_bowout_on_execute``
true or an ``unloop`` application in its extension hands that extension to the real
channel on the other side (the execute bow-out).
"""

from __future__ import annotations

import uuid as uuidlib
from typing import TYPE_CHECKING, Any

from pyerlsw.switch.asterisk.loopback_bowout import (
    PAIR_KEY,
    bridge_bowout,
    execute_bowout,
)
from pyerlsw.switch.causes import CAUSES
from pyerlsw.switch.dialplan.base import Action
from pyerlsw.switch.dialplan.strings import is_false, is_true
from pyerlsw.switch.dtmf import Digit, receive
from pyerlsw.switch.endpoints import EndpointError, OutgoingRequest
from pyerlsw.switch.session import EndpointDriver
from pyerlsw.switch.states import ChannelState

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer
    from pyerlsw.switch.channel import Channel
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["LoopbackEndpoint", "LoopbackPair", "unloop"]

async def unloop(session: Session, data: str) -> str | None:
    """``unloop``: does nothing; its presence in a loopback leg's extension makes the
    leg bow out when it starts executing."""
    return None


class LoopbackPair:
    """One A/B pair."""

    def __init__(self, layer: AsteriskLayer, request: OutgoingRequest) -> None:
        self.layer = layer
        self.request = request
        address = request.leg.address
        self.app: str | None = None
        self.app_arg = ""
        if address.startswith("app="):
            app, _, arg = address[4:].partition(":")
            self.app, self.app_arg = app, arg
            self.dest, self.context, self.dialplan = app, "default", "XML"
        else:
            parts = address.split("/")
            self.dest = parts[0]
            self.context = parts[1] if len(parts) > 1 and parts[1] else "default"
            self.dialplan = parts[2] if len(parts) > 2 and parts[2] else "XML"
        self.a: Session | None = None
        self.b: Session | None = None
        self.bowed_out = False
        self._timer: Any = None

    def start_b(self, a: Session) -> None:
        """A started: create B (or fail A)."""
        switch = self.layer.switch
        ach = a.channel
        variables = dict(self.request.variables)
        for raw in (ach.get_variable("loopback_export") or "").split(","):
            name = raw.strip()
            value = ach.get_variable(name) if name else None
            if value is not None:
                variables[name] = value
        variables.update(
            loopback_leg="B",
            is_loopback="1",
            other_loopback_leg_uuid=a.uuid,
        )
        from_uuid = ach.get_variable("loopback_from_uuid")
        if from_uuid:
            variables["other_loopback_from_uuid"] = from_uuid
        if self.app is not None:
            variables.update(loopback_app=self.app, loopback_app_arg=self.app_arg)
        try:
            b = switch.new_session(
                name=f"loopback/{self.dest}-b", direction="inbound",
                destination_number=self.dest, caller_id_name=ach.profile.caller_id_name,
                caller_id_number=ach.profile.caller_id_number, dialplan=self.dialplan,
                context=self.context, source="mod_loopback", variables=variables,
                driver=LoopbackDriver(self, "B"),
            )  # fmt: skip
        except EndpointError:
            ach.hangup(CAUSES["DESTINATION_OUT_OF_ORDER"])
            return
        self.b = b
        b.private[PAIR_KEY] = self
        ach.set_variable("other_loopback_leg_uuid", b.uuid)
        if self.app is not None:
            b.transfer_to_extension([Action("pre_answer"), Action(self.app, self.app_arg)])
        b.watchers.append(self._watch_b)
        a.watchers.append(self._watch_a)
        for leg in (a, b):
            leg.channel.state_hooks.append(self._on_state)

    def other_leg(self, leg: Session) -> Session | None:
        """The pair's other leg."""
        if leg is self.a:
            return self.b
        if leg is self.b:
            return self.a
        return None

    def _on_state(self, channel: Channel, state: ChannelState) -> None:
        if state != ChannelState.CS_EXECUTE or self.bowed_out:
            return
        for leg in (self.a, self.b):
            if leg is not None and leg.channel is channel:
                execute_bowout(self, leg, self.layer.config)
                return

    # -- signalling --------------------------------------------------------------------

    def _watch_a(self) -> None:
        try:
            self._on_a_change()
        except Exception as exc:  # a watcher must never break the core's caller
            self.layer.switch.log_exception(exc, "loopback pair failed")

    def _watch_b(self) -> None:
        try:
            self._on_b_change()
        except Exception as exc:
            self.layer.switch.log_exception(exc, "loopback pair failed")

    def _on_b_change(self) -> None:
        a, b = self.a, self.b
        if a is None or b is None:
            return
        ach, bch = a.channel, b.channel
        if ach.ready:
            if not bch.ready:
                cause = bch.hangup_cause
                ach.hangup(cause if cause is not None else CAUSES["NORMAL_CLEARING"])
                return
            if bch.answered and not ach.answered:
                ach.mark_answered()
            elif bch.early_media and not ach.early_media:
                ach.mark_pre_answered()
            elif bch.ring_ready and not ach.ring_ready:
                ach.mark_ring_ready()
        self._check_bowout()

    def _on_a_change(self) -> None:
        a, b = self.a, self.b
        if a is None or b is None:
            return
        if not a.channel.ready and b.channel.ready:
            cause = a.channel.hangup_cause
            b.channel.hangup(cause if cause is not None else CAUSES["NORMAL_CLEARING"])
            return
        self._check_bowout()

    # -- bow-out -----------------------------------------------------------------------

    def _bowout_ready(self) -> bool:
        a, b = self.a, self.b
        if self.bowed_out or a is None or b is None:
            return False
        for leg in (a, b):
            ch = leg.channel
            bridge = leg.bridge
            if not ch.ready or not ch.answered or bridge is None or not bridge.active:
                return False
            if is_false(ch.get_variable("loopback_bowout")):
                return False
        return True

    def _check_bowout(self) -> None:
        if self._bowout_ready():
            if self._timer is None:
                delay = self.layer.config.loopback_bowout_delay
                self._timer = self.layer.switch.clock.call_later(delay, self._bowout)
        elif self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _bowout(self) -> None:
        self._timer = None
        if self._bowout_ready():
            bridge_bowout(self, self.layer.config)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class LoopbackDriver(EndpointDriver):
    def __init__(self, pair: LoopbackPair, leg: str) -> None:
        self.pair = pair
        self.leg = leg

    def on_init(self, session: Session) -> None:
        if self.leg == "A":
            self.pair.start_b(session)

    def on_destroy(self, session: Session) -> None:
        self.pair.cancel()

    def on_dtmf(self, session: Session, digit: Digit) -> None:
        """DTMF sent to one leg is queued on the other (``mod_loopback.md``)."""
        other = self.pair.b if self.leg == "A" else self.pair.a
        if other is not None:
            receive(other, digit)


class LoopbackEndpoint:
    """The ``loopback`` endpoint."""

    name = "loopback"

    def __init__(self, layer: AsteriskLayer) -> None:
        self.layer = layer

    def create(self, switch: Switch, request: OutgoingRequest) -> Session:
        pair = LoopbackPair(self.layer, request)
        caller = request.caller
        variables = dict(request.variables)
        uuid = variables.pop("origination_uuid", None) or str(uuidlib.uuid4())
        variables.update(loopback_leg="A", is_loopback="1")
        if caller is not None:
            variables["loopback_from_uuid"] = caller.uuid
            cch = caller.channel
            no_pre_answer = is_true(cch.get_variable("loopback_no_pre_answer"))
            if not no_pre_answer and not cch.answered:
                cch.mark_pre_answered()
        a = switch.new_session(
            name=f"loopback/{pair.dest}-a", direction="outbound", uuid=uuid,
            destination_number=pair.dest, caller_id_name=request.caller_id_name,
            caller_id_number=request.caller_id_number, dialplan=pair.dialplan,
            context=pair.context, source="mod_loopback", variables=variables,
            driver=LoopbackDriver(pair, "A"), originator=caller, originating=True,
        )  # fmt: skip
        pair.a = a
        a.private[PAIR_KEY] = pair
        return a
