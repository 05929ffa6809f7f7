"""pyerlsw.switch: the embedded call core (see docs/switch.md and docs/architecture.md).

It behaves like the FreeSWITCH core that mod_erlang_event users know: channels and their
state machine, FreeSWITCH events on an in-order bus, dialplan engines, applications,
simulated endpoints, API commands, and a virtual clock for fast deterministic tests.
It knows nothing of Erlang.
"""

from pyerlsw.switch.api import ApiResult
from pyerlsw.switch.bus import Stream, StreamClosed
from pyerlsw.switch.causes import cause_name, parse_cause
from pyerlsw.switch.channel import Channel
from pyerlsw.switch.clock import Clock, RealClock, VirtualClock
from pyerlsw.switch.config import SwitchConfig
from pyerlsw.switch.events import Event, event_type_name
from pyerlsw.switch.logs import LogRecord
from pyerlsw.switch.originate import OriginateError
from pyerlsw.switch.session import Session
from pyerlsw.switch.states import CallState, ChannelState
from pyerlsw.switch.switch import Switch

__all__ = [
    "ApiResult",
    "CallState",
    "Channel",
    "ChannelState",
    "Clock",
    "Event",
    "LogRecord",
    "OriginateError",
    "RealClock",
    "Session",
    "Stream",
    "StreamClosed",
    "Switch",
    "SwitchConfig",
    "VirtualClock",
    "cause_name",
    "event_type_name",
    "parse_cause",
]
