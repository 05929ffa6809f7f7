"""API commands of the Asterisk layer, with Asterisk's exact CLI output:

* ``core show hanguphandlers <channel>|all`` (``api core show hanguphandlers all``);
* ``database put|get|del|deltree|show|showkey|query ...`` on the layer's AstDB;
* ``local show channels``;
* ``dialplan reload`` (reads extensions.conf again; calls in progress keep running on
  the new dialplan from their next priority).

The output is the CLI text as Asterisk prints it; usage errors print Asterisk's usage
text. Channel names are the core's channel names (Local halves, Dial legs and
``Tech/resource-%08x`` names are Asterisk-shaped).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.api import split_args
from pyerlsw.switch.asterisk.astdb import database_command
from pyerlsw.switch.asterisk.hangup_handlers import core_show_hanguphandlers
from pyerlsw.switch.asterisk.local import local_show_channels

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer
    from pyerlsw.switch.session import Session
    from pyerlsw.switch.switch import Switch

__all__ = ["COMMANDS", "register", "unregister"]

COMMANDS = ("core", "database", "local", "dialplan")


def _no_such_command(words: list[str]) -> str:
    shown = " ".join(words)
    return (
        f"No such command '{shown}' (type 'core show help {shown}' for other possible commands)\n"
    )


def core_command(layer: AsteriskLayer, args: str) -> str:
    words = split_args(args)
    if len(words) >= 2 and [w.lower() for w in words[:2]] == ["show", "hanguphandlers"]:
        channels: dict[str, tuple[str, ...]] = {}
        uuids: dict[str, str] = {}
        for session in layer.sessions():
            state = layer.existing_state(session)
            channels[session.channel.name] = state.handlers.handlers if state else ()
            uuids[session.uuid] = session.channel.name
        wanted = words[2:]
        if len(wanted) == 1 and wanted[0] not in channels and wanted[0] in uuids:
            wanted = [uuids[wanted[0]]]  # ast_channel_get_by_name also takes the uniqueid
        _, text = core_show_hanguphandlers(wanted, channels)
        return text
    return _no_such_command(["core", *words])


def local_command(layer: AsteriskLayer, args: str) -> str:
    pairs = [
        (pair.owner_name(), pair.target.exten, pair.target.context) for pair in layer.pairs.values()
    ]
    return local_show_channels(split_args(args), pairs)


def dialplan_command(layer: AsteriskLayer, args: str) -> str:
    words = split_args(args)
    if [w.lower() for w in words] == ["reload"]:
        layer.load_dialplan()
        return "Dialplan reloaded.\n"
    return _no_such_command(["dialplan", *words])


def register(layer: AsteriskLayer) -> None:
    """Register ``core``, ``database``, ``local`` and ``dialplan`` on the layer's
    switch."""

    async def core(switch: Switch, args: str, session: Session | None) -> str:
        return core_command(layer, args)

    async def database(switch: Switch, args: str, session: Session | None) -> str:
        return database_command(layer.astdb, args)

    async def local(switch: Switch, args: str, session: Session | None) -> str:
        return local_command(layer, args)

    async def dialplan(switch: Switch, args: str, session: Session | None) -> str:
        return dialplan_command(layer, args)

    registry = layer.switch.api_commands
    registry.register(
        "core", core, syntax="show hanguphandlers <channel>|all",
        description="Asterisk core CLI commands",
    )  # fmt: skip
    registry.register(
        "database", database, syntax="put|get|del|deltree|show|showkey|query ...",
        description="Asterisk database (AstDB)",
    )  # fmt: skip
    registry.register("local", local, syntax="show channels", description="Asterisk Local channels")
    registry.register("dialplan", dialplan, syntax="reload", description="Reload extensions.conf")


def unregister(layer: AsteriskLayer) -> None:
    for name in COMMANDS:
        layer.switch.api_commands.unregister(name)
