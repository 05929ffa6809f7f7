"""How a new switch is wired: built-in applications, API commands, endpoints, the XML
lookup chain and the dialplan engines (``XML``, ``inline``).

Kept apart from :mod:`pyerlsw.switch.switch` so the list of built-ins is in one place;
other layers add theirs through the same registries afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyerlsw.switch.switch import Switch

__all__ = ["load_static_xml", "register_builtins"]


def load_static_xml(switch: Switch) -> Any:
    """The static XML document: from ``switch.xml_loader`` when given, else
    ``config.xml_conf_dir`` when set, else the embedded defaults (pre-processed with the
    switch's global variables)."""
    from pyerlsw.switch.xml.static import StaticXml

    if switch.xml_loader is not None:
        return switch.xml_loader(switch.globals)
    if switch.config.xml_conf_dir:
        return StaticXml.from_directory(switch.config.xml_conf_dir, variables=switch.globals)
    return StaticXml.default(variables=switch.globals)


def register_builtins(switch: Switch) -> None:
    """Register the core applications, API commands, endpoints and dialplan engines."""
    from pyerlsw.switch.api import channels, core, show
    from pyerlsw.switch.api import dtmf as dtmf_api
    from pyerlsw.switch.applications import basic, calls, digits, media
    from pyerlsw.switch.dialplan.inline import InlineDialplan
    from pyerlsw.switch.dialplan.xml import XmlDialplan
    from pyerlsw.switch.endpoints.error import ErrorEndpoint
    from pyerlsw.switch.endpoints.null import NullEndpoint
    from pyerlsw.switch.endpoints.sim import SimEndpoint

    for app_module in (basic, media, calls, digits):
        app_module.register(switch.applications)
    for api_module in (core, channels, show, dtmf_api):
        api_module.register(switch.api_commands)
    switch.endpoints.register(SimEndpoint())
    switch.endpoints.register(ErrorEndpoint())
    switch.endpoints.register(NullEndpoint())
    switch.dialplans.register(XmlDialplan(switch.xml))
    switch.dialplans.register(InlineDialplan())
