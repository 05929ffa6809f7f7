"""Asterisk's Local channels on the call core (``asterisk_local_channels.md``).

``Local/exten@context[/options]`` works wherever the core takes a dial string (Dial,
``originate``, the FreeSWITCH ``bridge`` application, call files). A request creates
``;1`` (outbound, returned to the requester; it never runs dialplan of its own) and,
when ``;1`` is *called*, ``;2`` (inbound, dialplan ``asterisk``, runs
``exten@context`` from priority 1). Dial defers the call until its ``b()`` pre-dial
routine ran on ``;1``; every other requester calls at once.

At the call (:meth:`LocalPair.call`) ``;2`` gets ``;1``'s connected line as its caller
ID (so the original caller's ID, or a call file's ``CallerID``), ``;1``'s caller as
its connected line, every user variable of ``;1``, the account codes crossed, and the
extension must exist (else ``No such extension/context ... while calling Local
channel`` and the call fails). ``local::bridge`` is fired when ``;2`` exists.

Signalling crosses the pair as in Asterisk: ``;2`` answering answers ``;1``; ringing
and progress go to ``;1`` while ``;2`` is unanswered; a busy or congestion indication
on ``;2`` hangs ``;1`` up with 17/34 (what the caller's Dial counts); ``;2`` hanging
up hangs ``;1`` up with ``;2``'s cause (and ``CHANLOCALSTATUS`` = ``;2``'s
DIALSTATUS); ``;1`` hanging up hangs ``;2`` up with ``;1``'s cause.

Optimisation (Asterisk 12+ rules): when ``;1`` is the peer of a Dial bridge and ``;2``
runs a Dial bridge of its own, and the pair has no ``/n``, the far channel of ``;2``
is moved into ``;1``'s bridge (a swap), ``;2``'s Dial returns (its ``L()`` limit and
anything after it are lost), ``;1`` is hung up (its hangup handlers run now) and so is
``;2`` (its ``h`` and handlers run now). When ``;1`` is in a FreeSWITCH bridge instead
(the ``bridge`` application, ``uuid_bridge``), the two real channels are joined with
``uuid_bridge`` (the FreeSWITCH side then follows its after-bridge rules).
``local::optimization_begin``/``end`` are fired; ``Success`` is reported as Asterisk
does for a swap (``No`` on success).

With ``local_optimization = "masquerade"`` the pair follows Asterisk <= 11
(``check_bridge``) instead: once ``;2`` is bridged (its Dial, or a FreeSWITCH bridge)
and ``;1`` is up, whatever ``;1`` is doing (bridged by the caller's Dial or running an
application such as a call file's Playback), the channel bridged to ``;2`` is
masqueraded into ``;1`` one media frame (:data:`FRAME_SECONDS`) later: the ``;1``
structure carries on under that channel's name and identity, the old structure
becomes ``<;1 name><ZOMBIE>`` with ``;1``'s identity and hangup handlers and is hung
up (its handlers run now), which hangs up ``;2`` (its Dial returns, ``h`` and its
handlers run now). No ``local::optimization_*`` events exist in that mode (Asterisk
<= 11 had none); ``/n`` and an earlier masquerade prevent it.
Options ``j`` (only with ``n``), ``m`` and ``b`` are accepted and have no further
effect on simulated media.
"""

from __future__ import annotations

import uuid as uuidlib
from typing import TYPE_CHECKING, Any

