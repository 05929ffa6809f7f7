"""The extensions.conf interpreter: Asterisk's ``__ast_pbx_run`` on a core session.

:meth:`Interpreter.run` executes priorities from a start location
(``asterisk_dialplan.md`` section 3):

* each priority is looked up (own entries, then includes; a missing priority lets a
  less specific pattern supply it), its data substituted, the ``Executing [...]`` line
  logged at verbose 3, and the application run (the Asterisk registry first, then the
  switch's FreeSWITCH applications); 0 goes on at priority + 1, anything else ends the
  PBX with ``Spawn extension (...) exited non-zero``;
* an application returning a digit (BackGround, WaitExten) makes the PBX collect an
  extension (:func:`~pyerlsw.switch.asterisk.apps_digits.collect_extension`);
* a missing next priority is the auto-fallthrough (``DIALSTATUS`` BUSY or CONGESTION/
  CHANUNAVAIL are indicated first); a missing extension goes to ``i``, else ``e``, else
  ends with Asterisk's warning; an unknown start extension falls back to ``s``;
* between priorities queued ``sendmsg`` commands run; a transfer away (a new state or
  extension requested) ends the PBX without running ``h``;
* when the PBX ends the channel is hung up (Asterisk's cause, 0 when none was set),
  then ``h`` of the current context runs, then the hangup handlers, newest first, each
  as an internal Gosub that ignores the hangup (:meth:`Interpreter.gosub_internal`).

Channels that never ran the PBX (Dial's outbound legs, Local ``;1``) run their
handlers from the switch's hangup hook instead (:meth:`Interpreter.run_handlers`).
Every loop is bounded (``max_steps``/``max_hangup_steps``) and yields to the event loop
every ``yield_every`` priorities, so a dialplan loop cannot stall the switch.
"""

from __future__ import annotations

import asyncio
import enum
from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk import logline
from pyerlsw.switch.asterisk.apps_digits import JUMP_DIGITS, collect_extension
from pyerlsw.switch.asterisk.astevents import fire_handler_event
from pyerlsw.switch.asterisk.causes import BUSY, CONGESTION
from pyerlsw.switch.asterisk.functions import gosub_arg_variables
from pyerlsw.switch.asterisk.locations import parse_goto, resolve_goto, split_routine
from pyerlsw.switch.asterisk.lookup import invalid_handler
from pyerlsw.switch.asterisk.model import Priority
from pyerlsw.switch.asterisk.pbxstate import GosubFrame, PbxState
from pyerlsw.switch.asterisk.scope import ChannelScope
from pyerlsw.switch.asterisk.signalling import indicate_failure

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer
    from pyerlsw.switch.session import Session

__all__ = ["End", "Interpreter", "Mode", "fs_literal"]


class Mode(enum.Enum):
    MAIN = "main"  # the channel's PBX
    SUB = "sub"  # an internal Gosub (hangup handler, pre-dial routine)
    H = "h"  # the h extension


class End(enum.Enum):
    ENDED = "ended"
    TRANSFERRED = "transferred"


def fs_literal(text: str) -> str:
    """``text`` protected from the core's FreeSWITCH ``${}`` expansion (the core expands
    application data once more; Asterisk data is already substituted)."""
    if "$" not in text and "\\" not in text:
        return text
    return text.replace("\\", "\\\\").replace("$", "\\$")


