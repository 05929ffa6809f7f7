"""The :class:`Gateway`: FreeSWITCH's mod_erlang_event, joining a pyerlsw node and switch.

::

    async with Gateway.start(switch=switch, config=config) as gateway:
        print(gateway.node.name)        # e.g. freeswitch@myhost
        ...                             # Erlang nodes connect and drive the switch

or, with a node you started yourself: ``gateway = await Gateway(switch, node,
config).open()`` ... ``await gateway.close()``.

What it wires (and unwires on :meth:`Gateway.close`):

* the node: registered sends to any free name and every connection come here; each
  connected Erlang node gets a :class:`~pyerlsw.gateway.listener.Listener` (inbound
  peers checked against ``apply-inbound-acl``);
* the switch: the API command ``erlang`` (console), the applications ``erlang`` and
  ``erlang_sendmsg`` (:mod:`~pyerlsw.gateway.outbound`), an XML provider for ``bind``
  (:mod:`~pyerlsw.gateway.fetch`), and one subscription to its event bus (and to its
  log bus while some connection has a log handler).

Every event is looked at once: the connections and attached calls that want it get
the same pre-encoded bytes (encoded at most once per message shape), queued on their
own bounded queues (:mod:`~pyerlsw.gateway.delivery`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid as uuidlib
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from pyerlsw.dist import EncodedTerm
from pyerlsw.etf import Atom, Pid, Term
from pyerlsw.node.naming import full_node_name
from pyerlsw.switch.bus import Stream, StreamClosed
from pyerlsw.switch.events import Event
from pyerlsw.switch.logs import LogRecord as SwitchLogRecord

from .acl import AclRegistry, builtin_lists
from .calls import CallPhase
from .config import ErlangEventConfig
from .console import BindingReport, ConsoleSnapshot, ListenerReport, SessionReport, erlang_command
from .eventterm import LogRecord, PairCache, PreparedEvent, PreparedLog
from .fetch import FetchBroker
from .listener import Listener
from .localnet import discover_local_network
from .messages import ReferenceCounter
from .outbound import ErlangApplications

if TYPE_CHECKING:
    from pyerlsw.node import Node
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["Gateway"]

log = logging.getLogger("pyerlsw.gateway")

_DEBUG = 7
INTAKE_QUEUE = 100_000
"""Events (and log lines) the switch may fire before the gateway dispatches them; the
dispatcher takes everything queued at each wake-up, so this only fills when the event
loop is starved."""
_CONSOLE_SYNTAX = "listeners|sessions <node>|bindings|handlers|debug <on|off>"


class Gateway:
    """mod_erlang_event for one switch on one (started) node.

    Args:
        switch: the call core.
        node: a started :class:`~pyerlsw.node.Node` (the gateway takes over its
            handler for registered sends to free names).
        config: ``erlang_event.conf``; the node-related parameters (name, cookie,
            listen address) only matter to :meth:`start`, which builds the node.
        acl: the ACL lists for ``apply-inbound-acl`` (default: FreeSWITCH's built-in
            lists for this host).
    """

    def __init__(self, switch: Switch, node: Node, config: ErlangEventConfig | None = None,
                 *, acl: AclRegistry | None = None) -> None:
        self.switch = switch
        self.node = node
        self.config = config if config is not None else ErlangEventConfig.model_validate({})
        self.encoding = self.config.encoding
        self.listeners: dict[str, Listener] = {}
        self.refs = ReferenceCounter(node.node_atom)
        self.pairs = PairCache()
        limits = getattr(switch.xml, "limits", None)
        self.fetches = FetchBroker(self.encoding, getattr(limits, "fetch_timeout", 5.0),
                                   debug=self._log_fetched)
        self.applications = ErlangApplications(self)
        self.debug = False
        self.running = False
        self._acl = acl
        self._active: tuple[Listener, ...] = ()
        self._events: Stream[Event] | None = None
        self._logs: Stream[SwitchLogRecord] | None = None
        self._log_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    def __repr__(self) -> str:
        return f"<Gateway {self.node.name} listeners={len(self.listeners)}>"

    @classmethod
    def start(cls, *, switch: Switch | None = None, config: ErlangEventConfig | None = None,
              node: Node | None = None, acl: AclRegistry | None = None,
              **node_options: Any) -> contextlib.AbstractAsyncContextManager[Gateway]:
        """Run a gateway: ``async with Gateway.start(switch=..., config=...) as gw``.

        Builds and starts what is not given: the switch, and the node (name, cookie,
        listen address and port from ``config``; ``node_options`` are further
        :class:`~pyerlsw.node.NodeConfig` fields such as ``epmd_port``). Everything it
        started is stopped on exit. See :mod:`pyerlsw.gateway.service`."""
        from .service import run_gateway

        return run_gateway(cls, switch=switch, config=config, node=node, acl=acl,
                           node_options=node_options)

    # ------------------------------------------------------------------ lifecycle

    async def open(self) -> Gateway:
        """Wire the gateway into the node and the switch; accept connections."""
        if self.running:
            return self
        self.running = True
        node, switch = self.node, self.switch
        node.set_unregistered_handler(self._on_registered_send)
        node.on_node_up(self._node_up)
        node.on_node_down(self._node_down)
        switch.api_commands.register("erlang", self._console, syntax=_CONSOLE_SYNTAX,
                                     description="mod_erlang_event status and debug")
        self.applications.register()
        if switch.xml is not None:
            switch.xml.add_provider(self.fetches.provide)
        self._events = switch.subscribe(maxsize=self._intake(self.config.max_event_queue),
                                        predicate=self._wanted, name="mod_erlang_event")
        self.spawn(self._pump_events(self._events), "mod_erlang_event events")
        for name in node.nodes():
            self._open_listener(name)
        log.info("mod_erlang_event on %s (encoding %s)", node.name, self.encoding)
        return self

    async def close(self) -> None:
        """Unwire; close every connection (peers see ``noconnection``, as when
        FreeSWITCH unloads the module); pending fetches end."""
        if not self.running:
            return
        self.running = False
        node, switch = self.node, self.switch
        node.set_unregistered_handler(None)
        command = switch.api_commands.get("erlang")
        if command is not None and command.function == self._console:
            switch.api_commands.unregister("erlang")
        self.applications.unregister()
        if switch.xml is not None:
            switch.xml.remove_provider(self.fetches.provide)
        for name, listener in list(self.listeners.items()):
            listener.close("gateway stopped")
            node.disconnect(name)
        self.listeners.clear()
        self._refresh()
        for stream in (self._events, self._logs):
            if stream is not None:
                stream.close()
        self._events = self._logs = None
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def __aenter__(self) -> Gateway:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        """Run ``coro`` as a task the gateway cancels (and awaits) when it closes;
        an exception it raises is logged."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("mod_erlang_event: %s failed", task.get_name(),
                      exc_info=task.exception())

    @staticmethod
    def _intake(bound: int) -> int:
        """The bound of the gateway's own subscription to a switch bus: at least
        :data:`INTAKE_QUEUE`, so small per-connection bounds never starve the others."""
        return max(INTAKE_QUEUE, bound)

    @staticmethod
    def new_uuid() -> str:
        return str(uuidlib.uuid4())

    # ------------------------------------------------------------------ connections

    def _on_registered_send(self, _name: Atom, sender: Pid, message: Term) -> None:
        if not self.running:
            return
        peer = str(sender.node)
        listener = self.listeners.get(peer)
        if listener is None:
            if self.node.peers.connected_link(peer) is None:
                return
            listener = self._open_listener(peer)
        listener.on_message(message, sender)

    def _node_up(self, name: str) -> None:
        if self.running and name not in self.listeners:
            self._open_listener(name)

    def _node_down(self, name: str) -> None:
        listener = self.listeners.pop(name, None)
        if listener is not None:
            listener.close("connection lost")
            self._refresh()

    def _open_listener(self, name: str) -> Listener:
        listener = Listener(self, name, denied=self._denied(name))
        self.listeners[name] = listener
        self._refresh()
        log.info("listener for %s%s", name, " (denied by ACL)" if listener.denied else "")
        return listener

    def _refresh(self) -> None:
        self._active = tuple(self.listeners.values())

    def _denied(self, name: str) -> bool:
        acls = self.config.apply_inbound_acl
        if not acls:
            return False
        info = self.node.peer_info(name)
        if info is None or not info.inbound:
            return False
        if info.address is None:
            return True
        if self._acl is None:
            self._acl = AclRegistry(builtin_lists(discover_local_network()))
        return not self._acl.allows_all(info.address[0], acls)

    async def listener_for(self, node_name: str) -> Listener | None:
        """The listener for ``node_name``, connecting first if needed (outbound
        applications); ``None`` when the node cannot be reached."""
        name = full_node_name(node_name)
        listener = self.listeners.get(name)
        if listener is not None and not listener.closed:
            return listener
        if not await self.node.connect(name):
            return None
        listener = self.listeners.get(name)
        if listener is None or listener.closed:
            listener = self._open_listener(name)
        return listener

    # ------------------------------------------------------------------ events

    async def _pump_events(self, stream: Stream[Event]) -> None:
        while True:
            try:
                event = await stream.get()
            except StreamClosed:
                return
            self._dispatch_event(event)
            self.dispatch_pending()

    def _wanted(self, event: Event) -> bool:
        """Whether any connection or attached call may want ``event``, decided when it
        is fired (as FreeSWITCH queues per connection at that moment): the others are
        never queued, so an event nobody subscribed to costs only this check."""
        name, subclass = event.name, event.subclass
        with_calls = False
        for listener in self._active:
            if listener.calls:
                with_calls = True
            events = listener.events
            if (listener.event_handler is not None and events.enabled
                    and events.subscription.wants(name, subclass)):
                return True
        if not with_calls:
            return False
        uuid = event.unique_id
        return uuid is not None and any(uuid in listener.calls for listener in self._active)

    def dispatch_pending(self) -> None:
        """Hand every event the switch fired so far to the connections, now."""
        stream = self._events
        if stream is not None and len(stream):
            for event in stream.drain():
                self._dispatch_event(event)

    def _dispatch_event(self, event: Event) -> None:
        listeners = self._active
        if not listeners:
            return
        try:
            _fan_out(event, listeners, self.encoding, self.pairs)
        except Exception:
            log.exception("mod_erlang_event: cannot deliver %s", event.name)

    # ------------------------------------------------------------------ logs

    def logs_changed(self) -> None:
        """Follow the switch's log bus only while some connection logs."""
        wanted = self.running and any(
            listener.logs.enabled and not listener.closed for listener in self._active)
        if wanted and self._logs is None:
            self._logs = self.switch.subscribe_logs(
                maxsize=self._intake(self.config.max_log_queue), name="mod_erlang_event")
            self.spawn(self._pump_logs(self._logs), "mod_erlang_event logs")
        elif not wanted and self._logs is not None:
            self._logs.close()
            self._logs = None

    async def _pump_logs(self, stream: Stream[SwitchLogRecord]) -> None:
        while True:
            try:
                record = await stream.get()
            except StreamClosed:
                return
            for item in [record, *stream.drain()]:
                self._dispatch_log(item)

    def _dispatch_log(self, record: SwitchLogRecord) -> None:
        payload: EncodedTerm | None = None
        for listener in self._active:
            if listener.log_handler is not None and listener.logs.wants(record.level):
                if payload is None:
                    line = LogRecord(record.level, record.file, record.function, record.line,
                                     record.line_text(), record.uuid)
                    payload = EncodedTerm(PreparedLog(line).payload())
                listener.delivery.queue_log(payload)

    # ------------------------------------------------------------------ console

    async def _console(self, _switch: Switch, args: str, _session: Session | None) -> str:
        result = erlang_command(args, self.snapshot())
        self.debug = result.debug
        return result.output

    def snapshot(self) -> ConsoleSnapshot:
        """The state the ``erlang`` console command prints."""
        reports = []
        for listener in self._active:
            if listener.closed:
                continue
            counters = listener.delivery.counters
            subscription = listener.events.subscription
            reports.append(ListenerReport(
                node=listener.peer,
                sessions=[SessionReport(call.uuid, call.state)
                          for call in listener.calls.values()],
                events_sent=counters.events, events_lost=listener.delivery.events.lost,
                logs_sent=counters.logs, logs_lost=listener.delivery.logs.lost,
                creates=counters.creates, hangups=counters.hangups,
                event_types=subscription.subscribed_types(),
                subclasses=subscription.subclasses))
        bindings = [BindingReport(str(b.pid.node), int(b.sections))
                    for b in self.fetches.bindings]
        return ConsoleSnapshot(reports, bindings, self.debug)

    def _log_fetched(self, fetch_uuid: str, xml: bytes) -> None:
        if self.debug:
            text = xml.decode("utf-8", "replace")
            self.switch.log(_DEBUG, f"XML fetch {fetch_uuid} answered:\n{text}\n",
                            file="mod_erlang_event.c", function="erlang_fetch")


