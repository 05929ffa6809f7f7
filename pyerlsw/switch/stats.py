"""Session counters for ``status`` and HEARTBEAT: totals, peaks, per-second rates.

Rates and five-minute peaks are kept in one-second buckets (at most 300 of them), so
the cost does not grow with the call rate.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyerlsw.switch.events import Header
    from pyerlsw.switch.switch import Switch

__all__ = ["SessionStats", "heartbeat_headers"]

WINDOW = 300


class SessionStats:
    """Counts sessions as the switch creates them. Times are monotonic seconds."""

    def __init__(self) -> None:
        self.since_startup = 0
        self.peak = 0
        self.peak_sps = 0
        self._buckets: deque[list[int]] = deque()  # [second, created, max_concurrent]
        self._now = 0

    def _bucket(self, second: int) -> list[int]:
        self._now = second
        buckets = self._buckets
        if not buckets or buckets[-1][0] != second:
            buckets.append([second, 0, 0])
            while buckets and buckets[0][0] <= second - WINDOW:
                buckets.popleft()
        return buckets[-1]

    def created(self, now: float, concurrent: int) -> None:
        second = int(now)
        bucket = self._bucket(second)
        self.since_startup += 1
        bucket[1] += 1
        bucket[2] = max(bucket[2], concurrent)
        self.peak = max(self.peak, concurrent)
        self.peak_sps = max(self.peak_sps, bucket[1])

    def observe(self, now: float, concurrent: int) -> None:
        """Note the current session count (for the five-minute peak)."""
        bucket = self._bucket(int(now))
        bucket[2] = max(bucket[2], concurrent)

    def last_sps(self) -> int:
        """Sessions created during the last complete second."""
        for second, created, _ in reversed(self._buckets):
            if second == self._now - 1:
                return created
            if second < self._now - 1:
                break
        return 0

    def peak_5min(self) -> int:
        return max((b[2] for b in self._buckets), default=0)

    def peak_sps_5min(self) -> int:
        return max((b[1] for b in self._buckets), default=0)


def heartbeat_headers(switch: Switch) -> tuple[Header, ...]:
    """The headers of a HEARTBEAT event for ``switch`` now."""
    from pyerlsw.switch.api.core import format_uptime

    up = switch.uptime_us()
    stats = switch.stats
    config = switch.config
    stats.observe(switch.clock.monotonic(), len(switch.sessions))
    return (
        ("Event-Info", "System Ready"),
        ("Up-Time", format_uptime(up)),
        ("FreeSWITCH-Version", config.effective_version_full),
        ("Uptime-msec", str(up // 1000)),
        ("Session-Count", str(len(switch.sessions))),
        ("Max-Sessions", str(config.max_sessions)),
        ("Session-Per-Sec", str(config.sessions_per_second)),
        ("Session-Per-Sec-Last", str(stats.last_sps())),
        ("Session-Per-Sec-Max", str(stats.peak_sps)),
        ("Session-Per-Sec-FiveMin", str(stats.peak_sps_5min())),
        ("Session-Since-Startup", str(stats.since_startup)),
        ("Session-Peak-Max", str(stats.peak)),
        ("Session-Peak-FiveMin", str(stats.peak_5min())),
        ("Idle-CPU", f"{switch.idle_cpu:.6f}"),
    )
