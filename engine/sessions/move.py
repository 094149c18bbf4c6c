"""Moving a running or paused session to another station (issue 17 item 4).

A session's station is part of its fact (the row is insert-only, and "one open session per
station" is read from it), so a move is the session stopped with the reason `moved to <T>` and
a new session started on T at the same moment for the same member or guest — the play goes on
there. Nothing else changes:

- The target must be a station that is not the session's own, active, not deleted, free, and of
  a group with the same terms as the session's: device, rate per hour, minimum minutes and
  resource (what its minutes cost and how a guest is billed). Anything else is refused with a
  clear error and nothing written.
- A paused session stays paused: the new session is paused at the same moment.
- A guest: the stop and the start are one transaction (a guest start asks no one). The play's
  bill (engine/sales/station_time.py) follows the `moved to` stops back and bills the running
  time of all its sessions together, with the minimum once: a move costs a guest nothing.
- A member: the stop charges what was due before the move; the start is a member's start
  (strict through the authority). A move in the middle of a minute the old station charged
  carries that minute over: the new session starts the part of it already played before the
  move, and its minute 1 is that same minute (source `carried`, nothing drawn), so its minute
  2 falls where the old station's next minute would have — no minute is charged twice, none is
  lost, and the member pays exactly the started minutes of the whole play (issue 17 review).
  The new session's running time so shows that part of a minute (under a minute) before the
  move; a move on a minute's boundary carries nothing (minute 1 is charged at once, as at any
  start). A paused session carries the part it played the same way, then pauses at the move.
  The two are two transactions — the
  authority is asked before the start's write, and allows one open session per member — so
  when the start is refused (no credit, the authority unreachable) the old session stays
  stopped and the error says so: start the member again.
"""

from __future__ import annotations

import datetime as dt

from engine.db import write
from engine.errors import N_, PlaydeskError
from engine.sessions import facts, lifecycle
from engine.sessions.facts import Session
from engine.sessions.terms import startable_station
from engine.sessions.timeline import PAUSED

MOVED = lifecycle.MOVED


def refusal(session_id: str, to_station: str) -> str | None:
    """Why the session could not move to `to_station` now (None: it can), for an app to say
    before it asks to confirm; `move` checks the same again."""
    try:
        _check_target(_session(None, session_id), to_station)
    except PlaydeskError as error:
        return str(error)
    return None


def _check_target(session: Session, to_station: str) -> None:
    if to_station == session.station:
        raise PlaydeskError(N_("session {session_id} is on {to_station} already"),
                            session_id=session.id, to_station=to_station)
    terms = startable_station(to_station)
    held = facts.open_on_station(to_station)
    if held is not None:
        raise PlaydeskError(N_("station {station} is in use (session {session}, {state})"),
                            station=to_station, session=held.id, state=held.state)
    differences = [
        f"{label}: {there} there, {here} here"
        for label, there, here in (
            ("device", terms.device, session.device),
            ("rate per hour", terms.rate_per_hour, session.rate_per_hour),
            ("minimum minutes", terms.minimum_minutes, session.minimum_minutes),
            ("billed as", terms.resource or "station time", session.resource or "station time"))
        if there != here]
    if differences:
        raise PlaydeskError(
            N_("{name} ({to_station}) plays on other terms than this session "
               "({differences}): stop the session and start a new one there"),
            name=terms.name, to_station=to_station, differences="; ".join(differences))


def _session(station: str | None, session_id: str | None) -> Session:
    if (station is None) == (session_id is None):
        raise PlaydeskError(N_("name the station or the session to move"))
    if session_id is not None:
        session = facts.session(session_id)
    else:
        found = facts.open_on_station(str(station))
        if found is None:
            from engine.sessions.terms import station_terms

            station_terms(str(station))  # an unknown station says so
            raise PlaydeskError(N_("no session on station {station}"), station=station)
        session = found
    if not session.open:
        raise PlaydeskError(N_("session {session_id} has ended: it cannot move"),
                            session_id=session.id)
    return session


def move(at: dt.datetime, to_station: str, station: str | None = None,
         session_id: str | None = None, staff: str | None = None) -> Session:
    """Move the open session of `station` (or `session_id`) to `to_station` at `at`; returns the
    session that goes on there (see the module for the rules)."""
    session = _session(station, session_id)
    _check_target(session, to_station)
    paused = session.state == PAUSED
    if session.guest:
        if staff is None:
            raise PlaydeskError(N_("a guest session is moved by staff (give --staff)"))
        with write():
            return _move(session, to_station, at, staff, paused)
    stopped = lifecycle.stop_for(session, at, "staff", staff, MOVED + to_station)
    if stopped.timeline.stop_reason != MOVED + to_station:  # the meter found no credit first
        raise PlaydeskError(N_("session {session_id} stopped ({stop_reason}) "
                               "before the move to {to_station}"),
                            session_id=session.id, stop_reason=stopped.timeline.stop_reason,
                            to_station=to_station)
    try:
        return _start(session, to_station, at, staff, paused,
                      lifecycle.carried_part(stopped, at))
    except PlaydeskError as error:
        raise PlaydeskError(N_("session {session_id} stopped on {station}, but it could "
                               "not start on {to_station}: {error}"),
                            session_id=session.id, station=session.station, to_station=to_station,
                            error=error) from error


def _move(session: Session, to_station: str, at: dt.datetime, staff: str | None,
          paused: bool) -> Session:
    lifecycle.stop_for(session, at, "staff", staff, MOVED + to_station)
    return _start(session, to_station, at, staff, paused)


def _start(session: Session, to_station: str, at: dt.datetime, staff: str | None,
           paused: bool, carried: dt.timedelta = dt.timedelta()) -> Session:
    moved = lifecycle.start(to_station, at, member=session.member, guest=session.guest,
                            staff=staff, carried=carried)
    if paused:
        moved = lifecycle.pause(at, session_id=moved.id, staff=staff, reason="moved paused")
    return moved
