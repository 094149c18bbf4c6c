"""A session as its facts record it: the session row, its events, its charged minutes; and the
open sessions of a station, a member, the site. Plain SQL: the meter reads every running
session each minute."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from engine.db import database
from engine.errors import N_, NotFound
from engine.ids import device_id
from engine.sessions.timeline import ENDED, SessionEventFact, Timeline, build


@dataclass(frozen=True)
class ChargedMinute:
    minute: int
    source: str  # minutes | money
    amount: int
    wallet_minute: int | None
    at: dt.datetime


@dataclass(frozen=True)
class Session:
    id: str
    station: str
    group: str
    device: str  # pc | console
    rate_per_hour: int
    minimum_minutes: int
    resource: str | None
    member: str | None
    guest: bool
    started_at: dt.datetime
    staff: str | None
    origin: str
    events: tuple[SessionEventFact, ...]
    minutes: tuple[ChargedMinute, ...]
    timeline: Timeline

    @property
    def state(self) -> str:
        return self.timeline.state

    @property
    def open(self) -> bool:
        return self.timeline.state != ENDED

    @property
    def charged(self) -> int:
        """The highest minute charged (minutes are charged in order)."""
        return max((m.minute for m in self.minutes), default=0)

    @property
    def wallet_minutes(self) -> int:
        return sum(1 for m in self.minutes if m.source == "money")

    @property
    def minutes_used(self) -> int:
        return sum(m.amount for m in self.minutes if m.source == "minutes")

    @property
    def money_used(self) -> int:
        return sum(m.amount for m in self.minutes if m.source == "money")


_COLUMNS = ("id, station, \"group\", station_device, rate_per_hour, minimum_minutes, resource, "
            "member, guest, started_at, staff, device")
_EVENTS = "SELECT kind, at, id, actor, reason FROM session_event WHERE session = ?"
_MINUTES = ("SELECT minute, source, amount, wallet_minute, at FROM session_minute "
            "WHERE session = ? ORDER BY minute")
# open: no stop event (sessions.md: at most one session that is not ended per station and
# member), among the sessions inserted after the floor (below)
_OPEN = (f"SELECT {_COLUMNS}, s.rowid FROM play_session AS s WHERE s.rowid > ? AND NOT EXISTS "
         "(SELECT 1 FROM session_event AS e WHERE e.session = s.id AND e.kind = 'stop')")
_LAST_ROWID = "SELECT COALESCE(MAX(rowid), 0) FROM play_session"

# The floor: every session with a rowid up to it has ended here (a stop is final, and a session
# arriving later, from any device, is inserted with a higher rowid), so the meter's
# once-a-second search for open sessions reads only the newer ones, not a year of history.
# Kept per connection (a restored or other database starts from 0 again), like ids' device name.
_floor: tuple[Any, int] | None = None


def _rowid_floor() -> int:
    connection = database.connection()
    return _floor[1] if _floor is not None and _floor[0] is connection else 0


def _raise_floor(newest: int, open_rowids: list[int]) -> None:
    """After a search of all open sessions: nothing at or below the floor is open."""
    global _floor
    floor = min([newest, *(rowid - 1 for rowid in open_rowids)])
    if floor > _rowid_floor():
        _floor = (database.connection(), floor)


def _time(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _session(row) -> Session:
    (sid, station, group, device, rate, minimum, resource, member, guest, started, staff,
     origin) = row[:12]
    events = tuple(SessionEventFact(kind, _time(at), eid, actor, reason)
                   for kind, at, eid, actor, reason in database.execute_sql(_EVENTS, (sid,)))
    minutes = tuple(ChargedMinute(n, source, amount, k, _time(at))
                    for n, source, amount, k, at in database.execute_sql(_MINUTES, (sid,)))
    started_at = _time(started)
    return Session(sid, station, group, device, rate, minimum, resource, member, bool(guest),
                   started_at, staff, origin, events, minutes, build(started_at, events))


def session(session_id: str) -> Session:
    row = database.execute_sql(f"SELECT {_COLUMNS} FROM play_session WHERE id = ?",
                               (session_id,)).fetchone()
    if row is None:
        raise NotFound(N_("unknown session {session_id!r}"), session_id=session_id)
    return _session(row)


def open_sessions() -> list[Session]:
    newest = database.execute_sql(_LAST_ROWID).fetchone()[0]  # before the search: see above
    rows = database.execute_sql(_OPEN + " ORDER BY s.started_at, s.id",
                                (_rowid_floor(),)).fetchall()
    _raise_floor(newest, [row[-1] for row in rows])
    return [_session(row) for row in rows]


# Two counters offline can each start a guest on one station (a guest start asks no one): once
# synced, the station has two open sessions. Both are real play and stay as they are (each is
# billed by the counter that started it); the station stays busy until both end. This device's
# own session comes first — its tile, and what "stop/pause the station" acts on here, is the
# guest its cashier started and can bill — then the others, oldest first.
_ON_STATION = _OPEN + " AND s.station = ? ORDER BY s.device != ?, s.started_at, s.id"


def open_on_station(station: str) -> Session | None:
    row = database.execute_sql(_ON_STATION + " LIMIT 1",
                               (_rowid_floor(), station, device_id())).fetchone()
    return None if row is None else _session(row)


def all_open_on_station(station: str) -> list[Session]:
    """Every open session of the station (more than one only after offline starts, above)."""
    return [_session(row) for row in database.execute_sql(
        _ON_STATION, (_rowid_floor(), station, device_id()))]


def open_for_member(member: str) -> Session | None:
    row = database.execute_sql(_OPEN + " AND s.member = ? ORDER BY s.started_at LIMIT 1",
                               (_rowid_floor(), member)).fetchone()
    return None if row is None else _session(row)


def sessions_between(start: dt.datetime | None = None, end: dt.datetime | None = None,
                     station: str | None = None, member: str | None = None) -> list[Session]:
    """Sessions started in [start, end), of a station or member, oldest first."""
    where, params = [], []
    for clause, value in (("started_at >= ?", start), ("started_at < ?", end),
                          ("station = ?", station), ("member = ?", member)):
        if value is not None:
            where.append(clause)
            params.append(value)
    sql = f"SELECT {_COLUMNS} FROM play_session"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [_session(row) for row in database.execute_sql(sql + " ORDER BY started_at, id",
                                                          params)]
