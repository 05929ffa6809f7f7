"""A channel: identity, caller profile, variables, states, and the events they cause.

:class:`Channel` holds the data FreeSWITCH keeps in ``switch_channel_t`` and fires the
channel events that data changes imply (CHANNEL_STATE, CHANNEL_CALLSTATE,
CHANNEL_PROGRESS, CHANNEL_PROGRESS_MEDIA, CHANNEL_ANSWER, CHANNEL_HANGUP). It never
awaits: the session task (:mod:`pyerlsw.switch.session`) drives it and is woken
through :attr:`Channel.on_change` when someone else changes it (a hangup from the API,
a device answering).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from pyerlsw.switch.causes import cause_name
from pyerlsw.switch.eventdata import DEFAULT_CODEC, ChannelSnapshot, CodecInfo
from pyerlsw.switch.events import Event, Header, Origin
from pyerlsw.switch.profile import CallerProfile, ChannelTimes
from pyerlsw.switch.states import (
    EVENTS_WITH_VARIABLES,
    CallState,
    ChannelState,
    can_change_call_state,
    can_request_state,
)

if TYPE_CHECKING:
    from pyerlsw.switch.switch import Switch

__all__ = ["Channel", "StateHook"]

StateHook = Callable[["Channel", ChannelState], None]

_EMPTY: Mapping[str, str] = MappingProxyType({})

_ORIGINS: dict[str, Origin] = {
    "CHANNEL_STATE": ("switch_channel.c", "switch_channel_perform_set_running_state", 2414),
    "CHANNEL_CALLSTATE": ("switch_channel.c", "switch_channel_perform_set_callstate", 335),
    "CHANNEL_PROGRESS": ("switch_channel.c", "switch_channel_perform_mark_ring_ready_value", 3716),
    "CHANNEL_PROGRESS_MEDIA": (
        "switch_channel.c",
        "switch_channel_perform_mark_pre_answered",
        3795,
    ),
    "CHANNEL_ANSWER": ("switch_channel.c", "switch_channel_perform_mark_answered", 3985),
    "CHANNEL_HANGUP": ("switch_channel.c", "switch_channel_perform_hangup", 3564),
    "CHANNEL_CREATE": ("switch_core_state_machine.c", "switch_core_session_run", 614),
    "CHANNEL_ORIGINATE": ("switch_ivr_originate.c", "switch_ivr_originate", 3722),
    "CHANNEL_OUTGOING": ("switch_core_session.c", "switch_core_session_outgoing_channel", 754),
    "CHANNEL_HANGUP_COMPLETE": (
        "switch_core_state_machine.c",
        "switch_core_session_reporting_state",
        960,
    ),
    "CHANNEL_DESTROY": ("switch_core_session.c", "switch_core_session_perform_destroy", 1752),
    "CHANNEL_EXECUTE": ("switch_core_session.c", "switch_core_session_exec", 2934),
    "CHANNEL_EXECUTE_COMPLETE": ("switch_core_session.c", "switch_core_session_exec", 2988),
    "CHANNEL_PARK": ("switch_ivr.c", "switch_ivr_park", 1003),
    "CHANNEL_UNPARK": ("switch_ivr.c", "switch_ivr_park", 1237),
    "CHANNEL_BRIDGE": ("switch_ivr_bridge.c", "audio_bridge_on_exchange_media", 920),
    "CHANNEL_UNBRIDGE": ("switch_ivr_bridge.c", "audio_bridge_on_exchange_media", 1003),
    "CHANNEL_DATA": ("switch_channel.c", "switch_channel_event_set_data", 2849),
    "PLAYBACK_START": ("switch_ivr_play_say.c", "switch_ivr_play_file", 1576),
    "PLAYBACK_STOP": ("switch_ivr_play_say.c", "switch_ivr_play_file", 2079),
    "CHANNEL_APPLICATION": ("mod_dptools.c", "event_function", 1383),
}
_DEFAULT_ORIGIN: Origin = ("switch_channel.c", "switch_channel_event_set_data", 2849)


class Channel:
    """One call leg's data. Create channels through the switch, not directly."""

    __slots__ = (
        "_switch",
        "_vars",
        "_vars_view",
        "answered",
        "call_state",
        "codec",
        "created_epoch",
        "current_application",
        "current_application_data",
        "direction",
        "early_media",
        "external_id",
        "flags",
        "hangup_cause",
        "initial_profile",
        "name",
        "on_change",
        "other_profile",
        "other_times",
        "other_type",
        "profile",
        "ring_ready",
        "running_state",
        "state",
        "state_hooks",
        "times",
        "uuid",
    )

    def __init__(
        self,
        switch: Switch,
        uuid: str,
        *,
        name: str,
        direction: str,
        profile: CallerProfile,
        times: ChannelTimes | None = None,
        variables: Mapping[str, str] | None = None,
    ) -> None:
        self._switch = switch
        self.uuid = uuid
        self.name = name
        self.direction = direction
        self.profile = profile
        self.initial_profile = profile
        self.times = times or ChannelTimes()
        self._vars: dict[str, str] = dict(variables) if variables else {}
        self._vars_view: Mapping[str, str] | None = None
        self.state = ChannelState.CS_NEW
        self.running_state = ChannelState.CS_NEW
        self.call_state = CallState.DOWN
        self.answered = False
        self.early_media = False
        self.ring_ready = False
        self.hangup_cause: int | None = None
        self.codec: CodecInfo | None = None
        self.other_type: str | None = None
        self.other_profile: CallerProfile | None = None
        self.other_times: ChannelTimes | None = None
        self.flags: set[str] = set()
        self.current_application = ""
        self.current_application_data = ""
        self.external_id: str | None = None
        self.created_epoch = self.times.created // 1_000_000
        self.on_change: Callable[[], None] | None = None
        self.state_hooks: list[StateHook] = []

    def __repr__(self) -> str:
        return f"<Channel {self.name} {self.uuid} {self.running_state.name}>"

    # -- variables ---------------------------------------------------------------------

    def get_variable(self, name: str) -> str | None:
        """A channel variable, or None when unset."""
        return self._vars.get(name)

    def set_variable(self, name: str, value: str | None) -> None:
        """Set a variable; None (or, like FreeSWITCH, an empty string) unsets it."""
        if value is None or value == "":
            if name in self._vars:
                del self._vars[name]
                self._vars_view = None
            return
        if self._vars.get(name) != value:
            self._vars[name] = value
            self._vars_view = None

    @property
    def variables(self) -> Mapping[str, str]:
        """A read-only snapshot of the variables (copy-on-write, cheap to repeat)."""
        view = self._vars_view
        if view is None:
            view = MappingProxyType(dict(self._vars)) if self._vars else _EMPTY
            self._vars_view = view
        return view

    def iter_variables(self) -> Iterator[tuple[str, str]]:
        return iter(list(self._vars.items()))

    # -- profile ----------------------------------------------------------------------

    def rename(self, name: str) -> None:
        """Change the channel name (profile ``chan_name`` and ``channel_name`` follow);
        for masquerades and endpoints that learn their name late."""
        self.name = name
        self.update_profile(chan_name=name)
        self.set_variable("channel_name", name)

    def update_profile(self, **changes: object) -> None:
        """Replace the caller profile with one carrying ``changes``."""
        self.profile = self.profile.replace(**changes)

    def profile_headers(self, prefix: str = "Caller") -> list[Header]:
        """The caller profile with this channel's times, as ``<prefix>-*`` headers (the
        gateway's ``{call, ...}`` message uses prefix ``Channel``)."""
        return self.profile.headers(prefix, self.times)

    def stamp(self, **changes: int) -> None:
        """Record times (``answered=...`` microseconds) in :attr:`times`."""
        self.times = self.times._replace(**changes)

    def set_other(self, kind: str | None, other: Channel | None) -> None:
        """Set (or with None, clear) the partner profile shown as ``Other-Leg-*``:
        ``kind`` is ``originator`` or ``originatee``."""
        if kind is None or other is None:
            self.other_type = self.other_profile = self.other_times = None
        else:
            self.other_type = kind
            self.other_profile = other.profile
            self.other_times = other.times

    def _now_us(self) -> int:
        return int(self._switch.clock.now() * 1_000_000)

    # -- events -----------------------------------------------------------------------

    @property
    def answer_state(self) -> str:
        if self.hangup_cause is not None:
            return "hangup"
        if self.answered:
            return "answered"
        if self.early_media:
            return "early"
        return "ringing"

    @property
    def call_uuid(self) -> str:
        return self._vars.get("call_uuid") or self.uuid

    def snapshot(self, with_variables: bool) -> ChannelSnapshot:
        """The channel as it is now, for an event."""
        get = self._vars.get
        return ChannelSnapshot(
            self.uuid,
            self.name,
            self.direction,
            self.running_state,
            self.state,
            self.call_state,
            self.answer_state,
            self.direction == "inbound" or "dialplan" in self.flags,
            get("call_uuid") or self.uuid,
            self.hangup_cause,
            self.codec,
            self.profile,
            self.times,
            self.other_type,
            self.other_profile,
            self.other_times,
            self.variables if with_variables else None,
            get("presence_id"),
            get("presence_data"),
            self.external_id,
        )

    def make_event(
        self,
        name: str,
        *,
        pre: tuple[Header, ...] = (),
        post: tuple[Header, ...] = (),
        body: str | None = None,
        origin: Origin | None = None,
        subclass: str | None = None,
    ) -> Event:
        """Build (but do not fire) an event carrying this channel's data."""
        switch = self._switch
        with_vars = switch.verbose_events or name in EVENTS_WITH_VARIABLES
        return switch.new_event(
            name,
            subclass=subclass,
            pre=pre,
            channel=self.snapshot(with_vars),
            post=post,
            body=body,
            origin=origin or _ORIGINS.get(name, _DEFAULT_ORIGIN),
        )

    def fire(
        self,
        name: str,
        pre: tuple[Header, ...] = (),
        post: tuple[Header, ...] = (),
        body: str | None = None,
        origin: Origin | None = None,
    ) -> Event:
        """Build and fire an event carrying this channel's data."""
        event = self.make_event(name, pre=pre, post=post, body=body, origin=origin)
        self._switch.fire(event)
        return event

    # -- states -----------------------------------------------------------------------

    def _changed(self) -> None:
        callback = self.on_change
        if callback is not None:
            callback()

    def request_state(self, state: ChannelState) -> bool:
        """Ask the session to move to ``state``; False when not allowed any more."""
        if state == self.state:
            self._changed()
            return True
        if not can_request_state(self.state, state):
            return False
        self.state = state
        self._changed()
        return True

    def set_running_state(self, state: ChannelState, *, fire: bool = True) -> None:
        """Record that the session now runs ``state``; fire CHANNEL_STATE and run the
        state hooks."""
        self.running_state = state
        if self.state < ChannelState.CS_HANGUP or state > self.state:
            self.state = state
        if fire:
            self.fire("CHANNEL_STATE")
        for hook in tuple(self.state_hooks):
            try:
                hook(self, state)
            except Exception as exc:
                self._switch.log_exception(exc, "state hook failed", uuid=self.uuid)

    def set_call_state(self, call_state: CallState) -> bool:
        """Move the call state (firing CHANNEL_CALLSTATE); False when not allowed."""
        old = self.call_state
        if old == call_state or not can_change_call_state(old, call_state):
            return False
        self.call_state = call_state
        self.fire(
            "CHANNEL_CALLSTATE",
            pre=(
                ("Original-Channel-Call-State", old.name),
                ("Channel-Call-State-Number", str(int(call_state))),
            ),
        )
        return True

    @property
    def ready(self) -> bool:
        """True until hangup is requested."""
        return self.hangup_cause is None and self.state < ChannelState.CS_HANGUP

    @property
    def up(self) -> bool:
        """Ready and answered or with early media."""
        return self.ready and (self.answered or self.early_media)

    def mark_ring_ready(self) -> bool:
        """The far end rings: CHANNEL_PROGRESS (and call state RINGING)."""
        if not self.ready or self.ring_ready or self.answered:
            return False
        self.ring_ready = True
        self.stamp(progress=self._now_us())
        self.fire("CHANNEL_PROGRESS")
        if self.call_state in (CallState.DOWN, CallState.DIALING):
            self.set_call_state(CallState.RINGING)
        self._changed()
        return True

    def mark_pre_answered(self) -> bool:
        """Early media: CHANNEL_PROGRESS_MEDIA and call state EARLY."""
        if not self.ready or self.early_media or self.answered:
            return False
        self.early_media = True
        self.codec = self.codec or DEFAULT_CODEC
        self.stamp(progress_media=self._now_us())
        self.fire("CHANNEL_PROGRESS_MEDIA")
        self.set_call_state(CallState.EARLY)
        self._changed()
        return True

    def mark_answered(self) -> bool:
        """Answer: CHANNEL_ANSWER then call state ACTIVE."""
        if not self.ready or self.answered:
            return False
        self.answered = True
        self.codec = self.codec or DEFAULT_CODEC
        self.stamp(answered=self._now_us())
        self.fire("CHANNEL_ANSWER")
        self.set_call_state(CallState.ACTIVE)
        self._changed()
        return True

    def hangup(self, cause: int) -> bool:
        """Hang up with ``cause``: CHANNEL_HANGUP, call state HANGUP, CS_HANGUP requested.
        Returns False when the channel was already hung up."""
        if self.hangup_cause is not None or self.state >= ChannelState.CS_HANGUP:
            return False
        self.state = ChannelState.CS_HANGUP
        self.hangup_cause = cause
        self._vars["hangup_cause"] = cause_name(cause)
        self._vars["hangup_cause_q850"] = str(cause)
        self._vars_view = None
        self.stamp(hungup=self._now_us())
        self.fire("CHANNEL_HANGUP")
        self.set_call_state(CallState.HANGUP)
        self._changed()
        return True
