"""A switch with the Asterisk layer installed, for scenario tests on the virtual clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyerlsw.switch import Event, LogRecord, Session, Stream, Switch
from pyerlsw.switch.asterisk.install import install_asterisk, uninstall_asterisk
from pyerlsw.switch.asterisk.layer import AsteriskLayer
from tests.switch.support import make_switch, wait_for

DATA = Path(__file__).parent / "data"


def seed(name: str) -> str:
    return (DATA / name).read_text()


class Harness:
    """A started switch, its Asterisk layer, and everything logged and fired."""

    def __init__(self, switch: Switch, layer: AsteriskLayer, logs: Stream[LogRecord]) -> None:
        self.switch = switch
        self.layer = layer
        self._logs = logs
        self.events: Stream[Event] = switch.subscribe(maxsize=100_000)
        self.records: list[LogRecord] = []
        self.all_events: list[Event] = []

    # -- logs ---------------------------------------------------------------------------

    def _collect(self) -> list[LogRecord]:
        self.records.extend(self._logs.drain())
        return self.records

    def lines(self, *, level: int = 6) -> list[str]:
        """Everything logged at ``level`` or more severe, without the newline."""
        return [r.text.rstrip("\n") for r in self._collect() if r.level <= level]

    def matching(self, text: str) -> list[str]:
        return [line for line in self.lines(level=7) if text in line]

    def asterisk_lines(self) -> list[str]:
        """The Asterisk console lines (verbose output with its prefixes)."""
        return [
            r.text.rstrip("\n")
            for r in self._collect()
            if r.level <= 6 and r.file.endswith(".c") and not r.file.startswith("switch_")
        ]

    # -- events -------------------------------------------------------------------------

    def fired(self, name: str, *, subclass: str | None = None) -> list[Event]:
        self.all_events.extend(self.events.drain())
        return [
            e
            for e in self.all_events
            if e.name == name and (subclass is None or e.subclass == subclass)
        ]

    # -- calls --------------------------------------------------------------------------

    async def call(
        self,
        exten: str,
        context: str,
        *,
        name: str | None = None,
        number: str = "1000",
        cid_name: str = "",
        variables: dict[str, str] | None = None,
    ) -> Session:
        """A device calling ``exten`` in ``context`` of the Asterisk dialplan."""
        return await self.switch.inbound_call(
            exten,
            context=context,
            dialplan="asterisk",
            name=name,
            caller_id_number=number,
            caller_id_name=cid_name or number,
            variables=variables,
        )

    async def settle(self, seconds: float = 0.0) -> None:
        await self.switch.clock.sleep(seconds)

    async def ended(self, session: Session, within: float = 3600.0) -> None:
        await wait_for(self.switch, session.destroyed, within)

    async def idle(self, within: float = 3600.0) -> None:
        """Wait until no channel is left."""

        async def empty() -> None:
            while self.switch.sessions:
                await self.switch.clock.sleep(0.5)

        await wait_for(self.switch, empty(), within)

    def session(self, predicate: Callable[[Session], bool]) -> Session | None:
        for session in self.switch.sessions.values():
            if predicate(session):
                return session
        return None

    def named(self, prefix: str) -> Session | None:
        return self.session(lambda s: s.channel.name.startswith(prefix))


async def make_harness(
    text: str, *, devices: dict[str, dict[str, str]] | None = None, **options: Any
) -> Harness:
    switch = make_switch(devices=devices or {})
    await switch.start()
    logs = switch.subscribe_logs(level=7, maxsize=100_000)
    options.setdefault("spool", False)
    layer = install_asterisk(switch, extensions_text=text, **options)
    return Harness(switch, layer, logs)


async def close_harness(harness: Harness) -> None:
    await harness.switch.stop()
    uninstall_asterisk(harness.layer)
