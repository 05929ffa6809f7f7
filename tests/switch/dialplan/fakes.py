"""A small in-memory HuntTarget for engine tests (a stand-in channel, not Erlang)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_REFERENCE = re.compile(r"\$\{([^}]*)\}")

#: Tuesday 2024-05-14 08:23:45 UTC
TUESDAY_MORNING = datetime(2024, 5, 14, 8, 23, 45, tzinfo=UTC).timestamp()


class FakeTarget:
    """Caller fields and variables in dicts, a fixed clock, logs and variable writes
    recorded."""

    def __init__(
        self,
        *,
        fields: dict[str, str] | None = None,
        variables: dict[str, str] | None = None,
        now: float = TUESDAY_MORNING,
        uuid: str = "7f4de4bc-0000-4000-8000-000000000001",
        name: str = "sim/1000",
    ) -> None:
        self._uuid = uuid
        self._name = name
        self.fields = {
            "caller_id_name": "Alice",
            "caller_id_number": "1000",
            "destination_number": "2000",
            "context": "default",
            "uuid": uuid,
            "chan_name": name,
            "network_addr": "192.0.2.10",
        }
        self.fields.update(fields or {})
        self.variables: dict[str, str] = dict(variables or {})
        self.clock = now
        self.logs: list[tuple[str, str]] = []
        self.writes: list[tuple[str, str | None]] = []

    @property
    def uuid(self) -> str:
        return self._uuid

    @property
    def name(self) -> str:
        return self._name

    def caller_field(self, field: str) -> str | None:
        return self.fields.get(field)

    def get_variable(self, name: str) -> str | None:
        return self.variables.get(name)

    def set_variable(self, name: str, value: str | None) -> None:
        self.writes.append((name, value))
        if value is None:
            self.variables.pop(name, None)
        else:
            self.variables[name] = value

    def expand(self, text: str) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            found = self.variables.get(name)
            if found is None:
                found = self.fields.get(name, "")
            return found

        return _REFERENCE.sub(value, text)

    def now(self) -> float:
        return self.clock

    def log(self, level: str, message: str) -> None:
        self.logs.append((level, message))

    def lines(self, level: str | None = None) -> list[str]:
        return [m for lvl, m in self.logs if level is None or lvl == level]


class ParamsTarget(FakeTarget):
    """Also a RequestParamsSource."""

    def request_params(self) -> list[tuple[str, str]]:
        return [
            ("Event-Name", "REQUEST_PARAMS"),
            ("Core-UUID", "core"),
            ("Unique-ID", self.uuid),
            ("Caller-Destination-Number", self.fields["destination_number"]),
            ("variable_foo", "bar"),
        ]


class ExecutingTarget(FakeTarget):
    """Also an InlineExecutor that knows only `set`."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.executed: list[tuple[str, str]] = []

    async def execute_inline(self, application: str, data: str) -> bool:
        self.executed.append((application, data))
        if application != "set":
            return False
        name, _, value = self.expand(data).partition("=")
        self.set_variable(name, value or None)
        return True
