"""A play session's running time from its events, pure (no database): in the kernel, because
the sessions (engine/sessions) and the fact checks below them (engine/sync/validate_sessions.py)
both judge minutes by it — one implementation.

Running intervals are half-open, [start or resume, pause or stop): a session paused or stopped
at an instant is not running at that instant. Minute n (1, 2, ...) starts when the running time
reaches n − 1 full minutes (its *boundary*); so a session stopped after 47 min 10 s of running
time has started 48 minutes, one stopped at exactly 47 min 00 s has started 47, and one stopped
within its first minute has started 1 (sessions.md "started minutes").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from engine.money import round_half_up

MINUTE = dt.timedelta(minutes=1)
RUNNING, PAUSED, ENDED = "running", "paused", "ended"
# the stop reason of a session moved on to another station (engine/sessions/move.py), and the
# source of a moved member's first minute there: the old station's last minute, carried over
MOVED = "moved to "
CARRIED = "carried"
# events at the same instant: in the order they can only have happened
_KIND_ORDER = {"start": 0, "resume": 1, "warning": 2, "pause": 3, "stop": 4}


@dataclass(frozen=True)
class SessionEventFact:
    kind: str  # start | pause | resume | stop | warning
    at: dt.datetime
    id: str = ""
    actor: str = ""
    reason: str | None = None


def event_order(event: SessionEventFact) -> tuple:
    return (event.at, _KIND_ORDER.get(event.kind, 9), event.id)


@dataclass(frozen=True)
class Timeline:
    started_at: dt.datetime
    intervals: tuple[tuple[dt.datetime, dt.datetime | None], ...]
    state: str
    ended_at: dt.datetime | None
    stop_reason: str | None
    last_at: dt.datetime  # the latest event: nothing may be recorded before it
    warned: bool

    def running_at(self, at: dt.datetime) -> bool:
        return any(start <= at and (end is None or at < end) for start, end in self.intervals)

    def running_time(self, at: dt.datetime) -> dt.timedelta:
        """Running time before `at` (all of it once the session ended before `at`)."""
        total = dt.timedelta()
        for start, end in self.intervals:
            if start >= at:
                break
            total += min(end or at, at) - start
        return total

    def due(self, at: dt.datetime, inclusive: bool = True) -> int:
        """How many minutes have started by `at`: with `inclusive`, a minute starting exactly at
        `at` counts (the meter charges it then); without, only those before `at` (a stop or a
        pause at `at` ends the session before that minute starts). Minute 1 starts with the
        session, so it is always at least 1."""
        running = self.running_time(at)
        if inclusive and self.running_at(at):
            return running // MINUTE + 1
        return max(1, -(-running // MINUTE))  # ceil

    def boundary(self, minute: int) -> dt.datetime | None:
        """When minute `minute` starts (its running time reaches minute − 1 minutes), or None
        when the session's running intervals never get there."""
        target = (minute - 1) * MINUTE
        done = dt.timedelta()
        for start, end in self.intervals:
            if end is None or done + (end - start) > target:
                return start + (target - done)
            done += end - start
        return None


def build(started_at: dt.datetime, events: Iterable[SessionEventFact]) -> Timeline:
    """The timeline of a session started at `started_at` with these events (any order)."""
    ordered = sorted(events, key=event_order)
    intervals: list[tuple[dt.datetime, dt.datetime | None]] = []
    state, running_since = RUNNING, started_at
    ended_at, reason, warned, last_at = None, None, False, started_at
    for event in ordered:
        last_at = max(last_at, event.at)
        if event.kind == "warning":
            warned = True
        elif state == ENDED:
            continue
        elif event.kind == "pause" and state == RUNNING:
            intervals.append((running_since, event.at))
            state = PAUSED
        elif event.kind == "resume" and state == PAUSED:
            state, running_since = RUNNING, event.at
        elif event.kind == "stop":
            if state == RUNNING:
                intervals.append((running_since, event.at))
            state, ended_at, reason = ENDED, event.at, event.reason
    if state == RUNNING:
        intervals.append((running_since, None))
    return Timeline(started_at, tuple(intervals), state, ended_at, reason, last_at, warned)


def wallet_total(rate_per_hour: int, wallet_minutes: int) -> int:
    """What a session's first `wallet_minutes` wallet minutes cost together: exact cumulative
    rounding (sessions.md), so no minute's rounding error adds up over a session."""
    return round_half_up(Fraction(rate_per_hour * wallet_minutes, 60))


def wallet_cost(rate_per_hour: int, wallet_minute: int) -> int:
    """What the session's `wallet_minute`-th wallet minute draws (the total's difference)."""
    return (wallet_total(rate_per_hour, wallet_minute)
            - wallet_total(rate_per_hour, wallet_minute - 1))
