"""DTMF: digits a channel receives, FreeSWITCH's way (``switch_channel.c``).

Every session has an inbound queue (:class:`DtmfQueue`, ``session.dtmf``). Digits
arrive with :func:`receive` (what the far end pressed: ``uuid_recv_dtmf``, a sim
device's ``sim_dtmf``, the other half of a loopback pair) and wait there until
something reads them; reading one (:func:`dequeue`) fires the ``DTMF`` event with
``DTMF-Digit``, ``DTMF-Duration`` (in 8 kHz samples, as FreeSWITCH reports it) and
``DTMF-Source``. Who reads:

* applications that collect digits (``read``, ``play_and_get_digits``, ``playback``
  with its terminators, the Asterisk layer's BackGround/WaitExten/Read);
* a parked channel (``switch_ivr_park`` reads and drops them: the events reach the
  event consumers);
* a bridged channel: each digit is read and sent to the other side's far end
  (:func:`send`), as FreeSWITCH's bridge thread does.

The last two happen in :func:`service_dtmf`, which the park and bridge loops call
(``session.wait(idle=True)``) - not while an application they run for a ``sendmsg``
waits, so such an application finds the digits that arrived meanwhile.

Digits queued while the channel runs something that does not read them (between
applications, ``answer``, CS_CONSUME_MEDIA) stay queued; :func:`flush` drops them
without events (``flush_dtmf``). The queue holds at most ``dtmf_queue_size`` digits;
beyond that the oldest is dropped, as FreeSWITCH does.

Sending (:func:`send`, ``uuid_send_dtmf``, the ``send_dtmf`` application) goes to the
channel's far end: the endpoint driver's :meth:`~pyerlsw.switch.session.EndpointDriver.on_dtmf`
(a sim device notes what it heard, a loopback leg queues it on its other half).

Digit strings (:func:`parse_digits`) follow ``switch_channel_queue_dtmf_string``:
``0-9 A-D a-d * #`` (and ``F``), ``+`` separates groups, ``group@ms`` sets the length
of that group's digits (default 250 ms, at least 50 ms, at most 24 s), ``w``/``W``
pause 0.5 s/1 s before the following digits, a leading ``~`` is ignored, anything
else is skipped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyerlsw.switch.dialplan.strings import atoi

if TYPE_CHECKING:
    from pyerlsw.switch.clock import Clock
    from pyerlsw.switch.session import Session

__all__ = [
    "DEFAULT_DURATION",
    "DTMF_CHARS",
    "MAX_DURATION",
    "MIN_DURATION",
    "Digit",
    "DtmfQueue",
    "Pause",
    "dequeue",
    "flush",
    "invalid_chars",
    "next_digit",
    "parse_digits",
    "receive",
    "receive_string",
    "send",
    "send_string",
    "service_dtmf",
]

#: Durations in 8 kHz samples (``switch_core_default/min/max_dtmf_duration``).
DEFAULT_DURATION = 2000
MIN_DURATION = 400
MAX_DURATION = 192_000
#: What ``is_dtmf`` accepts as a digit (``w``/``W`` are pauses here).
DTMF_CHARS = frozenset("0123456789ABCDabcd*#Ff")
_PAUSES = {"w": 0.5, "W": 1.0}
_SOURCES = frozenset({"UNKNOWN", "INBAND_AUDIO", "RTP", "ENDPOINT", "APP"})
_ORIGIN = ("switch_channel.c", "switch_channel_dequeue_dtmf", 563)
_Action = Callable[["Session", "Digit"], bool]


@dataclass(frozen=True, slots=True)
class Digit:
    """One received digit: ``duration`` in samples, ``source`` as ``DTMF-Source``
    reports it (``RTP``, ``APP``, ``ENDPOINT``, ``INBAND_AUDIO``, ``UNKNOWN``)."""

    digit: str
    duration: int = DEFAULT_DURATION
    source: str = "APP"

    def normalized(self) -> Digit:
        """The digit with its duration clamped to FreeSWITCH's limits."""
        duration = self.duration or DEFAULT_DURATION
        duration = min(MAX_DURATION, max(MIN_DURATION, duration))
        source = self.source if self.source in _SOURCES else "UNKNOWN"
        if duration == self.duration and source == self.source:
            return self
        return Digit(self.digit, duration, source)


@dataclass(frozen=True, slots=True)
class Pause:
    """A pause of ``seconds`` inside a digit string (``w``/``W``)."""

    seconds: float


def parse_digits(text: str, source: str = "APP") -> list[Digit | Pause]:
    """A FreeSWITCH digit string as digits and pauses (see the module docstring)."""
    text = text.strip()
    if text.startswith("~"):
        text = text[1:]
    steps: list[Digit | Pause] = []
    for group in text.split("+"):
        digits, at, ms_text = group.partition("@")
        duration = DEFAULT_DURATION
        if at:
            ms = atoi(ms_text)
            if ms > MIN_DURATION // 8:
                duration = min(MAX_DURATION, ms * 8)
        for char in digits:
            if char in _PAUSES:
                steps.append(Pause(_PAUSES[char]))
            elif char in DTMF_CHARS:
                steps.append(Digit(char, duration, source))
    return steps


