"""``Dial(Tech/res[&Tech2/res2...][,timeout[,options[,URL]]])`` on core channels
(``app_dial.c``; ``asterisk_local_channels.md`` section 6).

In order: the ``DIAL*`` variables are cleared; options are parsed (``L()``/``S()``
limits checked); ``B()`` runs a Gosub on the caller; each ``&`` destination is
requested from its endpoint with the call deferred (``SIP/``, ``PJSIP/``, ``DAHDI/``...
reach simulated devices, which exist but are not contacted yet; ``Local/`` pairs) and
receives the caller's ``_``/``__`` variables; ``b()`` runs a Gosub on every new leg
(``;1`` for Local) - the device has not been contacted, and what the routine sets
(``sim_result``...) is what the device sees; then each leg is called (``Called
Tech/res``, or ``Couldn't call`` when a Local extension does not exist or the leg is
gone), as ``ast_call`` after ``ast_pre_call``. Outbound legs are named ``Tech/resource-%08x`` like
Asterisk's channels (``asterisk_channel_names``).

Waiting: ringing (``X is ringing``) and progress are passed to the caller; a leg that
hangs up counts as busy (17), congestion (34), nothing (16, 19) or no channel (any
other cause, 0 included); when no leg is left the status is BUSY, CONGESTION or
CHANUNAVAIL if every line is accounted for (``Everyone is busy/congested at this
time``), else NOANSWER; the timeout gives NOANSWER (``Nobody picked up in N ms``) and
the caller hanging up CANCEL. The first leg to answer wins (``X answered Y``): the
caller is answered, the other legs are hung up (ANSWERED_ELSEWHERE, the core's
LOSE_RACE), DIALSTATUS is ANSWER and the two are bridged
(:func:`~pyerlsw.switch.asterisk.astbridge.bridge_call`). After the bridge Dial
returns -1 (option ``g``: 0 while the caller is up) and the caller inherits the peer's
hangup cause. Options used: ``b``, ``B``, ``g``, ``r``, ``m``, ``L``, ``S``, ``Q``;
the others are accepted and ignored.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk.appcall import AppCall
from pyerlsw.switch.asterisk.astbridge import Outcome, bridge_call
from pyerlsw.switch.asterisk.causes import (
    AST_CAUSES,
    BUSY,
    CONGESTION,
    NO_ANSWER,
    NORMAL_CLEARING,
    asterisk_cause,
    core_cause,
    parse_hangup_cause,
)
from pyerlsw.switch.asterisk.dialopts import (
    CallLimit,
    DialOptions,
    OptionError,
    parse_limit,
    parse_options,
    parse_timeout,
)
from pyerlsw.switch.asterisk.hangup_handlers import expand_handler
from pyerlsw.switch.asterisk.localchan import LocalEndpoint, LocalPair
from pyerlsw.switch.asterisk.pbxstate import session_cause
from pyerlsw.switch.asterisk.substitution import separate_args
from pyerlsw.switch.asterisk.variables import inherited_variables
from pyerlsw.switch.asterisk.waiting import Waker, hangup_processed
from pyerlsw.switch.causes import CAUSES
from pyerlsw.switch.dialstring import DialLeg
from pyerlsw.switch.endpoints import EndpointError, OutgoingRequest, place_call
from pyerlsw.switch.states import ChannelState

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer
    from pyerlsw.switch.session import Session

__all__ = ["DIAL_VARIABLES", "register"]

DIAL_VARIABLES = (
    "DIALSTATUS", "DIALEDPEERNUMBER", "DIALEDPEERNAME", "ANSWEREDTIME", "ANSWEREDTIME_MS",
    "DIALEDTIME", "DIALEDTIME_MS", "RINGTIME", "RINGTIME_MS", "PROGRESSTIME",
    "PROGRESSTIME_MS",
)  # fmt: skip
_CAUSE_NAMES = {number: name for name, number in reversed(AST_CAUSES)}


@dataclass(slots=True)
class _Leg:
    session: Session
    interface: str
    resource: str
    pair: LocalPair | None = None
    rang: bool = False
    progressed: bool = False


@dataclass(slots=True)
class _Counts:
    lines: int = 0
    busy: int = 0
    congestion: int = 0
    nochan: int = 0

    def count(self, core: int | None) -> str:
        """Count a failed line by its cause; returns ``busy``/``congestion``/``nochan``
        or ``""`` (not counted)."""
        cause = asterisk_cause(core)
        if cause == BUSY:
            self.busy += 1
            return "busy"
        if cause == CONGESTION:
            self.congestion += 1
            return "congestion"
        if cause in (NORMAL_CLEARING, NO_ANSWER):
            return ""
        self.nochan += 1
        return "nochan"

    def all_failed(self) -> bool:
        return self.lines == self.busy + self.congestion + self.nochan

    def text(self) -> str:
        return f"({self.lines}:{self.busy}/{self.congestion}/{self.nochan})"


def _limit(call: AppCall, options: DialOptions) -> tuple[CallLimit | None, bool]:
    """The ``L()``/``S()`` limit and whether the options are usable."""
    if options.has("L"):
        limit = parse_limit(options.arg("L"))
        if limit is None:
            call.warning(f"Bridge does not accept L({options.arg('L')})", "features.c")
            return None, False
        return limit, True
    if options.has("S"):
        try:
            seconds = float(options.arg("S"))
        except ValueError:
            seconds = 0.0
        if seconds <= 0:
            call.warning(f"Invalid duration for S(): '{options.arg('S')}'", "app_dial.c")
            call.scope.set_variable("DIALSTATUS", "INVALIDARGS")
            return None, False
        return CallLimit(int(seconds * 1000)), True
    return None, True


def _leg_caller(call: AppCall, original_clid: bool) -> tuple[str, str]:
    """Asterisk's caller ID for a leg whose driver presets none (app_dial.c): the
    caller's exten as number, its hint name - else its connected name - as name; with
    ``o`` the caller's own caller ID."""
    state = call.state
    if original_clid:
        profile = call.session.channel.profile
        return state.caller or (profile.caller_id_name, profile.caller_id_number)
    name = call.layer.hint(state.context, state.exten)[1] or state.connected_name
    return name, state.exten


