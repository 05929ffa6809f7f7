"""The extensions.conf loader (``pbx/pbx_config.c``): text in, immutable
:class:`~pyerlsw.switch.asterisk.model.Dialplan` out.

Sections: ``[general]`` (settings), ``[globals]`` (``NAME=value``, substituted in order
against the globals before them), every other non-template section is a context
(repeated sections merge). In a context (spec section 1):

* ``exten => ext[/cid],prio[(label)],App(data)`` and ``same => prio[(label)],App(data)``
  (``same`` reuses the last ``exten`` line's extension, ``/cid`` included);
* priorities: a number, ``n``/``next`` (last priority *of this context section* + 1),
  ``s``/``same``, ``hint``, an existing label of the extension, each optionally ``+N``;
* the first ``(`` starts the data and the **last** ``)`` ends it; no ``(`` means no data;
* ``${GLOBAL}`` references in the extension name are substituted at load time;
* ``include => ctx[,times,weekdays,mdays,months[,tz]]``, ``ignorepat => pattern``;
* ``switch``/``lswitch``/``eswitch`` are recorded but not supported (warning).

Every problem is a log record with Asterisk's message, file and line; a bad line is
skipped and the parse goes on. :func:`load_extensions_conf` reads a file (with
``#include``), :func:`parse_extensions_conf` parses text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyerlsw.switch.asterisk.astdb import AstDB
from pyerlsw.switch.asterisk.conffile import Category, ConfigLimits, ConfigLine, ConfigReader
from pyerlsw.switch.asterisk.diagnostics import (
    ERROR,
    WARNING,
    LogCollector,
    LogRecord,
    LogSink,
)
from pyerlsw.switch.asterisk.functions import FunctionRegistry
from pyerlsw.switch.asterisk.model import (
    Context,
    Dialplan,
    GeneralSettings,
    Include,
    Priority,
    make_context,
    make_extension,
)
from pyerlsw.switch.asterisk.strings import is_true, shrink_phone_number
from pyerlsw.switch.asterisk.substitution import Substituter
from pyerlsw.switch.asterisk.timing import parse_timing

__all__ = [
    "ParseResult",
    "is_true",
    "load_extensions_conf",
    "parse_extensions_conf",
    "shrink_phone_number",
]

_HINT = -1
_SCANF_INT = re.compile(r"\s*([+-]?\d+)")


@dataclass(frozen=True, slots=True)
class ParseResult:
    """The dialplan and every record logged while building it."""

    dialplan: Dialplan
    records: tuple[LogRecord, ...] = field(default_factory=tuple)

    @property
    def problems(self) -> tuple[LogRecord, ...]:
        """The WARNING and ERROR records."""
        return tuple(r for r in self.records if r.level in (WARNING, ERROR))


class _LoadScope:
    """Substitution at load time: globals only, plus optional functions (no channel)."""

    def __init__(
        self, globals_: dict[str, str], functions: FunctionRegistry | None,
        astdb: AstDB | None, log: LogSink,
    ) -> None:  # fmt: skip
        self.globals = globals_
        self.functions = functions
        self._astdb = astdb
        self._log = log

    # Scope
    def variable(self, name: str) -> str | None:
        return self.globals.get(name)

    def function(self, call: str) -> str | None:
        if self.functions is None:
            self._log(LogRecord(ERROR, f"Function {call.partition('(')[0]} not registered"))
            return None
        return self.functions.read(self, call)

    # FunctionContext
    def get_variable(self, name: str) -> str | None:
        return self.variable(name)

    def set_variable(self, name: str, value: str) -> None:
        self.globals[name] = value

    def log(self, record: LogRecord) -> None:
        self._log(record)

    @property
    def astdb(self) -> AstDB | None:
        return self._astdb


@dataclass(slots=True)
class _ExtBuilder:
    name: str
    cid: str | None
    priorities: dict[int, Priority] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)
    hint: str | None = None


@dataclass(slots=True)
class _CtxBuilder:
    name: str
    extensions: dict[tuple[str, str | None], _ExtBuilder] = field(default_factory=dict)
    includes: list[Include] = field(default_factory=list)
    ignore_patterns: list[str] = field(default_factory=list)
    switches: list[str] = field(default_factory=list)


class _Loader:
    def __init__(
        self, log: LogSink, functions: FunctionRegistry | None, astdb: AstDB | None
    ) -> None:
        self.log = log
        self.globals: dict[str, str] = {}
        self.global_list: list[tuple[str, str]] = []
        self.current: ConfigLine | None = None
        self.scope = _LoadScope(self.globals, functions, astdb, self.located)
        self.substituter = Substituter(self.scope, log=self.located)
        self.contexts: dict[str, _CtxBuilder] = {}
        self.general: dict[str, str] = {}
        self.general_order: list[tuple[str, str]] = []

    def warn(self, message: str, line: ConfigLine) -> None:
        self.log(LogRecord(WARNING, message, line.file, line.line))

    def error(self, message: str, line: ConfigLine) -> None:
        self.log(LogRecord(ERROR, message, line.file, line.line))

    def located(self, record: LogRecord) -> None:
        """Log a record from substitution, attributed to the line being loaded."""
        if record.file is None and self.current is not None:
            record = LogRecord(
                record.level, record.message, self.current.file, self.current.line,
                record.verbosity,
            )  # fmt: skip
        self.log(record)

    def subst(self, text: str) -> str:
        return self.substituter.substitute(text) if "$" in text else text

    # -- sections ---------------------------------------------------------------

    def load(self, categories: Iterable[Category]) -> None:
        categories = [c for c in categories if not c.is_template]
        for cat in categories:
            if cat.name.lower() == "general":
                for line in cat.lines:
                    self.general[line.name.lower()] = line.value
                    self.general_order.append((line.name, line.value))
        for cat in categories:
            if cat.name.lower() == "globals":
                for line in cat.lines:
                    self.current = line
                    value = self.subst(line.value)
                    self.globals[line.name] = value
                    self.global_list.append((line.name, value))
        for cat in categories:
            if cat.name.lower() not in ("general", "globals"):
                self.context_section(cat)

    def context_section(self, cat: Category) -> None:
        ctx = self.contexts.get(cat.name)
        if ctx is None:
            ctx = self.contexts[cat.name] = _CtxBuilder(cat.name)
        state = _SectionState()
        for line in cat.lines:
            self.current = line
            name = line.name.lower()
            if name == "exten" or name.startswith("same"):
                self.exten_line(ctx, state, line, is_same=name != "exten")
            elif name == "include":
                self.include_line(ctx, line)
            elif name == "ignorepat":
                pattern = self.subst(line.value)
                if pattern in ctx.ignore_patterns:
                    self.warn(
                        f"Unable to include ignorepat '{line.value}' in context '{ctx.name}' "
                        f"at line {line.line} of {line.file}",
                        line,
                    )
                else:
                    ctx.ignore_patterns.append(pattern)
            elif name in ("switch", "lswitch", "eswitch"):
                ctx.switches.append(line.value)
                self.warn(
                    f"Alternative switch '{line.value}' in context '{ctx.name}' at line "
                    f"{line.line} of {line.file} is not supported; ignored",
                    line,
                )
            else:
                self.warn(
                    f"==!!== Unknown directive: {line.name} at line {line.line} of "
                    f"{line.file} -- IGNORING!!!",
                    line,
                )

    def include_line(self, ctx: _CtxBuilder, line: ConfigLine) -> None:
        value = self.subst(line.value)
        match = re.search(r"[,|]", value)
        name = value[: match.start()] if match else value
        timing_text = value[match.end() :] if match else ""
        if not name:
            self.warn(f"Invalid include '{line.value}' at line {line.line} of {line.file}", line)
            return
        if any(i.text.lower() == value.lower() for i in ctx.includes):
            self.warn(
                f"The requested context '{line.value}' is already included in '{ctx.name}' "
                f"context on include at line {line.line} of {line.file}",
                line,
            )
            return

        def timing_log(record: LogRecord) -> None:
            self.log(LogRecord(record.level, record.message, line.file, line.line))

        timing = parse_timing(timing_text, timing_log) if match else None
        ctx.includes.append(Include(name, timing, value, line.file, line.line))

    # -- exten / same -------------------------------------------------------------

    def exten_line(
        self, ctx: _CtxBuilder, state: _SectionState, line: ConfigLine, *, is_same: bool
    ) -> None:
        where = f"at line {line.line} of {line.file}"
        if is_same:
            if state.last_extension is None:
                self.error(
                    f"No previous pattern in the first entry of context '{ctx.name}' to match "
                    f"'{line.value}' {where}!",
                    line,
                )
                return
            realext = state.last_extension
            rest: str | None = line.value
        else:
            ext, comma, after = line.value.partition(",")
            realext = self.subst(ext.strip())
            state.last_extension = realext
            rest = after if comma else None
        pri_text, comma, appl = (rest or "").partition(",")
        if not comma:
            appl = ""
        pri = pri_text.strip()
        label: str | None = None
        if "(" in pri:
            pri, _, label = pri.partition("(")
            close = label.find(")")
            if close >= 0:
                label = label[:close]
            else:
                self.warn(f"Label missing trailing ')' {where}", line)
        plus: str | None = None
        if "+" in pri:
            pri, _, plus = pri.partition("+")
        extname, slash, cid_raw = realext.partition("/")
        cid = shrink_phone_number(cid_raw) if slash else None
        key = (extname, cid)
        ipri = self.priority_number(ctx=ctx, state=state, key=key, pri=pri, where=where, line=line)
        if ipri is None:
            return
        if plus:
            m = _SCANF_INT.match(plus)
            ipri += int(m.group(1)) if m else 0
        if ipri != _HINT and ipri < 1:
            self.warn(f"Invalid priority/label '{pri_text.strip()}' {where}", line)
            return
        state.last_priority = ipri
        if extname in ("_.", "_!"):
            self.warn(
                f"The use of '{extname}' for an extension is strongly discouraged and can have "
                f"unexpected behavior.  Please use '_X{extname[1]}' instead {where}",
                line,
            )
        if not extname:
            self.warn(f"Unable to register extension {where}", line)
            return
        app, data = self.split_application(appl, where, line)
        entry = ctx.extensions.get(key)
        if entry is None:
            entry = ctx.extensions[key] = _ExtBuilder(extname, cid)
        self.add_priority(
            ctx=ctx, entry=entry, number=ipri, label=label, app=app, data=data, appl=appl,
            where=where, line=line,
        )  # fmt: skip

    def priority_number(
        self,
        *,
        ctx: _CtxBuilder,
        state: _SectionState,
        key: tuple[str, str | None],
        pri: str,
        where: str,
        line: ConfigLine,
    ) -> int | None:
        if pri == "hint":
            return _HINT
        if pri in ("next", "n"):
            if state.last_priority is None:
                self.warn(f"Can't use 'next' priority on the first entry {where}!", line)
                return None
            return state.last_priority + 1
        if pri in ("same", "s"):
            if state.last_priority is None:
                self.warn(f"Can't use 'same' priority on the first entry {where}!", line)
                return None
            return state.last_priority
        m = _SCANF_INT.match(pri)
        if m:
            return int(m.group(1))
        entry = ctx.extensions.get(key)
        if entry is not None and pri in entry.labels:
            return entry.labels[pri]
        self.warn(f"Invalid priority/label '{pri}' {where}", line)
        return None

    def split_application(self, appl: str, where: str, line: ConfigLine) -> tuple[str, str]:
        paren = appl.find("(")
        if paren < 0:
            app, data = appl, ""
        else:
            name = appl[:paren]
            if "${" in name or "$[" in name:
                app, data = appl, ""
            else:
                data = appl[paren + 1 :]
                close = data.rfind(")")
                if close >= 0:
                    data = data[:close]
                else:
                    self.warn(f"No closing parenthesis found? '{name}({data}' {where}", line)
                app = name
        return app.lstrip("".join(chr(c) for c in range(33))), data

    def add_priority(
        self,
        *,
        ctx: _CtxBuilder,
        entry: _ExtBuilder,
        number: int,
        label: str | None,
        app: str,
        data: str,
        appl: str,
        where: str,
        line: ConfigLine,
    ) -> None:
        shown = entry.name if entry.cid is None else f"{entry.name}/{entry.cid}"
        if number == _HINT:
            if entry.hint is not None:
                self.warn(
                    f"Unable to register extension '{shown}' priority -1 in '{ctx.name}', "
                    "already in use",
                    line,
                )
                self.warn(f"Unable to register extension {where}", line)
                return
            entry.hint = appl.lstrip()
            return
        if number in entry.priorities:
            self.warn(
                f"Unable to register extension '{shown}' priority {number} in '{ctx.name}', "
                "already in use",
                line,
            )
            self.warn(f"Unable to register extension {where}", line)
            return
        if label and label in entry.labels:
            self.warn(
                f"Extension '{shown}', priority {number} in '{ctx.name}', label '{label}' "
                f"already in use at priority {entry.labels[label]}",
                line,
            )
            self.warn(f"Unable to register extension {where}", line)
            return
        entry.priorities[number] = Priority(number, app, data, label or None, line.file, line.line)
        if label:
            entry.labels[label] = number

    # -- result -------------------------------------------------------------------

    def general_settings(self) -> GeneralSettings:
        g = self.general
        return GeneralSettings(
            static=is_true(g.get("static", "no")),
            writeprotect=is_true(g.get("writeprotect", "no")),
            autofallthrough=is_true(g.get("autofallthrough", "yes")),
            clearglobalvars=is_true(g.get("clearglobalvars", "no")),
            extenpatternmatchnew=is_true(g.get("extenpatternmatchnew", "no")),
            userscontext=g.get("userscontext", ""),
            raw=tuple(self.general_order),
        )

    def build(self, files: Iterable[str]) -> Dialplan:
        contexts: list[Context] = []
        for ctx in self.contexts.values():
            extensions = [
                make_extension(e.name, e.cid, e.priorities.values(), e.hint)
                for e in ctx.extensions.values()
            ]
            contexts.append(
                make_context(ctx.name, extensions, ctx.includes, ctx.ignore_patterns, ctx.switches)
            )
        for ctx in self.contexts.values():
            for inc in ctx.includes:
                if inc.context not in self.contexts:
                    self.log(
                        LogRecord(
                            WARNING,
                            f"Context '{ctx.name}' tries to include nonexistent context "
                            f"'{inc.context}'",
                            inc.file,
                            inc.line,
                        )
                    )
        if self.general_settings().extenpatternmatchnew:
            self.log(
                LogRecord(
                    WARNING,
                    "extenpatternmatchnew=yes is not supported; the classic match order is used",
                )
            )
        return Dialplan.build(contexts, self.global_list, self.general_settings(), files)


@dataclass(slots=True)
class _SectionState:
    last_extension: str | None = None
    last_priority: int | None = None


def _finish(
    reader: ConfigReader,
    collector: LogCollector,
    log: LogSink | None,
    functions: FunctionRegistry | None,
    astdb: AstDB | None,
) -> ParseResult:
    def sink(record: LogRecord) -> None:
        collector(record)
        if log is not None:
            log(record)

    loader = _Loader(sink, functions, astdb)
    loader.load(reader.categories)
    dialplan = loader.build(reader.files)
    return ParseResult(dialplan, tuple(collector.records))


def parse_extensions_conf(
    text: str,
    filename: str = "extensions.conf",
    *,
    config_dir: str | os.PathLike[str] | None = None,
    log: LogSink | None = None,
    limits: ConfigLimits | None = None,
    functions: FunctionRegistry | None = None,
    astdb: AstDB | None = None,
) -> ParseResult:
    """Parse extensions.conf ``text``; ``#include`` names resolve against
    ``config_dir`` (default: the current directory). ``functions``/``astdb`` serve
    ``${FUNC()}`` references in globals and extension names."""
    collector = LogCollector()

    def sink(record: LogRecord) -> None:
        collector(record)
        if log is not None:
            log(record)

    reader = ConfigReader(config_dir=config_dir, log=sink, limits=limits)
    reader.read_text(text, filename)
    return _finish(reader, collector, log, functions, astdb)


def load_extensions_conf(
    path: str | os.PathLike[str],
    *,
    config_dir: str | os.PathLike[str] | None = None,
    log: LogSink | None = None,
    limits: ConfigLimits | None = None,
    functions: FunctionRegistry | None = None,
    astdb: AstDB | None = None,
) -> ParseResult:
    """Load the extensions.conf at ``path``; relative ``#include`` names resolve against
    ``config_dir`` (default: the file's directory, like Asterisk's config directory)."""
    collector = LogCollector()

    def sink(record: LogRecord) -> None:
        collector(record)
        if log is not None:
            log(record)

    reader = ConfigReader(config_dir=config_dir, log=sink, limits=limits)
    reader.read_file(path)
    return _finish(reader, collector, log, functions, astdb)
