"""The dialplan applications ``erlang`` and ``erlang_sendmsg`` (spec §9.1-§9.4).

``erlang <target> <node>`` hands the call to Erlang and parks it:

* ``erlang myproc node@host`` -- registered-name mode: ``{call, ..}``, the call's
  events and ``{call_hangup, ..}`` go to ``{myproc, 'node@host'}``; nothing waits;
* ``erlang mod:fun node@host`` -- the peer's ``rex`` runs ``mod:fun(Ref)`` (sent as
  ``{FsPid, {call, mod, fun, [Ref], user}}``), which must return ``{Ref, Pid}``;
* ``erlang mod:! node@host`` -- ``{get_pid, UUID, Ref, FsPid}`` goes to the registered
  process ``mod``, which must send ``{Ref, Pid}`` back.

In the pid modes the call waits up to :data:`PID_TIMEOUT` seconds (on the switch's
clock) for the answer, over the same connection; without one it is hung up with
DESTINATION_OUT_OF_ORDER. A connection to ``node`` is opened when there is none
(failure: an error line, and the dialplan goes on). The call then stays parked, running
the ``sendmsg`` commands it gets, until it hangs up, is transferred, or its attachment
ends (handler death, connection loss); then the dialplan continues.

``erlang_sendmsg <name> <node> <text>`` sends ``{freeswitch_sendmsg, Text}`` to
``{name, node}`` over a normal connection (FreeSWITCH opens one it never services).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from pyerlsw.etf import Atom, Pid

from .messages import freeswitch_sendmsg, get_pid_request, rpc_request

if TYPE_CHECKING:
    from pyerlsw.switch.session import Session

    from .gateway import Gateway
    from .listener import Listener

__all__ = ["PID_TIMEOUT", "ErlangApplications", "parse_target"]

PID_TIMEOUT: Final = 5.0
"""Seconds the ``erlang`` application waits for ``{Ref, Pid}`` (FreeSWITCH's value)."""

MAX_ARGUMENTS: Final = 80
REX: Final = Atom("rex")


def parse_target(target: str) -> tuple[str, str | None]:
    """``"mod:fun"`` -> ``("mod", "fun")``, ``"mod:!"`` -> ``("mod", "!")``; anything
    else (no colon, or several) is a registered name: ``(target, None)``."""
    pieces = target.split(":")
    if len(pieces) == 2:
        return pieces[0], pieces[1]
    return target, None


class ErlangApplications:
    """The two applications, bound to one gateway."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def register(self) -> None:
        apps = self.gateway.switch.applications
        apps.register("erlang", self.erlang, syntax="<registered name> <node@host>",
                      description="Connect to an erlang node")
        apps.register("erlang_sendmsg", self.erlang_sendmsg,
                      syntax="<registered name> <node@host> <message>",
                      description="Send a message to an erlang node")

    def unregister(self) -> None:
        apps = self.gateway.switch.applications
        for name in ("erlang", "erlang_sendmsg"):
            app = apps.get(name)
            if app is not None and getattr(app.function, "__self__", None) is self:
                apps.unregister(name)

    # ------------------------------------------------------------------ erlang

    async def erlang(self, session: Session, data: str) -> str | None:
        parts = data.split()[:MAX_ARGUMENTS]
        if len(parts) < 2:
            session.log("ERR", "Parse Error - need registered name and node!\n")
            return None
        target, node_name = parts[0], parts[1]
        channel = session.channel
        if "controlled" in channel.flags:
            session.log("ERR", "Channel is already under control\n")
            return None
        listener = await self.gateway.listener_for(node_name)
        if listener is None:
            session.log("ERR", f"Could not open a connection to {node_name}\n")
            return None
        if not channel.ready:
            return None
        call = listener.calls.get(session.uuid)
        if call is None:
            if not await self._attach(listener, session, target):
                return None
        else:
            session.log("DEBUG", f"Session already attached to {node_name}, parking again\n")
        if listener.calls.get(session.uuid) is None:
            return None  # the connection went away meanwhile: the dialplan goes on
        await self.gateway.switch.applications.park(session)
        return None

    async def _attach(self, listener: Listener, session: Session, target: str) -> bool:
        module, function = parse_target(target)
        if function is None:
            listener.attach(session, (Atom(module), listener.peer_atom), outbound=True)
            return True
        call = listener.attach(session, None, outbound=True)
        ref = self.gateway.refs.next()
        answer = listener.expect_pid(call, ref)
        if function == "!":
            request = get_pid_request(session.uuid, ref, listener.pid, listener.encoding)
            listener.send((Atom(module), listener.peer_atom), request)
        else:
            listener.send((REX, listener.peer_atom),
                          rpc_request(listener.pid, module, function, ref))

        def hung_up() -> None:
            if not session.channel.ready and not answer.done():
                answer.set_result(None)

        session.watchers.append(hung_up)
        try:
            await self.gateway.switch.clock.wait(answer, PID_TIMEOUT)
        finally:
            if hung_up in session.watchers:
                session.watchers.remove(hung_up)
        pid = answer.result() if answer.done() else None
        if isinstance(pid, Pid):
            return True
        listener.detach(call)
        if session.channel.ready:
            session.log("WARNING", f"Timed out when waiting for a pid from {listener.peer}\n")
            session.hangup("DESTINATION_OUT_OF_ORDER")
        return False

    # ------------------------------------------------------------------ erlang_sendmsg

    async def erlang_sendmsg(self, session: Session, data: str) -> str | None:
        parts = data.strip().split(" ", 2)
        if len(parts) < 3 or not all(parts):
            session.log("ERR", "Parse Error - need registered name, node and message!\n")
            return None
        name, node_name, text = parts
        listener = await self.gateway.listener_for(node_name)
        if listener is None:
            session.log("ERR", f"Could not open a connection to {node_name}\n")
            return None
        listener.send((Atom(name), listener.peer_atom),
                      freeswitch_sendmsg(text, listener.encoding))
        return None
