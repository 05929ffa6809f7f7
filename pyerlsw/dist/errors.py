"""Errors of the distribution protocol cores.

As in h11, a protocol error says whose fault it is:

* :class:`LocalProtocolError`: *we* asked for something the protocol does not allow
  (sending on a handshake that is not waiting for it, a node name that is not
  ``alive@host``, a packet over the negotiated limits...). A bug in the caller.
* :class:`RemoteProtocolError`: the *peer* sent bytes that break the protocol
  (malformed message, unexpected message in this state, a packet over the size limit,
  a term that does not decode). The connection to that peer must be closed; nothing
  else is affected.

Any other exception escaping :mod:`pyerlsw.dist` is a bug.
"""

from __future__ import annotations

__all__ = ["LocalProtocolError", "ProtocolError", "RemoteProtocolError"]


class ProtocolError(Exception):
    """Base class: the conversation with one peer cannot go on."""


class LocalProtocolError(ProtocolError):
    """We tried to do something the protocol (or the current state) forbids."""


class RemoteProtocolError(ProtocolError):
    """The peer sent something the protocol forbids; close its connection."""
