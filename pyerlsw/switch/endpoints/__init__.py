"""Endpoints: what a dial-string technology (``sim/``, ``sofia/``, ``error/`` ...) creates.

An endpoint turns one :class:`~pyerlsw.switch.dialstring.DialLeg` into an outbound
:class:`~pyerlsw.switch.session.Session` (or raises :class:`EndpointError` with the
hangup cause to report). :class:`EndpointRegistry` maps technologies to endpoints:
names registered directly (``register(endpoint, "loopback")``) win, then the switch
configuration's ``technologies`` table (``{"sofia": "sim", ...}``) maps a technology to
a registered endpoint name.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from pyerlsw.switch.dialstring import DialLeg

if TYPE_CHECKING:
    from pyerlsw.switch.session import EndpointDriver, Session
    from pyerlsw.switch.switch import Switch

__all__ = [
    "Endpoint",
    "EndpointError",
    "EndpointRegistry",
    "OutgoingRequest",
    "new_outbound_leg",
    "place_call",
]


class EndpointError(Exception):
    """An outgoing channel could not be created; ``cause`` is the hangup cause."""

    def __init__(self, cause: int, message: str = "") -> None:
        super().__init__(message or f"cause {cause}")
        self.cause = cause


@dataclass(slots=True)
class OutgoingRequest:
    """Everything an endpoint needs to create one outbound leg.

    ``variables`` already merge (in increasing priority) the caller's exported
    variables and the dial string's ``{}``/``[]`` variables. ``caller_id_name`` and
    ``caller_id_number`` are what the new leg should present. With ``defer_call`` the
    leg is created (and its session started) but the far end is not contacted until
    its driver's ``call(session)`` (what Asterisk's Dial needs to run ``b()`` before
    ``ast_call``); endpoints that cannot defer ignore it.
    """

    leg: DialLeg
    variables: dict[str, str] = field(default_factory=dict)
    caller: Session | None = None
    caller_id_name: str = ""
    caller_id_number: str = ""
    dialplan: str = ""
    context: str = ""
    defer_call: bool = False


def place_call(session: Session) -> bool:
    """Contact the far end of a leg created with ``defer_call`` (its driver's
    ``call(session)``); for endpoints that do not defer, the leg was called when it
    was created. False when the leg is gone or could not be called."""
    call = getattr(session.driver, "call", None)
    if call is None:
        return session.channel.ready
    return bool(call(session))


class Endpoint(Protocol):
    """An endpoint module."""

    name: str

    def create(self, switch: Switch, request: OutgoingRequest) -> Session:
        """Create and start the outbound session for ``request.leg`` (it must carry the
        ``originating`` flag, see :meth:`Switch.new_session`); raise
        :class:`EndpointError` when the leg fails at once."""
        ...


class EndpointRegistry:
    """Endpoints by name and technology, one registry per switch."""

    def __init__(self, technologies: Mapping[str, str]) -> None:
        self._endpoints: dict[str, Endpoint] = {}
        self._technologies = {k.lower(): v.lower() for k, v in technologies.items()}

    def register(self, endpoint: Endpoint, *technologies: str) -> None:
        """Register ``endpoint`` under its name and under extra ``technologies``."""
        self._endpoints[endpoint.name.lower()] = endpoint
        for tech in technologies:
            self._endpoints[tech.lower()] = endpoint

    def map_technology(self, technology: str, endpoint_name: str) -> None:
        """Serve ``technology`` with the endpoint registered as ``endpoint_name``."""
        self._technologies[technology.lower()] = endpoint_name.lower()

    def resolve(self, technology: str) -> Endpoint | None:
        """The endpoint for a dial-string technology, or None."""
        tech = technology.lower()
        endpoint = self._endpoints.get(tech)
        if endpoint is not None:
            return endpoint
        target = self._technologies.get(tech)
        return None if target is None else self._endpoints.get(target)

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._endpoints


def new_outbound_leg(
    switch: Switch,
    request: OutgoingRequest,
    *,
    name: str,
    destination: str,
    source: str,
    variables: dict[str, str],
    driver: EndpointDriver,
) -> Session:
    """Create the outbound session an endpoint returns for ``request``: the request's
    caller ID, dialplan, context and originator, ``origination_uuid`` (taken out of
    ``variables``) or a fresh uuid, and the ``originating`` flag."""
    return switch.new_session(
        name=name,
        direction="outbound",
        uuid=variables.pop("origination_uuid", None) or str(uuidlib.uuid4()),
        destination_number=destination,
        caller_id_name=request.caller_id_name,
        caller_id_number=request.caller_id_number,
        dialplan=request.dialplan,
        context=request.context,
        source=source,
        variables=variables,
        driver=driver,
        originator=request.caller,
        originating=True,
    )
