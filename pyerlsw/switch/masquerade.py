"""Masquerade: one running session takes over another channel's identity.

This is the core's version of Asterisk's ``ast_channel_move``/``channel_do_masquerade``
(FreeSWITCH has no equivalent). Two things are kept apart:

* the *structure*: the :class:`~pyerlsw.switch.session.Session` object with its task,
  the application it runs, its dialplan position, its bridge, its command queue, its
  watchers and hangup hooks, the channel's state machine (``state``,
  ``running_state``, ``flags``, ``on_change``, ``state_hooks``) and the current
  application;
* the *identity*: what the outside world knows the channel as - ``uuid``, ``name``,
  ``direction``, the caller profile, the times, the call/answer state
  (``call_state``, ``answered``, ``early_media``, ``ring_ready``), the codec, the
  ``external_id``, the identity variables (:data:`IDENTITY_VARIABLES`) and the
  endpoint driver (the "technology and private data").

:func:`masquerade` (``original``, ``clone``) exchanges the identities of the two
structures **in place** (each :class:`~pyerlsw.switch.channel.Channel` object stays
with its session, so code holding ``session.channel`` sees the new identity at once):
``original`` carries on - its task, application and bridge position are untouched -
under ``clone``'s identity, and ``clone`` becomes the zombie, carrying ``original``'s
old identity, optionally renamed (``clone_name``, e.g. Asterisk 11's
``<name><ZOMBIE>``), and is hung up at once with ``cause``.

Variables follow Asterisk's ``clone_variables``: ``original`` keeps its own variables
and gains those of ``clone`` it does not have; ``clone`` gets a copy of that merged
set. The identity variables (``uuid``, ``channel_name``...) travel with the identity
instead, and the bridge variables (:data:`STRUCTURE_VARIABLES`) stay with their
structure; the far side of either structure's bridge has its ``bridge_*`` variables
and ``Other-Leg`` data refreshed to the new identity.

The switch's session index follows the identities (``switch.session(uuid)`` returns
the structure now carrying ``uuid``). Each driver is told of its new session
(:meth:`~pyerlsw.switch.session.EndpointDriver.on_moved`). The switch's
``hooks.masquerade`` run next, ``hook(original, clone)``, so other layers can exchange
their per-channel data (the Asterisk layer swaps the hangup-handler stacks there).

Events: FreeSWITCH has none for this, so the masquerade fires only ordinary channel
events that keep a consumer tracking channels by UUID consistent: CHANNEL_STATE for
``original`` (its UUID now runs in the original structure's state), then the clone's
CHANNEL_HANGUP/CHANNEL_CALLSTATE now and CHANNEL_HANGUP_COMPLETE/CHANNEL_DESTROY when
its session ends. No CHANNEL_UUID is fired: no identity changed its UUID, the
identities changed places.

Gateway attachments (``state_hooks``, soft locks) and the queued DTMF and commands
belong to the structure and stay with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.causes import CAUSES

if TYPE_CHECKING:
    from pyerlsw.switch.channel import Channel
    from pyerlsw.switch.session import Session

__all__ = ["IDENTITY_VARIABLES", "STRUCTURE_VARIABLES", "masquerade"]

#: Core variables that travel with the identity.
IDENTITY_VARIABLES = frozenset({"uuid", "channel_name", "session_id", "direction", "call_uuid"})

#: Core variables that stay with the structure (its bridge and its application).
STRUCTURE_VARIABLES = frozenset(
    {
        "bridge_to", "bridge_channel", "bridge_uuid", "signal_bond", "last_bridge_to",
        "current_application", "current_application_data", "current_application_response",
    }
)  # fmt: skip

_IDENTITY_FIELDS = (
    "uuid", "name", "direction", "profile", "initial_profile", "times", "created_epoch",
    "call_state", "answered", "early_media", "ring_ready", "codec", "external_id",
)  # fmt: skip


def masquerade(
    original: Session,
    clone: Session,
    *,
    clone_name: str | None = None,
    cause: int = CAUSES["NORMAL_CLEARING"],
) -> bool:
    """Move ``clone``'s identity into ``original``'s structure and hang up ``clone``
    (module docstring). ``clone_name`` renames the zombie (default: the names are
    simply exchanged, Asterisk 12+). False, and nothing changes, when the two are the
    same session, belong to different switches, or either is hung up or gone."""
    if original is clone or original.switch is not clone.switch:
        return False
    if not all(s.channel.ready and not s.destroyed.done() for s in (original, clone)):
        return False
    switch = original.switch
    och, cch = original.channel, clone.channel
    _swap_identity(och, cch)
    original.driver, clone.driver = clone.driver, original.driver
    sessions = switch.sessions
    sessions[och.uuid] = original
    sessions[cch.uuid] = clone
    if clone_name is not None:
        cch.rename(clone_name)
    for session in (original, clone):
        if session.driver is not None:
            try:
                session.driver.on_moved(session)
            except Exception as exc:
                switch.log_exception(exc, "driver move failed", uuid=session.uuid)
        _refresh_bridge(session)
    for hook in tuple(switch.hooks.masquerade):
        try:
            hook(original, clone)
        except Exception as exc:
            switch.log_exception(exc, "masquerade hook failed", uuid=och.uuid)
    och.fire("CHANNEL_STATE")
    cch.hangup(cause)
    original.poke()
    clone.poke()
    return True


def _swap_identity(a: Channel, b: Channel) -> None:
    for field in _IDENTITY_FIELDS:
        value = getattr(a, field)
        setattr(a, field, getattr(b, field))
        setattr(b, field, value)
    a_vars, b_vars = dict(a.iter_variables()), dict(b.iter_variables())
    merged = {k: v for k, v in a_vars.items() if k not in _NOT_MERGED}
    for name, value in b_vars.items():
        if name not in _NOT_MERGED:
            merged.setdefault(name, value)
    _replace_variables(a, merged, b_vars, a_vars)
    _replace_variables(b, merged, a_vars, b_vars)


_NOT_MERGED = IDENTITY_VARIABLES | STRUCTURE_VARIABLES


def _replace_variables(
    channel: Channel, merged: dict[str, str], identity: dict[str, str], own: dict[str, str]
) -> None:
    """Give ``channel`` the merged variables, the identity variables of its new identity
    (``identity``, the other channel's old set) and its own structure variables."""
    for name, _ in channel.iter_variables():
        channel.set_variable(name, None)
    for name, value in merged.items():
        channel.set_variable(name, value)
    for name in IDENTITY_VARIABLES:
        if name in identity:
            channel.set_variable(name, identity[name])
    for name in STRUCTURE_VARIABLES:
        if name in own:
            channel.set_variable(name, own[name])


def _refresh_bridge(session: Session) -> None:
    """Point the far side of ``session``'s live bridge at its new identity."""
    bridge = session.bridge
    if bridge is None or not bridge.active:
        return
    other = bridge.b if bridge.a is session else bridge.a
    me = session.channel
    far = other.channel
    far.set_other("originatee" if other is bridge.a else "originator", me)
    if far.ready:
        for name in ("bridge_to", "bridge_uuid", "signal_bond", "last_bridge_to"):
            far.set_variable(name, me.uuid)
        far.set_variable("bridge_channel", me.name)
    me.set_other("originatee" if session is bridge.a else "originator", far)
