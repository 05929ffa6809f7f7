"""Originate: ring the legs of a dial string and return the first that answers.

:func:`originate` follows ``switch_ivr_originate``: groups separated by ``|`` are tried
one after another, the legs of a group (``,``) ring together. The first leg to answer
wins; the others are hung up with LOSE_RACE. A group fails when every leg failed (the
cause is the last failure's) or when its timeout passes (remaining legs are hung up
with NO_ANSWER). When the calling channel hangs up first, every leg is hung up with
ORIGINATOR_CANCEL. Ringing and early media of a leg are passed to the calling channel
(CHANNEL_PROGRESS / CHANNEL_PROGRESS_MEDIA) unless ``ignore_early_media=true``.

Timeout per group, in decreasing priority: the leg's ``leg_timeout``, the dial
string's ``originate_timeout`` / ``call_timeout``, the caller's ``call_timeout``, the
``timeout`` argument, the configured default (60 s).

The winner keeps the ``originating`` flag cleared and waits in CS_CONSUME_MEDIA for the
caller to decide (bridge it, transfer it, run an application).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyerlsw.switch.causes import CAUSES, cause_name, dial_status
from pyerlsw.switch.dialplan.strings import is_true
from pyerlsw.switch.dialstring import DialLeg, DialString, DialStringError, parse
from pyerlsw.switch.endpoints import EndpointError, OutgoingRequest

if TYPE_CHECKING:
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["OriginateError", "OriginateResult", "originate"]

DEFAULT_CID_NAME = "FreeSWITCH"
DEFAULT_CID_NUMBER = "0000000000"


class OriginateError(Exception):
    """Originate failed; ``cause`` is the hangup cause (``cause_name`` its name)."""

    def __init__(self, cause: int) -> None:
        super().__init__(cause_name(cause))
        self.cause = cause

    @property
    def cause_name(self) -> str:
        return cause_name(self.cause)


@dataclass(slots=True)
class OriginateResult:
    """The answered leg (None on failure), the cause and each failed leg's cause."""

    session: Session | None
    cause: int
    failures: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.session is not None


