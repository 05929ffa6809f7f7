"""The :class:`Switch`: one embedded FreeSWITCH-like core.

A switch owns its clock, event and log buses, registries (applications, API commands,
endpoints, dialplan engines), the XML lookup chain, global variables and the live
sessions. Nothing is global: create as many switches as you like in one process.

Typical use::

    async with Switch(clock="virtual") as switch:
        events = switch.subscribe("CHANNEL_ANSWER")
        result = await switch.api("originate", "sim/alice &park()")
        ...
"""

from __future__ import annotations

import asyncio
import contextlib
import traceback
import uuid as uuidlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pyerlsw.switch.api import ApiRegistry, ApiResult, run_api, run_background
from pyerlsw.switch.applications import ApplicationRegistry
from pyerlsw.switch.bus import Bus, Stream
from pyerlsw.switch.causes import CAUSES, parse_cause
from pyerlsw.switch.channel import Channel
from pyerlsw.switch.clock import Clock, RealClock, VirtualClock
from pyerlsw.switch.config import SwitchConfig
from pyerlsw.switch.dialplan.base import Action, DialplanRegistry
from pyerlsw.switch.endpoints import EndpointError, EndpointRegistry
from pyerlsw.switch.endpoints.sim import SimDevice
from pyerlsw.switch.eventdata import ChannelSnapshot
from pyerlsw.switch.events import (
    CoreIdentity,
    Event,
    Header,
    Origin,
    event_filter,
    event_type_name,
    headers_with_deletions,
)
from pyerlsw.switch.hooks import Hooks
from pyerlsw.switch.logs import LogRecord
from pyerlsw.switch.originate import OriginateError, originate
from pyerlsw.switch.profile import CallerProfile, ChannelTimes
from pyerlsw.switch.session import EndpointDriver, Session
from pyerlsw.switch.stats import SessionStats, heartbeat_headers
from pyerlsw.switch.wiring import load_static_xml, register_builtins
from pyerlsw.switch.xml.lookup import XmlLookup

__all__ = ["Switch"]

_CORE_ORIGIN: Origin = ("switch_core.c", "switch_core_init", 0)
_LOG_ORIGIN = ("switch_core.c", "switch_log_printf", 0)


