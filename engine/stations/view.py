"""What the meter tells an agent station about its session: the retained `state` (sessions.md
topics: `{session, member, state, started_at, charged_minutes, left_minutes, warning}` plus the
timing the agent needs), and the commands a change of that view calls for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from engine.sessions.facts import Session
from engine.sessions.timeline import ENDED


@dataclass(frozen=True)
class View:
    """What an agent station shows; `key()` leaves out what changes by the second."""

    session: str | None = None
    member: str | None = None
    state: str = "free"  # free | running | paused
    started_at: str | None = None
    charged_minutes: int = 0
    left_minutes: int | None = None
    warning: bool = False
    reason: str | None = None  # why the last change (pause or stop) happened

    def body(self) -> dict[str, Any]:
        return {"session": self.session, "member": self.member, "state": self.state,
                "started_at": self.started_at, "charged_minutes": self.charged_minutes,
                "left_minutes": self.left_minutes, "warning": self.warning,
                "reason": self.reason}


def last_reason(session: Session, kind: str) -> str | None:
    for event in reversed(session.events):
        if event.kind == kind:
            return event.reason
    return None


def view_of(session: Session | None, left_minutes: int | None) -> View:
    if session is None or session.state == ENDED:
        return View()
    reason = last_reason(session, "pause") if session.state == "paused" else None
    return View(session.id, session.member, session.state,
                session.started_at.isoformat("T", "seconds"), session.charged, left_minutes,
                session.timeline.warned, reason)


def commands(before: View, after: View, stop_reason: str | None) -> list[dict[str, Any]]:
    """The commands that tell an agent the change from `before` to `after`."""
    out: list[dict[str, Any]] = []
    if before.session and before.session != after.session:
        out.append({"action": "stop", "session": before.session, "reason": stop_reason})
    if after.session and after.session != before.session:
        out.append({"action": "start", "session": after.session, "member": after.member})
        if after.state == "paused":
            out.append({"action": "pause", "session": after.session, "reason": after.reason})
    elif after.session and after.state != before.state:
        action = "pause" if after.state == "paused" else "resume"
        out.append({"action": action, "session": after.session, "reason": after.reason})
    if after.session and after.warning and not before.warning:
        out.append({"action": "message", "session": after.session, "warning": True,
                    "text": f"{after.left_minutes} minutes left"})
    return out


def seconds_to_next_minute(session: Session, at: dt.datetime) -> float | None:
    """Meter seconds from `at` to the next minute's boundary of a running session."""
    if session.state != "running":
        return None
    boundary = session.timeline.boundary(session.charged + 1)
    if boundary is None:
        return None
    return max(0.0, (boundary - at).total_seconds())
