"""Calls from a :class:`~pyerlsw.node.node.Node` into Erlang: ``gen_server:call`` from a
temporary process, and ``rpc:call`` through the peer's ``rex``. Bound as the node's
``call`` and ``rpc`` methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyerlsw.etf import Atom
from pyerlsw.node.errors import CallError, RpcError
from pyerlsw.node.kernel import DOWN

if TYPE_CHECKING:
    from pyerlsw.node.node import Node

__all__ = ["call", "rpc"]

Term = Any
GEN_CALL = Atom("$gen_call")
REX = Atom("rex")
BADRPC = Atom("badrpc")
USER = Atom("user")
NOCONNECTION = Atom("noconnection")


async def call(self: Node, dest: Term, request: Term, timeout: float | None = 5.0) -> Term:
    """``gen_server:call(Dest, Request, Timeout)`` from a temporary process.

    Raises:
        CallError: the server is gone (``noproc``, ``noconnection``...).
        TimeoutError: no reply in time.
    """
    proc = self.make_process()
    try:
        ref = proc.monitor(dest)
        self.send(dest, (GEN_CALL, (proc.pid, ref), request), sender=proc.pid)

        def match(m: Term) -> bool:
            return type(m) is tuple and (
                (len(m) == 2 and m[0] == ref) or (len(m) == 5 and m[0] == DOWN
                                                  and m[1] == ref))

        answer = await proc.receive(timeout, match)
    finally:
        proc.exit()
    if len(answer) == 5:
        raise CallError(answer[4])
    return answer[1]

async def rpc(self: Node, node: str, module: str | Atom, function: str | Atom,  # noqa: PLR0917 (a method)
              args: list[Term], timeout: float | None = None) -> Term:
    """``rpc:call(Node, Module, Function, Args)`` through the peer's ``rex``.

    Raises:
        RpcError: ``{badrpc, Reason}``: the call raised, the node is down
            (``nodedown``), or it timed out (``timeout``).
    """
    request = (Atom("call"), Atom(module) if isinstance(module, str) else module,
               Atom(function) if isinstance(function, str) else function, list(args),
               USER)
    try:
        result = await self.call((REX, Atom(node)), request, timeout)
    except CallError as exc:
        raise RpcError(Atom("nodedown") if exc.reason == NOCONNECTION
                       else exc.reason) from None
    except TimeoutError:
        raise RpcError(Atom("timeout")) from None
    if type(result) is tuple and len(result) == 2 and result[0] == BADRPC:
        raise RpcError(result[1])
    return result
