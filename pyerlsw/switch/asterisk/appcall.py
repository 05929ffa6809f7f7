"""How an Asterisk application is called: :class:`AppCall` and the function type.

An Asterisk application is ``async def app(call: AppCall, data: str) -> int``: ``data``
is already substituted; the result is Asterisk's (0: go on with the next priority,
anything else: end the PBX). ``call`` gives the layer, the session, its
:class:`~pyerlsw.switch.asterisk.pbxstate.PbxState` and a
:class:`~pyerlsw.switch.asterisk.scope.ChannelScope`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk.diagnostics import ERROR, NOTICE, VERBOSE, WARNING, LogRecord
from pyerlsw.switch.asterisk.pbxstate import PbxState
from pyerlsw.switch.asterisk.scope import ChannelScope

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer
    from pyerlsw.switch.session import Session

__all__ = ["AppCall", "AstAppFunction"]


@dataclass(frozen=True, slots=True)
class AppCall:
    """One application invocation on one channel."""

    layer: AsteriskLayer
    session: Session
    state: PbxState

    @property
    def scope(self) -> ChannelScope:
        return ChannelScope(self.layer, self.session, self.state)

    @property
    def name(self) -> str:
        return self.session.channel.name

    def verbose(self, level: int, message: str, source: str = "pbx.c") -> None:
        self.layer.log(LogRecord(VERBOSE, message, verbosity=level), self.session, source)

    def notice(self, message: str, source: str = "pbx.c") -> None:
        self.layer.log(LogRecord(NOTICE, message), self.session, source)

    def warning(self, message: str, source: str = "pbx.c") -> None:
        self.layer.log(LogRecord(WARNING, message), self.session, source)

    def error(self, message: str, source: str = "pbx.c") -> None:
        self.layer.log(LogRecord(ERROR, message), self.session, source)


AstAppFunction = Callable[[AppCall, str], Awaitable[int]]
