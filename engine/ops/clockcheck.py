"""The clock check at start: a Raspberry Pi has no real-time clock, so after a power cut without
network it may boot with a time far in the past. Sales, expiry dates and happy hours all depend on
"now", so the apps compare the local clock with a reference (the broker host's time, as the sync
process sees it, or any trusted source) and warn on screen when they differ by too much."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine import localstate
from engine.db import write
from engine.errors import PlaydeskError
from engine.settings import setting

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


# --- against the other devices of the site ------------------------------------------------------
#
# Every device announces its clock in its presence (engine/sync/presence.py `clock`); the sync
# process notes, as each presence arrives, the sender's clock beside this device's clock at that
# moment (`note_peer_clocks`). Their differences say how far this device's clock is from the
# others' without trusting either side's absolute time.

PEER_CLOCK_MAX_AGE = dt.timedelta(minutes=15)  # older notes say nothing about the clock now
TOLERANCE_SETTING = "clock_tolerance_seconds"


@dataclass(frozen=True)
class PeerClock:
    device: str
    clock: dt.datetime  # the other device's clock when it announced itself
    seen_at: dt.datetime  # this device's clock when that announcement arrived

    @property
    def offset_seconds(self) -> float:
        """How far this device's clock is ahead of the other's (broker latency is noise)."""
        return (self.seen_at - self.clock).total_seconds()


def _naive(value: dt.datetime) -> dt.datetime:
    return value.astimezone().replace(tzinfo=None) if value.tzinfo is not None else value


def note_peer_clocks(messages: list[dict], seen_at: dt.datetime) -> None:
    """For the sync process, as presences arrive (verified): keep each online device's clock
    beside this device's `seen_at` (local state, one row, replaced)."""
    fresh = {m["device"]: {"clock": m["clock"], "seen_at": seen_at.isoformat()}
             for m in messages if m.get("online") and m.get("clock") and m.get("device")}
    if not fresh:
        return
    with write():
        noted = localstate.get_json(localstate.PEER_CLOCKS, {})
        noted.update(fresh)
        localstate.put_json(localstate.PEER_CLOCKS, noted)


def peer_clocks() -> list[PeerClock]:
    """The other devices' clocks as last noted here."""
    noted = localstate.get_json(localstate.PEER_CLOCKS, {})
    return [PeerClock(device, _naive(parse_reference(value["clock"])),
                      _naive(dt.datetime.fromisoformat(value["seen_at"])))
            for device, value in sorted(noted.items())]


def peer_clock_warning(local: dt.datetime, peers: list[PeerClock],
                       tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS) -> str | None:
    """The warning to show when this device's clock is off by more than the tolerance from the
    others' (the median of the fresh notes, so one wrong peer does not decide); None when it is
    right or nothing fresh is known."""
    fresh = sorted(p.offset_seconds for p in peers
                   if dt.timedelta(0) <= local - p.seen_at <= PEER_CLOCK_MAX_AGE)
    if not fresh:
        return None
    middle = len(fresh) // 2
    offset = fresh[middle] if len(fresh) % 2 else (fresh[middle - 1] + fresh[middle]) / 2
    return clock_warning(local, local - dt.timedelta(seconds=offset), tolerance_seconds)


def device_clock_warning(local: dt.datetime) -> str | None:
    """What the apps show about this device's clock now (tolerance: the site setting
    `clock_tolerance_seconds`, default 120)."""
    tolerance = setting(TOLERANCE_SETTING, DEFAULT_TOLERANCE_SECONDS)
    return peer_clock_warning(local, peer_clocks(), int(tolerance))
