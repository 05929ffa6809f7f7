"""The public face of the runtime: :class:`Node`.

::

    async with Node("py", cookie="SECRET", epmd_port=4369) as node:
        node.expose("pymath", {"add": lambda a, b: a + b})
        inbox = node.register("inbox")
        node.send(("shell", "erl@host"), ("hello", inbox.pid))
        print(await inbox.receive(timeout=5))
        print(await node.rpc("erl@host", "lists", "reverse", [[1, 2, 3]]))

Several nodes can live in one process and one event loop; nothing is global.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pyerlsw.dist.epmd import NODE_TYPE_NORMAL, NodeEntry
from pyerlsw.dist.flags import DistFlags
from pyerlsw.dist.handshake import Role, Status
from pyerlsw.etf import Atom, Pid
from pyerlsw.node import calls, epmd_client, sending
from pyerlsw.node.busy_wait import BusyWait
from pyerlsw.node.config import NodeConfig
from pyerlsw.node.epmd_server import EpmdServer
from pyerlsw.node.errors import CallError, NodeError, ProcessExited
from pyerlsw.node.exposed import Exposed
from pyerlsw.node.kernel import NORMAL, Kernel
from pyerlsw.node.naming import full_node_name, resolve_cookie
from pyerlsw.node.peer import PeerLink
from pyerlsw.node.peers import PeerTable, RemoteAction
from pyerlsw.node.process import Process
from pyerlsw.node.router import Router, UnregisteredHandler
from pyerlsw.node.services import Services

__all__ = ["Node", "PeerInfo"]

log = logging.getLogger("pyerlsw.node")

Term = Any
NET_KERNEL = Atom("net_kernel")
NODEUP = Atom("nodeup")
NODEDOWN = Atom("nodedown")
SHUTDOWN = Atom("shutdown")
NodeCallback = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class PeerInfo:
    """A connected peer: its name, the remote ``(host, port)`` of the connection when
    known, and whether the peer dialled us (``inbound``) or we dialled it."""

    name: str
    address: tuple[str, int] | None
    inbound: bool


class Node:
    """A hidden Erlang node.

    Args:
        name: ``alive@host``, or ``alive`` (the host becomes the short host name, like
            ``erl -sname``).
        cookie: the cookie; else ``cookie_file``; else ``~/.erlang.cookie``.
        hidden: stay out of ``nodes()`` on peers (no ``PUBLISHED`` flag).
        config: a :class:`~pyerlsw.node.config.NodeConfig`; or pass its fields as
            keyword ``options`` (``epmd_port=..., listen_host=..., net_ticktime=...``).

    Use ``async with`` (or :meth:`start` / :meth:`close`).
    """

    def __init__(self, name: str, cookie: str | bytes | None = None, *, hidden: bool = True,
                 cookie_file: str | os.PathLike[str] | None = None,
                 config: NodeConfig | None = None, **options: Any) -> None:
        if config is not None and options:
            raise TypeError("pass either config or keyword options, not both")
        self.config = config if config is not None else NodeConfig(**options)
        self.name = full_node_name(name)
        self.alive, _, self.host = self.name.partition("@")
        self.node_atom = Atom(self.name)
        self.cookie = resolve_cookie(cookie, cookie_file)
        self.hidden = hidden
        flags = DistFlags(self.config.flags)
        self.flags = flags & ~DistFlags.PUBLISHED if hidden else flags | DistFlags.PUBLISHED
        self.exposed = Exposed()
        self.creation = 0
        self.port = 0
        self._kernel: Kernel | None = None
        self._router: Router | None = None
        self._services: Services | None = None
        self._peers: PeerTable | None = None
        self._server: asyncio.Server | None = None
        self._registration = epmd_client.Registration()
        self._epmd_server: EpmdServer | None = None
        self._node_monitors: set[Pid] = set()
        self._up_callbacks: list[NodeCallback] = []
        self._down_callbacks: list[NodeCallback] = []
        self._unregistered: UnregisteredHandler | None = None
        self.busy_wait: BusyWait | None = None
        """Keeps the loop polling after reads (``config.busy_wait``); None when off."""

    def __repr__(self) -> str:
        return f"<Node {self.name} creation={self.creation}>"

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> Node:
        """Listen, make sure an EPMD runs, register with it and start the services.

        Raises:
            NodeError: the name is taken, or no EPMD could be reached or started.
        """
        if self._server is not None:
            raise NodeError("node already started")
        cfg = self.config
        loop = asyncio.get_running_loop()
        if cfg.busy_wait > 0:
            self.busy_wait = BusyWait(loop, cfg.busy_wait)
        self._server = await loop.create_server(
            lambda: PeerLink(self, Role.ACCEPTOR), cfg.listen_host, cfg.listen_port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        try:
            await self._ensure_epmd()
            entry = NodeEntry(self.alive, self.port, NODE_TYPE_NORMAL, 0, 6, 6)
            self.creation = await self._registration.register(
                cfg.epmd_host, cfg.epmd_port, entry, cfg.epmd_timeout)
        except BaseException:
            await self.close()
            raise
        self._peers = PeerTable(self)
        self._kernel = Kernel(self, self.name, self.creation, self._peers.remote,
                              cfg.max_mailbox)
        self._services = Services(self)
        self._router = Router(self._kernel, self._services.on_spawn_request)
        self._router.unregistered = self._unregistered
        log.info("node %s up on port %d (creation %d)", self.name, self.port, self.creation)
        return self

    async def _ensure_epmd(self) -> None:
        cfg = self.config
        if await epmd_client.is_running(cfg.epmd_host, cfg.epmd_port):
            return
        if not cfg.start_epmd:
            raise NodeError(f"no EPMD on {cfg.epmd_host}:{cfg.epmd_port}")
        binary = shutil.which(cfg.epmd_command) if cfg.epmd_command else None
        if binary:
            proc = await asyncio.create_subprocess_exec(
                binary, "-port", str(cfg.epmd_port), "-daemon",
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL)
            await proc.wait()
            for _ in range(50):
                if await epmd_client.is_running(cfg.epmd_host, cfg.epmd_port):
                    log.info("started %s -daemon on port %d", binary, cfg.epmd_port)
                    return
                await asyncio.sleep(0.1)
        try:
            self._epmd_server = await EpmdServer().start(cfg.listen_host, cfg.epmd_port)
        except OSError:
            if not await epmd_client.is_running(cfg.epmd_host, cfg.epmd_port):
                raise NodeError(f"cannot start an EPMD on port {cfg.epmd_port}") from None

    async def close(self) -> None:
        """Disconnect, end every process, unregister from EPMD, stop listening."""
        if self.busy_wait is not None:
            self.busy_wait.stop()
        if self._peers is not None:
            await self._peers.close()
        if self._kernel is not None:
            for proc in list(self._kernel.processes.values()):
                self._kernel.terminate(proc, SHUTDOWN)
        if self._services is not None:
            for task in list(self._services.tasks):
                task.cancel()
            await asyncio.gather(*self._services.tasks, return_exceptions=True)
        await self._registration.close()
        server, self._server = self._server, None
        if server is not None:
            server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 1)
        if self._epmd_server is not None:
            await self._epmd_server.close()
            self._epmd_server = None

    async def __aenter__(self) -> Node:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------------ internals

    @property
    def kernel(self) -> Kernel:
        if self._kernel is None:
            raise NodeError("the node is not started")
        return self._kernel

    @property
    def router(self) -> Router:
        if self._router is None:
            raise NodeError("the node is not started")
        return self._router

    @property
    def peers(self) -> PeerTable:
        if self._peers is None:
            raise NodeError("the node is not started")
        return self._peers

    def _service(self, name: str, handler: Callable[[Process, Term], None]) -> Process:
        proc = self.kernel.spawn_process(handler)
        self.kernel.register(proc, Atom(name))
        return proc

    def _decide_incoming(self, link: PeerLink, name: str) -> Status:
        if self._peers is None:
            return Status.NOT_ALLOWED
        return self._peers.decide_incoming(link, name)

    def _link_up(self, link: PeerLink) -> None:
        if self._peers is None:
            link.close("node not ready")
            return
        self._peers.link_up(link)

    def _link_lost(self, link: PeerLink) -> None:
        if self._peers is not None:
            self._peers.link_lost(link)

    def _attempt_started(self, link: PeerLink) -> None:
        self.peers.attempt_started(link)

    def _node_up(self, name: str) -> None:
        self._notify(name, NODEUP, self._up_callbacks)

    def _node_down(self, name: str) -> None:
        self.kernel.node_down(name)
        self._notify(name, NODEDOWN, self._down_callbacks)

    def _notify(self, name: str, tag: Atom, callbacks: list[NodeCallback]) -> None:
        for pid in list(self._node_monitors):
            proc = self.kernel.processes.get(pid)
            if proc is None:
                self._node_monitors.discard(pid)
            else:
                proc.deliver((tag, Atom(name)))
        for callback in callbacks:
            try:
                callback(name)
            except Exception:
                log.exception("node %s callback failed", tag)

    # ------------------------------------------------------------------ processes

    def make_process(self, name: str | Atom | None = None,
                     handler: Callable[..., None] | None = None, *,
                     with_sender: bool = False) -> Process:
        """A new process (registered as ``name`` if given).

        Without ``handler`` it has a mailbox read with ``await process.receive()``.
        With ``handler``, every message is passed to ``handler(process, message)`` at
        once, synchronously and in arrival order (a *service*: no task, no queue);
        exceptions it raises are logged. With ``with_sender=True`` the handler is
        called as ``handler(process, message, sender)``: the sending pid when the
        transport carries it (registered sends, pid sends from peers that negotiated
        SEND_SENDER, which OTP always does, local sends), else ``None``. Links and
        monitors work the same for every kind.
        """
        proc = self.kernel.spawn_process(handler, with_sender=with_sender)
        if name is not None:
            try:
                self.kernel.register(proc, Atom(name) if isinstance(name, str) else name)
            except ValueError:
                self.kernel.terminate(proc, NORMAL)
                raise
        return proc

    def register(self, name: str | Atom,
                 handler: Callable[..., None] | None = None, *,
                 with_sender: bool = False) -> Process:
        """A new process registered as ``name`` (``{name, node} ! Msg`` reaches it);
        ``handler`` and ``with_sender`` as for :meth:`make_process`."""
        return self.make_process(name, handler, with_sender=with_sender)

    def unregister(self, name: str | Atom) -> None:
        self.kernel.unregister(Atom(name) if isinstance(name, str) else name)

    def whereis(self, name: str | Atom) -> Pid | None:
        proc = self.kernel.whereis(Atom(name) if isinstance(name, str) else name)
        return proc.pid if proc is not None else None

    def process(self, pid: Pid) -> Process | None:
        """The local process behind ``pid``, if alive."""
        return self.kernel.lookup(pid)

    def spawn(self, fn: Callable[..., Awaitable[Any]], *args: Any,
              name: str | Atom | None = None, link: Pid | None = None,
              trap_exit: bool = False) -> Process:
        """Run ``await fn(process, *args)`` as a new process.

        The process ends with ``normal`` when ``fn`` returns, with
        ``{python_error, Type, Message}`` when it raises, and ``fn`` is cancelled if an
        exit signal kills the process.
        """
        proc = self.make_process(name)
        proc.trap_exit = trap_exit
        if link is not None:
            proc.link(link)
        kernel = self.kernel

        async def run() -> None:
            reason: Term = NORMAL
            try:
                await fn(proc, *args)
            except ProcessExited:
                return
            except asyncio.CancelledError:
                if proc.alive:
                    kernel.terminate(proc, SHUTDOWN)
                raise
            except Exception as exc:
                log.exception("process %r crashed", proc.pid)
                reason = (Atom("python_error"), type(exc).__name__.encode(),
                          str(exc).encode("utf-8", "replace"))
            proc.task = None
            kernel.terminate(proc, reason)

        proc.task = asyncio.get_running_loop().create_task(run())
        return proc

    # ------------------------------------------------------------------ sending

    send = sending.send
    send_all = sending.send_all
    reply = sending.reply

    def _to_peer(self, node: str, action: RemoteAction) -> None:
        self.peers.remote(node, action, raise_errors=True)

    def _default_sender(self) -> Pid:
        assert self._services is not None
        return self._services.net_kernel.pid

    async def drain(self, node: str) -> None:
        """Wait until the data queued for ``node`` has left (flow control)."""
        link = self.peers.link_of(node)
        if link is not None:
            await link.drain()

    # ------------------------------------------------------------------ calls

    def expose(self, module: str, functions: dict[str, Callable[..., Any]]) -> None:
        """Let Erlang call ``module:name(...)`` for each entry (rpc, erpc, erl_call)."""
        self.exposed.add(module, functions)

    call = calls.call
    rpc = calls.rpc

    # ------------------------------------------------------------------ peers

    async def connect(self, node: str, timeout: float | None = None) -> bool:
        """Connect to ``node`` (like ``net_kernel:connect_node/1``)."""
        name = full_node_name(node)
        if name == self.name:
            return True
        return await self.peers.wait_up(name, timeout or self.config.connect_timeout + 1)

    async def ping(self, node: str, timeout: float | None = 10.0) -> bool:
        """``net_adm:ping(Node) =:= pong``."""
        name = full_node_name(node)
        if not await self.connect(name, timeout):
            return False
        try:
            answer = await self.call((NET_KERNEL, Atom(name)),
                                     (Atom("is_auth"), self.node_atom), timeout)
        except (CallError, TimeoutError):
            return False
        return bool(answer == Atom("yes"))

    def disconnect(self, node: str) -> bool:
        """Close the connection to ``node`` (like ``erlang:disconnect_node/1``)."""
        return self.peers.disconnect(node)

    def nodes(self) -> list[str]:
        """Names of the connected peers."""
        return self.peers.connected()

    def peer_info(self, node: str) -> PeerInfo | None:
        """Who ``node`` is on the wire (``None`` when not connected)."""
        link = self.peers.connected_link(node)
        if link is None:
            return None
        raw = link.transport.get_extra_info("peername") if link.transport else None
        address = (str(raw[0]), int(raw[1])) if isinstance(raw, tuple) and len(raw) >= 2 else None
        return PeerInfo(node, address, link.role is Role.ACCEPTOR)

    def monitor_nodes(self, process: Process, enable: bool = True) -> None:
        """Deliver ``('nodeup', Node)`` / ``('nodedown', Node)`` to ``process``."""
        if enable:
            self._node_monitors.add(process.pid)
        else:
            self._node_monitors.discard(process.pid)

    def on_node_up(self, callback: NodeCallback) -> None:
        """Call ``callback(node_name)`` whenever a connection comes up."""
        self._up_callbacks.append(callback)

    def on_node_down(self, callback: NodeCallback) -> None:
        """Call ``callback(node_name)`` whenever a connection goes down."""
        self._down_callbacks.append(callback)

    def set_unregistered_handler(self, handler: UnregisteredHandler | None) -> None:
        """Receive ``{Name, ThisNode} ! Msg`` for names nobody registered, as
        ``handler(name, from_pid, message)`` (mod_erlang_event needs this)."""
        self._unregistered = handler
        if self._router is not None:
            self._router.unregistered = handler
