"""Running mod_erlang_event from Python: the node it needs, and the whole start/stop.

:func:`node_name` names the node as FreeSWITCH does (spec §1); :func:`make_node`
builds the :class:`~pyerlsw.node.Node` from ``erlang_event.conf`` (name, cookie, listen
address and port); :func:`start_node` starts it with ``stop-on-bind-error``'s rule;
:func:`run_gateway` (what ``Gateway.start`` returns) does all of it::

    config = load_config("/etc/pyerlsw/autoload_configs/erlang_event.conf.xml")
    async with Gateway.start(switch=switch, config=config) as gateway:
        await stop_requested.wait()

A command-line front end only needs that: everything else (EPMD, the built-in EPMD
when no ``epmd`` binary exists, the listener per Erlang node) follows from the
configuration.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pyerlsw.node import Node

from .acl import AclRegistry, builtin_lists, parse_acl_conf
from .config import ErlangEventConfig, resolve_cookie
from .localnet import discover_local_network

if TYPE_CHECKING:
    from pyerlsw.switch.switch import Switch

    from .gateway import Gateway

__all__ = [
    "BIND_RETRY_SECONDS",
    "load_acls",
    "make_node",
    "node_name",
    "run_gateway",
    "start_node",
]

log = logging.getLogger("pyerlsw.gateway")

BIND_RETRY_SECONDS: Final = 0.1
"""How often a listen address that is in use is tried again (``stop-on-bind-error``
false), as in FreeSWITCH."""

_ANY = ("0.0.0.0", "::")


def node_name(config: ErlangEventConfig, *, hostname: str | None = None) -> str:
    """The node's full name (§1): ``nodename`` as is when it holds an ``@``; else
    ``nodename@host`` where host is this machine's name when listening on any address
    (or when the address has no reverse DNS name), else that name; ``shortname``
    keeps what precedes the first dot."""
    if "@" in config.nodename:
        return config.nodename
    host = hostname or socket.gethostname()
    if config.listen_ip not in _ANY:
        with contextlib.suppress(OSError):
            host = socket.gethostbyaddr(config.listen_ip)[0]
    if config.shortname:
        host = host.split(".", 1)[0]
    return f"{config.nodename}@{host}"


def load_acls(acl_conf: str | os.PathLike[str] | None = None) -> AclRegistry:
    """The ACL lists for ``apply-inbound-acl``: FreeSWITCH's built-in lists for this
    host, with the lists of ``acl.conf.xml`` (when given) over them; the lines
    FreeSWITCH would log about skipped nodes are logged as warnings. Raises
    :class:`~pyerlsw.gateway.acl.AclError` for an unusable file, ``OSError`` for an
    unreadable one."""
    lists = builtin_lists(discover_local_network())
    if acl_conf is not None:
        source = os.fspath(acl_conf)
        parsed, warnings = parse_acl_conf(Path(source).read_bytes(), source)
        for warning in warnings:
            log.warning("%s", warning)
        lists.update(parsed)
    return AclRegistry(lists)


def make_node(config: ErlangEventConfig, **node_options: Any) -> Node:
    """A (not yet started) node named, keyed and placed by ``config``; cookie problems
    (unreadable file, fallback to ``ClueCon``) are logged as FreeSWITCH does."""
    cookie = resolve_cookie(config)
    for problem in cookie.problems:
        log.warning("erlang_event.conf: %s", problem)
    options: dict[str, Any] = {"listen_host": config.listen_ip,
                               "listen_port": config.listen_port}
    options.update(node_options)
    return Node(node_name(config), cookie=cookie.cookie, **options)


async def start_node(node: Node, config: ErlangEventConfig) -> Node:
    """Start ``node``; when its listen address is in use, give up
    (``stop-on-bind-error`` true: the OSError propagates) or try again every
    :data:`BIND_RETRY_SECONDS` until it is free."""
    warned = False
    while True:
        try:
            return await node.start()
        except OSError as exc:
            if config.stop_on_bind_error:
                raise
            if not warned:
                log.error("cannot listen on %s:%d (%s); retrying every %.1fs",
                          node.config.listen_host, node.config.listen_port, exc,
                          BIND_RETRY_SECONDS)
                warned = True
            await asyncio.sleep(BIND_RETRY_SECONDS)


@contextlib.asynccontextmanager
async def run_gateway(cls: type[Gateway], *, switch: Switch | None,
                      config: ErlangEventConfig | None, node: Node | None,
                      acl: AclRegistry | None,
                      node_options: dict[str, Any]) -> AsyncIterator[Gateway]:
    """Start (what is missing of) switch, node and gateway; stop them in reverse."""
    config = config if config is not None else ErlangEventConfig.model_validate({})
    async with contextlib.AsyncExitStack() as stack:
        if switch is None:
            from pyerlsw.switch import Switch

            switch = Switch()
            await switch.start()
            stack.push_async_callback(switch.stop)
        if node is None:
            node = make_node(config, **node_options)
            await start_node(node, config)
            stack.push_async_callback(node.close)
        gateway = cls(switch, node, config, acl=acl)
        await gateway.open()
        stack.push_async_callback(gateway.close)
        yield gateway