def prepare(event: Event, pairs: PairCache | None = None) -> PreparedEvent:
    """A switch event, ready to be encoded (the unique ID taken from the channel when
    the event carries one, so no header scan is needed)."""
    if event.channel is not None:
        return PreparedEvent(event.headers, event.body, event_type=event.name,
                             subclass=event.subclass, unique_id=event.channel.uuid,
                             pairs=pairs)
    return PreparedEvent(event.headers, event.body, event_type=event.name,
                         subclass=event.subclass, pairs=pairs)


def _fan_out(event: Event, listeners: tuple[Listener, ...], encoding: Any,
             pairs: PairCache) -> None:
    """Queue ``event`` for every attached call and connection that wants it; the
    payload of each shape is encoded once and shared."""
    name, subclass = event.name, event.subclass
    uuid: str | None = None
    if any(listener.calls for listener in listeners):
        uuid = event.unique_id  # renders the headers of a non-channel event: only if needed
    prepared: PreparedEvent | None = None
    for_calls: EncodedTerm | None = None
    for_handlers: EncodedTerm | None = None
    for listener in listeners:
        if uuid is not None and listener.calls:
            call = listener.calls.get(uuid)
            if (call is not None and call.phase is not CallPhase.DESTROYED
                    and call.events.subscription.wants(name, subclass)):
                if for_calls is None:
                    if prepared is None:
                        prepared = prepare(event, pairs)
                    for_calls = EncodedTerm(prepared.call_event_payload(encoding))
                listener.delivery.queue_call_event(call, for_calls)
        events = listener.events
        if (listener.event_handler is None or not events.enabled
                or not events.subscription.wants(name, subclass)):
            continue
        if prepared is None:
            prepared = prepare(event, pairs)
        if events.filters and not events.filters.passes(prepared):
            continue
        if for_handlers is None:
            for_handlers = EncodedTerm(prepared.payload(encoding))
        listener.delivery.queue_event(for_handlers, name)
