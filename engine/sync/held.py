"""Events held because their HLC wall time is too far ahead of this device's clock.

A device whose clock is set ahead (a Pi without RTC that got a wrong time, a hand-set date)
stamps its events in the future. Applying them would drag this device's HLC along, and every
later local event would count up behind that future wall time. So the sync process keeps such
events (per origin, in order) instead of applying or dropping them: they are applied when this
clock has caught up, and until then they are reported here, for `playdesk conflicts` /
`playdesk sync drops` (counter `held_future_hlc`) and the owner.

The bound is the site setting `clock_tolerance_seconds` (the clock warning's) × 10.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from engine import localstate
from engine.ops.clockcheck import DEFAULT_TOLERANCE_SECONDS, TOLERANCE_SETTING
from engine.settings import setting

DRIFT_FACTOR = 10


def max_ahead_ms() -> int:
    """How far ahead of this clock an event's HLC may be and still be applied now."""
    value = setting(TOLERANCE_SETTING, DEFAULT_TOLERANCE_SECONDS)
    try:
        tolerance = float(value)
    except (TypeError, ValueError):
        tolerance = DEFAULT_TOLERANCE_SECONDS
    if not tolerance > 0:
        tolerance = DEFAULT_TOLERANCE_SECONDS
    return int(tolerance * DRIFT_FACTOR * 1000)


def store(held: dict[str, dict[str, Any]]) -> None:
    """Replace the report (the sync process, inside a write transaction)."""
    localstate.put(localstate.HELD, json.dumps(held, sort_keys=True))


def held_origins() -> list[dict[str, Any]]:
    """Origins whose events wait here because they come from the future, as the sync process
    last stored it: `[{device, seq (the first held), hlc, ahead_seconds, events, since}]`.
    For `playdesk conflicts` and the owner's screens; empty when nothing is held."""
    noted = localstate.get_json(localstate.HELD, {})
    return [{"device": device, **entry} for device, entry in sorted(noted.items())]


def entry(first: dict[str, Any], count: int, ahead_ms: int, since: dt.datetime) -> dict[str, Any]:
    return {"seq": first["seq"], "hlc": first["hlc"], "ahead_seconds": round(ahead_ms / 1000, 1),
            "events": count, "since": since.isoformat(timespec="seconds")}
