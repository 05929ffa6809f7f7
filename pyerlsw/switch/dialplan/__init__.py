"""Dialplan engines of the switch: the contract (:mod:`.base`), the FreeSWITCH ``XML``
engine and the ``inline`` engine. See docs/dialplan.md."""

from pyerlsw.switch.dialplan.base import (
    Action,
    DialplanEngine,
    DialplanRegistry,
    HuntTarget,
    InlineExecutor,
    RequestParamsSource,
)
from pyerlsw.switch.dialplan.inline import InlineDialplan, parse_inline
from pyerlsw.switch.dialplan.limits import DialplanLimits
from pyerlsw.switch.dialplan.xml import XmlDialplan

__all__ = [
    "Action",
    "DialplanEngine",
    "DialplanLimits",
    "DialplanRegistry",
    "HuntTarget",
    "InlineDialplan",
    "InlineExecutor",
    "RequestParamsSource",
    "XmlDialplan",
    "parse_inline",
]