def _request(
    call: AppCall, tech: str, resource: str, counts: _Counts, *, original_clid: bool = False
) -> _Leg | None:
    layer, session = call.layer, call.session
    ch = session.channel
    endpoint = layer.switch.endpoints.resolve(tech)
    if endpoint is None:
        counts.lines += 1
        counts.count(CAUSES["CHAN_NOT_IMPLEMENTED"])
        call.notice(
            f"Unable to create channel of type '{tech}' (cause 66 - CHAN_NOT_IMPLEMENTED)",
            "app_dial.c",
        )
        return None
    variables = dict(inherited_variables(ch.iter_variables()))
    variables["call_uuid"] = ch.call_uuid
    profile = ch.profile
    is_local = isinstance(endpoint, LocalEndpoint)
    name = f"{tech}/{resource}" if is_local else layer.channel_name(tech, resource)
    request = OutgoingRequest(
        leg=DialLeg(name, tech, resource),
        variables=variables,
        caller=session,
        caller_id_name=profile.caller_id_name,
        caller_id_number=profile.caller_id_number,
        dialplan=profile.dialplan,
        context=profile.context,
        defer_call=True,
    )
    pair = None
    try:
        if isinstance(endpoint, LocalEndpoint):
            leg_session, pair = endpoint.request(request, defer=True)
        else:
            leg_session = endpoint.create(layer.switch, request)
    except EndpointError as exc:
        counts.lines += 1
        counts.count(exc.cause)
        cause = asterisk_cause(exc.cause)
        call.notice(
            f"Unable to create channel of type '{tech}' (cause {cause} - "
            f"{_CAUSE_NAMES.get(cause, 'Unknown')})",
            "app_dial.c",
        )
        return None
    counts.lines += 1
    leg_state = layer.state(leg_session)
    if pair is None:
        leg_state.context = call.state.context
    leg_state.exten = call.state.exten
    leg_state.connected_name = profile.caller_id_name
    leg_state.connected_num = profile.caller_id_number
    leg_state.caller = _leg_caller(call, original_clid)
    return _Leg(leg_session, f"{tech}/{resource}", resource, pair)


async def _created(legs: list[_Leg]) -> None:
    """Let the new legs' tasks start (CHANNEL_CREATE ...) before anything runs on them."""
    for _ in range(100):
        if all(leg.session.channel.running_state != ChannelState.CS_NEW for leg in legs):
            return
        await asyncio.sleep(0)


async def _predial(call: AppCall, routine: str, sessions: list[Session]) -> None:
    interpreter = call.layer.interpreter
    saved = call.state.current
    for session in sessions:
        state = call.layer.state(session)
        await interpreter.gosub_internal(session, state, routine, ignore_hangup=False)
    call.state.current = saved


def _set(call: AppCall, name: str, value: str) -> None:
    call.scope.set_variable(name, value)


