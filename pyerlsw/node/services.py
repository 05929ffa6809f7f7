"""The OTP services Erlang code expects on every node: net_kernel, rex and erpc.

* ``net_kernel`` answers ``{is_auth, Node}`` calls with ``yes``, so ``net_adm:ping``
  returns ``pong`` (the reply echoes the call's tag as is; OTP 24+ tags are
  ``[alias | Ref]``).
* ``rex`` runs exposed functions for ``rpc`` clients: the gen_server call
  ``{call|block_call, M, F, A, GL}`` (reply ``{Tag, Result}``), the cast, the plain
  ``{From, {call, M, F, A, GL}}`` message of ``erl_call``/``ei_rpc`` (reply
  ``{rex, Result}``) and ``{From, features_request}``.
* erpc (``rpc:call`` and ``erpc:call`` since OTP 23 send SPAWN_REQUEST for
  ``erpc:execute_call/4``): the node creates a process, answers SPAWN_REPLY, runs the
  function and ends the process with ``{Ref, return|throw|exit, V}`` or ``{Ref, error,
  R, Stack}``, which reaches the caller as the reason of its monitor's DOWN.

Nothing runs that :class:`~pyerlsw.node.exposed.Exposed` does not hold.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from pyerlsw.dist import control as c
from pyerlsw.etf import Atom, Pid
from pyerlsw.node.exposed import Outcome
from pyerlsw.node.kernel import NORMAL
from pyerlsw.node.process import LinkState, Process

if TYPE_CHECKING:
    from pyerlsw.node.node import Node

__all__ = ["Services"]

log = logging.getLogger("pyerlsw.node")

Term = Any
GEN_CALL = Atom("$gen_call")
GEN_CAST = Atom("$gen_cast")
CALL = Atom("call")
BLOCK_CALL = Atom("block_call")
CAST = Atom("cast")
IS_AUTH = Atom("is_auth")
YES = Atom("yes")
REX = Atom("rex")
BADRPC = Atom("badrpc")
EXIT = Atom("EXIT")
FEATURES_REQUEST = Atom("features_request")
FEATURES_REPLY = Atom("features_reply")
ERPC = Atom("erpc")
EXECUTE_CALL = Atom("execute_call")
EXECUTE_CAST = Atom("execute_cast")
RETURN = Atom("return")
ERROR = Atom("error")
MONITOR = Atom("monitor")
LINK = Atom("link")


def rpc_result(outcome: Outcome) -> Term:
    """What ``rpc:call`` (rex) returns for an outcome (rpc.erl ``execute_call/3``)."""
    if outcome.kind in ("return", "throw"):
        return outcome.value
    if outcome.kind == "exit":
        return (BADRPC, (EXIT, outcome.value))
    return (BADRPC, (EXIT, (outcome.value, outcome.stack)))


def erpc_reason(ref: Term, outcome: Outcome) -> Term:
    """The exit reason of an ``erpc:execute_call/4`` process."""
    if outcome.kind == "error":
        return (ref, ERROR, outcome.value, outcome.stack)
    return (ref, Atom(outcome.kind), outcome.value)


def _is_gen_call(msg: Term) -> bool:
    return (type(msg) is tuple and len(msg) == 3 and msg[0] == GEN_CALL
            and type(msg[1]) is tuple and len(msg[1]) == 2 and type(msg[1][0]) is Pid)


def _is_mfa_request(req: Term, kinds: tuple[Atom, ...]) -> bool:
    return (type(req) is tuple and len(req) == 5 and req[0] in kinds
            and type(req[1]) is Atom and type(req[2]) is Atom and type(req[3]) is list)


class Services:
    """Installs net_kernel and rex on ``node`` and handles its SPAWN_REQUESTs."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.tasks: set[asyncio.Task[Any]] = set()
        self.net_kernel = node._service("net_kernel", self._net_kernel)
        self.rex = node._service("rex", self._rex)

    def _start(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    # ------------------------------------------------------------------ net_kernel

    def _net_kernel(self, proc: Process, msg: Term) -> None:
        if _is_gen_call(msg):
            request = msg[2]
            if type(request) is tuple and len(request) == 2 and request[0] == IS_AUTH:
                self.node.reply(msg[1], YES, sender=proc.pid)
                return
        log.debug("net_kernel: ignored %r", msg)

    # ------------------------------------------------------------------ rex

    def _rex(self, proc: Process, msg: Term) -> None:
        if _is_gen_call(msg) and _is_mfa_request(msg[2], (CALL, BLOCK_CALL)):
            _, from_, (_, m, f, a, _) = msg
            self._start(self._rex_call(proc, from_, m, f, a))
        elif (type(msg) is tuple and len(msg) == 2 and msg[0] == GEN_CAST
              and _is_mfa_request(msg[1], (CAST,))):
            _, (_, m, f, a, _) = msg
            self._start(self.node.exposed.apply(m, f, a))
        elif type(msg) is tuple and len(msg) == 2 and type(msg[0]) is Pid:
            caller, request = msg
            if _is_mfa_request(request, (CALL,)):
                self._start(self._rex_plain(proc, caller, request[1], request[2], request[3]))
            elif request == FEATURES_REQUEST:
                self.node.send(caller, (FEATURES_REPLY, self.node.node_atom, [ERPC]),
                               sender=proc.pid)
            else:
                log.debug("rex: ignored %r", msg)
        else:
            log.debug("rex: ignored %r", msg)

    async def _rex_call(self, proc: Process, from_: Term, m: Atom, f: Atom, a: list[Term]
                        ) -> None:
        outcome = await self.node.exposed.apply(m, f, a)
        self.node.reply(from_, rpc_result(outcome), sender=proc.pid)

    async def _rex_plain(self, proc: Process, caller: Pid, m: Atom, f: Atom, a: list[Term]
                         ) -> None:
        outcome = await self.node.exposed.apply(m, f, a)
        self.node.send(caller, (REX, rpc_result(outcome)), sender=proc.pid)

    # ------------------------------------------------------------------ erpc / spawn

    def on_spawn_request(self, peer: str, req: c.SpawnRequest) -> None:
        """SPAWN_REQUEST from ``peer``: reply with a new pid, then run the function."""
        kernel = self.node.kernel
        proc = kernel.spawn_process()
        flags = 0
        if LINK in req.options:
            proc.links[req.from_pid] = LinkState()
            flags |= 1
        if MONITOR in req.options:
            proc.watchers[req.req_id] = (req.from_pid, proc.pid)
            flags |= 2
        reply = c.SpawnReply(req.req_id, req.from_pid, flags, proc.pid)
        kernel.remote(peer, lambda conn: conn.send(reply))
        proc.task = self._start(self._run_spawned(proc, req))

    async def _run_spawned(self, proc: Process, req: c.SpawnRequest) -> None:
        module, function, arity = req.mfa
        args = req.args
        exposed = self.node.exposed
        if (module, function, arity) == (ERPC, EXECUTE_CALL, 4) and len(args) == 4:
            ref, m, f, a = args
            outcome = await exposed.apply(m, f, a)
            reason: Term = erpc_reason(ref, outcome)
        elif (module, function, arity) == (ERPC, EXECUTE_CAST, 3) and len(args) == 3:
            outcome = await exposed.apply(*args)
            reason = NORMAL if outcome.kind == "return" else _exit_reason(outcome)
        else:
            outcome = await exposed.apply(module, function, args)
            reason = NORMAL if outcome.kind == "return" else _exit_reason(outcome)
        proc.task = None  # do not cancel ourselves
        self.node.kernel.terminate(proc, reason)


def _exit_reason(outcome: Outcome) -> Term:
    """The exit reason of a plain process that ended like ``outcome``."""
    if outcome.kind == "error":
        return (outcome.value, outcome.stack)
    if outcome.kind == "throw":
        return (Atom("nocatch"), outcome.value)
    return outcome.value
