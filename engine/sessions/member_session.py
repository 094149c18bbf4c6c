"""A member's open session as the member is shown it (the kiosk's home banner): the station,
running or paused, the time left, and whether it is within `session_warning_minutes` of its end.
In the engine, not the kiosk: the time left and the warning are rules, the screen only shows them.

The time left counts from the running time, not from the last minute the meter charged: the
meter runs on another device and its charges arrive by sync, so between them the cover alone
would stand still. A session may run until its running time reaches the minutes charged plus
the minutes its cover pays (minute n is charged at n − 1 full minutes; the one after the last
paid minute stops it), so time left = (charged + cover) minutes − running time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.sessions import facts
from engine.sessions.charging import session_cover
from engine.sessions.terms import station_terms, warning_minutes
from engine.sessions.timeline import PAUSED


@dataclass(frozen=True)
class MemberSession:
    session: str
    station: str
    station_name: str
    paused: bool
    left_minutes: int  # whole minutes of play left (rounded down)
    warning: bool


def time_left(charged: int, cover_minutes: int, running: dt.timedelta) -> int:
    """Whole minutes of running time left before the first minute nothing pays for."""
    seconds = (charged + cover_minutes) * 60 - running.total_seconds()
    return max(0, int(seconds // 60))


def member_session(member: str, at: dt.datetime) -> MemberSession | None:
    """The member's open session as the member is shown it; None when there is none."""
    session = facts.open_for_member(member)
    if session is None:
        return None
    cover = session_cover(session, at)
    left = time_left(session.charged, cover.total if cover else 0,
                     session.timeline.running_time(at))
    return MemberSession(session.id, session.station, station_terms(session.station).name,
                  session.state == PAUSED, left, left <= warning_minutes())
