"""One connected Erlang node, as FreeSWITCH's mod_erlang_event sees it: a *listener*.

A :class:`Listener` owns what the spec keeps per connection (§1, §4, §7, §11): its own
pid (``getpid``; the sender of everything it sends), the event and log handlers, the
subscriptions and filters, the attached calls and the delivery queues
(:mod:`pyerlsw.gateway.delivery`). Every message from the peer -- a registered send to
any name, or a send to the connection's pid -- goes through :meth:`Listener.on_message`
the moment it arrives: parsed by :func:`~pyerlsw.gateway.commands.parse_command`,
executed by the table :attr:`Listener._execute`, answered to the sender. ``api`` runs
in a task of its own, so a slow command never holds up the connection (§3.1 in
FreeSWITCH serialises everything; see docs/compatibility.md).

Exit signals (a linked handler died, or a peer called ``exit(FsPid, _)``) arrive as
``('EXIT', Pid, Reason)`` because the connection's process traps exits (§11.2).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from pyerlsw.dist import EncodedTerm
from pyerlsw.etf import Atom, EncodeError, Pid, Reference, Term
from pyerlsw.node import NodeError, Process

from . import command_types as ct
from .calls import AttachedCall, CallPhase, Handler
from .commands import parse_command
from .delivery import Delivery
from .eager import start_eagerly
from .replies import (
    ERROR_ACLDENY,
    ERROR_BADARG,
    ERROR_BADMEM,
    ERROR_BADSESSION,
    ERROR_NOSESSION,
    ERROR_NOTFOUND,
    ERROR_NOTLISTENING,
    ERROR_SESSION_ATTACH_FAILED,
    OK,
    ApiOutcome,
    api_reply,
    bgapi_accepted,
    bgapi_result,
    getpid_reply,
)
from .subscriptions import ConnectionEvents, ConnectionLogs
from .text import text_term

if TYPE_CHECKING:
    from pyerlsw.switch.api import ApiResult
    from pyerlsw.switch.session import Session

    from .gateway import Gateway

__all__ = ["Listener"]

log = logging.getLogger("pyerlsw.gateway")

EXIT = Atom("EXIT")
ERROR = Atom("error")
MAX_COMMANDS_IN_FLIGHT = 1000
"""``api``/``bgapi`` commands one connection may have running at once; more are
answered ``{error, "-ERR 1000 commands in progress\n"}`` (FreeSWITCH runs ``api`` one
at a time per connection and has no bound for ``bgapi``)."""
NOCONNECTION = Atom("noconnection")
Sender = Pid | None


def ref_key(ref: Reference) -> tuple[Atom, tuple[int, ...]]:
    """How FreeSWITCH compares references (§4.16): node and id words, not creation."""
    return (ref.node, tuple(ref.ids))


class Listener:
    """The state and command handling of one connection (see the module docstring).

    Args:
        gateway: the owning :class:`~pyerlsw.gateway.gateway.Gateway`.
        peer: the peer's node name.
        denied: the peer failed ``apply-inbound-acl``: its first message is answered
            ``{error, acldeny}`` and the connection is closed (§11.1).
    """

    def __init__(self, gateway: Gateway, peer: str, *, denied: bool = False) -> None:
        self.gateway = gateway
        self.node = gateway.node
        self.switch = gateway.switch
        self.config = gateway.config
        self.encoding = gateway.config.encoding
        self.peer = peer
        self.peer_atom = Atom(peer)
        self.denied = denied
        self.closed = False
        self.in_flight = 0
        self.events = ConnectionEvents()
        self.logs = ConnectionLogs()
        self.event_handler: Pid | None = None
        self.log_handler: Pid | None = None
        self.calls: dict[str, AttachedCall] = {}
        self.delivery = Delivery(self)
        self._waiting: dict[tuple[Atom, tuple[int, ...]], AttachedCall] = {}
        self.own: Process = self.node.make_process(
            handler=self._on_own_message, with_sender=True)
        self.own.trap_exit = True
        self._execute: dict[type, Callable[[Any, Sender], Term | None]] = {
            ct.RegisterEventHandler: self._register_event_handler,
            ct.RegisterLogHandler: self._register_log_handler,
            ct.NoLog: self._nolog,
            ct.NoEvents: self._noevents,
            ct.SessionNoEvents: self._session_noevents,
            ct.ExitConnection: self._exit_connection,
            ct.GetPid: lambda _c, _s: getpid_reply(self.own.pid),
            ct.Link: self._link,
            ct.Api: self._api,
            ct.BgApi: self._bgapi,
            ct.Event: lambda c, _s: self.events.event(c.names),
            ct.NixEvent: lambda c, _s: self.events.nixevent(c.names),
            ct.SetEvent: lambda c, _s: self.events.setevent(c.names),
            ct.SessionEvent: self._session_events,
            ct.SessionNixEvent: self._session_events,
            ct.SessionSetEvent: self._session_events,
            ct.Filter: lambda c, _s: self.events.filter(c.specs, c.unprocessed, self.encoding),
            ct.SetLogLevel: lambda c, _s: self.logs.set_level(c.level),
            ct.SendEvent: self._sendevent,
            ct.SendMsg: self._sendmsg,
            ct.HandleCall: self._handlecall,
            ct.Bind: self._bind,
            ct.FetchReply: lambda c, _s: gateway.fetches.answer(c, self.encoding),
            ct.PidReply: self._pid_reply,
            ct.NetKernelPing: lambda _c, _s: None,  # the node's own net_kernel answers
        }
        self.delivery.start()

    def __repr__(self) -> str:
        return f"<Listener {self.peer} {self.own.pid!r}{' closed' if self.closed else ''}>"

    @property
    def pid(self) -> Pid:
        """The connection's own pid (``getpid``)."""
        return self.own.pid

    # ------------------------------------------------------------------ sending

    def send(self, dest: Pid | tuple[Atom, Atom], message: Term | EncodedTerm) -> None:
        """Send from the connection's pid. Nothing goes out once the listener is closed,
        nor to the peer while its connection is down (no reconnect for a reply)."""
        if self.closed:
            return
        target = dest.node if type(dest) is Pid else dest[1]  # type: ignore[index]
        if target == self.peer_atom and self.node.peers.connected_link(self.peer) is None:
            return
        try:
            self.node.send(dest, message, sender=self.own.pid)
        except (NodeError, EncodeError) as exc:
            log.warning("%s: cannot send to %r: %s", self.peer, dest, exc)

    def send_all(self, dest: Pid, payloads: list[EncodedTerm]) -> None:
        """:meth:`send` each pre-encoded payload to ``dest``, in order, with the checks
        and the destination lookup done once (a delivery turn's events)."""
        if self.closed or not payloads:
            return
        if dest.node == self.peer_atom and self.node.peers.connected_link(self.peer) is None:
            return
        try:
            self.node.send_all(dest, payloads, sender=self.own.pid)
        except (NodeError, EncodeError) as exc:
            log.warning("%s: cannot send to %r: %s", self.peer, dest, exc)

    def reply(self, sender: Sender, term: Term) -> None:
        if sender is None:
            log.info("%s: no sender to answer %r to (a pid send without sender)",
                     self.peer, term)
            return
        self.send(sender, term)

    # ------------------------------------------------------------------ receiving

    def _on_own_message(self, _proc: Process, message: Term, sender: Sender) -> None:
        if (sender is None and type(message) is tuple and len(message) == 3
                and message[0] == EXIT and type(message[1]) is Pid):
            self.on_exit(message[1], message[2])
            return
        self.on_message(message, sender)

    def on_message(self, message: Term, sender: Sender) -> None:
        """A message from the peer (registered send to any name, or to our pid)."""
        if self.closed:
            return
        # events the switch fired before this message reach the peer before its effect
        self.gateway.dispatch_pending()
        if self.denied:
            self.reply(sender, ERROR_ACLDENY)
            self.close_connection("denied by apply-inbound-acl")
            return
        parsed = parse_command(message)
        if type(parsed) is ct.Rejected:
            log.debug("%s: %s", self.peer, parsed.reason)
            self.reply(sender, parsed.reply)
            return
        if type(parsed) is ct.Ignored:
            log.debug("%s: ignored: %s", self.peer, parsed.reason)
            return
        try:
            answer = self._execute[type(parsed)](parsed, sender)
        except Exception:
            log.exception("%s: %s failed", self.peer, type(parsed).__name__)
            answer = ERROR_BADARG
        if answer is not None:
            self.reply(sender, answer)

    def on_exit(self, pid: Pid, reason: Term) -> None:
        """A linked process ended, or called ``exit(FsPid, _)`` (§7, §9.7, §11.2)."""
        if self.closed:
            return
        if pid.node == self.peer_atom and self.node.peers.connected_link(self.peer) is None:
            return  # the connection is going away: teardown handles everything
        self.gateway.fetches.unbind_pid(pid)
        for call in list(self.calls.values()):
            if call.handler_pid == pid:
                call.complete()
        if pid == self.log_handler:
            self.log_handler = None
            self.logs.handler_exited()
            self.delivery.logs.clear()
            self.gateway.logs_changed()
        if pid == self.event_handler:
            self.event_handler = None
            self.events.handler_exited()
            self.delivery.events.clear()

    # ------------------------------------------------------------------ handlers

    def _register_event_handler(self, _cmd: ct.RegisterEventHandler, sender: Sender) -> Term:
        if sender is None:
            return ERROR_BADARG
        self.own.link(sender)
        self.event_handler = sender
        return self.events.register_handler()

    def _register_log_handler(self, _cmd: ct.RegisterLogHandler, sender: Sender) -> Term:
        if sender is None:
            return ERROR_BADARG
        self.own.link(sender)
        self.log_handler = sender
        answer = self.logs.register_handler()
        self.gateway.logs_changed()
        return answer

    def _nolog(self, _cmd: ct.NoLog, _sender: Sender) -> Term:
        if self.logs.enabled:
            self.delivery.logs.clear()
        answer = self.logs.nolog()
        self.gateway.logs_changed()
        return answer

    def _noevents(self, _cmd: ct.NoEvents, _sender: Sender) -> Term:
        self.delivery.events.clear()
        return self.events.noevents()

    def _call_of(self, sender: Sender) -> AttachedCall | None:
        """The first call attached here whose pid handler is ``sender``."""
        if sender is None:
            return None
        for call in self.calls.values():
            if call.handler_pid == sender and call.phase is not CallPhase.DESTROYED:
                return call
        return None

    def _session_noevents(self, _cmd: ct.SessionNoEvents, sender: Sender) -> Term:
        call = self._call_of(sender)
        if call is None:
            return ERROR_NOTLISTENING
        call.queue.clear()
        return call.events.noevents()

    def _session_events(self, cmd: ct.SessionEvent | ct.SessionNixEvent | ct.SessionSetEvent,
                        sender: Sender) -> Term:
        call = self._call_of(sender)
        if call is None:
            return ERROR_NOTLISTENING
        if type(cmd) is ct.SessionEvent:
            return call.events.event(cmd.names)
        if type(cmd) is ct.SessionNixEvent:
            return call.events.nixevent(cmd.names)
        return call.events.setevent(cmd.names)

    def _exit_connection(self, _cmd: ct.ExitConnection, sender: Sender) -> None:
        self.reply(sender, OK)
        self.close_connection("exit requested")

    def _link(self, _cmd: ct.Link, sender: Sender) -> None:
        if sender is not None:
            self.own.link(sender)

    def _api(self, cmd: ct.Api, sender: Sender) -> Term | None:
        if self.in_flight >= MAX_COMMANDS_IN_FLIGHT:
            return self._too_busy(cmd.command)
        self.in_flight += 1

        async def run() -> None:
            try:
                result = await self.switch.api(cmd.command, cmd.args)
            finally:
                self.in_flight -= 1
            outcome = ApiOutcome(cmd.command, result.found, result.output)
            self.reply(sender, api_reply(outcome, self.encoding))

        # most commands never wait: then the reply leaves with this packet's others
        start_eagerly(run(), f"api {cmd.command}", self.gateway.spawn)
        return None

    def _bgapi(self, cmd: ct.BgApi, sender: Sender) -> Term | None:
        if self.in_flight >= MAX_COMMANDS_IN_FLIGHT:
            return self._too_busy(cmd.command)
        self.in_flight += 1

        def done(job: str, result: ApiResult) -> None:
            self.in_flight -= 1
            outcome = ApiOutcome(cmd.command, result.found, result.output)
            self.reply(sender, bgapi_result(job, outcome, self.encoding))

        job = self.gateway.new_uuid()
        self.reply(sender, bgapi_accepted(job, self.encoding))
        self.switch.bgapi(cmd.command, cmd.args, job_uuid=job, on_done=done,
                          job_successful_header=True)
        return None

    def _too_busy(self, command: str) -> Term:
        log.warning("%s: %d api/bgapi commands already running; %s refused",
                    self.peer, self.in_flight, command)
        return (ERROR, text_term(f"-ERR {MAX_COMMANDS_IN_FLIGHT} commands in progress\n",
                                 self.encoding))

    def _sendevent(self, cmd: ct.SendEvent, _sender: Sender) -> Term:
        fired = self.switch.send_event(cmd.event_type, cmd.headers, subclass=cmd.subclass,
                                       body=cmd.body,
                                       origin=("mod_erlang_event.c", "handle_msg_sendevent", 0))
        return OK if fired is not None else ERROR_BADARG

    def _sendmsg(self, cmd: ct.SendMsg, _sender: Sender) -> Term:
        session = self.switch.session(cmd.uuid)
        if session is None:
            return ERROR_NOSESSION
        if cmd.headers is None:
            return ERROR_BADARG
        return OK if session.queue_command(cmd.headers) else ERROR_BADMEM

    def _handlecall(self, cmd: ct.HandleCall, sender: Sender) -> Term:
        session = self.switch.session(cmd.uuid)
        if session is None:
            return ERROR_BADSESSION
        handler: Handler
        if cmd.registered_name is not None:
            handler = (Atom(cmd.registered_name), self.peer_atom)
        elif sender is not None:
            handler = sender
        else:
            return ERROR_BADARG
        if session.destroyed.done():
            return ERROR_SESSION_ATTACH_FAILED
        self.attach(session, handler, outbound=False)
        return OK

    def _bind(self, cmd: ct.Bind, sender: Sender) -> Term:
        if sender is None:
            return ERROR_BADARG
        self.gateway.fetches.bind(cmd.sections, sender, self)
        self.own.link(sender)
        return OK

    def _pid_reply(self, cmd: ct.PidReply, sender: Sender) -> Term | None:
        call = self._waiting.pop(ref_key(cmd.ref), None)
        if call is None or call.phase is not CallPhase.WAITING:
            return ERROR_NOTFOUND
        self.own.link(cmd.pid)
        call.bind_pid(cmd.pid)
        return None

    # ------------------------------------------------------------------ calls

    def attach(self, session: Session, handler: Handler | None, *,
               outbound: bool) -> AttachedCall:
        """Attach ``session`` here (replacing an earlier attachment of the same UUID on
        this connection, which keeps an outbound call's park); a pid handler is linked.
        Events the switch fired before are dispatched first: they are not the new
        handler's."""
        self.gateway.dispatch_pending()
        old = self.calls.get(session.uuid)
        if old is not None:
            outbound = outbound or old.outbound
            self.detach(old, release_park=False)
        call = AttachedCall(session, handler, outbound=outbound,
                            max_queue=self.config.max_call_event_queue,
                            on_change=self.delivery.wake)
        self.calls[session.uuid] = call
        if type(handler) is Pid:
            self.own.link(handler)
        self.delivery.wake()
        return call

    def expect_pid(self, call: AttachedCall, ref: Reference) -> asyncio.Future[Pid | None]:
        """Wait for ``{Ref, Pid}`` (directly or through rex) for ``call`` (§9.3)."""
        self._waiting[ref_key(ref)] = call
        return call.wait_for_pid(ref)

    def detach(self, call: AttachedCall, *, release_park: bool = True) -> None:
        """Destroy an attachment (no message is sent)."""
        if self.calls.get(call.uuid) is call:
            del self.calls[call.uuid]
        if call.ref is not None:
            self._waiting.pop(ref_key(call.ref), None)
        call.destroy(release_park=release_park)

    # ------------------------------------------------------------------ teardown

    def close_connection(self, reason: str) -> None:
        """Close the Erlang connection itself (``exit``, ACL refusal); the listener is
        torn down now and the node drops the peer right after this message's reply."""
        log.info("%s: closing the connection (%s)", self.peer, reason)
        self.close(reason)
        asyncio.get_running_loop().call_soon(self.node.disconnect, self.peer)

    def close(self, reason: str) -> None:
        """Tear down (§11.3): subscriptions and queues go, bindings are removed,
        attached calls are orphaned without ``call_hangup`` (an outbound call leaves
        its park). Idempotent."""
        if self.closed:
            return
        log.debug("%s: listener closed (%s)", self.peer, reason)
        self.closed = True
        self.delivery.stop()
        for call in list(self.calls.values()):
            self.detach(call)
        self._waiting.clear()
        self.gateway.fetches.unbind_listener(self)
        self.event_handler = self.log_handler = None
        self.events.handler_exited()
        self.logs.handler_exited()
        # Linked peers learn of the end from the connection's loss (noconnection), as
        # with FreeSWITCH, not from an exit signal of ours.
        self.own.links.clear()
        self.own.exit()
        self.gateway.logs_changed()

    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        self.gateway.spawn(coro, name)
