"""Dialplan applications: the registry, how one is executed, and the park loop.

An application is an async function ``app(session, data) -> response`` registered under
its FreeSWITCH name (looked up case-insensitively). :meth:`ApplicationRegistry.execute`
does what ``switch_core_session_exec`` does: expand ``${...}`` in the data, fire
CHANNEL_EXECUTE (``Application``, ``Application-Data``, ``Application-UUID``,
``Application-UUID-Name``), run the function, fire CHANNEL_EXECUTE_COMPLETE with
``Application-Response`` (``_none_`` when the application gave none). An unknown
application is logged (``Invalid Application x``) and hangs the channel up with
DESTINATION_OUT_OF_ORDER, as in FreeSWITCH; an application that raises is logged and
treated as finished.

Other layers add applications with :meth:`ApplicationRegistry.register` (the gateway's
``erlang``, the Asterisk layer's ``Dial``...).
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyerlsw.switch.causes import CAUSES
from pyerlsw.switch.events import Header

if TYPE_CHECKING:
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["AppFunction", "Application", "ApplicationRegistry"]

AppFunction = Callable[["Session", str], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class Application:
    """A registered application."""

    name: str
    function: AppFunction
    syntax: str = ""
    description: str = ""
    routing_safe: bool = False


class ApplicationRegistry:
    """Applications by name, one registry per switch."""

    def __init__(self, switch: Switch) -> None:
        self._switch = switch
        self._apps: dict[str, Application] = {}

    def register(
        self,
        name: str,
        function: AppFunction,
        *,
        syntax: str = "",
        description: str = "",
        routing_safe: bool = False,
    ) -> None:
        """Add or replace the application ``name``; ``routing_safe`` ones may run during
        the hunt (XML ``inline="true"`` actions)."""
        self._apps[name.lower()] = Application(name, function, syntax, description, routing_safe)

    def unregister(self, name: str) -> None:
        self._apps.pop(name.lower(), None)

    def get(self, name: str) -> Application | None:
        return self._apps.get(name.lower())

    def __iter__(self) -> Iterator[Application]:
        return iter(sorted(self._apps.values(), key=lambda a: a.name))

    async def execute(
        self,
        session: Session,
        name: str,
        data: str = "",
        *,
        app_uuid: str | None = None,
        app_uuid_name: str | None = None,
    ) -> str:
        """Run application ``name`` on ``session`` (from the session's own task) and
        return its ``Application-Response``."""
        ch = session.channel
        app = self._apps.get(name.lower())
        if app is None:
            session.log("ERR", f"Invalid Application {name}\n")
            ch.hangup(CAUSES["DESTINATION_OUT_OF_ORDER"])
            return "_none_"
        expanded = session.expand(data) if data else ""
        app_uuid = app_uuid or str(uuidlib.uuid4())
        ident: list[Header] = [("Application-UUID", app_uuid)]
        if app_uuid_name:
            ident.append(("Application-UUID-Name", app_uuid_name))
        saved = (ch.current_application, ch.current_application_data)
        ch.current_application = app.name
        ch.current_application_data = expanded
        ch.set_variable("current_application", app.name)
        ch.set_variable("current_application_data", expanded)
        ch.set_variable("current_application_response", None)
        self._switch.log(7, f"EXECUTE {ch.name} {app.name}({expanded})\n", uuid=ch.uuid)
        ch.fire(
            "CHANNEL_EXECUTE",
            post=(("Application", app.name), ("Application-Data", expanded), *ident),
        )
        response: str | None = None
        try:
            response = await app.function(session, expanded)
        except Exception as exc:
            self._switch.log_exception(exc, f"application {app.name} failed", uuid=ch.uuid)
        if not response:
            response = ch.get_variable("current_application_response") or "_none_"
        ch.fire(
            "CHANNEL_EXECUTE_COMPLETE",
            post=(
                ("Application", app.name),
                ("Application-Data", expanded),
                ("Application-Response", response),
                *ident,
            ),
        )
        ch.set_variable("last_app", app.name)
        ch.set_variable("last_arg", expanded)
        ch.current_application, ch.current_application_data = saved
        return response

    async def park(self, session: Session) -> None:
        """``switch_ivr_park``: CHANNEL_PARK, run queued commands until the channel is
        hung up, moved (state change, transfer) or released (:meth:`Session.unpark`),
        then CHANNEL_UNPARK."""
        ch = session.channel
        if not ch.ready:
            return
        ch.flags.update(("park", "controlled"))
        ch.fire("CHANNEL_PARK")
        session.poke()
        try:
            while True:
                await session.process_commands()
                if session.interrupted() or "park" not in ch.flags or "controlled" not in ch.flags:
                    break
                if session.pending_commands:
                    continue
                await session.wait(idle=True)
        finally:
            ch.flags.discard("park")
            ch.flags.discard("controlled")
            ch.fire("CHANNEL_UNPARK")
