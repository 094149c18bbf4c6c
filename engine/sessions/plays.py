"""A guest's play: the sessions of one guest moved between stations (engine/sessions/move.py).

A move stops the session with the reason `moved to <T>` and starts the next one on T at the
same instant, so a play is followed back from its last session along those stops. It is billed
as one (sessions.md "Guest sessions": started minutes of the whole running time, the minimum
once): the receipt line (engine/sales/station_time.py), `session show|stop` and the stations
report all price it here, so the rounding up and the minimum are never applied to a piece.
(A member's move carries its minute instead, engine/sessions/lifecycle.py: its sessions are
priced by their own charged minutes.)
"""

from __future__ import annotations

import datetime as dt

from engine.db import database
from engine.sessions import facts
from engine.sessions.facts import Session
from engine.sessions.timeline import MINUTE, MOVED

_BEFORE = ("SELECT s.id FROM play_session AS s JOIN session_event AS e ON e.session = s.id "
           "WHERE e.kind = 'stop' AND e.reason = ? AND e.at = ? AND s.id != ? "
           "AND s.guest = ? AND s.member IS ?")


def moved_to(session: Session) -> str | None:
    """The station a stopped session was moved on to, if it was."""
    reason = session.timeline.stop_reason or ""
    return reason[len(MOVED):] if reason.startswith(MOVED) else None


def _before(session: Session) -> Session | None:
    """The session this one continues (stopped, moved to this station, at this start)."""
    rows = database.execute_sql(_BEFORE, (MOVED + session.station, session.started_at,
                                          session.id, session.guest, session.member)).fetchall()
    return facts.session(rows[0][0]) if rows else None


def play(session: Session) -> list[Session]:
    """The sessions of one play that ends with `session`, first to last."""
    chain = [session]
    while (earlier := _before(chain[0])) is not None and earlier.id not in \
            {s.id for s in chain}:
        chain.insert(0, earlier)
    return chain


def played_minutes(sessions: list[Session], at: dt.datetime | None = None) -> int:
    """Started minutes of the sessions' running time together (at least 1); for a play still
    open, up to `at`, a minute starting exactly at `at` counting (as `Timeline.due`)."""
    running = sum((s.timeline.running_time(s.timeline.ended_at or at) for s in sessions),
                  dt.timedelta())
    if at is not None and any(s.open and s.timeline.running_at(at) for s in sessions):
        return running // MINUTE + 1
    return max(1, -(-running // MINUTE))
