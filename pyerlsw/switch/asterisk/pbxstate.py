"""What the Asterisk layer keeps per channel (:class:`PbxState`).

A core session gets a :class:`PbxState` the first time the Asterisk layer touches it
(the PBX starts on it, a hangup handler is pushed, a Dial creates it, it is a Local
half); it lives in ``session.private["asterisk"]``. It holds the dialplan location,
the Gosub stack, the hangup-handler stack and the Asterisk-only channel fields the
core does not have (connected line, language, account codes, the pending hangup
cause).

Frame-local variables (``ARGn``, ``LOCAL()``) are ordinary channel variables whose
previous values a :class:`GosubFrame` remembers and restores when it is popped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk.causes import NORMAL_CLEARING, asterisk_cause, core_cause
from pyerlsw.switch.asterisk.hangup_handlers import HangupHandlerStack
from pyerlsw.switch.asterisk.model import Priority

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.localchan import LocalPair
    from pyerlsw.switch.channel import Channel
    from pyerlsw.switch.session import Session

__all__ = ["STATE_KEY", "GosubFrame", "PbxState", "session_cause"]

STATE_KEY = "asterisk"


@dataclass(slots=True)
class GosubFrame:
    """One Gosub return address. ``priority`` is where ``Return`` continues (the
    priority after the Gosub); ``saved`` maps each frame-local variable to the value it
    hid (None: it was unset). ``special`` marks the frame of an internal Gosub (hangup
    handler, pre-dial routine) whose ``Return`` ends that routine."""

    context: str
    exten: str
    priority: int
    argc: int = 0
    special: bool = False
    saved: dict[str, str | None] = field(default_factory=dict)


@dataclass(slots=True)
class PbxState:
    """The Asterisk view of one channel."""

    context: str = "default"
    exten: str = "s"
    priority: int = 1
    stack: list[GosubFrame] = field(default_factory=list)
    handlers: HangupHandlerStack = field(default_factory=HangupHandlerStack)
    current: Priority | None = None
    """The priority being executed (for file/line in messages)."""
    rc: int = 0
    """The result of the last Asterisk application (0 continue, else end)."""
    in_pbx: bool = False
    running: int = 0
    """How many interpreter loops are active on this channel (nested internal Gosubs)."""
    h_ran: bool = False
    cause: int | None = None
    """Asterisk's hangup cause of the channel before it is really hung up."""
    final_cause: int | None = None
    """The cause the dialplan hung the channel up with (None: the far end or the core
    did). The core channel then carries the core's number for it, NORMAL_CLEARING for
    Asterisk's 0."""
    connected_name: str = ""
    connected_num: str = ""
    caller: tuple[str, str] | None = None
    """Asterisk's own caller ID ``(name, number)`` when it is not the core profile's.
    A channel Dial creates carries in its core profile what its device is sent (the
    caller's ID: Asterisk's connected line, FreeSWITCH's caller ID of an outbound leg);
    Asterisk's caller ID of that channel is the dialling exten and hint name (or the
    caller's connected name), which ``CALLERID()``, the AMI snapshot and a Local
    ``;2``'s connected line read from here."""
    language: str = "en"
    accountcode: str = ""
    peeraccount: str = ""
    musicclass: str = ""
    response_timeout: float = 10.0
    digit_timeout: float = 5.0
    local: LocalPair | None = None
    local_half: int = 0
    """1 or 2 on a Local half, else 0."""

    def location(self) -> tuple[str, str, int]:
        return self.context, self.exten, self.priority

    def goto(self, context: str, exten: str, priority: int) -> None:
        """Jump so that the interpreter runs ``priority`` next (it adds 1 after every
        application, so the stored priority is one less, as in Asterisk)."""
        self.context = context
        self.exten = exten
        self.priority = priority - 1

    def hang_up(self, channel: Channel, cause: int) -> None:
        """Hang the core channel up from the dialplan with Asterisk cause ``cause``."""
        self.cause = self.final_cause = cause
        channel.hangup(core_cause(cause) if cause else NORMAL_CLEARING)

    def hangup_cause(self, core: int | None) -> int:
        """``${HANGUPCAUSE}`` given the core channel's cause (None: still up)."""
        if core is None:
            return self.cause or 0
        if self.final_cause is not None:
            return self.final_cause
        return asterisk_cause(core)

    def where(self) -> str:
        """`` at line N of FILE`` for the priority being executed (or nothing)."""
        current = self.current
        if current is None or not current.file:
            return ""
        return f" at line {current.line} of {current.file}"


def session_cause(session: Session) -> int:
    """A channel's Asterisk hangup cause (its dialplan's, else the core's)."""
    state = session.private.get(STATE_KEY)
    core = session.channel.hangup_cause
    if isinstance(state, PbxState):
        return state.hangup_cause(core)
    return asterisk_cause(core)
