"""The meter's clock: the site's wall clock, or a scaled one for tests and benchmarks.

A `ScaledClock` runs `speed` times faster than real time from `start` at the real instant
`origin` (Unix seconds). Given the same three numbers, every run of the meter reads the same
time line, so a meter killed and started again goes on where the first left off: tests play
hundreds of minutes in seconds (`playdesk-meter --clock START@ORIGINxSPEED`).
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from engine.errors import PlaydeskError


class WallClock:
    """The site's wall time, to the second (as engine.clock.SystemClock)."""

    speed = 1.0

    def __init__(self, timezone: str = "UTC") -> None:
        self.zone = ZoneInfo(timezone)

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.zone).replace(tzinfo=None, microsecond=0)


class ScaledClock:
    def __init__(self, start: dt.datetime, origin: float, speed: float) -> None:
        self.start, self.origin, self.speed = start, origin, speed

    def now(self) -> dt.datetime:
        moment = self.start + dt.timedelta(seconds=(time.time() - self.origin) * self.speed)
        return moment.replace(microsecond=0)


def parse_clock(text: str) -> ScaledClock:
    """`2026-07-03T12:00@1780000000.5x60` -> a ScaledClock."""
    try:
        start, rest = text.split("@", 1)
        origin, speed = rest.split("x", 1)
        return ScaledClock(dt.datetime.fromisoformat(start), float(origin), float(speed))
    except ValueError:
        raise PlaydeskError(f"--clock wants START@ORIGINxSPEED, not {text!r}") from None