async def dial(call: AppCall, data: str) -> int:
    layer, session, state = call.layer, call.session, call.state
    scope = call.scope
    ch = session.channel
    clock = layer.switch.clock
    for name in DIAL_VARIABLES:
        scope.unset_variable(name)
    args = separate_args(data, ",", 4)
    if not args or not args[0]:
        call.warning("Dial requires an argument (technology/number)", "app_dial.c")
        _set(call, "DIALSTATUS", "INVALIDARGS")
        return -1
    try:
        options = parse_options(args[2] if len(args) > 2 else "")
    except OptionError as exc:
        call.warning(str(exc), "app.c")
        _set(call, "DIALSTATUS", "INVALIDARGS")
        return -1
    limit, usable = _limit(call, options)
    if not usable:
        return -1
    answer_timeout, progress_timeout, timeout_warning = parse_timeout(
        args[1] if len(args) > 1 else ""
    )
    if timeout_warning:
        call.warning(timeout_warning, "app_dial.c")
    if not ch.ready:
        call.verbose(3, "Caller hung up before dial.", "app_dial.c")
        _set(call, "DIALSTATUS", "CANCEL")
        return -1
    destinations = []
    for item in args[0].split("&"):
        if not item:
            continue
        tech, slash, resource = item.partition("/")
        if not slash or not tech:
            call.warning(
                f"Dial argument takes format (technology/resource){state.where()}", "app_dial.c"
            )
            _set(call, "DIALSTATUS", "INVALIDARGS")
            return -1
        destinations.append((tech, resource))
    if options.has("B"):
        await _predial(call, options.arg("B").replace("^", ","), [session])
        if not ch.ready:
            _set(call, "DIALSTATUS", "CANCEL")
            return -1
    started = clock.monotonic()
    counts = _Counts()
    original = options.has("o")
    legs = [
        leg
        for tech, res in destinations
        if (leg := _request(call, tech, res, counts, original_clid=original))
    ]
    await _created(legs)
    if options.has("b") and legs:
        routine = expand_handler(
            options.arg("b").replace("^", ","), context=state.context, exten=state.exten
        )
        await _predial(call, routine, [leg.session for leg in legs])
    called: list[_Leg] = []
    for leg in legs:
        placed = leg.pair.call() if leg.pair is not None else place_call(leg.session)
        if not placed:
            call.verbose(3, f"Couldn't call {leg.interface}", "app_dial.c")
            leg.session.channel.hangup(CAUSES["NO_ROUTE_DESTINATION"])
            counts.lines -= 1
            continue
        call.verbose(3, f"Called {leg.interface}", "app_dial.c")
        called.append(leg)
    if not called:
        call.verbose(3, "No devices or endpoints to dial (technology/resource)", "app_dial.c")
        _set(call, "DIALEDTIME", "0")
        _set(call, "DIALSTATUS", "CHANUNAVAIL")
        return 0
    if options.has("r"):
        ch.mark_ring_ready()
    elif options.has("m"):
        ch.mark_pre_answered()
    winner, status = await _wait_for_answer(
        call,
        called,
        counts,
        "NOANSWER",
        answer_timeout=answer_timeout,
        progress_timeout=progress_timeout,
        options=options,
    )
    _set(call, "DIALEDTIME", str(int(clock.monotonic() - started)))
    timeout = layer.switch.config.hangup_hook_timeout
    await hangup_processed(clock, [leg.session for leg in called if leg is not winner], timeout)
    if winner is None:
        _set(call, "DIALSTATUS", status)
        return -1 if status == "CANCEL" else 0
    return await _connect(call, winner, limit, options, started)


