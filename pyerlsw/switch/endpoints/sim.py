"""``sim/NAME``: simulated devices, driven by channel variables.

Outbound legs (a device being called) behave according to:

* ``sim_answer_after`` - seconds before the device reacts (default 0); while it waits
  it rings (CHANNEL_PROGRESS);
* ``sim_result`` - ``answer`` (default), ``busy`` (USER_BUSY), ``noanswer`` (rings until
  the caller gives up), ``reject`` or ``reject:CAUSE`` (CALL_REJECTED or the cause);
* ``sim_early_media_after`` - seconds after which the device sends early media;
* ``sim_hangup_after`` - seconds after answer at which the device hangs up
  (NORMAL_CLEARING; default never).

Both directions honour ``sim_dtmf`` - digits the device presses, a FreeSWITCH digit
string (``1w2#``: ``w``/``W`` pause 0.5 s/1 s, ``+`` groups, ``@ms`` lengths) -
``sim_dtmf_after`` seconds (default 1) after answer; they reach the channel's DTMF
queue as RTP digits. Digits sent to the device (``uuid_send_dtmf``, a bridge passing
them on) are kept in :attr:`SimDevice.heard`.

An outbound leg created with ``OutgoingRequest(defer_call=True)`` exists (its events
are fired) but the device is only contacted by :meth:`SimDevice.call`; the ``sim_*``
variables are read from the channel at that moment, so a pre-dial routine can change
them.

Inbound calls (:meth:`Switch.inbound_call`, a device calling in) honour
``sim_hangup_after`` (the caller hangs up that long after answer) and
``sim_cancel_after`` (the caller gives up unanswered: ORIGINATOR_CANCEL).

Variables come from the dial string, over the device's entry in the switch
configuration (``devices``), which is looked up by the full address, then by each
``/`` segment from the last, with and without ``@domain``; unknown devices use the
defaults. The same endpoint serves ``sofia/``, ``user/``, ``SIP/``, ``PJSIP/``,
``IAX2/`` and ``DAHDI/`` unless the configuration maps them elsewhere.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pyerlsw.switch.causes import CAUSES, parse_cause
from pyerlsw.switch.dtmf import Digit, invalid_chars, parse_digits, receive
from pyerlsw.switch.endpoints import OutgoingRequest, new_outbound_leg
from pyerlsw.switch.session import EndpointDriver

if TYPE_CHECKING:
    from pyerlsw.switch.clock import TimerHandle
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["SimDevice", "SimEndpoint", "device_candidates"]

_SOURCES = {"sofia": "mod_sofia", "user": "mod_sofia"}
#: Digits a sim device remembers having heard.
HEARD_LIMIT = 1000


def device_candidates(address: str) -> list[str]:
    """Names a device may be configured under, most specific first."""
    names = [address]
    for segment in reversed(address.split("/")):
        if segment and segment not in names:
            names.append(segment)
        bare = segment.partition("@")[0]
        if bare and bare not in names:
            names.append(bare)
    return names


def _seconds(value: str | None, default: float | None) -> float | None:
    if value is None or value.strip() == "":
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        return default


class SimDevice(EndpointDriver):
    """The behaviour of one simulated device on one channel."""

    __slots__ = (
        "_answer_watch", "_session", "_timers", "called", "deferred", "heard", "variables",
    )  # fmt: skip

    def __init__(self, variables: Mapping[str, str], *, defer_call: bool = False) -> None:
        self.variables = variables
        self.deferred = defer_call
        self.called = False
        self.heard: deque[str] = deque(maxlen=HEARD_LIMIT)
        self._session: Session | None = None
        self._timers: list[TimerHandle | asyncio.Handle] = []
        self._answer_watch: Callable[[], None] | None = None

    def _later(
        self, session: Session, delay: float, action: Callable[..., Any], *args: Any
    ) -> None:
        if delay <= 0:
            self._timers.append(asyncio.get_running_loop().call_soon(action, *args))
        else:
            self._timers.append(session.switch.clock.call_later(delay, action, *args))

    def _act(self, action: Callable[..., None], *args: Any) -> None:
        """Run ``action(channel, *args)`` on the channel this device drives now (a
        masquerade may have moved it to another session)."""
        if self._session is not None:
            action(self._session.channel, *args)

    def _get(self, session: Session, name: str) -> str | None:
        value = session.channel.get_variable(name)
        return value if value is not None else self.variables.get(name)

    def on_moved(self, session: Session) -> None:
        old, self._session = self._session, session
        watch = self._answer_watch
        if watch is not None and old is not None and watch in old.watchers:
            old.watchers.remove(watch)
            session.watchers.append(watch)
            watch()

    def on_init(self, session: Session) -> None:
        self._session = session
        ch = session.channel
        if ch.direction == "outbound":
            if not self.deferred:
                self.call(session)
            return
        cancel_after = _seconds(self._get(session, "sim_cancel_after"), None)
        if cancel_after is not None:
            self._later(session, cancel_after, self._act, _cancel)
        self._watch_answer(session)

    def call(self, session: Session) -> bool:
        """Contact the device (once): it rings, answers, fails... as its ``sim_*``
        variables say now. False when it was already called or the channel is gone."""
        if self.called or not session.channel.ready:
            return False
        self.called = True
        self._outbound(session)
        self._watch_answer(session)
        return True

    def _watch_answer(self, session: Session) -> None:
        hangup_after = _seconds(self._get(session, "sim_hangup_after"), None)
        digits = (self._get(session, "sim_dtmf") or "").strip()
        if hangup_after is None and not digits:
            return
        if invalid_chars(digits):
            session.log("ERR", f"invalid characters in sim_dtmf {digits!r} skipped\n")
        dtmf_after = _seconds(self._get(session, "sim_dtmf_after"), 1.0) or 0.0

        def watch() -> None:
            now = self._session or session
            if now.channel.answered and self._answer_watch is not None:
                if watch in now.watchers:
                    now.watchers.remove(watch)
                self._answer_watch = None
                if hangup_after is not None:
                    cause = CAUSES["NORMAL_CLEARING"]
                    self._later(now, hangup_after, self._act, _hangup, cause)
                if digits:
                    self._press(now, digits, dtmf_after)

        self._answer_watch = watch
        session.watchers.append(watch)
        watch()

    def _press(self, session: Session, digits: str, after: float) -> None:
        delay = after
        for step in parse_digits(digits, "RTP"):
            if isinstance(step, Digit):
                self._later(session, delay, self._receive, step)
            else:
                delay += step.seconds

    def _receive(self, digit: Digit) -> None:
        if self._session is not None:
            receive(self._session, digit)

    def on_dtmf(self, session: Session, digit: Digit) -> None:
        self.heard.append(digit.digit)

    def _outbound(self, session: Session) -> None:
        ch = session.channel
        get = self._get
        after = _seconds(get(session, "sim_answer_after"), 0.0) or 0.0
        result = (get(session, "sim_result") or "answer").strip()
        kind, _, arg = result.partition(":")
        kind = kind.lower()
        early = _seconds(get(session, "sim_early_media_after"), None)
        if early is not None:
            self._later(session, early, self._act, _early)
        if kind not in ("answer", "busy", "noanswer", "reject"):
            session.log("ERR", f"invalid sim_result {result!r}, answering\n")
            kind = "answer"
        if after > 0 or kind == "noanswer":
            ch.mark_ring_ready()
        if kind == "answer":
            self._later(session, after, self._act, _answer)
        elif kind == "busy":
            self._later(session, after, self._act, _hangup, CAUSES["USER_BUSY"])
        elif kind == "reject":
            cause = parse_cause(arg, CAUSES["CALL_REJECTED"]) if arg else CAUSES["CALL_REJECTED"]
            self._later(session, after, self._act, _hangup, cause)

    def on_hangup(self, session: Session) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        if self._answer_watch is not None:
            if self._answer_watch in session.watchers:
                session.watchers.remove(self._answer_watch)
            self._answer_watch = None


def _answer(ch: Any) -> None:
    if ch.ready:
        ch.mark_answered()


def _cancel(ch: Any) -> None:
    if ch.ready and not ch.answered:
        ch.hangup(CAUSES["ORIGINATOR_CANCEL"])


def _early(ch: Any) -> None:
    if ch.ready:
        ch.mark_pre_answered()


def _hangup(ch: Any, cause: int) -> None:
    if ch.ready:
        ch.hangup(cause)


class SimEndpoint:
    """The simulated-device endpoint (registered as ``sim``)."""

    name = "sim"

    def create(self, switch: Switch, request: OutgoingRequest) -> Session:
        leg = request.leg
        variables: dict[str, str] = {}
        devices = switch.config.devices
        for candidate in device_candidates(leg.address):
            if candidate in devices:
                variables.update(devices[candidate])
                break
        variables.update(request.variables)
        address = leg.address
        destination = address.rsplit("/", 1)[-1]
        source = _SOURCES.get(leg.technology.lower(), "mod_sim")
        return new_outbound_leg(
            switch, request, name=leg.target, destination=destination, source=source,
            variables=variables,
            driver=SimDevice(dict(variables), defer_call=request.defer_call),
        )  # fmt: skip
