"""Busy and congestion indications (``Busy()``, ``Congestion()``, auto-fallthrough).

The core has no in-band tones, so an indication is what the far end would do with it:

* on a Local ``;2`` the control crosses to ``;1`` (:meth:`LocalPair.indicate`), which
  Dial on the other side sees as a busy/congested leg;
* on any other channel that is not answered, the device receives the refusal (a SIP
  486/503) and the call ends with that cause;
* on an answered channel the tone plays until ``seconds`` pass (None: until the
  channel hangs up).

As in ``pbx_builtin_busy``/``pbx_builtin_congestion`` (and auto-fallthrough, which
calls them), the hangup cause is set only on a channel that is not Up: on an answered
channel ``${HANGUPCAUSE}`` keeps whatever it had (0 when nothing set one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyerlsw.switch.asterisk.pbxstate import PbxState

if TYPE_CHECKING:
    from pyerlsw.switch.asterisk.layer import AsteriskLayer
    from pyerlsw.switch.session import Session

__all__ = ["indicate_failure"]

#: A "forever" wait, bounded (a day).
FOREVER = 86_400.0


async def indicate_failure(
    layer: AsteriskLayer, session: Session, state: PbxState, cause: int, seconds: float | None
) -> None:
    """Indicate busy (17) or congestion (34) on ``session``; returns when the wait is
    over or the channel is gone."""
    del layer
    ch = session.channel
    if not ch.answered:
        state.cause = cause
    if not ch.ready:
        return
    pair = state.local
    if pair is not None and state.local_half == 2:
        pair.indicate(cause)
    elif not ch.answered:
        state.hang_up(ch, cause)
        return
    await session.sleep(FOREVER if seconds is None or seconds <= 0 else seconds)
