"""Call pickup: ``Pickup([exten[@context][&...]])`` and ``PickupChan(channel[&...][,p])``
(Asterisk 12+ ``app_directed_pickup.c``/``ast_do_pickup``), built on the core's
:func:`~pyerlsw.switch.masquerade.masquerade`.

A channel can be picked up (``ast_can_pickup``) while it is an outbound leg that is
ready, not answered and not running a PBX of its own (a ringing Dial leg, a ringing
Local ``;1``), and not the picker. Targets:

* ``Pickup(exten@context)``: a leg whose Dial location (the exten and context of the
  channel that dialled it, which Dial copies to the leg) matches, case-insensitively;
  no context means the picker's; ``exten@PICKUPMARK`` looks for a channel whose
  ``PICKUPMARK`` variable is ``exten``; several targets are tried in order (``&``).
  Without an argument Asterisk picks up by pickup group, which this layer does not
  model: nothing is found.
* ``PickupChan(name)``: the first channel whose name starts with ``name`` followed by
  ``-`` (``SIP/bob`` finds ``SIP/bob-00000000``), or with ``name`` itself when it
  contains ``-`` or option ``p`` is given; then a channel whose UUID is ``name``.
  The picker's own channel is refused (``Cannot pickup your own channel``).

The pickup (``ast_do_pickup``): the picker is answered, the target's caller ID becomes
its connected line, the AMI ``Pickup`` event is fired (``call::pickup``: the picker's
snapshot block and the target's prefixed ``Target``), and the picker is *moved into
the target's place*: the ringing structure, which the caller's Dial is waiting on,
carries on under the picker's identity - already answered, so that Dial answers
(``<picker> answered <caller>``) and bridges the caller to it - while the picker's old
structure becomes the zombie carrying the target's identity and is hung up with
ANSWERED_ELSEWHERE; the application then returns -1, which ends the zombie's PBX.
Hangup handlers swap with the identities (the layer's masquerade hook): the target's
run on the zombie at pickup time, the picker's stay with the picker and run when it
hangs up. Names are exchanged as in Asterisk 12+ (no ``<ZOMBIE>``).

When no target is found: ``No target channel found for <exten>@<context>.`` (Pickup) or
``No target channel found for <name>.`` (PickupChan) at NOTICE, and the dialplan goes
on (0).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk.ami import snapshot_block
from pyerlsw.switch.asterisk.appcall import AppCall
from pyerlsw.switch.asterisk.astevents import ami_snapshot, fire_custom
from pyerlsw.switch.asterisk.causes import ANSWERED_ELSEWHERE, core_cause
from pyerlsw.switch.asterisk.diagnostics import DEBUG, LogRecord
from pyerlsw.switch.asterisk.substitution import separate_args
from pyerlsw.switch.masquerade import masquerade

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer
    from pyerlsw.switch.session import Session

__all__ = ["PICKUP_SUBCLASS", "can_pickup", "do_pickup", "register"]

PICKUP_SUBCLASS = "call::pickup"


def can_pickup(layer: AsteriskLayer, session: Session) -> bool:
    """``ast_can_pickup``: an outbound leg ringing (or down), no PBX, not a zombie."""
    ch = session.channel
    if not ch.ready or ch.answered or ch.direction != "outbound" or session.destroyed.done():
        return False
    state = layer.existing_state(session)
    return state is None or (not state.in_pbx and not state.running)


def _find(
    layer: AsteriskLayer, picker: Session, match: Callable[[Session], bool]
) -> Session | None:
    for session in layer.sessions():
        if session is not picker and can_pickup(layer, session) and match(session):
            return session
    return None


def _pickupmark(session: Session) -> str | None:
    get = session.channel.get_variable
    return get("PICKUPMARK") or get("_PICKUPMARK") or get("__PICKUPMARK")


def find_by_exten(
    layer: AsteriskLayer, picker: Session, exten: str, context: str
) -> Session | None:
    """A pickup target dialled from ``exten@context`` (or, with context
    ``PICKUPMARK``, marked ``PICKUPMARK=exten``)."""
    if context == "PICKUPMARK":
        return _find(layer, picker, lambda s: _pickupmark(s) == exten)
    exten_l, context_l = exten.lower(), context.lower()

    def match(session: Session) -> bool:
        state = layer.existing_state(session)
        return (
            state is not None
            and state.exten.lower() == exten_l
            and state.context.lower() == context_l
        )

    return _find(layer, picker, match)


def find_by_channel(
    layer: AsteriskLayer, picker: Session, name: str, *, partial: bool
) -> Session | None:
    """A pickup target by channel name prefix (module docstring), then by UUID."""
    prefix = name if partial or "-" in name else f"{name}-"
    prefix_l = prefix.lower()
    found = _find(layer, picker, lambda s: s.channel.name.lower().startswith(prefix_l))
    if found is not None:
        return found
    return _find(layer, picker, lambda s: s.uuid == name)


def do_pickup(layer: AsteriskLayer, picker: Session, target: Session) -> bool:
    """``ast_do_pickup``: move ``picker`` into ``target``'s place (module docstring)."""
    pch, tch = picker.channel, target.channel
    layer.log(
        LogRecord(DEBUG, f"Call pickup on '{tch.name}' by '{pch.name}'"), picker, "pickup.c"
    )
    state = layer.state(picker)
    state.connected_name = tch.profile.caller_id_name
    state.connected_num = tch.profile.caller_id_number
    if not pch.answered:
        pch.mark_answered()
    if not pch.ready or not can_pickup(layer, target):
        layer.warning(
            f"Unable to complete call pickup of '{pch.name}' with '{tch.name}'", picker, "pickup.c"
        )
        return False
    fields = snapshot_block(ami_snapshot(picker)) + snapshot_block(ami_snapshot(target), "Target")
    if not masquerade(target, picker, cause=core_cause(ANSWERED_ELSEWHERE)):
        layer.warning(
            f"Unable to complete call pickup of '{pch.name}' with '{tch.name}'", picker, "pickup.c"
        )
        return False
    fire_custom(target, PICKUP_SUBCLASS, fields)
    return True


