"""Plugging the Asterisk layer into a switch: :func:`install_asterisk`.

One call registers, through the core's registries and hooks only:

* the ``asterisk`` dialplan engine (extensions.conf);
* the core applications ``asterisk_pbx`` (runs the interpreter; what the engine
  returns) and ``asterisk_app`` (runs one Asterisk application, ``App(data)``, with no
  substitution: call files use it, and FreeSWITCH dialplans may);
* the ``Local`` and ``loopback`` endpoints;
* the API commands ``core`` (``core show hanguphandlers``), ``database`` and ``local``
  (``local show channels``);
* a hangup hook that runs the hangup handlers of channels that never ran the PBX, a
  destroy hook that forgets them, and a masquerade hook that moves per-channel data
  (hangup handlers, the Local pair) with the identities;
* the call-file spooler, when a spool directory is configured.

Typical use::

    async with Switch(clock="virtual") as switch:
        layer = install_asterisk(switch, AsteriskConfig(extensions_conf="extensions.conf",
                                                        data_dir="/var/lib/pyerlsw"))
        await switch.api("originate", "sim/x 201 asterisk devices")
        ...
        uninstall_asterisk(layer)   # optional; closes the AstDB, stops the spooler
"""

from __future__ import annotations

from typing import Any

from pyerlsw.switch.asterisk import commands
from pyerlsw.switch.asterisk.apps_basic import register as register_basic_apps
from pyerlsw.switch.asterisk.apps_digits import register as register_digit_apps
from pyerlsw.switch.asterisk.apps_flow import register as register_flow_apps
from pyerlsw.switch.asterisk.callfiles import CallFileSpool
from pyerlsw.switch.asterisk.chanfuncs import register as register_channel_functions
from pyerlsw.switch.asterisk.dial import register as register_dial
from pyerlsw.switch.asterisk.engine import PBX_APPLICATION, AsteriskDialplan, parse_start
from pyerlsw.switch.asterisk.layer import AsteriskLayer
from pyerlsw.switch.asterisk.localchan import LocalEndpoint
from pyerlsw.switch.asterisk.loopback import LoopbackEndpoint, unloop
from pyerlsw.switch.asterisk.pbx import fs_literal
from pyerlsw.switch.asterisk.pickup import register as register_pickup
from pyerlsw.switch.asterisk.settings import AsteriskConfig
from pyerlsw.switch.asterisk.voicemail import register as register_voicemail
from pyerlsw.switch.session import Session
from pyerlsw.switch.switch import Switch

__all__ = ["APP_APPLICATION", "install_asterisk", "uninstall_asterisk"]

#: The core application that runs one Asterisk application: data ``App(data)``.
APP_APPLICATION = "asterisk_app"


def split_app_call(text: str) -> tuple[str, str]:
    """``App(data)`` -> ``("App", "data")`` (first ``(``, last ``)``)."""
    name, paren, rest = text.partition("(")
    if not paren:
        return text.strip(), ""
    close = rest.rfind(")")
    return name.strip(), rest if close < 0 else rest[:close]


def install_asterisk(
    switch: Switch, config: AsteriskConfig | None = None, **overrides: Any
) -> AsteriskLayer:
    """Install the Asterisk layer on ``switch`` and return it (see the module
    docstring). ``overrides`` are :class:`AsteriskConfig` fields. Once per switch
    (RuntimeError otherwise, until :func:`uninstall_asterisk`); raises
    :class:`~pyerlsw.switch.asterisk.astdb.AstDBError` when the AstDB cannot be opened."""
    current = switch.dialplans.get(AsteriskDialplan.name)
    if isinstance(current, AsteriskDialplan) and not current.layer.closed:
        raise RuntimeError("the Asterisk layer is already installed on this switch")
    if config is None:
        config = AsteriskConfig(**overrides)
    elif overrides:
        config = AsteriskConfig(**{**config.model_dump(), **overrides})
    layer = AsteriskLayer(switch, config)
    for register in (
        register_basic_apps,
        register_digit_apps,
        register_flow_apps,
        register_dial,
        register_voicemail,
        register_pickup,
        register_channel_functions,
    ):
        register(layer)
    layer.load_dialplan()

    async def pbx_application(session: Session, data: str) -> str | None:
        context, exten, priority = parse_start(data)
        await layer.interpreter.run(session, context, exten, priority)
        return None

    async def app_application(session: Session, data: str) -> str | None:
        name, args = split_app_call(data)
        app = layer.apps.get(name)
        if app is None:
            layer.warning(f"No such application '{name}' for {APP_APPLICATION}", session)
            return None
        await layer.apps.execute(session, app.name, fs_literal(args))
        return None

    switch.dialplans.register(AsteriskDialplan(layer))
    switch.applications.register(
        PBX_APPLICATION,
        pbx_application,
        syntax="<context>,<exten>,<priority>",
        description="Run the Asterisk dialplan (extensions.conf)",
    )
    switch.applications.register(
        APP_APPLICATION,
        app_application,
        syntax="<App>(<data>)",
        description="Run one Asterisk application",
    )
    switch.endpoints.register(LocalEndpoint(layer))
    switch.endpoints.register(LoopbackEndpoint(layer))
    switch.applications.register(
        "unloop", unloop, description="Make a loopback leg bow out when it starts executing"
    )
    commands.register(layer)
    switch.hooks.hangup.append(layer.hangup_hook)
    switch.hooks.destroy.append(layer.destroy_hook)
    switch.hooks.masquerade.append(layer.masquerade_hook)
    layer.spool = CallFileSpool.start(layer)
    return layer


def uninstall_asterisk(layer: AsteriskLayer) -> None:
    """Remove what :func:`install_asterisk` added and close the AstDB."""
    switch = layer.switch
    if layer.spool is not None:
        layer.spool.stop()
        layer.spool = None
    if layer.hangup_hook in switch.hooks.hangup:
        switch.hooks.hangup.remove(layer.hangup_hook)
    if layer.destroy_hook in switch.hooks.destroy:
        switch.hooks.destroy.remove(layer.destroy_hook)
    if layer.masquerade_hook in switch.hooks.masquerade:
        switch.hooks.masquerade.remove(layer.masquerade_hook)
    for name in (PBX_APPLICATION, APP_APPLICATION, "unloop"):
        switch.applications.unregister(name)
    commands.unregister(layer)
    layer.close()