from pyerlsw.switch.asterisk.astevents import LOCAL_SUBCLASSES, ami_snapshot, fire_custom
from pyerlsw.switch.asterisk.causes import core_cause
from pyerlsw.switch.asterisk.diagnostics import DEBUG, LogRecord
from pyerlsw.switch.asterisk.local import (
    LocalTarget,
    local_bridge_fields,
    local_channel_names,
    local_optimization_begin_fields,
    local_optimization_end_fields,
    parse_local_resource,
)
from pyerlsw.switch.asterisk.pbxstate import PbxState, session_cause
from pyerlsw.switch.bridge import uuid_bridge
from pyerlsw.switch.causes import CAUSES
from pyerlsw.switch.dtmf import Digit, receive
from pyerlsw.switch.endpoints import EndpointError, OutgoingRequest
from pyerlsw.switch.masquerade import masquerade
from pyerlsw.switch.session import EndpointDriver

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.astbridge import BridgeLink
    from pyerlsw.switch.asterisk.layer import AsteriskLayer
    from pyerlsw.switch.channel import Channel
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["FRAME_SECONDS", "LocalEndpoint", "LocalPair", "optimize_after_link", "user_variables"]

#: The masquerade-mode check runs on the first media frame written after ``;2`` is
#: bridged: one 20 ms frame later.
FRAME_SECONDS = 0.02

_CORE_VARIABLES = frozenset(
    {
        "direction", "uuid", "session_id", "channel_name", "call_uuid", "originator",
        "originate_disposition", "originate_failed_cause", "originate_causes",
        "current_application", "current_application_data", "current_application_response",
        "last_app", "last_arg", "hangup_cause", "hangup_cause_q850", "bridge_to",
        "bridge_channel", "bridge_uuid", "signal_bond", "last_bridge_to",
        "bridge_hangup_cause", "last_bridge_hangup_cause", "playback_terminator_used",
        "export_vars", "hangupsource",
    }
)  # fmt: skip


def user_variables(channel: Channel) -> dict[str, str]:
    """The variables Asterisk copies from ``;1`` to ``;2``: all of them except what the
    core itself keeps in variables (and the simulated device's ``sim_*`` settings)."""
    return {
        name: value
        for name, value in channel.iter_variables()
        if name not in _CORE_VARIABLES and not name.startswith("sim_")
    }