async def pickup(call: AppCall, data: str) -> int:
    layer, session = call.layer, call.session
    if not data:
        layer.log(LogRecord(DEBUG, "No call pickup possible..."), session, "pickup.c")
        return 0
    for item in data.split("&"):
        if not item:
            continue
        exten, at, context = item.partition("@")
        if not at or not context:
            context = call.state.context
        target = find_by_exten(layer, session, exten, context)
        if target is not None and do_pickup(layer, session, target):
            return -1  # the picker's old structure is a zombie now
        call.notice(f"No target channel found for {exten}@{context}.", "app_directed_pickup.c")
    return 0


async def pickup_chan(call: AppCall, data: str) -> int:
    layer, session = call.layer, call.session
    args = separate_args(data, ",", 2)
    if not args or not args[0]:
        call.warning("PickupChan requires an argument (channel)!", "app_directed_pickup.c")
        return -1
    partial = len(args) > 1 and "p" in args[1]
    own = session.channel.name.lower()
    for name in args[0].split("&"):
        if not name:
            continue
        if own.startswith(name.lower()):
            call.notice(f"Cannot pickup your own channel {name}.", "app_directed_pickup.c")
            continue
        target = find_by_channel(layer, session, name, partial=partial)
        if target is not None and do_pickup(layer, session, target):
            return -1
        call.notice(f"No target channel found for {name}.", "app_directed_pickup.c")
    return 0


def register(layer: AsteriskLayer) -> None:
    """Register ``Pickup`` and ``PickupChan`` on ``layer``."""
    layer.register_app("Pickup", pickup, synopsis="Directed extension call pickup")
    layer.register_app("PickupChan", pickup_chan, synopsis="Pickup a ringing channel")