class Switch:
    """An embedded softswitch. Build it from a :class:`SwitchConfig` or keyword
    arguments (``Switch(clock="virtual", devices={...})``), then ``await start()`` or use
    ``async with``."""

    def __init__(
        self,
        config: SwitchConfig | None = None,
        /,
        *,
        xml_loader: Callable[[Mapping[str, str]], Any] | None = None,
        **overrides: Any,
    ) -> None:
        """``overrides`` are :class:`SwitchConfig` fields. ``xml_loader(variables) ->
        StaticXml`` replaces the default source of the static XML
        (``config.xml_conf_dir`` or the embedded defaults): it is called now and on every
        ``reloadxml``, with the switch's global variables as fixed pre-process
        variables."""
        self.xml_loader = xml_loader
        if config is None:
            config = SwitchConfig(**overrides)
        elif overrides:
            config = SwitchConfig(**{**config.model_dump(), **overrides})
        self.config = config
        self.clock: Clock = (
            VirtualClock(config.virtual_start, config.virtual_autojump_threshold)
            if config.clock == "virtual"
            else RealClock()
        )
        self.core_uuid = config.core_uuid or str(uuidlib.uuid4())
        self.identity = CoreIdentity(
            self.core_uuid, config.hostname, config.effective_switchname, config.ipv4, config.ipv6
        )
        self.globals: dict[str, str] = {
            "hostname": config.hostname,
            "switchname": config.effective_switchname,
            "local_ip_v4": config.ipv4,
            "local_ip_v6": config.ipv6,
            "core_uuid": self.core_uuid,
            "domain": config.ipv4,
            "domain_name": config.ipv4,
        }
        self.globals.update(config.global_variables)
        self.events: Bus[Event] = Bus(config.event_queue_size, on_loss=self._events_lost)
        self.logs: Bus[LogRecord] = Bus(config.log_queue_size)
        self.hooks = Hooks()
        self.sessions: dict[str, Session] = {}
        self.stats = SessionStats()
        self.verbose_events = False
        self.idle_cpu = 100.0
        self.running = False
        self._sequence = 0
        self._session_id = 0
        self._started_mono = 0.0
        self._heartbeat: Any = None
        self._jobs: set[asyncio.Task[Any]] = set()

        self.applications = ApplicationRegistry(self)
        self.api_commands = ApiRegistry()
        self.endpoints = EndpointRegistry(config.technologies)
        self.dialplans = DialplanRegistry()
        self.xml = XmlLookup(load_static_xml(self))
        register_builtins(self)

    def reload_xml(self) -> str:
        """``reloadxml``: reload the static XML, fire RELOADXML; returns the message."""
        message = "Success"
        try:
            self.xml.replace_static(load_static_xml(self))
        except Exception as exc:
            message = str(exc) or exc.__class__.__name__
            self.log(3, f"reloadxml failed: {message}\n")
        self.fire(self.new_event("RELOADXML", origin=("switch_xml.c", "switch_xml_open_root", 0)))
        return message

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> Switch:
        """Start the switch (heartbeats, uptime). Idempotent."""
        if self.running:
            return self
        self.running = True
        self._started_mono = self.clock.monotonic()
        self.fire(self.new_event("STARTUP", origin=_CORE_ORIGIN))
        interval = self.config.heartbeat_interval
        if interval:
            self._heartbeat = self.clock.call_later(interval, self._beat)
        return self

    async def stop(self, cause: str = "SYSTEM_SHUTDOWN", timeout: float = 5.0) -> None:
        """Hang up every channel, wait (``timeout`` real seconds) for them to finish,
        cancel what is left and background jobs, stop the clock."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        code = parse_cause(cause)
        for session in list(self.sessions.values()):
            session.channel.hangup(code)
        tasks = [s.task for s in list(self.sessions.values()) if s.task is not None]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=timeout)
            for task in pending:
                task.cancel()
            for task in pending:
                with contextlib.suppress(BaseException):
                    await task
        for job in list(self._jobs):
            job.cancel()
        for job in list(self._jobs):
            with contextlib.suppress(BaseException):
                await job
        if self.running:
            self.fire(self.new_event("SHUTDOWN", origin=_CORE_ORIGIN))
        self.running = False
        await self.clock.aclose()

    async def __aenter__(self) -> Switch:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def uptime_us(self) -> int:
        if not self.running:
            return 0
        return int((self.clock.monotonic() - self._started_mono) * 1_000_000)

    def _beat(self) -> None:
        interval = self.config.heartbeat_interval
        if not self.running or not interval:
            return
        self.fire(
            self.new_event(
                "HEARTBEAT",
                pre=heartbeat_headers(self),
                origin=("switch_core.c", "send_heartbeat", 81),
            )
        )
        self._heartbeat = self.clock.call_later(interval, self._beat)

    # -- events -------------------------------------------------------------------------

    def new_event(
        self,
        name: str,
        *,
        subclass: str | None = None,
        pre: tuple[Header, ...] = (),
        channel: ChannelSnapshot | None = None,
        post: tuple[Header, ...] = (),
        body: str | None = None,
        origin: Origin | None = None,
    ) -> Event:
        """Create an event (standard headers filled in, next sequence number)."""
        self._sequence += 1
        return Event(
            name,
            self._sequence,
            int(self.clock.now() * 1_000_000),
            self.identity,
            origin or _CORE_ORIGIN,
            subclass,
            pre,
            channel,
            post,
            body,
        )

    def fire(self, event: Event) -> None:
        """Deliver ``event`` to every subscribed consumer."""
        self.events.publish(event)

    def subscribe(
        self,
        *names: str,
        subclass: str | Iterable[str] | None = None,
        uuid: str | None = None,
        predicate: Callable[[Event], bool] | None = None,
        maxsize: int | None = None,
        name: str = "",
    ) -> Stream[Event]:
        """A stream of later events: all of them, or those whose type is in ``names``
        (case-insensitive; ``ALL`` means all), CUSTOM ones restricted to ``subclass``,
        channel events of ``uuid`` only, and/or passing ``predicate``."""
        accept = event_filter(names, subclass, uuid, predicate)
        return self.events.subscribe(accept, maxsize=maxsize, name=name)

    def send_event(
        self,
        name: str,
        headers: Iterable[tuple[str, str]] = (),
        *,
        subclass: str | None = None,
        body: str | None = None,
        origin: Origin | None = None,
    ) -> Event | None:
        """Fire an event built from outside (``sendevent``): the standard headers, then
        ``headers`` in order (an empty value deletes earlier headers of that name; a
        header named ``body`` becomes the body). None for an unknown event name."""
        canonical = event_type_name(name)
        if canonical is None or canonical == "ALL":
            return None
        pairs: list[Header] = []
        for key, value in headers:
            if key.lower() == "body":
                body = value
            else:
                pairs.append((key, value))
        event = self.new_event(
            canonical,
            subclass=subclass if canonical == "CUSTOM" else None,
            pre=headers_with_deletions(pairs),
            body=body,
            origin=origin or ("switch_event.c", "switch_event_fire_detailed", 0),
        )
        self.fire(event)
        return event

    def _events_lost(self, stream: Stream[Event], lost: int) -> None:
        label = f" ({stream.name})" if stream.name else ""
        self.log(2, f"Lost {lost} events{label}!\n", file="switch_event.c", function="deliver")

    # -- logs ---------------------------------------------------------------------------

    def log(
        self,
        level: int,
        text: str,
        *,
        uuid: str | None = None,
        file: str | None = None,
        function: str | None = None,
        line: int = 0,
    ) -> None:
        """Log a line (FreeSWITCH level 0-7) to the log consumers."""
        if level > self.config.log_level or not self.logs.streams:
            return
        if not text.endswith("\n"):
            text += "\n"
        self.logs.publish(
            LogRecord(
                level,
                file or ("switch_core_session.c" if uuid else _LOG_ORIGIN[0]),
                function or ("switch_core_session_exec" if uuid else _LOG_ORIGIN[1]),
                line,
                text,
                uuid,
                self.clock.now(),
                self.idle_cpu,
            )
        )

    def log_exception(
        self, exc: BaseException | None, context: str, *, uuid: str | None = None
    ) -> None:
        """Log an unexpected exception at ERR with its traceback at DEBUG."""
        self.log(3, f"{context}: {exc!r}\n", uuid=uuid)
        if exc is not None:
            detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            self.log(7, detail, uuid=uuid)

    def subscribe_logs(
        self, *, level: int = 7, maxsize: int | None = None, name: str = ""
    ) -> Stream[LogRecord]:
        """A stream of later log records at ``level`` or more severe."""
        accept = None if level >= 7 else (lambda record: record.level <= level)
        return self.logs.subscribe(accept, maxsize=maxsize, name=name)

    # -- globals ------------------------------------------------------------------------

    def set_global(self, name: str, value: str | None) -> None:
        """Set (None: unset) a global variable (``$${name}``)."""
        if value is None:
            self.globals.pop(name, None)
        else:
            self.globals[name] = value

    # -- sessions -----------------------------------------------------------------------

    def session(self, uuid: str | None) -> Session | None:
        """The live session with ``uuid``, or None."""
        return self.sessions.get(uuid) if uuid else None

    def new_session(
        self,
        *,
        name: str,
        direction: str,
        uuid: str | None = None,
        destination_number: str = "",
        caller_id_name: str = "",
        caller_id_number: str = "",
        dialplan: str = "",
        context: str = "",
        source: str = "mod_sim",
        network_addr: str = "",
        username: str = "",
        variables: Mapping[str, str] | None = None,
        driver: EndpointDriver | None = None,
        originator: Session | None = None,
        originating: bool = False,
        start: bool = True,
    ) -> Session:
        """Create (and by default start) a session. Endpoints call this; outbound legs
        created for an originate pass ``originating=True`` so they wait in
        CS_CONSUME_MEDIA. Raises :class:`EndpointError` (SWITCH_CONGESTION) at
        ``max_sessions``."""
        if len(self.sessions) >= self.config.max_sessions:
            self.log(2, "Throttle Error! Maximum sessions reached\n")
            raise EndpointError(CAUSES["SWITCH_CONGESTION"], "max sessions")
        uuid = uuid or str(uuidlib.uuid4())
        if uuid in self.sessions:
            raise EndpointError(CAUSES["INVALID_CALL_REFERENCE"], "duplicate uuid")
        now_us = int(self.clock.now() * 1_000_000)
        profile = CallerProfile(
            uuid=uuid,
            direction=direction,
            logical_direction=direction,
            username=username,
            dialplan=dialplan,
            caller_id_name=caller_id_name,
            caller_id_number=caller_id_number,
            orig_caller_id_name=caller_id_name,
            orig_caller_id_number=caller_id_number,
            network_addr=network_addr,
            ani=caller_id_number,
            destination_number=destination_number,
            source=source,
            context=context,
            chan_name=name,
        )
        self._session_id += 1
        merged = {
            "direction": direction,
            "uuid": uuid,
            "session_id": str(self._session_id),
            "channel_name": name,
        }
        if variables:
            merged.update(variables)
        channel = Channel(
            self,
            uuid,
            name=name,
            direction=direction,
            profile=profile,
            times=ChannelTimes(profile_created=now_us, created=now_us),
            variables=merged,
        )
        if originating:
            channel.flags.add("originating")
        session = Session(self, channel, driver=driver, originator=originator)
        self.sessions[uuid] = session
        self.stats.created(self.clock.monotonic(), len(self.sessions))
        if start:
            session.start()
        return session

    def _forget(self, session: Session) -> None:
        if self.sessions.get(session.uuid) is session:
            del self.sessions[session.uuid]

    async def inbound_call(
        self,
        destination: str,
        *,
        caller_id_name: str = "",
        caller_id_number: str = "",
        context: str | None = None,
        dialplan: str | None = None,
        network_addr: str = "127.0.0.1",
        variables: Mapping[str, str] | None = None,
        name: str | None = None,
        uuid: str | None = None,
    ) -> Session:
        """Simulate a device calling in: an inbound channel routed to ``destination``
        (see :mod:`pyerlsw.switch.endpoints.sim` for ``sim_*`` variables)."""
        number = caller_id_number or "0000000000"
        return self.new_session(
            name=name or f"sim/{number}",
            direction="inbound",
            uuid=uuid,
            destination_number=destination,
            caller_id_name=caller_id_name or number,
            caller_id_number=number,
            dialplan=dialplan or self.config.default_dialplan,
            context=context or self.config.default_context,
            network_addr=network_addr,
            username=number,
            variables=variables,
            driver=SimDevice(dict(variables or {})),
        )

    async def originate(
        self,
        dial: str,
        *,
        exten: str | None = None,
        app: str | None = None,
        app_args: str = "",
        dialplan: str | None = None,
        context: str | None = None,
        cid_name: str | None = None,
        cid_num: str | None = None,
        timeout: float | None = None,
        variables: Mapping[str, str] | None = None,
    ) -> Session:
        """Originate from Python: ring ``dial``; on answer run ``app(app_args)`` or route
        to ``exten`` (neither: the leg waits in CS_CONSUME_MEDIA for you). Returns the
        answered session; raises :class:`OriginateError` with the cause otherwise."""
        result = await originate(
            self,
            dial,
            timeout=timeout,
            cid_name=cid_name,
            cid_number=cid_num,
            variables=variables,
        )
        leg = result.session
        if leg is None:
            raise OriginateError(result.cause)
        if app is not None:
            leg.transfer_to_extension([Action(app, app_args)])
        elif exten is not None:
            leg.transfer(exten, dialplan or "XML", context or "default")
        return leg

    # -- API ----------------------------------------------------------------------------

    async def api(
        self, command: str, args: str = "", *, session: Session | None = None
    ) -> ApiResult:
        """Run API command ``command`` with ``args`` (``api("show channels")`` works too)
        and return its output. Fires an API event for known commands."""
        return await run_api(self, command, args, session)

    def bgapi(
        self,
        command: str,
        args: str = "",
        *,
        job_uuid: str | None = None,
        on_done: Callable[[str, ApiResult], None] | None = None,
        job_successful_header: bool = False,
    ) -> str:
        """Run an API command in the background; BACKGROUND_JOB (``Job-UUID``,
        ``Job-Command``, ``Job-Command-Arg``, optionally ``Job-Successful``, body = the
        output) is fired when it finishes, then ``on_done(job_uuid, result)`` is called.
        Returns the job UUID at once."""
        job = job_uuid or str(uuidlib.uuid4())
        run = run_background(
            self, command, args, job, on_done=on_done, job_successful_header=job_successful_header
        )
        task = asyncio.get_running_loop().create_task(run, name=f"bgapi-{job}")
        self._jobs.add(task)
        task.add_done_callback(self._jobs.discard)
        return job
