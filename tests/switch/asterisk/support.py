"""Test helpers: a dict-backed scope/function context over the real registry."""

from __future__ import annotations

from pyerlsw.switch.asterisk.astdb import AstDB
from pyerlsw.switch.asterisk.diagnostics import LogCollector, LogRecord
from pyerlsw.switch.asterisk.functions import FunctionRegistry, register_builtin_functions
from pyerlsw.switch.asterisk.substitution import Substituter


class DictChannel:
    """A :class:`Scope` and :class:`FunctionContext` over plain dicts."""

    def __init__(
        self,
        variables: dict[str, str] | None = None,
        *,
        astdb: AstDB | None = None,
        registry: FunctionRegistry | None = None,
    ) -> None:
        self.variables = dict(variables or {})
        self._astdb = astdb
        self.registry = registry or register_builtin_functions(FunctionRegistry())
        self.records = LogCollector()
        self.substituter = Substituter(self, log=self.records)

    # Scope
    def variable(self, name: str) -> str | None:
        return self.variables.get(name)

    def function(self, call: str) -> str | None:
        return self.registry.read(self, call)

    def has_function(self, name: str) -> bool:
        return name in self.registry

    # FunctionContext
    def get_variable(self, name: str) -> str | None:
        return self.variables.get(name)

    def set_variable(self, name: str, value: str) -> None:
        self.variables[name] = value

    def log(self, record: LogRecord) -> None:
        self.records(record)

    @property
    def astdb(self) -> AstDB | None:
        return self._astdb

    def sub(self, text: str) -> str:
        return self.substituter.substitute(text)
