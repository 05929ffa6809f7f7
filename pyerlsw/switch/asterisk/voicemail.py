"""``VoiceMail(mailbox[@context][&mailbox2...][,options])``, simulated.

There is no voicemail store: the application answers the channel, records that a
message would be left in each mailbox (:class:`VoicemailRecord` in
``layer.voicemails``, a verbose line, and a ``CUSTOM`` event ``asterisk::voicemail``
with ``Mailbox``, ``Context``, ``Greeting`` and ``Options`` headers plus the channel
data) and sets ``VMSTATUS=SUCCESS``. The greeting is ``busy`` with option ``b``,
``unavail`` with ``u``, else empty, as Asterisk picks the busy or unavailable message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk.appcall import AppCall
from pyerlsw.switch.asterisk.astevents import fire_custom
from pyerlsw.switch.asterisk.substitution import separate_args

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer

__all__ = ["VOICEMAIL_SUBCLASS", "VoicemailRecord", "register"]

VOICEMAIL_SUBCLASS = "asterisk::voicemail"
_OPTION_ARGS = re.compile(r"\([^)]*\)")


@dataclass(frozen=True, slots=True)
class VoicemailRecord:
    """One message that would have been left."""

    channel: str
    uuid: str
    mailbox: str
    context: str
    greeting: str
    options: str
    time: float


async def voicemail(call: AppCall, data: str) -> int:
    args = separate_args(data, ",", 2)
    if not args or not args[0]:
        call.warning("VoiceMail requires an argument (extension)", "app_voicemail.c")
        return -1
    options = args[1] if len(args) > 1 else ""
    flags = _OPTION_ARGS.sub("", options)
    greeting = "busy" if "b" in flags else "unavail" if "u" in flags else ""
    session = call.session
    ch = session.channel
    if not ch.answered:
        ch.mark_answered()
    layer = call.layer
    for box in (b for b in args[0].split("&") if b):
        mailbox, _, context = box.partition("@")
        context = context or "default"
        layer.voicemails.append(
            VoicemailRecord(
                ch.name, ch.uuid, mailbox, context, greeting, options, layer.switch.clock.now()
            )
        )
        call.verbose(
            3,
            f"Leaving voicemail for '{mailbox}@{context}' on '{ch.name}'"
            + (f" with the {greeting} greeting" if greeting else ""),
            "app_voicemail.c",
        )
        fire_custom(
            session,
            VOICEMAIL_SUBCLASS,
            (("Mailbox", mailbox), ("Context", context), ("Greeting", greeting),
             ("Options", options)),
        )  # fmt: skip
    call.scope.set_variable("VMSTATUS", "SUCCESS")
    return 0


def register(layer: AsteriskLayer) -> None:
    """Register ``VoiceMail`` on ``layer``."""
    layer.register_app("VoiceMail", voicemail, synopsis="Leave a Voicemail message (simulated)")