def invalid_chars(text: str) -> str:
    """The characters of a digit string that are neither digits, pauses nor syntax
    (``+``, ``@`` with its number, a leading ``~``); empty when the string is clean."""
    text = text.strip().removeprefix("~")
    bad: list[str] = []
    for group in text.split("+"):
        digits, at, ms_text = group.partition("@")
        bad.extend(c for c in digits if c not in DTMF_CHARS and c not in _PAUSES)
        if at and not ms_text.strip().isdigit():
            bad.append("@" + ms_text)
    return "".join(bad)


class DtmfQueue:
    """A channel's inbound digits, oldest first, bounded (oldest dropped)."""

    __slots__ = ("_digits", "dropped")

    def __init__(self, limit: int) -> None:
        self._digits: deque[Digit] = deque(maxlen=max(1, limit))
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._digits)

    def __bool__(self) -> bool:
        return bool(self._digits)

    def put(self, digit: Digit) -> None:
        if len(self._digits) == self._digits.maxlen:
            self.dropped += 1
        self._digits.append(digit)

    def pop(self) -> Digit | None:
        return self._digits.popleft() if self._digits else None

    def peek(self) -> Digit | None:
        return self._digits[0] if self._digits else None

    def clear(self) -> int:
        count = len(self._digits)
        self._digits.clear()
        return count


# -- receiving ------------------------------------------------------------------------


def receive(session: Session, digit: Digit) -> bool:
    """Queue ``digit`` on ``session`` as received from its far end and wake whoever
    waits; False when the channel is hung up (the digit is dropped)."""
    ch = session.channel
    if not ch.ready or not digit.digit or digit.digit not in DTMF_CHARS:
        return False
    digit = digit.normalized()
    session.log("DEBUG", f"RECV DTMF {digit.digit}:{digit.duration}\n")
    session.dtmf.put(digit)
    session.poke()
    return True


def receive_string(session: Session, text: str, *, source: str = "APP") -> int:
    """Queue a digit string (``uuid_recv_dtmf``); pauses delay the digits after them
    on the switch clock. Returns the number of digits."""
    return _deliver(session.switch.clock, session, parse_digits(text, source), receive)


def dequeue(session: Session) -> Digit | None:
    """Read the oldest queued digit and fire its DTMF event (None: queue empty)."""
    digit = session.dtmf.pop()
    if digit is None:
        return None
    session.channel.fire(
        "DTMF",
        post=(
            ("DTMF-Digit", digit.digit),
            ("DTMF-Duration", str(digit.duration)),
            ("DTMF-Source", digit.source),
        ),
        origin=_ORIGIN,
    )
    return digit


def flush(session: Session) -> int:
    """Drop every queued digit without events (``switch_channel_flush_dtmf``)."""
    return session.dtmf.clear()


def service_dtmf(session: Session) -> None:
    """What the core does with queued digits while the channel waits without an
    application reading them: a bridged channel reads each and sends it to the other
    side's far end; a parked channel reads and drops them. Otherwise they stay."""
    if not session.dtmf:
        return
    bridge = session.bridge
    if bridge is not None and bridge.active:
        other = bridge.b if bridge.a is session else bridge.a
        while (digit := dequeue(session)) is not None:
            send(other, digit)
    elif "park" in session.channel.flags:
        while dequeue(session) is not None:
            pass


async def next_digit(
    session: Session, timeout: float | None, *, consume: bool = True, breakable: bool = False
) -> Digit | None:
    """Wait (on the session's own task) up to ``timeout`` seconds (None: forever) for
    a digit; return it (dequeued, event fired; with ``consume=False`` it stays queued
    and is only peeked). None on timeout, hangup, transfer, or - when ``breakable`` -
    ``uuid_break`` (which is then cleared)."""
    clock = session.switch.clock
    deadline = None if timeout is None else clock.monotonic() + max(0.0, timeout)
    while True:
        if session.interrupted():
            return None
        if breakable and session.break_requested:
            session.break_requested = False
            return None
        if session.dtmf:
            return dequeue(session) if consume else session.dtmf.peek()
        if deadline is None:
            await session.wait()
            continue
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            return None
        await session.wait(remaining)


# -- sending ----------------------------------------------------------------------------


def send(session: Session, digit: Digit) -> bool:
    """Send ``digit`` to ``session``'s far end (``switch_core_session_send_dtmf``);
    False when the channel is gone."""
    if not session.channel.ready:
        return False
    digit = digit.normalized()
    session.log(
        "DEBUG",
        f"{session.name} send dtmf\ndigit={digit.digit} ms={digit.duration // 8} "
        f"samples={digit.duration}\n",
    )
    driver = session.driver
    if driver is not None:
        driver.on_dtmf(session, digit)
    return True


def send_string(session: Session, text: str) -> int:
    """Send a digit string to the far end (``uuid_send_dtmf``, ``send_dtmf``): the
    channel gets early media first, as in FreeSWITCH; pauses delay what follows.
    Returns the number of digits."""
    steps = parse_digits(text, "APP")
    if any(isinstance(step, Digit) for step in steps):
        ch = session.channel
        if ch.ready and not ch.answered and not ch.early_media:
            ch.mark_pre_answered()
    return _deliver(session.switch.clock, session, steps, send)


def _deliver(clock: Clock, session: Session, steps: list[Digit | Pause], action: _Action) -> int:
    delay = 0.0
    count = 0
    for step in steps:
        if isinstance(step, Pause):
            delay += step.seconds
            continue
        count += 1
        if delay <= 0:
            action(session, step)
        else:
            clock.call_later(delay, action, session, step)
    return count

