"""Sending from a :class:`~pyerlsw.node.node.Node`: ``!`` to every kind of destination,
batches to one pid, and ``gen_server`` replies. These are the node's ``send``,
``send_all`` and ``reply`` methods (bound in the class body, so calling them costs no
extra frame); they live here to keep ``node.py`` to the node's life cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pyerlsw.dist import control as c
from pyerlsw.dist.packet import EncodedTerm
from pyerlsw.etf import Atom, ImproperList, Pid, Reference, decode
from pyerlsw.node.errors import NodeError
from pyerlsw.node.process import Process

if TYPE_CHECKING:
    from pyerlsw.node.node import Node

__all__ = ["reply", "send", "send_all"]

Term = Any
ALIAS = Atom("alias")


def _local(message: Term) -> Term:
    """A message as a local process receives it (pre-encoded payloads decoded)."""
    return decode(message.data) if type(message) is EncodedTerm else message


def send(self: Node, dest: Term, message: Term, sender: Pid | None = None) -> None:
    """Send ``message`` like Erlang's ``!`` (never blocks; connects on demand).

    ``dest``: a :class:`Pid` or :class:`Process`; a registered name (``Atom`` or
    ``str``, local only); ``(name, node)``; or an alias :class:`Reference`.
    ``sender`` is the pid the peer sees as the sender (default: ``net_kernel``).
    ``message`` may be a :class:`~pyerlsw.dist.EncodedTerm`: its bytes go out as
    they are (encode once, send to many); a local receiver gets it decoded.

    Raises:
        NodeError: a local registered name that does not exist.
        pyerlsw.etf.EncodeError: the message cannot be encoded (when connected).
    """
    kernel = self.kernel
    if type(dest) is Process:
        dest = dest.pid
    kind = type(dest)
    if kind is Pid:
        if dest.node == kernel.node_atom:
            proc = kernel.processes.get(dest)
            if proc is not None:
                proc.deliver(_local(message), sender)
            return
        link = self.peers.connected_link(dest.node.name)
        if link is not None:  # the common case, without a closure
            link.conn.send_message(sender, dest, message)  # type: ignore[union-attr]
            link.schedule_flush()
            return
        to_pid: Pid = dest
        self._to_peer(dest.node.name,
                      lambda conn: conn.send_message(sender, to_pid, message))
    elif kind is Atom or kind is str:
        proc = kernel.names.get(Atom(dest) if kind is str else dest)
        if proc is None:
            raise NodeError(f"no process is registered as {dest}")
        proc.deliver(_local(message), sender)
    elif kind is tuple and len(dest) == 2:
        name = dest[0] if type(dest[0]) is Atom else Atom(dest[0])
        node = str(dest[1])
        if node == self.name:
            proc = kernel.names.get(name)
            if proc is not None:
                proc.deliver(_local(message), sender)
            return
        frm = sender or self._default_sender()
        link = self.peers.connected_link(node)
        if link is not None:
            link.conn.send_reg(frm, name, message)  # type: ignore[union-attr]
            link.schedule_flush()
            return
        self._to_peer(node, lambda conn: conn.send(c.RegSend(frm, name, message)))
    elif kind is Reference:
        if dest.node == kernel.node_atom:
            proc = kernel.aliases.get(dest)
            if proc is not None:
                proc.deliver(_local(message), sender)
            return
        frm = sender or self._default_sender()
        alias: Reference = dest

        def send_alias(conn: Any) -> None:
            if conn.supports_alias:
                conn.send(c.AliasSend(frm, alias, message))

        self._to_peer(str(dest.node), send_alias)
    else:
        raise TypeError(f"cannot send to {dest!r}")

def send_all(self: Node, dest: Term, messages: Iterable[Term], sender: Pid | None = None) -> None:
    """:meth:`send` each of ``messages`` to ``dest``, in order. To a pid on a
    connected peer the destination is looked up once for the whole batch (a burst
    of events to one handler); otherwise this is a loop of :meth:`send`. An
    exception stops the batch: the messages before it are sent."""
    if type(dest) is Pid and dest.node != self.kernel.node_atom:
        link = self.peers.connected_link(dest.node.name)
        if link is not None:
            put = link.conn.send_message  # type: ignore[union-attr]
            count = 0
            try:
                for message in messages:
                    put(sender, dest, message)
                    count += 1
            finally:
                if count:
                    link.schedule_flush(count)
            return
    for message in messages:
        self.send(dest, message, sender)


def reply(self: Node, from_: Term, message: Term, sender: Pid | None = None) -> None:
    """Answer a ``gen_server``-style call: ``from_`` is ``{Pid, Tag}``; sends
    ``{Tag, message}``, to the alias when the tag is ``[alias | Ref]`` (OTP 24+)."""
    pid, tag = from_
    reply = (tag, message)
    if (type(tag) is ImproperList and tag.items == [ALIAS] and type(tag.tail) is Reference
            and pid.node != self.node_atom):
        frm = sender or self._default_sender()
        alias: Reference = tag.tail

        def send(conn: Any) -> None:
            if conn.supports_alias:
                conn.send(c.AliasSend(frm, alias, reply))
            else:
                conn.send_message(frm, pid, reply)

        self._to_peer(str(pid.node), send)
    else:
        self.send(pid, reply, sender)
