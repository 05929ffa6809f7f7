"""Exceptions of the node runtime, and the ones exposed functions raise on purpose."""

from __future__ import annotations

from typing import Any

__all__ = [
    "CallError",
    "ErlangError",
    "ErlangExit",
    "ErlangThrow",
    "NodeError",
    "ProcessExited",
    "RpcError",
]


class NodeError(Exception):
    """The node cannot do what was asked (not started, EPMD refused the name...)."""


class ProcessExited(Exception):
    """The process is dead; ``reason`` is its exit reason (an Erlang term)."""

    def __init__(self, reason: Any) -> None:
        super().__init__(f"process exited: {reason!r}")
        self.reason = reason


class RpcError(Exception):
    """An rpc into Erlang failed; ``reason`` is the ``badrpc`` reason term
    (e.g. ``Atom('nodedown')``, ``(Atom('EXIT'), ...)``)."""

    def __init__(self, reason: Any) -> None:
        super().__init__(f"badrpc: {reason!r}")
        self.reason = reason


class ErlangError(Exception):
    """Raise from an exposed function to fail with ``error:Reason`` on the Erlang side."""

    def __init__(self, reason: Any) -> None:
        super().__init__(repr(reason))
        self.reason = reason


class ErlangExit(Exception):
    """Raise from an exposed function to fail with ``exit:Reason``."""

    def __init__(self, reason: Any) -> None:
        super().__init__(repr(reason))
        self.reason = reason


class ErlangThrow(Exception):
    """Raise from an exposed function to ``throw(Value)``."""

    def __init__(self, value: Any) -> None:
        super().__init__(repr(value))
        self.value = value


class CallError(Exception):
    """A ``gen_server``-style call failed: the callee is gone; ``reason`` is the reason
    from its DOWN (``noproc``, ``noconnection``, ...)."""

    def __init__(self, reason: Any) -> None:
        super().__init__(f"call failed: {reason!r}")
        self.reason = reason
