"""The ``asterisk`` dialplan engine: the core's hunt hands the channel to the
extensions.conf interpreter.

``originate sim/x 201 asterisk devices`` (or a channel whose dialplan is ``asterisk``
and context ``devices``) makes the core hunt with destination ``201`` in context
``devices``; the engine answers with one action, ``asterisk_pbx`` with data
``devices,201,1``, which runs :meth:`Interpreter.run` on the channel. A context that
does not exist is no route (logged, so the core hangs up with NO_ROUTE_DESTINATION
or tries the next engine of a list such as ``asterisk,XML``); everything else,
including a missing extension, is the interpreter's business (``s``, ``i``, ``e``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk.pbx import fs_literal
from pyerlsw.switch.dialplan.base import Action, HuntTarget

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer

__all__ = ["PBX_APPLICATION", "AsteriskDialplan", "parse_start"]

#: The core application (FreeSWITCH registry) that runs the interpreter.
PBX_APPLICATION = "asterisk_pbx"


def parse_start(data: str) -> tuple[str, str, int]:
    """``context,exten,priority`` (the data of :data:`PBX_APPLICATION`)."""
    context, _, rest = data.partition(",")
    exten, _, priority = rest.rpartition(",")
    if not _:
        exten, priority = rest, "1"
    try:
        number = max(1, int(priority.strip() or "1"))
    except ValueError:
        number = 1
    return context.strip() or "default", exten, number


class AsteriskDialplan:
    """The dialplan engine registered as ``asterisk``."""

    name = "asterisk"

    def __init__(self, layer: AsteriskLayer) -> None:
        self.layer = layer

    async def hunt(
        self, target: HuntTarget, destination: str, context: str, args: str
    ) -> list[Action] | None:
        del args
        context = context or "default"
        layer = self.layer
        if layer.dialplan.context(context) is None:
            target.log(
                "ERR",
                f"Context '{context}' does not exist in {layer.dialplan_file} "
                f"(asterisk dialplan for {target.name} to {destination or 's'})\n",
            )
            return None
        return [Action(PBX_APPLICATION, fs_literal(f"{context},{destination or 's'},1"))]