class LocalPair:
    """One Local channel pair (``;1`` and, once called, ``;2``)."""

    def __init__(
        self, layer: AsteriskLayer, number: int, target: LocalTarget, names: tuple[str, str]
    ) -> None:
        self.layer = layer
        self.number = number
        self.target = target
        self.one_name, self.two_name = names
        self.one: Session | None = None
        self.two: Session | None = None
        self.one_alive = False
        self.two_alive = False
        self.called = False
        self.optimized = False
        self._check: Any = None

    def owner_name(self) -> str | None:
        """``;1``'s name while it exists (``local show channels``)."""
        return self.one_name if self.one_alive else None

    def other_state(self, state: PbxState) -> PbxState | None:
        layer = self.layer
        one = layer.existing_state(self.one) if self.one is not None else None
        two = layer.existing_state(self.two) if self.two is not None else None
        if state is one:
            return two
        if state is two:
            return one
        return None

    # -- the two halves ----------------------------------------------------------------

    def attach_one(self, session: Session, caller_name: str, caller_num: str) -> None:
        self.one = session
        self.one_alive = True
        state = self.layer.state(session)
        state.local, state.local_half = self, 1
        state.context, state.exten = self.target.context, self.target.exten
        state.connected_name, state.connected_num = caller_name, caller_num
        session.watchers.append(self._watch_one)

    def call(self) -> bool:
        """Place the call (``local_call``): start ``;2``. False when it cannot be."""
        if self.called:
            return self.two is not None
        self.called = True
        layer = self.layer
        one = self.one
        if one is None or not one.channel.ready:
            return False
        och = one.channel
        s1 = layer.state(one)
        exten, context = self.target.exten, self.target.context
        if not layer.exists(context, exten, 1, s1.connected_num or None):
            layer.notice(
                f"No such extension/context {exten}@{context} while calling Local channel",
                one,
                "core_local.c",
            )
            return False
        variables = user_variables(och)
        variables["call_uuid"] = och.call_uuid
        try:
            two = layer.switch.new_session(
                name=self.two_name, direction="inbound", destination_number=exten,
                caller_id_name=s1.connected_name, caller_id_number=s1.connected_num,
                dialplan="asterisk", context=context, source="chan_local",
                variables=variables, driver=LocalHalfDriver(self, 2),
            )  # fmt: skip
        except EndpointError as exc:
            layer.notice(f"Unable to start {self.two_name}: {exc}", one, "core_local.c")
            return False
        s2 = layer.state(two)
        s2.local, s2.local_half = self, 2
        s2.context, s2.exten = context, exten
        s2.connected_name, s2.connected_num = s1.caller or (
            och.profile.caller_id_name,
            och.profile.caller_id_number,
        )
        s2.accountcode, s2.peeraccount = s1.peeraccount, s1.accountcode
        s2.language, s2.musicclass = s1.language, s1.musicclass
        self.two = two
        self.two_alive = True
        two.watchers.append(self._watch_two)
        return True

    def fire_bridge_event(self) -> None:
        one, two = self.one, self.two
        if one is None or two is None:
            return
        fields = local_bridge_fields(
            ami_snapshot(one), ami_snapshot(two), context=self.target.context,
            exten=self.target.exten, optimize=not self.target.no_optimize,
        )  # fmt: skip
        fire_custom(two, LOCAL_SUBCLASSES["LocalBridge"], fields)

    def indicate(self, cause: int) -> None:
        """A busy/congestion control from ``;2``: ``;1`` (unanswered) ends with it."""
        one = self.one
        if one is not None and one.channel.ready and not one.channel.answered:
            one.channel.hangup(core_cause(cause))

    def _watch_one(self) -> None:
        try:
            self._on_one_change()
        except Exception as exc:  # a watcher must never break the core's caller
            self.layer.switch.log_exception(exc, f"Local pair {self.one_name} failed")

    def _watch_two(self) -> None:
        try:
            self._on_two_change()
        except Exception as exc:
            self.layer.switch.log_exception(exc, f"Local pair {self.two_name} failed")

    def _on_two_change(self) -> None:
        one, two = self.one, self.two
        if one is None or two is None:
            return
        och, tch = one.channel, two.channel
        if not och.ready:
            return
        if self.masquerading and two.bridge is not None and not self.optimized:
            self.maybe_optimize()
        if not tch.ready:
            status = tch.get_variable("DIALSTATUS")
            if status:
                och.set_variable("CHANLOCALSTATUS", status)
            och.hangup(core_cause(session_cause(two)))
        elif tch.answered:
            if not och.answered:
                och.mark_answered()
        elif tch.early_media and not och.early_media:
            och.mark_pre_answered()
        elif tch.ring_ready and not och.ring_ready:
            och.mark_ring_ready()

    def _on_one_change(self) -> None:
        one, two = self.one, self.two
        if one is None or two is None:
            return
        if one.channel.ready:
            bridge = one.bridge
            if bridge is not None and bridge.active and not self.optimized:
                self.maybe_optimize()
            return
        if not two.channel.ready:
            return
        cause = one.channel.hangup_cause
        two.channel.hangup(cause if cause is not None else CAUSES["NORMAL_CLEARING"])

    def forget(self, session: Session) -> None:
        if session is self.one:
            self.one_alive = False
        elif session is self.two:
            self.two_alive = False
        if not self.one_alive and not self.two_alive:
            self.layer.pairs.pop(self.number, None)
            if self._check is not None:
                self._check.cancel()
                self._check = None

    def moved(self, old: Session, new: Session) -> None:
        """A masquerade moved this pair's half from structure ``old`` to ``new`` (the
        Local technology went with the identity): follow it."""
        for half, watch in ((1, self._watch_one), (2, self._watch_two)):
            if (self.one if half == 1 else self.two) is not old:
                continue
            if half == 1:
                self.one = new
            else:
                self.two = new
            if watch in old.watchers:
                old.watchers.remove(watch)
            new.watchers.append(watch)
            return

    # -- optimisation, Asterisk <= 11 (masquerade) ---------------------------------------

    @property
    def masquerading(self) -> bool:
        return self.layer.config.local_optimization == "masquerade"

    def _bridged_to_two(self) -> Session | None:
        """The channel ``;2`` is bridged to (its Dial's peer or a FreeSWITCH bridge)."""
        two = self.two
        if two is None:
            return None
        link = self.layer.links.get(two.uuid)
        if link is not None and link.owner is two and not link.optimized and link.bridge.active:
            return link.peer
        bridge = two.bridge
        if bridge is not None and bridge.active:
            return bridge.a if bridge.b is two else bridge.b
        return None

    def _masquerade_target(self) -> Session | None:
        one, two = self.one, self.two
        if self.target.no_optimize or self.optimized or one is None or two is None:
            return None
        clone = self._bridged_to_two()
        if clone is None or clone is one or clone is two:
            return None
        if not all(s.channel.ready for s in (one, two, clone)) or not one.channel.answered:
            return None
        return clone

    def _check_bridge(self) -> None:
        if self._check is None and self._masquerade_target() is not None:
            clock = self.layer.switch.clock
            self._check = clock.call_later(FRAME_SECONDS, self._masquerade)

    def _masquerade(self) -> None:
        self._check = None
        clone = self._masquerade_target()
        one = self.one
        if clone is None or one is None:
            return
        self.optimized = True
        layer = self.layer
        och, cch = one.channel, clone.channel
        layer.log(
            LogRecord(
                DEBUG,
                f"Actually Masquerading {cch.name}({_ast_state(cch)}) into the structure "
                f"of {och.name}({_ast_state(och)})",
            ),
            one,
            "channel.c",
        )
        zombie = f"{och.name}<ZOMBIE>"
        if not masquerade(one, clone, clone_name=zombie):
            self.optimized = False

    # -- optimisation ------------------------------------------------------------------

    def maybe_optimize(self) -> None:
        """Optimise the pair away if both halves are bridged (module docstring); in
        masquerade mode, schedule the ``check_bridge`` masquerade."""
        if self.masquerading:
            self._check_bridge()
            return
        layer = self.layer
        one, two = self.one, self.two
        if self.target.no_optimize or self.optimized or one is None or two is None:
            return
        l2 = layer.links.get(two.uuid)
        if l2 is None or l2.owner is not two or l2.optimized:
            return
        l1 = layer.links.get(one.uuid)
        if l1 is not None:
            if l1 is l2 or l1.optimized or l1.peer is not one:
                return
            x = l1.owner
        else:
            core_bridge = one.bridge  # a FreeSWITCH bridge (bridge app, uuid_bridge)
            if core_bridge is None or not core_bridge.active:
                return
            x = core_bridge.a if core_bridge.b is one else core_bridge.b
        y = l2.peer
        if x is two or not all(s.channel.ready for s in (x, one, two, y)):
            return
        self.optimized = True
        layer.optimization_id += 1
        attempt = layer.optimization_id
        begin = local_optimization_begin_fields(
            ami_snapshot(one), ami_snapshot(two), dest_uniqueid=one.uuid,
            attempt_id=attempt, source=ami_snapshot(y),
        )  # fmt: skip
        fire_custom(one, LOCAL_SUBCLASSES["LocalOptimizationBegin"], begin)
        layer.verbose(
            4, f"Move-swap optimizing {one.channel.name} <-- {y.channel.name}.", one, "bridge.c"
        )
        l2.detach_peer()
        for uuid in (two.uuid, y.uuid):
            if layer.links.get(uuid) is l2:
                del layer.links[uuid]
        if l1 is not None:
            l1.swap_peer(y)
            if layer.links.get(one.uuid) is l1:
                del layer.links[one.uuid]
            layer.links[y.uuid] = l1
        else:
            uuid_bridge(x, y)
        # Asterisk reports a successful swap as "Success: No" (res == 1); kept.
        end = local_optimization_end_fields(
            ami_snapshot(one), ami_snapshot(two), success=False, attempt_id=attempt
        )
        fire_custom(one, LOCAL_SUBCLASSES["LocalOptimizationEnd"], end)
        one.channel.hangup(CAUSES["NORMAL_CLEARING"])


