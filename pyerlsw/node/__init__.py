"""The asyncio runtime of a hidden Erlang node (see ``docs/node.md``).

Start with :class:`Node`; processes are :class:`Process` objects with a pid and a
mailbox. Nothing here runs at import time, and several nodes may share one loop.
"""

from __future__ import annotations

from .config import NodeConfig
from .epmd_server import EpmdServer
from .errors import (
    CallError,
    ErlangError,
    ErlangExit,
    ErlangThrow,
    NodeError,
    ProcessExited,
    RpcError,
)
from .node import Node, PeerInfo
from .process import Process

__all__ = [
    "CallError",
    "EpmdServer",
    "ErlangError",
    "ErlangExit",
    "ErlangThrow",
    "Node",
    "NodeConfig",
    "NodeError",
    "PeerInfo",
    "Process",
    "ProcessExited",
    "RpcError",
]