async def _wait_for_answer(
    call: AppCall,
    legs: list[_Leg],
    counts: _Counts,
    status: str,
    *,
    answer_timeout: float | None,
    progress_timeout: float | None,
    options: DialOptions,
) -> tuple[_Leg | None, str]:
    session = call.session
    ch = session.channel
    clock = call.layer.switch.clock
    active = list(legs)
    start = clock.monotonic()
    answer_at = start + answer_timeout if answer_timeout else None
    progress_at = start + progress_timeout if progress_timeout else None
    got_progress = False
    waker = Waker(clock, [session, *(leg.session for leg in legs)])
    try:
        while True:
            round_ = waker.arm()
            if not ch.ready or session.interrupted():
                cause = ch.hangup_cause if ch.hangup_cause is not None else NORMAL_CLEARING
                for leg in active:
                    leg.session.channel.hangup(cause)
                return None, "CANCEL"
            winner = None
            for leg in list(active):
                lch = leg.session.channel
                if lch.ready and lch.answered:
                    winner = leg
                    break
                if not lch.ready:
                    active.remove(leg)
                    kind = counts.count(lch.hangup_cause)
                    if kind == "busy":
                        call.verbose(3, f"{lch.name} is busy", "app_dial.c")
                    elif kind == "congestion":
                        call.verbose(3, f"{lch.name} is circuit-busy", "app_dial.c")
                    continue
                if lch.ring_ready and not leg.rang:
                    leg.rang = got_progress = True
                    call.verbose(3, f"{lch.name} is ringing", "app_dial.c")
                    if not options.has("m") and not ch.answered:
                        ch.mark_ring_ready()
                if lch.early_media and not leg.progressed:
                    leg.progressed = got_progress = True
                    call.verbose(
                        3, f"{lch.name} is making progress passing it to {ch.name}", "app_dial.c"
                    )
                    if not options.has("r") and not options.has("m"):
                        ch.mark_pre_answered()
            if winner is not None:
                lose = CAUSES["LOSE_RACE"]
                if options.has("Q"):
                    lose = core_cause(parse_hangup_cause(options.arg("Q")) or 26)
                for leg in active:
                    if leg is not winner:
                        leg.session.channel.hangup(lose)
                return winner, "ANSWER"
            if not active:
                if counts.lines and counts.all_failed():
                    call.verbose(
                        2, f"Everyone is busy/congested at this time {counts.text()}", "app_dial.c"
                    )
                    if counts.busy:
                        return None, "BUSY"
                    if counts.congestion:
                        return None, "CONGESTION"
                    return None, "CHANUNAVAIL"
                if legs:
                    call.verbose(
                        2, f"No one is available to answer at this time {counts.text()}",
                        "app_dial.c",
                    )  # fmt: skip
                return None, status
            now = clock.monotonic()
            if answer_at is not None and now >= answer_at:
                ms = int((answer_timeout or 0) * 1000)
                call.verbose(3, f"Nobody picked up in {ms} ms", "app_dial.c")
                for leg in active:
                    leg.session.channel.hangup(CAUSES["NO_ANSWER"])
                return None, "NOANSWER"
            if progress_at is not None and not got_progress and now >= progress_at:
                ms = int((progress_timeout or 0) * 1000)
                call.verbose(3, f"No early media received in {ms} ms", "app_dial.c")
                for leg in active:
                    leg.session.channel.hangup(CAUSES["NO_ANSWER"])
                return None, "CHANUNAVAIL"
            pending = (answer_at, None if got_progress else progress_at)
            deadlines = [t for t in pending if t is not None]
            timeout = max(0.0, min(deadlines) - now) if deadlines else None
            await waker.wait(round_, timeout)
    finally:
        waker.close()


async def _connect(
    call: AppCall, winner: _Leg, limit: CallLimit | None, options: DialOptions, started: float
) -> int:
    layer, session = call.layer, call.session
    ch = session.channel
    peer = winner.session
    call.verbose(3, f"{peer.channel.name} answered {ch.name}", "app_dial.c")
    _set(call, "DIALSTATUS", "ANSWER")
    _set(call, "DIALEDPEERNAME", peer.channel.name)
    _set(call, "DIALEDPEERNUMBER", winner.resource)
    clock = layer.switch.clock
    answered_at = clock.monotonic()
    _set(call, "RINGTIME", str(int(answered_at - started)))
    if not ch.answered:
        ch.mark_answered()
    outcome, last_peer = await bridge_call(layer, session, peer, limit=limit)
    if outcome is not Outcome.OPTIMIZED:
        await hangup_processed(clock, [last_peer], layer.switch.config.hangup_hook_timeout)
    talk = clock.monotonic() - answered_at
    _set(call, "ANSWEREDTIME", str(int(talk)))
    _set(call, "ANSWEREDTIME_MS", str(int(talk * 1000)))
    if ch.ready and outcome is not Outcome.OPTIMIZED:
        peer_down = last_peer.channel.hangup_cause is not None
        call.state.cause = session_cause(last_peer) if peer_down else NORMAL_CLEARING
    if options.has("g") and ch.ready and outcome is not Outcome.OPTIMIZED:
        return 0
    return -1


def register(layer: AsteriskLayer) -> None:
    """Register ``Dial`` on ``layer``."""
    layer.register_app("Dial", dial, synopsis="Attempt to connect to another device or endpoint")
