"""The call-file spooler on the switch clock (``pbx_spool``; ``asterisk_dialplan.md``
section 9).

:class:`CallFileSpool` drives :class:`~pyerlsw.switch.asterisk.spool.SpoolDirectory`
from the switch's clock: it scans the ``outgoing`` directory every ``spool_interval``
seconds (sooner when a scheduled file falls due), and dials each due file:

* the channel is requested from its endpoint (``Local/201@devices``, ``SIP/100``...)
  with the file's ``CallerID`` as caller ID and connected line, ``Account`` as both
  account codes, ``AST_OUTGOING_ATTEMPT`` and the ``Set:`` lines applied in order
  (function writes included) before the call is placed;
* it waits ``WaitTime`` seconds for an answer; then ``Application``/``Data`` runs on
  the channel (``Launching App(data) on chan``, data not substituted) or the dialplan
  starts at ``Context``/``Extension``/``Priority``; the file is completed when that
  channel is gone (``Call completed to Tech/Dest``);
* a failure reports the reason (1 hangup, 3 ringing/no answer, 5 busy, 8 congestion,
  0 otherwise), runs the ``failed`` extension of a Context/Extension file on a dummy
  ``OutgoingSpoolFailed`` channel with ``${REASON}``, and retries or expires the file.

Mtimes are compared with the switch clock, so on the virtual clock tests schedule a
file by setting its mtime in virtual time. The rule that a file must be moved in, not
written in place, is the spooler's (see :mod:`~pyerlsw.switch.asterisk.spool`).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyerlsw.switch.asterisk.callfile import CallFile
from pyerlsw.switch.asterisk.causes import BUSY, CONGESTION, asterisk_cause
from pyerlsw.switch.asterisk.diagnostics import LogRecord
from pyerlsw.switch.asterisk.engine import PBX_APPLICATION
from pyerlsw.switch.asterisk.localchan import LocalEndpoint, LocalPair
from pyerlsw.switch.asterisk.pbx import fs_literal
from pyerlsw.switch.asterisk.spool import CallOutcome, SpoolDirectory, Spooler, StartCall
from pyerlsw.switch.asterisk.waiting import Waker
from pyerlsw.switch.causes import CAUSES
from pyerlsw.switch.dialplan.base import Action
from pyerlsw.switch.dialstring import DialLeg
from pyerlsw.switch.endpoints import EndpointError, OutgoingRequest

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer
    from pyerlsw.switch.session import Session

__all__ = ["CallFileSpool", "failure_reason"]

#: The core application that runs one Asterisk application (see install.py).
_APP_APPLICATION = "asterisk_app"


def failure_reason(cause: int | None, rang: bool) -> int:
    """Asterisk's outgoing-call reason for a channel that did not answer."""
    if cause is None:
        return 3 if rang else 0
    ast = asterisk_cause(cause)
    if ast == BUSY:
        return 5
    if ast == CONGESTION:
        return 8
    return 1


