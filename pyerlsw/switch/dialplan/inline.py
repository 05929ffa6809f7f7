"""The ``inline`` dialplan engine (FreeSWITCH's ``inline_dialplan_hunt`` in mod_dptools).

The "destination" is the list of applications itself: ``app:arg,app2:arg2,app3``. The
text is ``args`` (what followed ``inline:`` in the dialplan string) or else the
destination. Each item is split at its first ``:`` into application and data (no
``:``: no data). Items are separated by ``,`` unless the text starts with ``m:X:`` (then
``X``) or, as everywhere FreeSWITCH splits lists, ``^^X``; single quotes and backslashes
protect separators (see :func:`~pyerlsw.switch.dialplan.strings.separate_string`). At
most ``limits.max_inline_actions`` items (128); the last keeps the rest of the text.

``originate sim/1000 'set:a=b,answer,park' inline`` thus runs set, answer and park.
FreeSWITCH also moves the RDNIS into the destination number after this hunt; that is a
caller-profile change the core makes, not the engine.
"""

from __future__ import annotations

from pyerlsw.switch.dialplan.base import Action, HuntTarget
from pyerlsw.switch.dialplan.limits import DialplanLimits
from pyerlsw.switch.dialplan.strings import separate_string

__all__ = ["InlineDialplan", "parse_inline"]


class InlineDialplan:
    """The inline dialplan engine, registered as ``"inline"``."""

    name = "inline"

    def __init__(self, *, limits: DialplanLimits | None = None) -> None:
        self.limits = limits or DialplanLimits()

    async def hunt(
        self, target: HuntTarget, destination: str, context: str, args: str
    ) -> list[Action] | None:
        """The applications listed in ``args`` (or ``destination``); None when both are
        empty. ``context`` is not used."""
        del context
        text = args or destination
        if not text:
            return None
        actions = parse_inline(text, self.limits.max_inline_actions)
        if any(not action.application for action in actions):
            target.log("WARNING", f"inline dialplan {text!r} has empty application names")
            actions = [action for action in actions if action.application]
        for action in actions:
            target.log(
                "DEBUG",
                f"Dialplan: {target.name} inline Action {action.application}({action.data})",
            )
        return actions


def parse_inline(text: str, max_actions: int = 128) -> list[Action]:
    """The actions of an inline dialplan string (see the module docstring)."""
    separator = ","
    if len(text) >= 4 and text[0] == "m" and text[1] == ":" and text[3] == ":":
        separator, text = text[2], text[4:]
    actions: list[Action] = []
    for item in separate_string(text, separator, max_actions):
        application, _, data = item.partition(":")
        actions.append(Action(application.lstrip(" "), data))
    return actions
