"""``error/<CAUSE>``: an endpoint that fails at once with the cause it names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.causes import parse_cause
from pyerlsw.switch.endpoints import EndpointError, OutgoingRequest

if TYPE_CHECKING:
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["ErrorEndpoint"]


class ErrorEndpoint:
    """``error/USER_BUSY`` fails with USER_BUSY (unknown names: NORMAL_CLEARING, as
    FreeSWITCH's cause parser does)."""

    name = "error"

    def create(self, switch: Switch, request: OutgoingRequest) -> Session:
        raise EndpointError(parse_cause(request.leg.address), "error endpoint")