class CallFileSpool:
    """Watches one spool directory for a layer (create it with :meth:`start`)."""

    def __init__(self, layer: AsteriskLayer, outgoing: Path, done: Path) -> None:
        self.layer = layer
        config = layer.config
        self.directory = SpoolDirectory(
            outgoing,
            done,
            self._dial,
            spooler=Spooler(pid=os.getpid(), settle=config.spool_settle, log=self._log),
            log=self._log,
            interval=config.spool_interval,
        )
        self._timer: Any = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.stopped = False
        self._saw_running = False
        layer.directories["spool"] = str(outgoing.parent)

    @classmethod
    def start(cls, layer: AsteriskLayer) -> CallFileSpool | None:
        """Start watching the configured directory; None when spooling is off."""
        paths = layer.config.spool_paths()
        if paths is None:
            return None
        outgoing, done = paths
        try:
            outgoing.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            layer.error(f"Unable to create spool directory {outgoing}: {exc}", None, "pbx_spool.c")
            return None
        spool = cls(layer, outgoing, done)
        spool._schedule(0.0)
        return spool

    def stop(self) -> None:
        self.stopped = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for task in list(self._tasks):
            task.cancel()

    def _log(self, record: LogRecord) -> None:
        self.layer.log(record, None, "pbx_spool.c")

    def _schedule(self, delay: float) -> None:
        if self.stopped:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.layer.switch.clock.call_later(delay, self._poll)

    def poll(self) -> None:
        """Scan now (also what the timer does)."""
        clock = self.layer.switch.clock
        now = clock.now()
        try:
            self.directory.poll(now)
        except Exception as exc:  # a broken file system must not stop the switch
            self.layer.switch.log_exception(exc, "call-file spool scan failed")
        interval = self.directory.interval
        wake = self.directory.spooler.next_wakeup()
        delay = interval if wake is None else min(interval, max(0.0, wake - now))
        self._schedule(max(delay, 0.001))

    def _poll(self) -> None:
        self._timer = None
        running = self.layer.switch.running
        if running:
            self._saw_running = True
        elif self._saw_running:
            self.stop()  # the switch stopped: no more scans
        if not self.stopped:
            self.poll()

    def _dial(self, start: StartCall) -> None:
        task = asyncio.get_running_loop().create_task(self._attempt(start))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _attempt(self, start: StartCall) -> None:
        try:
            outcome = await self._place(start)
        except Exception as exc:
            self.layer.switch.log_exception(exc, f"call file {start.name} failed")
            outcome = CallOutcome(False, 0)
        if not self.stopped:
            self.directory.call_ended(start.name, outcome, self.layer.switch.clock.now())
            self._schedule(0.0)

    async def _place(self, start: StartCall) -> CallOutcome:
        layer = self.layer
        call = start.call
        switch = layer.switch
        endpoint = switch.endpoints.resolve(call.tech)
        if endpoint is None:
            layer.notice(f"Unable to create channel of type '{call.tech}'", None, "pbx_spool.c")
            return self._failed(call, 0)
        is_local = isinstance(endpoint, LocalEndpoint)
        name = f"{call.tech}/{call.dest}" if is_local else layer.channel_name(call.tech, call.dest)
        request = OutgoingRequest(
            leg=DialLeg(name, call.tech, call.dest),
            variables={"AST_OUTGOING_ATTEMPT": str(start.attempt)},
            caller_id_name=call.callerid_name,
            caller_id_number=call.callerid_num,
            dialplan="asterisk",
            context=call.context or "default",
        )
        pair: LocalPair | None = None
        try:
            if isinstance(endpoint, LocalEndpoint):
                session, pair = endpoint.request(request, defer=True)
            else:
                session = endpoint.create(switch, request)
        except EndpointError as exc:
            return self._failed(call, failure_reason(exc.cause, False))
        state = layer.state(session)
        state.accountcode = state.peeraccount = call.account
        state.connected_name, state.connected_num = call.callerid_name, call.callerid_num
        scope = layer.scope(session)
        for name, value in call.variables:
            scope.assign(name, value)
        if pair is not None and not pair.call():
            session.channel.hangup(CAUSES["NO_ROUTE_DESTINATION"])
            return self._failed(call, 0)
        answered, rang = await self._wait_answer(session, call.wait_time)
        ch = session.channel
        if not answered:
            cause = ch.hangup_cause
            if ch.ready:
                ch.hangup(CAUSES["NO_ANSWER"])
                cause = None
            return self._failed(call, failure_reason(cause, rang))
        layer.verbose(4, f"Channel {ch.name} was answered.", session, "pbx_spool.c")
        ch.flags.discard("originating")
        if call.application:
            layer.verbose(
                4, f"Launching {call.application}({call.data}) on {ch.name}", session, "pbx.c"
            )
            action = Action(_APP_APPLICATION, fs_literal(f"{call.application}({call.data})"))
        else:
            location = f"{call.context or ch.profile.context},{call.extension},{call.priority}"
            action = Action(PBX_APPLICATION, fs_literal(location))
        session.transfer_to_extension([action])
        await session.destroyed
        return CallOutcome(True)

    async def _wait_answer(self, session: Session, wait_time: float) -> tuple[bool, bool]:
        clock = self.layer.switch.clock
        ch = session.channel
        deadline = clock.monotonic() + wait_time
        waker = Waker(clock, [session])
        try:
            while True:
                round_ = waker.arm()
                if not ch.ready:
                    return False, ch.ring_ready
                if ch.answered:
                    return True, True
                remaining = deadline - clock.monotonic()
                if remaining <= 0:
                    return False, ch.ring_ready
                await waker.wait(round_, remaining)
        finally:
            waker.close()

    def _failed(self, call: CallFile, reason: int) -> CallOutcome:
        layer = self.layer
        context = call.context or "default"
        if not call.application and layer.exists(context, "failed", 1):
            self._run_failed(call, context, reason)
        return CallOutcome(False, reason)

    def _run_failed(self, call: CallFile, context: str, reason: int) -> None:
        layer = self.layer
        try:
            session = layer.switch.new_session(
                name="OutgoingSpoolFailed", direction="inbound", destination_number="failed",
                dialplan="asterisk", context=context, source="pbx_spool",
                variables={"REASON": str(reason)},
            )  # fmt: skip
        except EndpointError as exc:
            layer.notice(f"Unable to run the failed extension: {exc}", None, "pbx_spool.c")
            return
        scope = layer.scope(session)
        for name, value in call.variables:
            scope.assign(name, value)
