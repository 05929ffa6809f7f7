"""Channel lifecycle hooks other layers plug into, one set per switch.

* ``create``: ``hook(session)`` right after CHANNEL_CREATE (synchronous);
* ``hangup``: ``await hook(session)`` in CS_HANGUP, before CHANNEL_HANGUP_COMPLETE -
  the place for Asterisk's ``h`` extension and hangup handlers, which run applications
  on the channel after it hung up (each hook is bounded by ``hangup_hook_timeout``);
* ``destroy``: ``hook(session)`` after CHANNEL_DESTROY (synchronous);
* ``masquerade``: ``hook(original, clone)`` right after a masquerade exchanged the two
  sessions' identities, before the clone is hung up (synchronous; see
  :mod:`pyerlsw.switch.masquerade`) - where a layer swaps its per-channel data.

Per-channel state hooks (``Channel.state_hooks``) and soft locks
(``Session.add_soft_lock``) cover the gateway's per-call needs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyerlsw.switch.session import Session

__all__ = ["Hooks"]


class Hooks:
    """Lists of lifecycle callbacks; append to them, remove what you added."""

    def __init__(self) -> None:
        self.create: list[Callable[[Session], None]] = []
        self.hangup: list[Callable[[Session], Awaitable[None]]] = []
        self.destroy: list[Callable[[Session], None]] = []
        self.masquerade: list[Callable[[Session, Session], None]] = []

    def run_create(self, session: Session) -> None:
        for hook in tuple(self.create):
            try:
                hook(session)
            except Exception as exc:
                session.switch.log_exception(exc, "create hook failed", uuid=session.uuid)
