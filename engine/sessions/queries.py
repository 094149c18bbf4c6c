"""What the apps and the command line show of sessions (sessions.md "Command line"): one
session, a list with totals, and the stations report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction
from typing import Any

from engine.db import database
from engine.money import round_half_up
from engine.sessions import facts
from engine.sessions.charging import cover, guest_bill, session_cover
from engine.sessions.facts import Session
from engine.sessions.plays import moved_to, play, played_minutes
from engine.sessions.terms import all_stations
from engine.sessions.timeline import ENDED

_DRAWS = """
SELECT c.lot, l.kind, c.amount, c.reference FROM consumption AS c JOIN lot AS l ON l.id = c.lot
WHERE c.member = ? AND c.kind = 'use' AND c.reference LIKE ? ESCAPE '\\'
"""


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ":%"


def draws(session: Session) -> list[dict[str, Any]]:
    """The session's draws, minute by minute: {lot, kind, amount, minute}."""
    if session.member is None:
        return []
    rows = []
    for lot, kind, amount, reference in database.execute_sql(
            _DRAWS, (session.member, _like_prefix(session.id))):
        minute = reference.rsplit(":", 1)[1]
        if minute.isdigit():
            rows.append({"lot": lot, "kind": kind, "amount": amount, "minute": int(minute)})
    return sorted(rows, key=lambda d: (d["minute"], d["lot"]))


def started_minutes(session: Session, at: dt.datetime) -> int:
    """A member session's charged minutes; a guest's started minutes of the play up to this
    session (what its bill counts: a moved guest's play is priced whole, engine/sessions/
    plays.py)."""
    if session.member is not None:
        return session.charged
    return played_minutes(play(session), at)


def bill(session: Session, at: dt.datetime) -> dict | None:
    """The receipt line of a stopped guest play ending with `session` (None: a member's, still
    open, or moved on: its play is billed by the session it went on to)."""
    if not session.guest or session.open or moved_to(session) is not None:
        return None
    return guest_bill(session, started_minutes(session, at))


def summary(session: Session, at: dt.datetime) -> dict[str, Any]:
    """A session with its totals (the list's entries)."""
    end = session.timeline.ended_at or at
    result = {"session": session.id, "station": session.station, "group": session.group,
              "device": session.device, "member": session.member, "guest": session.guest,
              "state": session.state, "started_at": session.started_at,
              "ended_at": session.timeline.ended_at, "stop_reason": session.timeline.stop_reason,
              "running_seconds": int(session.timeline.running_time(end).total_seconds()),
              "charged_minutes": started_minutes(session, at),
              "minutes_used": session.minutes_used, "money_used": session.money_used,
              "warning": session.timeline.warned, "staff": session.staff}
    if session.guest and session.state == ENDED:
        result["bill"] = bill(session, at)  # None for a piece moved on
    return result


def show(session: Session, at: dt.datetime) -> dict[str, Any]:
    """`session show`: the summary, the cover left and every draw."""
    result = summary(session, at)
    cover = session_cover(session, at)
    result["left_minutes"] = None if cover is None else cover.total
    result["draws"] = draws(session)
    return result


def list_sessions(start: dt.datetime | None, end: dt.datetime | None, at: dt.datetime,
                  station: str | None = None, member: str | None = None) -> list[dict[str, Any]]:
    return [summary(s, at) for s in facts.sessions_between(start, end, station, member)]


def _overlap(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]
             ) -> dt.timedelta:
    return max(dt.timedelta(), min(a[1], b[1]) - max(a[0], b[0]))


def _hours(start: dt.datetime, end: dt.datetime):
    """Each clock hour [h, h + 1) that meets [start, end)."""
    hour = start.replace(minute=0, second=0, microsecond=0)
    while hour < end:
        yield hour, hour + dt.timedelta(hours=1)
        hour += dt.timedelta(hours=1)


def _empty() -> dict[str, Any]:
    return {"sessions": 0, "members": 0, "guests": 0,
            "minutes": {"minutes_lots": 0, "wallet": 0, "guest": 0},
            "money": {"wallet": 0, "guest": 0}, "running_seconds": 0,
            "by_hour": defaultdict(dt.timedelta)}


def _add(totals: dict[str, Any], session: Session, at: dt.datetime,
         window: tuple[dt.datetime, dt.datetime]) -> None:
    totals["sessions"] += 1
    totals["members" if session.member else "guests"] += 1
    if session.member is not None:
        totals["minutes"]["minutes_lots"] += session.minutes_used
        totals["minutes"]["wallet"] += session.wallet_minutes
        totals["money"]["wallet"] += session.money_used
    elif moved_to(session) is None:
        # a guest's play is priced whole, where it ends (as its receipt line): a piece moved on
        # counts as a session and its running time, its minutes and money are the play's
        minutes = started_minutes(session, at)
        totals["minutes"]["guest"] += minutes
        if session.state == ENDED:
            totals["money"]["guest"] += guest_bill(session, minutes)["unit_price"]
    for begin, finish in session.timeline.intervals:
        clipped = (max(begin, window[0]), min(finish or at, window[1]))
        if clipped[0] >= clipped[1]:
            continue
        totals["running_seconds"] += int((clipped[1] - clipped[0]).total_seconds())
        for hour in _hours(*clipped):
            totals["by_hour"][hour[0].hour] += _overlap(clipped, hour)


