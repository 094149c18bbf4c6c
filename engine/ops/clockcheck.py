"""The clock check at start: a Raspberry Pi has no real-time clock, so after a power cut without
network it may boot with a time far in the past. Sales, expiry dates and happy hours all depend on
"now", so the apps compare the local clock with a reference (the broker host's time, as the sync
process sees it, or any trusted source) and warn on screen when they differ by too much."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.errors import PlaydeskError

DEFAULT_TOLERANCE_SECONDS = 120


@dataclass(frozen=True)
class ClockCheck:
    local: dt.datetime
    reference: dt.datetime
    offset_seconds: int  # local minus reference: negative when the local clock is behind
    tolerance_seconds: int

    @property
    def ok(self) -> bool:
        return abs(self.offset_seconds) <= self.tolerance_seconds

    @property
    def message(self) -> str:
        if self.ok:
            return "the clock is right"
        direction = "behind" if self.offset_seconds < 0 else "ahead of"
        return (f"this device's clock is {describe(abs(self.offset_seconds))} {direction} the "
                f"broker's ({self.local:%Y-%m-%d %H:%M} here, {self.reference:%Y-%m-%d %H:%M} "
                f"there): dates on receipts and expiry checks may be wrong; check the network "
                f"time (NTP) and restart the device")


def check_clock(local: dt.datetime, reference: dt.datetime,
                tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS) -> ClockCheck:
    """Compare two datetimes, both naive (same zone) or both aware."""
    if tolerance_seconds < 0:
        raise PlaydeskError(f"the tolerance must not be negative (got {tolerance_seconds})")
    if (local.tzinfo is None) != (reference.tzinfo is None):
        raise PlaydeskError("cannot compare a datetime with a time zone to one without")
    offset = round((local - reference).total_seconds())
    return ClockCheck(local=local, reference=reference, offset_seconds=offset,
                      tolerance_seconds=tolerance_seconds)


def parse_reference(value: str | int | float) -> dt.datetime:
    """A reference time as the sync presence carries it: an ISO datetime (with or without zone)
    or Unix time in milliseconds (the wall part of a hybrid logical clock)."""
    if isinstance(value, (int, float)) or str(value).isdigit():
        return dt.datetime.fromtimestamp(int(value) / 1000, tz=dt.UTC)
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise PlaydeskError(f"not a reference time (ISO datetime or Unix ms): {value!r}") from None


def describe(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    if seconds < 7200:
        return f"{seconds // 60} minutes"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} hours"
    return f"{seconds // 86400} days"


def clock_warning(local: dt.datetime, reference: dt.datetime | None,
                  tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS) -> str | None:
    """What the apps show at start: None when the clock is right or there is no reference yet
    (the broker not reached), else the warning text."""
    if reference is None:
        return None
    result = check_clock(local, reference, tolerance_seconds)
    return None if result.ok else result.message
