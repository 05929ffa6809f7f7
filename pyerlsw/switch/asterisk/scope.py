"""One channel as the dialplan sees it: variables, built-ins, functions, substitution.

:class:`ChannelScope` is the :class:`~pyerlsw.switch.asterisk.substitution.Scope` and
the :class:`~pyerlsw.switch.asterisk.functions.FunctionContext` of a session:

* ``${NAME}`` reads the built-ins first (``EXTEN``, ``CONTEXT``, ``PRIORITY``,
  ``CHANNEL``, ``UNIQUEID``, ``HANGUPCAUSE``, ``EPOCH``, ...; case-sensitive), then the
  channel variable ``NAME``, ``_NAME`` or ``__NAME``, then the dialplan's globals;
* setting any form of a name (``X``, ``_X``, ``__X``) replaces the other forms;
* channel variables are the core's channel variables (so ``DIALSTATUS`` is visible in
  every FreeSWITCH event as ``variable_DIALSTATUS``). One difference: the core does not
  keep empty values, so ``Set(X=)`` unsets ``X`` (reading it gives the empty string
  either way).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk.astdb import AstDB
from pyerlsw.switch.asterisk.diagnostics import LogRecord
from pyerlsw.switch.asterisk.pbxstate import PbxState
from pyerlsw.switch.asterisk.substitution import Substituter
from pyerlsw.switch.asterisk.variables import base_name

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer
    from pyerlsw.switch.session import Session

__all__ = ["ChannelScope"]


class ChannelScope:
    """Variables, functions and substitution for one session (cheap to create)."""

    __slots__ = ("layer", "session", "state")

    def __init__(self, layer: AsteriskLayer, session: Session, state: PbxState) -> None:
        self.layer = layer
        self.session = session
        self.state = state

    # -- Scope -------------------------------------------------------------------------

    def variable(self, name: str) -> str | None:
        builtin = _BUILTINS.get(name)
        if builtin is not None:
            return builtin(self)
        value = self.get_variable(name)
        if value is not None:
            return value
        return self.layer.globals.get(name)

    def function(self, call: str) -> str | None:
        return self.layer.functions.read(self, call)

    def has_function(self, name: str) -> bool:
        return name in self.layer.functions

    # -- FunctionContext ---------------------------------------------------------------

    def get_variable(self, name: str) -> str | None:
        """A channel variable, found under ``name``, ``_name`` or ``__name``."""
        get = self.session.channel.get_variable
        value = get(name)
        if value is None and not name.startswith("_"):
            value = get(f"_{name}")
            if value is None:
                value = get(f"__{name}")
        return value

    def set_variable(self, name: str, value: str) -> None:
        """Set ``name`` (with its prefix), removing the other inheritance forms."""
        ch = self.session.channel
        base = base_name(name)
        for form in (base, f"_{base}", f"__{base}"):
            if form != name:
                ch.set_variable(form, None)
        ch.set_variable(name, value)

    def unset_variable(self, name: str) -> None:
        ch = self.session.channel
        base = base_name(name)
        for form in (base, f"_{base}", f"__{base}"):
            ch.set_variable(form, None)

    def log(self, record: LogRecord) -> None:
        self.layer.log(record, self.session)

    @property
    def astdb(self) -> AstDB | None:
        return self.layer.astdb

    # -- helpers -----------------------------------------------------------------------

    def substituter(self) -> Substituter:
        return Substituter(self, log=self.log)

    def substitute(self, text: str) -> str:
        """``${}``/``$[]`` substitution of any text."""
        if "$" not in text:
            return text
        return self.substituter().substitute(text)

    def app_data(self, data: str) -> str:
        """Application data as the PBX passes it (substituted only when needed)."""
        return self.substituter().app_data(data)

    def assign(self, name: str, value: str) -> bool:
        """``Set(name=value)``: a function write when the name ends with ``)``."""
        if name.endswith(")"):
            return self.layer.functions.write(self, name, value)
        self.set_variable(name, value)
        return True


def _hangupcause(scope: ChannelScope) -> str:
    return str(scope.state.hangup_cause(scope.session.channel.hangup_cause))


_BUILTINS: dict[str, Callable[[ChannelScope], str]] = {
    "EXTEN": lambda s: s.state.exten,
    "CONTEXT": lambda s: s.state.context,
    "PRIORITY": lambda s: str(s.state.priority),
    "CHANNEL": lambda s: s.session.channel.name,
    "UNIQUEID": lambda s: s.session.channel.uuid,
    "HANGUPCAUSE": _hangupcause,
    "EPOCH": lambda s: str(int(s.layer.switch.clock.now())),
    "SYSTEMNAME": lambda s: s.layer.config.systemname,
    "ENTITYID": lambda s: s.layer.entity_id,
    "CALLINGPRES": lambda s: "0",
    "CALLINGANI2": lambda s: "0",
    "CALLINGTON": lambda s: "0",
    "CALLINGTNS": lambda s: "0",
    "HINT": lambda s: s.layer.hint(s.state.context, s.state.exten)[0],
    "HINTNAME": lambda s: s.layer.hint(s.state.context, s.state.exten)[1],
    "ASTSPOOLDIR": lambda s: s.layer.directories.get("spool", ""),
    "ASTVARLIBDIR": lambda s: s.layer.directories.get("varlib", ""),
    "ASTDBDIR": lambda s: s.layer.directories.get("varlib", ""),
    "ASTETCDIR": lambda s: s.layer.directories.get("etc", ""),
    "ASTLOGDIR": lambda s: "",
    "ASTDATADIR": lambda s: "",
    "ASTAGIDIR": lambda s: "",
    "ASTKEYDIR": lambda s: "",
    "ASTMODDIR": lambda s: "",
    "ASTRUNDIR": lambda s: "",
    "ASTSBINDIR": lambda s: "",
}