_US = dt.timedelta(microseconds=1)


def _occupancy(by_hour: dict[int, dt.timedelta], span: dict[int, dt.timedelta],
               stations: int) -> list[dict[str, Any]]:
    """Per hour of day: the running seconds, and their percent of that hour's time in the
    range on this many stations (half-up)."""
    return [{"hour": hour, "seconds": int(used.total_seconds()),
             "percent": round_half_up(Fraction(used // _US * 100, span[hour] // _US * stations))}
            for hour, used in sorted(by_hour.items()) if span.get(hour)]


def report_stations(start: dt.datetime, end: dt.datetime, at: dt.datetime) -> dict[str, Any]:
    """Per station and group over sessions started in [start, end): sessions, minutes by source
    (minutes lots, wallet, guest), money (wallet drawn, guest time billed), and occupancy per
    hour of day (running time in the range up to `at` over that hour's time in it).

    A guest's play moved between stations is priced once, whole (started minutes of all its
    running time, the minimum once, engine/sessions/plays.py), on the station and group where
    it ends — the session its receipt line names; each piece counts as a session and by its
    running time where it ran."""
    stations = {s.code: s for s in all_stations(include_deleted=True)}
    per_station: dict[str, dict[str, Any]] = defaultdict(_empty)
    per_group: dict[str, dict[str, Any]] = defaultdict(_empty)
    window = (start, min(end, at))
    for session in facts.sessions_between(start, end):
        _add(per_station[session.station], session, at, window)
        _add(per_group[session.group], session, at, window)
    span: dict[int, dt.timedelta] = defaultdict(dt.timedelta)
    for hour in _hours(*window):
        span[hour[0].hour] += _overlap(window, hour)
    group_size = defaultdict(int)
    for terms in stations.values():
        if not terms.deleted:
            group_size[terms.group] += 1

    def done(totals: dict[str, Any], size: int) -> dict[str, Any]:
        totals["occupancy"] = _occupancy(totals.pop("by_hour"), span, max(1, size))
        return totals

    return {"from": start, "to": end,
            "stations": [{"station": code,
                          "group": stations[code].group if code in stations else None,
                          **done(totals, 1)} for code, totals in sorted(per_station.items())],
            "groups": [{"group": group, **done(totals, group_size[group])}
                       for group, totals in sorted(per_group.items())]}


def station_state(station: str, at: dt.datetime) -> dict[str, Any]:
    """What a station shows now (the agent's retained `state` topic, the counter's tile):
    {station, session, member, guest, state (free | running | paused), started_at,
    charged_minutes, left_minutes, warning}."""
    session = facts.open_on_station(station)
    if session is None:
        return {"station": station, "session": None, "member": None, "guest": False,
                "state": "free", "started_at": None, "charged_minutes": 0,
                "left_minutes": None, "warning": False}
    cover = session_cover(session, at)
    return {"station": station, "session": session.id, "member": session.member,
            "guest": session.guest, "state": session.state, "started_at": session.started_at,
            "charged_minutes": started_minutes(session, at),
            "left_minutes": None if cover is None else cover.total,
            "warning": session.timeline.warned}


def station_board(at: dt.datetime) -> list[dict[str, Any]]:
    """Every station that is not deleted, with its group and what it shows now; `others`: the
    station's other open sessions (after two counters started one each offline, facts.py), each
    as {session, member, guest, state, started_at, device}, so the tile can say so."""
    board = []
    for terms in all_stations():
        state = station_state(terms.code, at)
        others = [] if state["session"] is None else [
            {"session": s.id, "member": s.member, "guest": s.guest, "state": s.state,
             "started_at": s.started_at, "device": s.origin}
            for s in facts.all_open_on_station(terms.code) if s.id != state["session"]]
        board.append({**state, "name": terms.name,
                      "group": terms.group, "device": terms.device, "agent": terms.agent,
                      "active": terms.active and not terms.group_deleted, "others": others})
    return board


def play_minutes(member: str, at: dt.datetime) -> list[dict[str, Any]]:
    """How many minutes of play `member` has on each station group now (minutes lots of the
    group's device, plus wallet money at its rate): the kiosk's balance."""
    groups = {}
    for terms in all_stations():
        if terms.group not in groups and not terms.group_deleted:
            left = cover(member, terms.device, terms.rate_per_hour, 0, at)
            groups[terms.group] = {"group": terms.group, "name": terms.group_name,
                                   "device": terms.device,
                                   "rate_per_hour": terms.rate_per_hour,
                                   "minutes": left.total}
    return [groups[code] for code in sorted(groups)]