def _ast_state(channel: Channel) -> int:
    """Asterisk's numeric channel state (6 Up, 5 Ringing, 4 Ring, 0 Down)."""
    if channel.answered:
        return 6
    if channel.ring_ready:
        return 5
    return 4 if channel.direction == "inbound" else 0


def optimize_after_link(layer: AsteriskLayer, link: BridgeLink) -> None:
    """Called when a Dial bridge starts: try to optimise Local pairs in it."""
    for session in (link.owner, link.peer):
        state = layer.existing_state(session)
        if state is not None and state.local is not None:
            state.local.maybe_optimize()


class LocalHalfDriver(EndpointDriver):
    """Per-half behaviour: ``;1`` calls at init (unless deferred), ``;2`` announces the
    pair; both forget the pair when destroyed."""

    def __init__(self, pair: LocalPair, half: int, *, call_on_init: bool = False) -> None:
        self.pair = pair
        self.half = half
        self.call_on_init = call_on_init

    def on_init(self, session: Session) -> None:
        if self.half == 2:
            self.pair.fire_bridge_event()
        elif self.call_on_init and not self.pair.call():
            session.channel.hangup(CAUSES["NO_ROUTE_DESTINATION"])

    def on_destroy(self, session: Session) -> None:
        self.pair.forget(session)

    def on_dtmf(self, session: Session, digit: Digit) -> None:
        """DTMF written to one half is read on the other (frames are forwarded)."""
        other = self.pair.two if self.half == 1 else self.pair.one
        if other is not None:
            receive(other, digit)


