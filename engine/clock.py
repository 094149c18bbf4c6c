"""One injectable clock for every "now" decision.

All datetimes in playdesk are naive and in the site's time zone (the site file's convention).
Services take `at` as an argument; only the edges (CLI, apps, sync) ask a clock for it.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

from engine.errors import PlaydeskError


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    """Wall time in the site's time zone, to the second."""

    def __init__(self, timezone: str = "UTC") -> None:
        self.zone = ZoneInfo(timezone)

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.zone).replace(tzinfo=None, microsecond=0)


class FixedClock:
    """A clock that says what it is told (tests, the CLI's --at)."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


# The years a "now" may fall in: the engine adds up to a century to it (validity days, coupon
# expiry formulas), which must stay inside the calendar (year 9999).
YEARS = (1970, 9000)


def check_year(value: dt.datetime, what: str) -> dt.datetime:
    """`value`, or PlaydeskError when it is outside YEARS."""
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise PlaydeskError(f"{what} {value.isoformat(timespec='minutes')} is outside the years "
                            f"{YEARS[0]}-{YEARS[1]}")
    return value


def parse_datetime(text: str) -> dt.datetime:
    """ISO 8601 without zone, as the site file and --at use ("2026-07-03T17:30")."""
    try:
        value = dt.datetime.fromisoformat(str(text))
    except ValueError:
        raise PlaydeskError(f"not an ISO datetime: {text!r}") from None
    return value.replace(tzinfo=None)
