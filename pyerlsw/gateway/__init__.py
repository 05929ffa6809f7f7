"""pyerlsw.gateway: FreeSWITCH's mod_erlang_event on a pyerlsw node.

The protocol core is sans-I/O and lives in small modules (see ``docs/gateway.md``):
:mod:`~pyerlsw.gateway.commands` (incoming messages), :mod:`~pyerlsw.gateway.replies`
and :mod:`~pyerlsw.gateway.messages` (outgoing terms), :mod:`~pyerlsw.gateway.eventterm`
(events, logs, fetch requests as bytes), :mod:`~pyerlsw.gateway.subscriptions` and
:mod:`~pyerlsw.gateway.filters` (who gets what), :mod:`~pyerlsw.gateway.config`,
:mod:`~pyerlsw.gateway.acl` and :mod:`~pyerlsw.gateway.console`. Importing this package
imports none of them.
"""