class LocalEndpoint:
    """The ``Local`` endpoint (technology ``Local``, any case)."""

    name = "Local"

    def __init__(self, layer: AsteriskLayer) -> None:
        self.layer = layer

    def create(self, switch: Switch, request: OutgoingRequest) -> Session:
        session, _ = self.request(request, defer=False)
        return session

    def request(self, request: OutgoingRequest, *, defer: bool) -> tuple[Session, LocalPair]:
        """Create ``;1``; with ``defer`` the caller calls :meth:`LocalPair.call` later."""
        layer = self.layer
        if len(layer.pairs) >= layer.config.max_local_pairs:
            layer.warning("Too many Local channel pairs", request.caller, "core_local.c")
            raise EndpointError(CAUSES["SWITCH_CONGESTION"], "too many Local pairs")
        resource = request.leg.address
        target = parse_local_resource(
            resource, log=lambda r: layer.log(r, request.caller, "core_local.c")
        )
        if not target.has_context:
            layer.warning(
                f"Someone used Local/{resource} somewhere without a @context. This is bad.",
                request.caller,
                "core_local.c",
            )
        number = layer.local_counter
        layer.local_counter = (number + 1) & 0xFFFFFFFF
        pair = LocalPair(
            layer, number, target, local_channel_names(target.exten, target.context, number)
        )
        variables = dict(request.variables)
        uuid = variables.pop("origination_uuid", None) or str(uuidlib.uuid4())
        session = layer.switch.new_session(
            name=pair.one_name, direction="outbound", uuid=uuid,
            destination_number=target.exten, caller_id_name=request.caller_id_name,
            caller_id_number=request.caller_id_number, dialplan="asterisk",
            context=target.context, source="chan_local", variables=variables,
            driver=LocalHalfDriver(pair, 1, call_on_init=not defer),
            originator=request.caller, originating=True,
        )  # fmt: skip
        pair.attach_one(session, request.caller_id_name, request.caller_id_number)
        layer.pairs[number] = pair
        return session, pair
