"""The Asterisk layer of one switch: what the interpreter, the applications, the
endpoints and the API commands share.

An :class:`AsteriskLayer` owns the loaded dialplan and its globals, the function
registry (case-insensitive, as Asterisk's applications and functions are meant to be
used here), the Asterisk application registry, the AstDB, the Local pairs and the
bridges Dial made, and routes every Asterisk log record to the switch's log bus
(verbose lines with Asterisk's console prefix, e.g. ``    -- Executing [...]``).

Asterisk applications live in their own registry (an instance of the core's
:class:`~pyerlsw.switch.applications.ApplicationRegistry`, so running one fires the
same CHANNEL_EXECUTE/CHANNEL_EXECUTE_COMPLETE events as a FreeSWITCH application).
extensions.conf looks an application up there first and then in the switch's
FreeSWITCH registry, so ``same => n,erlang(myhandler mynode@host)`` or ``park`` work;
on a name both have (``Answer``/``answer``, ``Set``/``set``, ``Hangup``, ``Log``,
``Playback``) extensions.conf gets Asterisk's. FreeSWITCH dialplans keep the FreeSWITCH
applications and reach an Asterisk one with ``asterisk_app`` (``App(data)``).

Create it with :func:`~pyerlsw.switch.asterisk.install.install_asterisk`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pyerlsw.switch.applications import ApplicationRegistry
from pyerlsw.switch.asterisk.appcall import AppCall, AstAppFunction
from pyerlsw.switch.asterisk.astdb import AstDB
from pyerlsw.switch.asterisk.config import (
    ParseResult,
    load_extensions_conf,
    parse_extensions_conf,
)
from pyerlsw.switch.asterisk.diagnostics import (
    DEBUG,
    ERROR,
    NOTICE,
    VERBOSE,
    WARNING,
    LogRecord,
)
from pyerlsw.switch.asterisk.functions import FunctionRegistry, register_builtin_functions
from pyerlsw.switch.asterisk.logline import console_line
from pyerlsw.switch.asterisk.lookup import LookupResult, find_extension
from pyerlsw.switch.asterisk.model import Dialplan
from pyerlsw.switch.asterisk.pbxstate import STATE_KEY, PbxState
from pyerlsw.switch.asterisk.scope import ChannelScope
from pyerlsw.switch.asterisk.settings import AsteriskConfig

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.astbridge import BridgeLink
    from pyerlsw.switch.asterisk.callfiles import CallFileSpool
    from pyerlsw.switch.asterisk.localchan import LocalPair
    from pyerlsw.switch.asterisk.pbx import Interpreter
    from pyerlsw.switch.asterisk.voicemail import VoicemailRecord
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["AsteriskLayer"]

_LEVELS = {DEBUG: 7, VERBOSE: 6, NOTICE: 5, WARNING: 4, ERROR: 3}


class AsteriskLayer:
    """Shared state of the Asterisk emulation on ``switch`` (one per switch)."""

    def __init__(self, switch: Switch, config: AsteriskConfig) -> None:
        from pyerlsw.switch.asterisk.pbx import Interpreter

        self.switch: Switch = switch
        self.config: AsteriskConfig = config
        self.functions = register_builtin_functions(FunctionRegistry(case_sensitive=False))
        self.apps = ApplicationRegistry(switch)
        self.dialplan = Dialplan.build([])
        self.dialplan_file = config.extensions_conf or "extensions.conf"
        self.globals: dict[str, str] = {}
        self.astdb = AstDB(
            config.astdb_path(), log=self._astdb_log, synchronous=config.astdb_synchronous
        )
        self.pairs: dict[int, LocalPair] = {}
        self.links: dict[str, BridgeLink] = {}
        self.voicemails: list[VoicemailRecord] = []
        self.local_counter = 0
        self.channel_counter = 0
        self.optimization_id = 0
        self.entity_id: str = _entity_id(switch.core_uuid)
        self.directories: dict[str, str] = {}
        self.interpreter: Interpreter = Interpreter(self)
        self.spool: CallFileSpool | None = None
        self.closed = False

    # -- registration ------------------------------------------------------------------

    def register_app(self, name: str, impl: AstAppFunction, *, synopsis: str = "") -> None:
        """Register an Asterisk application under its Asterisk spelling."""
        layer = self

        async def run(session: Session, data: str) -> str | None:
            state = layer.state(session)
            try:
                rc = await impl(AppCall(layer, session, state), data)
            except Exception as exc:  # an application bug ends this PBX, not the switch
                layer.switch.log_exception(
                    exc, f"Asterisk application {name} failed", uuid=session.uuid
                )
                rc = -1
            state.rc = rc
            return None

        self.apps.register(name, run, description=synopsis)

    # -- dialplan ----------------------------------------------------------------------

    def load_dialplan(self) -> ParseResult:
        """(Re)load extensions.conf from the configuration; problems are logged with
        their file and line, and the rest of the file still loads."""
        cfg = self.config

        def sink(record: LogRecord) -> None:
            self.log(record, None, source="pbx_config.c")

        if cfg.extensions_conf:
            path = Path(cfg.extensions_conf).expanduser()
            result = load_extensions_conf(
                path, log=sink, functions=self.functions, astdb=self.astdb
            )
            self.directories["etc"] = str(path.parent)
        elif cfg.extensions_text is not None:
            result = parse_extensions_conf(
                cfg.extensions_text, log=sink, functions=self.functions, astdb=self.astdb
            )
        else:
            result = ParseResult(Dialplan.build([]))
        self.dialplan = result.dialplan
        self.globals = result.dialplan.global_variables()
        return result

    def find(self, context: str, exten: str, priority: int, callerid: str | None) -> LookupResult:
        return find_extension(
            self.dialplan,
            context,
            exten,
            priority=priority,
            callerid=callerid,
            now=self.switch.clock.now(),
            log=self._plain_log,
        )

    def exists(
        self, context: str, exten: str, priority: int = 1, callerid: str | None = None
    ) -> bool:
        return self.find(context, exten, priority, callerid).found

    def find_label(self, context: str, exten: str, label: str, callerid: str | None) -> int:
        result = find_extension(
            self.dialplan, context, exten, label=label, callerid=callerid,
            now=self.switch.clock.now(),
        )  # fmt: skip
        return result.priority.number if result.priority is not None else -1

    def hint(self, context: str, exten: str) -> tuple[str, str]:
        ctx = self.dialplan.context(context)
        if ctx is None:
            return "", ""
        return ctx.hints().get(exten, ""), ""

    # -- channels ----------------------------------------------------------------------

    def state(self, session: Session) -> PbxState:
        """The session's :class:`PbxState` (created on first use)."""
        state = session.private.get(STATE_KEY)
        if isinstance(state, PbxState):
            return state
        profile = session.channel.profile
        state = PbxState(
            context=profile.context or "default",
            exten=profile.destination_number or "s",
            language=self.config.language,
            response_timeout=self.config.response_timeout,
        )
        session.private[STATE_KEY] = state
        return state

    def existing_state(self, session: Session) -> PbxState | None:
        state = session.private.get(STATE_KEY)
        return state if isinstance(state, PbxState) else None

    def scope(self, session: Session) -> ChannelScope:
        return ChannelScope(self, session, self.state(session))

    def sessions(self) -> Iterator[Session]:
        """Live sessions in creation order."""
        return iter(list(self.switch.sessions.values()))

    def session_by_name(self, name: str) -> Session | None:
        for session in self.sessions():
            if session.channel.name == name:
                return session
        return None

    def next_channel_number(self) -> int:
        number = self.channel_counter
        self.channel_counter = (self.channel_counter + 1) & 0xFFFFFFFF
        return number

    def channel_name(self, tech: str, resource: str) -> str:
        """The name of a channel this layer requests (Dial's legs, call files):
        ``Tech/device-%08x`` as Asterisk names them, or ``Tech/resource`` when
        ``asterisk_channel_names`` is off."""
        if not self.config.asterisk_channel_names:
            return f"{tech}/{resource}"
        device = resource.partition("/")[0] or resource
        return f"{tech}/{device}-{self.next_channel_number():08x}"

    async def hangup_hook(self, session: Session) -> None:
        """Core hangup hook: run the handlers of a channel whose PBX did not (Dial's
        outbound legs, Local ``;1``, call-file channels running one application)."""
        state = self.existing_state(session)
        if state is None or not len(state.handlers) or state.running:
            return
        await self.interpreter.run_handlers(session, state)

    def masquerade_hook(self, original: Session, clone: Session) -> None:
        """Core masquerade hook (:mod:`pyerlsw.switch.masquerade`): what Asterisk moves
        with the identity moves with it - the hangup-handler stacks (swapped, so the
        zombie runs the handlers of the identity it now carries), connected line,
        account codes and the Local pair a half belongs to; the dialplan location and
        the Gosub stack stay with the running structure. Dial bridge links are
        re-indexed under the structures' new UUIDs."""
        so, sc = self.state(original), self.state(clone)
        so.handlers.swap(sc.handlers)
        so.connected_name, sc.connected_name = sc.connected_name, so.connected_name
        so.connected_num, sc.connected_num = sc.connected_num, so.connected_num
        so.caller, sc.caller = sc.caller, so.caller
        so.accountcode, sc.accountcode = sc.accountcode, so.accountcode
        so.peeraccount, sc.peeraccount = sc.peeraccount, so.peeraccount
        so.local, sc.local = sc.local, so.local
        so.local_half, sc.local_half = sc.local_half, so.local_half
        if so.local is not None:
            so.local.moved(clone, original)
        if sc.local is not None:
            sc.local.moved(original, clone)
        links = self.links
        of_original = links.pop(clone.uuid, None)  # still under the original's old UUID
        of_clone = links.pop(original.uuid, None)
        if of_original is not None:
            links[original.uuid] = of_original
        if of_clone is not None:
            links[clone.uuid] = of_clone

    def destroy_hook(self, session: Session) -> None:
        """Core destroy hook: forget the channel's bridge link."""
        link = self.links.get(session.uuid)
        if link is not None and session.uuid in link.uuids():
            del self.links[session.uuid]

    # -- logging -----------------------------------------------------------------------

    def log(self, record: LogRecord, session: Session | None = None, source: str = "pbx.c") -> None:
        """Send an Asterisk log record to the switch's log bus."""
        if record.level == VERBOSE:
            if record.verbosity > self.config.verbose:
                return
            text = console_line(record.verbosity, record.message)
        else:
            text = record.message
        self.switch.log(
            _LEVELS.get(record.level, 7),
            text,
            uuid=session.uuid if session is not None else None,
            file=record.file or source,
            function=record.function or "",
            line=record.line or 0,
        )

    def verbose(
        self, level: int, message: str, session: Session | None = None, source: str = "pbx.c"
    ) -> None:
        self.log(LogRecord(VERBOSE, message, verbosity=level), session, source)

    def warning(self, message: str, session: Session | None = None, source: str = "pbx.c") -> None:
        self.log(LogRecord(WARNING, message), session, source)

    def error(self, message: str, session: Session | None = None, source: str = "pbx.c") -> None:
        self.log(LogRecord(ERROR, message), session, source)

    def notice(self, message: str, session: Session | None = None, source: str = "pbx.c") -> None:
        self.log(LogRecord(NOTICE, message), session, source)

    def _plain_log(self, record: LogRecord) -> None:
        self.log(record)

    def _astdb_log(self, record: LogRecord) -> None:
        self.log(record, None, source="db.c")

    # -- shutdown ----------------------------------------------------------------------

    def close(self) -> None:
        """Release the AstDB (the install's ``uninstall`` calls this)."""
        if not self.closed:
            self.closed = True
            self.astdb.close()


def _entity_id(core_uuid: str) -> str:
    digest = hashlib.sha1(core_uuid.encode(), usedforsecurity=False).hexdigest()[:12]
    return ":".join(digest[i : i + 2] for i in range(0, 12, 2))


def data_directory(config: AsteriskConfig) -> str:
    return os.fspath(Path(config.data_dir).expanduser()) if config.data_dir else ""