def _float(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number > 0 else None


def _exported(caller: Session) -> dict[str, str]:
    """Variables the caller passes on (its ``export_vars`` list)."""
    ch = caller.channel
    out: dict[str, str] = {}
    names = ch.get_variable("export_vars")
    if not names:
        return out
    for raw in names.split(","):
        name = raw.strip()
        if not name:
            continue
        if name.startswith("nolocal:"):
            value = ch.get_variable(name)
            name = name[len("nolocal:") :]
        else:
            value = ch.get_variable(name)
        if value is not None:
            out[name] = value
    return out


@dataclass(slots=True)
class _Plan:
    """What every leg of one originate shares."""

    switch: Switch
    caller: Session | None
    base: Mapping[str, str]
    cid_name: str | None
    cid_number: str | None
    timeout: float
    ignore_early: bool
    failures: list[tuple[str, int]] = field(default_factory=list)


def _create_leg(plan: _Plan, leg: DialLeg) -> Session:
    switch, caller = plan.switch, plan.caller
    endpoint = switch.endpoints.resolve(leg.technology)
    if endpoint is None:
        switch.log(3, f"Could not locate channel type {leg.technology}\n")
        raise EndpointError(CAUSES["CHAN_NOT_IMPLEMENTED"])
    variables = dict(plan.base)
    variables.update(leg.variables)
    name = variables.get("origination_caller_id_name")
    number = variables.get("origination_caller_id_number")
    dialplan = context = ""
    if caller is not None:
        cch = caller.channel
        name = name or cch.get_variable("effective_caller_id_name") or cch.profile.caller_id_name
        number = (
            number or cch.get_variable("effective_caller_id_number") or cch.profile.caller_id_number
        )
        dialplan, context = cch.profile.dialplan, cch.profile.context
        variables.setdefault("call_uuid", cch.call_uuid)
        variables.setdefault("originator", caller.uuid)
    request = OutgoingRequest(
        leg=leg,
        variables=variables,
        caller=caller,
        caller_id_name=name or plan.cid_name or DEFAULT_CID_NAME,
        caller_id_number=number or plan.cid_number or DEFAULT_CID_NUMBER,
        dialplan=dialplan,
        context=context,
    )
    return endpoint.create(switch, request)


async def originate(
    switch: Switch,
    dial: str | DialString,
    *,
    caller: Session | None = None,
    timeout: float | None = None,
    cid_name: str | None = None,
    cid_number: str | None = None,
    variables: Mapping[str, str] | None = None,
) -> OriginateResult:
    """Ring ``dial``; see the module docstring. Never raises for call failures."""
    try:
        parsed = dial if isinstance(dial, DialString) else parse(dial)
    except DialStringError as exc:
        switch.log(
            3, f"Invalid dial string [{dial}]: {exc}\n", uuid=caller.uuid if caller else None
        )
        return OriginateResult(None, CAUSES.get(exc.cause, CAUSES["INVALID_URL"]))
    base: dict[str, str] = _exported(caller) if caller is not None else {}
    if variables:
        base.update(variables)
    default_timeout = timeout or switch.config.originate_timeout
    if caller is not None:
        default_timeout = _float(caller.channel.get_variable("call_timeout")) or default_timeout
    for name in ("call_timeout", "originate_timeout"):
        default_timeout = _float(parsed.variable(name)) or default_timeout
    ignore_early = is_true(parsed.variable("ignore_early_media")) or (
        caller is not None and is_true(caller.channel.get_variable("ignore_early_media"))
    )
    plan = _Plan(switch, caller, base, cid_name, cid_number, default_timeout, ignore_early)
    failures = plan.failures
    cause = CAUSES["NO_ROUTE_DESTINATION"]
    for group in parsed.groups:
        if caller is not None and not caller.channel.ready:
            cause = CAUSES["ORIGINATOR_CANCEL"]
            break
        winner, cause = await _ring_group(plan, group)
        if winner is not None:
            _record(caller, winner, None, failures)
            return OriginateResult(winner, CAUSES["SUCCESS"], failures)
        if cause == CAUSES["ORIGINATOR_CANCEL"]:
            break
    _record(caller, None, cause, failures)
    return OriginateResult(None, cause, failures)


def _record(
    caller: Session | None,
    winner: Session | None,
    cause: int | None,
    failures: list[tuple[str, int]],
) -> None:
    if caller is None or not caller.channel.ready:
        if winner is not None and caller is None:
            winner.channel.flags.discard("originating")
        return
    ch = caller.channel
    if failures:
        ch.set_variable(
            "originate_causes",
            "ARRAY::" + "|:".join(f"{uuid};{cause_name(c)}" for uuid, c in failures),
        )
    if winner is not None:
        winner.channel.flags.discard("originating")
        ch.set_variable("originate_disposition", "SUCCESS")
        ch.set_variable("DIALSTATUS", "SUCCESS")
        ch.set_other("originatee", winner.channel)
        winner.channel.set_other("originator", ch)
    else:
        name = cause_name(cause if cause is not None else CAUSES["NORMAL_CLEARING"])
        ch.set_variable("originate_disposition", name)
        ch.set_variable("originate_failed_cause", name)
        ch.set_variable("DIALSTATUS", dial_status(cause))


async def _ring_group(plan: _Plan, group: tuple[DialLeg, ...]) -> tuple[Session | None, int]:
    switch, caller, failures = plan.switch, plan.caller, plan.failures
    ignore_early = plan.ignore_early
    clock = switch.clock
    loop = asyncio.get_running_loop()
    cause = CAUSES["NO_ROUTE_DESTINATION"]
    pending: list[tuple[Session, float]] = []
    for leg in group:
        try:
            session = _create_leg(plan, leg)
        except EndpointError as exc:
            cause = exc.cause
            failures.append(("", exc.cause))
            continue
        leg_timeout = _float(leg.variable("leg_timeout")) or plan.timeout
        pending.append((session, clock.monotonic() + leg_timeout))
    if not pending:
        return None, cause
    waiter: list[asyncio.Future[None]] = []

    def poke() -> None:
        if waiter and not waiter[0].done():
            waiter[0].set_result(None)

    watched = [s for s, _ in pending] + ([caller] if caller is not None else [])
    for session in watched:
        session.watchers.append(poke)
    try:
        while True:
            if caller is not None and not caller.channel.ready:
                for session, _ in pending:
                    session.channel.hangup(CAUSES["ORIGINATOR_CANCEL"])
                return None, CAUSES["ORIGINATOR_CANCEL"]
            now = clock.monotonic()
            survivors: list[tuple[Session, float]] = []
            winner: Session | None = None
            for session, deadline in pending:
                ch = session.channel
                if not ch.ready:
                    cause = ch.hangup_cause if ch.hangup_cause is not None else cause
                    failures.append((session.uuid, cause))
                    continue
                if ch.answered and winner is None:
                    winner = session
                    continue
                if now >= deadline:
                    ch.hangup(CAUSES["NO_ANSWER"])
                    cause = CAUSES["NO_ANSWER"]
                    failures.append((session.uuid, cause))
                    continue
                survivors.append((session, deadline))
                if caller is not None and not ignore_early:
                    cch = caller.channel
                    if ch.early_media and not cch.early_media and not cch.answered:
                        cch.mark_pre_answered()
                    elif ch.ring_ready and not cch.ring_ready and not cch.answered:
                        cch.mark_ring_ready()
            if winner is not None:
                for session, _ in survivors:
                    session.channel.hangup(CAUSES["LOSE_RACE"])
                return winner, CAUSES["SUCCESS"]
            pending = survivors
            if not pending:
                return None, cause
            fut: asyncio.Future[None] = loop.create_future()
            waiter[:] = [fut]
            nearest = min(deadline for _, deadline in pending) - clock.monotonic()
            await clock.wait(fut, max(nearest, 0.0))
    except asyncio.CancelledError:
        for session, _ in pending:
            session.channel.hangup(CAUSES["ORIGINATOR_CANCEL"])
        raise
    finally:
        for session in watched:
            if poke in session.watchers:
                session.watchers.remove(poke)
