"""The meter (sessions.md "The meter"): charges each running member session's minutes when they
fall due, each in its own idempotent transaction, and stops a session with reason `no credit` at
the boundary of the first minute nothing covers. After the meter was down it charges the missed
minutes, each at its own boundary (so a lot that expired meanwhile is not used for the minutes
after its expiry), up to now. Guest sessions charge nothing while they run.

The service that runs it (on the authority device) calls `charge_due(now)` in a loop; an agent
station whose heartbeat stopped is paused at its last heartbeat before that (`lifecycle.pause`),
so the silent time is never charged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from engine.db import write
from engine.sessions import facts
from engine.sessions.charging import CHARGED, DEFERRED, NO_CREDIT, charge_minute
from engine.sessions.facts import Session
from engine.sessions.timeline import ENDED, PAUSED, RUNNING


@dataclass
class MeterRun:
    """What one pass of the meter did."""

    at: dt.datetime
    sessions: int = 0  # open member sessions looked at
    charged: int = 0  # minutes charged
    stopped: list[str] = field(default_factory=list)  # sessions stopped for no credit
    deferred: list[str] = field(default_factory=list)  # sessions with a minute left for later

    def as_dict(self) -> dict:
        return {"at": self.at, "sessions": self.sessions, "charged": self.charged,
                "stopped": self.stopped, "deferred": self.deferred}


def stop_no_credit(session: Session, at: dt.datetime) -> Session:
    """Stop `session` at `at`, the boundary of a minute nothing covers (one transaction)."""
    from engine.sessions.lifecycle import record_event

    with write():
        current = facts.session(session.id)
        if current.state != ENDED and current.charged < (current.timeline.due(at) or 1):
            record_event(current, "stop", at, "meter", None, "no credit")
    return facts.session(session.id)


def charge_session(session: Session, at: dt.datetime, inclusive: bool = True,
                   run: MeterRun | None = None) -> Session:
    """Charge a member session's minutes that started by `at` (with `inclusive`, one starting
    exactly at `at` too); returns the session as it is now."""
    if session.member is None or session.state == ENDED:
        return session
    due = session.timeline.due(at, inclusive)
    for minute in range(session.charged + 1, due + 1):
        boundary = session.timeline.boundary(minute)
        if boundary is None or boundary > at:
            break
        result = charge_minute(session, minute, boundary)
        if result == NO_CREDIT:
            session = stop_no_credit(session, boundary)
            if run is not None and session.state == ENDED:
                run.stopped.append(session.id)
            return session
        if result == DEFERRED:
            if run is not None:
                run.deferred.append(session.id)
            return facts.session(session.id)
        if result == CHARGED and run is not None:
            run.charged += 1
        if minute < due or result != CHARGED:  # read again for the next minute
            session = facts.session(session.id)
    return session


def charge_due(at: dt.datetime) -> MeterRun:
    """Charge every open member session's minutes due up to `at` (idempotent: a second call at
    the same time charges nothing more)."""
    run = MeterRun(at)
    for session in facts.open_sessions():
        if session.member is None:
            continue
        run.sessions += 1
        charge_session(session, at, run=run)
    return run


LOST = "station lost"


def _last_pause(session: Session):
    pauses = [e for e in session.events if e.kind == "pause"]
    return max(pauses, key=lambda e: (e.at, e.id)) if pauses else None


def watch_agents(at: dt.datetime, heartbeats: dict[str, dt.datetime]) -> dict[str, list[str]]:
    """Before `charge_due(at)`, for the sessions on agent stations (sessions.md "The meter"):
    one whose agent has been silent longer than `agent_timeout_seconds` is paused at its last
    heartbeat (`heartbeats[station]`, else the session's start), so the silence is never
    charged; one paused so (reason `station lost`) whose agent has beaten again since is
    resumed at that heartbeat. Returns {"paused": [...], "resumed": [...]} (session ids)."""
    from engine.sessions.lifecycle import pause, resume
    from engine.sessions.terms import agent_timeout_seconds, station_terms

    timeout = dt.timedelta(seconds=agent_timeout_seconds())
    done: dict[str, list[str]] = {"paused": [], "resumed": []}
    for session in facts.open_sessions():
        if not station_terms(session.station).agent:
            continue
        heard = heartbeats.get(session.station)
        if session.state == RUNNING:
            last = max(heard or session.started_at, session.started_at)
            if at - last > timeout:
                held = max([session.timeline.last_at, *(m.at for m in session.minutes[-1:])])
                pause(max(last, held), session_id=session.id, actor="meter", reason=LOST)
                done["paused"].append(session.id)
        elif session.state == PAUSED:
            paused = _last_pause(session)
            if paused is not None and paused.reason == LOST and heard is not None \
                    and heard > paused.at and at - heard <= timeout:
                resume(heard, session_id=session.id, actor="meter")
                done["resumed"].append(session.id)
    return done
