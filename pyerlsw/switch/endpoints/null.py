"""``null/<anything>``: FreeSWITCH's dummy endpoint from mod_loopback (``mod_loopback.md``
section 6).

One outbound channel with no far end, named ``null/<destination>``, useful as a test
endpoint. Requesting it from a channel pre-answers that channel unless it has
``null_no_pre_answer=true``. Variables of the request:

* ``null_hangup_cause`` - fail at once with this cause; a destination ``cause-<CAUSE>``
  does the same (``null/cause-USER_BUSY``);
* ``null_pre_answer`` - true: the channel sends early media when it starts;
* ``null_enable_auto_answer`` - answer by itself (default true) ...
* ``null_auto_answer_delay`` - ... that many milliseconds after it starts (default 0,
  clamped to 0..60000).

Digits sent to it are appended to its ``null_channel_dtmf_queued`` variable. Timers
run on the switch clock (so the virtual clock controls the answer delay).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.causes import parse_cause
from pyerlsw.switch.dialplan.strings import atoi, is_true
from pyerlsw.switch.endpoints import EndpointError, OutgoingRequest, new_outbound_leg
from pyerlsw.switch.session import EndpointDriver

if TYPE_CHECKING:
    from pyerlsw.switch.clock import TimerHandle
    from pyerlsw.switch.dtmf import Digit
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["NullDevice", "NullEndpoint"]

MAX_AUTO_ANSWER_DELAY_MS = 60_000


class NullDevice(EndpointDriver):
    """The behaviour of one ``null/`` channel."""

    def __init__(self, *, pre_answer: bool, auto_answer: bool, delay_ms: int) -> None:
        self.pre_answer = pre_answer
        self.auto_answer = auto_answer
        self.delay_ms = delay_ms
        self._timer: TimerHandle | None = None

    def on_init(self, session: Session) -> None:
        ch = session.channel
        if self.pre_answer:
            ch.mark_pre_answered()
        if self.auto_answer:
            self._timer = session.switch.clock.call_later(
                self.delay_ms / 1000, self._answer, session
            )

    def _answer(self, session: Session) -> None:
        self._timer = None
        ch = session.channel
        if ch.ready and not ch.answered:
            ch.mark_answered()

    def on_dtmf(self, session: Session, digit: Digit) -> None:
        ch = session.channel
        queued = ch.get_variable("null_channel_dtmf_queued") or ""
        ch.set_variable("null_channel_dtmf_queued", queued + digit.digit)

    def on_hangup(self, session: Session) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class NullEndpoint:
    """The ``null`` endpoint."""

    name = "null"

    def create(self, switch: Switch, request: OutgoingRequest) -> Session:
        variables = dict(request.variables)
        destination = request.leg.address
        cause = variables.get("null_hangup_cause")
        if cause or destination.startswith("cause-"):
            raise EndpointError(parse_cause(cause or destination[6:]), "null endpoint")
        caller = request.caller
        if caller is not None:
            cch = caller.channel
            if not is_true(cch.get_variable("null_no_pre_answer")) and not cch.answered:
                cch.mark_pre_answered()
        driver = NullDevice(
            pre_answer=is_true(variables.get("null_pre_answer")),
            auto_answer=is_true(variables.get("null_enable_auto_answer") or "true"),
            delay_ms=min(
                max(atoi(variables.get("null_auto_answer_delay")), 0), MAX_AUTO_ANSWER_DELAY_MS
            ),
        )
        return new_outbound_leg(
            switch, request, name=f"null/{destination}", destination=destination,
            source="mod_loopback", variables=variables, driver=driver,
        )  # fmt: skip