class Interpreter:
    """Runs dialplan on sessions for one :class:`AsteriskLayer`."""

    def __init__(self, layer: AsteriskLayer) -> None:
        self.layer = layer

    # -- the PBX -----------------------------------------------------------------------

    async def run(self, session: Session, context: str, exten: str, priority: int = 1) -> None:
        """Run the PBX on ``session`` from ``context,exten,priority`` until it ends."""
        layer = self.layer
        ch = session.channel
        state = layer.state(session)
        state.context, state.exten, state.priority = context, exten or "s", priority
        state.in_pbx = True
        state.h_ran = False
        cid = ch.profile.caller_id_number or None
        if (
            state.exten != "s"
            and not layer.exists(context, state.exten, priority, cid)
            and layer.exists(context, "s", 1, cid)
        ):
            layer.verbose(
                2,
                f"Starting {ch.name} at {context},{state.exten},{priority} failed so falling "
                "back to exten 's'",
                session,
            )
            state.exten, state.priority = "s", 1
        end = End.ENDED
        try:
            end = await self._loop(session, state, Mode.MAIN, ignore_hangup=False)
        finally:
            if end is End.TRANSFERRED:
                state.in_pbx = False
        if end is End.TRANSFERRED:
            return
        await self.finish(session, state)

    async def finish(self, session: Session, state: PbxState) -> None:
        """End of the PBX: hang up, run ``h``, run the hangup handlers."""
        ch = session.channel
        if ch.ready:
            state.hang_up(ch, state.cause if state.cause is not None else 0)
        try:
            await self.run_h(session, state)
            await self.run_handlers(session, state)
        finally:
            state.in_pbx = False

    async def _loop(
        self, session: Session, state: PbxState, mode: Mode, *, ignore_hangup: bool
    ) -> End:
        layer = self.layer
        config = layer.config
        ch = session.channel
        budget = config.max_steps if mode is Mode.MAIN else config.max_hangup_steps
        steps = 0
        state.running += 1
        try:
            while True:
                if not ignore_hangup and not ch.ready:
                    return End.ENDED
                if mode is Mode.MAIN and ch.ready:
                    if session.interrupted():
                        return End.TRANSFERRED
                    if session.pending_commands:
                        await session.process_commands()
                        continue
                steps += 1
                if steps > budget:
                    layer.error(
                        f"Channel '{ch.name}' executed {budget} priorities at "
                        f"{state.context},{state.exten},{state.priority}; stopping (max_steps)",
                        session,
                    )
                    return End.ENDED
                if steps % config.yield_every == 0:
                    await asyncio.sleep(0)
                cid = ch.profile.caller_id_number or None
                result = layer.find(state.context, state.exten, state.priority, cid)
                if result.priority is not None:
                    rc = await self.spawn(session, state, result.priority)
                    if mode is Mode.MAIN and ch.ready and session.interrupted():
                        return End.TRANSFERRED  # moved away (transfer, uuid_bridge...)
                    if rc > 0 and mode is Mode.MAIN and chr(rc) in JUMP_DIGITS:
                        # BackGround/WaitExten returned a digit: collect an extension
                        if not await collect_extension(layer, session, state, chr(rc)):
                            moved = ch.ready and session.interrupted()
                            return End.TRANSFERRED if moved else End.ENDED
                        continue
                    if rc != 0:
                        layer.verbose(
                            2,
                            logline.spawn_exited_nonzero(
                                state.context, state.exten, state.priority, ch.name
                            ),
                            session,
                        )
                        return End.ENDED
                    state.priority += 1
                    continue
                if mode is not Mode.MAIN:
                    return End.ENDED
                if layer.exists(state.context, state.exten, 1, cid):
                    if layer.dialplan.general.autofallthrough:
                        await self.auto_fallthrough(session, state)
                    return End.ENDED
                if not self.invalid_extension(session, state, cid):
                    return End.ENDED
        finally:
            state.running -= 1

    async def spawn(self, session: Session, state: PbxState, priority: Priority) -> int:
        """Execute one priority (``pbx_extension_helper``); returns the app's result."""
        layer = self.layer
        ch = session.channel
        registry = layer.apps
        app = registry.get(priority.app)
        if app is None:
            registry = layer.switch.applications
            app = registry.get(priority.app)
        state.current = priority
        if app is None:
            layer.warning(
                f"No application '{priority.app}' for extension ({state.context}, "
                f"{state.exten}, {state.priority}){state.where()}",
                session,
            )
            return -1
        data = ChannelScope(layer, session, state).app_data(priority.data)
        layer.verbose(
            3,
            logline.executing(
                exten=state.exten,
                context=state.context,
                priority=state.priority,
                app=app.name,
                channel=ch.name,
                data=data,
            ),
            session,
        )
        state.rc = 0
        await registry.execute(session, app.name, fs_literal(data))
        return state.rc if registry is layer.apps else 0

    async def auto_fallthrough(self, session: Session, state: PbxState) -> None:
        status = ChannelScope(self.layer, session, state).get_variable("DIALSTATUS")
        self.layer.verbose(3, logline.auto_fallthrough(session.channel.name, status), session)
        seconds = self.layer.config.busy_indication_seconds
        if status == "BUSY":
            await indicate_failure(self.layer, session, state, BUSY, seconds)
        elif status in ("CONGESTION", "CHANUNAVAIL"):
            await indicate_failure(self.layer, session, state, CONGESTION, seconds)

    def invalid_extension(self, session: Session, state: PbxState, cid: str | None) -> bool:
        """Send the channel to ``i`` or ``e``; False (after the warning) when neither
        exists."""
        layer = self.layer
        ch = session.channel
        context, exten, priority = state.context, state.exten, state.priority
        if layer.dialplan.context(context) is None:
            layer.error(
                f"Context '{context}' does not exist in {layer.dialplan_file} "
                f"(channel '{ch.name}', extension {exten}){state.where()}",
                session,
            )
        handler = invalid_handler(layer.dialplan, context, cid, now=layer.switch.clock.now())
        if handler is None:
            layer.warning(
                f"Channel '{ch.name}' sent to invalid extension but no invalid handler: "
                f"context,exten,priority={context},{exten},{priority}",
                session,
            )
            return False
        scope = ChannelScope(layer, session, state)
        if handler == "i":
            layer.verbose(3, logline.invalid_extension(ch.name, context, exten, priority), session)
            scope.set_variable("INVALID_EXTEN", exten)
        else:
            scope.set_variable("EXCEPTION", "INVALID")
        state.exten, state.priority = handler, 1
        return True

    # -- h and hangup handlers ---------------------------------------------------------

    async def run_h(self, session: Session, state: PbxState) -> None:
        """Run the ``h`` extension of the current context once."""
        layer = self.layer
        cid = session.channel.profile.caller_id_number or None
        if state.h_ran or not layer.exists(state.context, "h", 1, cid):
            return
        state.h_ran = True
        state.exten, state.priority = "h", 1
        await self._loop(session, state, Mode.H, ignore_hangup=True)

    async def run_handlers(self, session: Session, state: PbxState) -> None:
        """Run every hangup handler, newest first (``ast_pbx_hangup_handler_run``)."""
        while True:
            handler = state.handlers.take_next()
            if handler is None:
                return
            fire_handler_event(session, "Run", handler)
            state.current = None  # messages name no extensions.conf line
            await self.gosub_internal(session, state, handler, ignore_hangup=True)

    async def gosub_internal(
        self, session: Session, state: PbxState, routine: str, *, ignore_hangup: bool
    ) -> bool:
        """Run ``routine`` (``[[context,]exten,]priority[(args)]``) as Asterisk's internal
        Gosub and restore the location; False when it could not start."""
        layer = self.layer
        ch = session.channel
        layer.verbose(3, logline.gosub_start(ch.name, routine), session)
        saved = (state.context, state.exten, state.priority, state.current)
        frame = self.push_gosub(session, state, routine, special=True)
        if frame is None:
            state.context, state.exten, state.priority, state.current = saved
            return False
        state.priority += 1  # push_gosub left it one before the target, for the loop
        try:
            await self._loop(session, state, Mode.SUB, ignore_hangup=ignore_hangup)
        finally:
            scope = ChannelScope(layer, session, state)
            if frame in state.stack:
                layer.warning(logline.gosub_abnormal_exit(ch.name, routine), session)
                while state.stack:
                    popped = state.stack.pop()
                    self.release_frame(session, popped)
                    if popped is frame:
                        break
                scope.set_variable("GOSUB_RETVAL", "")
            else:
                retval = scope.get_variable("GOSUB_RETVAL") or ""
                layer.verbose(3, logline.gosub_complete(ch.name, routine, retval), session)
            state.context, state.exten, state.priority, state.current = saved
        return True

    # -- Gosub frames ------------------------------------------------------------------

    def push_gosub(
        self, session: Session, state: PbxState, text: str, *, special: bool = False
    ) -> GosubFrame | None:
        """Push a frame and jump to ``text``; None (after Asterisk's error) when the
        address is invalid or does not exist."""
        layer = self.layer
        scope = ChannelScope(layer, session, state)
        location, args = split_routine(text, scope.log)
        target = parse_goto(location)
        where = state.where()
        if target is None:
            layer.error(f"Gosub requires an argument{where}", session)
            return None
        if len(state.stack) >= layer.config.max_gosub_depth:
            layer.error(
                f"Gosub stack is full ({layer.config.max_gosub_depth} frames): '{text}'{where}",
                session,
            )
            return None
        cid = session.channel.profile.caller_id_number or None
        resolved = resolve_goto(
            layer.dialplan, target, context=state.context, exten=state.exten,
            priority=state.priority, callerid=cid, log=scope.log, now=layer.switch.clock.now(),
        )  # fmt: skip
        if resolved is None:
            layer.error(f"Gosub address is invalid: '{text}'{where}", session)
            return None
        context, exten, priority = resolved
        if not layer.exists(context, exten, priority, cid):
            layer.error(
                f"Gosub attempted to reach non-existent destination '{context},{exten},"
                f"{priority}' from '{state.context},{state.exten},{state.priority}'{where}",
                session,
            )
            return None
        outer_argc = state.stack[-1].argc if state.stack else 0
        values = gosub_arg_variables(args, outer_argc)
        argc = int(values[-1][1])
        frame = GosubFrame(state.context, state.exten, state.priority + 1, argc, special)
        for name, value in values:
            self.frame_set(session, frame, name, value)
        state.stack.append(frame)
        state.goto(context, exten, priority)
        return frame

    @staticmethod
    def frame_set(session: Session, frame: GosubFrame, name: str, value: str) -> None:
        """Set a frame-local variable (remembering the value it hides)."""
        ch = session.channel
        if name not in frame.saved:
            frame.saved[name] = ch.get_variable(name)
        ch.set_variable(name, value)

    @staticmethod
    def release_frame(session: Session, frame: GosubFrame) -> None:
        """Restore what the frame's locals hid."""
        ch = session.channel
        for name, old in frame.saved.items():
            ch.set_variable(name, old)
        frame.saved.clear()
