"""pyerlsw: an embedded softswitch driven from Erlang through the mod_erlang_event protocol.

Layers (see ``docs/architecture.md``):

* :mod:`pyerlsw.etf` - the External Term Format codec (sans-I/O).
* :mod:`pyerlsw.dist` - EPMD, the distribution handshake and framing (sans-I/O).
* :mod:`pyerlsw.node` - an asyncio hidden Erlang node built on the two above.
* :mod:`pyerlsw.switch` - the call core; knows nothing of Erlang.
* :mod:`pyerlsw.gateway` - mod_erlang_event, joining the node and the switch.

Importing the package does no work: no event loop, no sockets, no logging set-up.
"""

__version__ = "0.1.0"
