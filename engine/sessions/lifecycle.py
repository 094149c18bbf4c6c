"""Starting, pausing, resuming and stopping a session (sessions.md "Session lifecycle").

At most one session that is not ended per station and per member, checked inside the write
transaction (BEGIN IMMEDIATE: no other process of the device between the check and the insert)
and, for a member, by the authority first (a strict operation: `session.start`, deny offline by
default). A member's start charges minute 1 at once, in the same transaction; a guest's start
needs staff and charges nothing. Every change is a session event in the journal (a fact the
other devices apply). Pause, resume and stop first charge what was due before them.
"""

from __future__ import annotations

import datetime as dt

from engine import journal, playtime
from engine.bulk import insert_instances
from engine.db import write
from engine.errors import N_, PlaydeskError
from engine.ids import device_id, next_id
from engine.models import PlaySession, SessionEvent
from engine.people.members import existing_member
from engine.people.staff import existing_staff
from engine.sessions import facts
from engine.sessions.charging import Spend, obtain, record_minute, warning_due
from engine.sessions.facts import Session
from engine.sessions.terms import startable_station, station_terms
from engine.sessions.timeline import ENDED, MINUTE, PAUSED, RUNNING
from engine.sync.strict import ask, holding, refuse, use

ACTORS = ("staff", "agent", "meter")
# the reason a stop gives when its caller gives none: staff stopped it, the member logged out at
# the station, the meter (which says why: `no credit`, `station lost`)
STOP_REASONS = {"staff": "staff", "agent": "logout", "meter": "meter"}
# the stop reason of a session moved on (engine/sessions/move.py); guest time is billed along
# it (engine/sales/station_time.py), so no one else may give it
# (engine/playtime.py defines both; a carried minute draws nothing)
MOVED, CARRIED = playtime.MOVED, playtime.CARRIED


def carried_part(moved: Session, at: dt.datetime) -> dt.timedelta:
    """How much of its last charged minute `moved` (a member's session, charged up to `at`) had
    played by `at`: the part the minute carried to the next station has played already (zero
    when the minute was used up, or nothing was paid)."""
    if moved.member is None or moved.charged == 0:
        return dt.timedelta()
    played = moved.timeline.running_time(at) - (moved.charged - 1) * MINUTE
    return played if dt.timedelta() < played < MINUTE else dt.timedelta()


def _check_actor(actor: str, staff: str | None) -> None:
    if actor not in ACTORS:
        raise PlaydeskError(N_("actor must be one of {actors}, not {actor!r}"),
                            actors=", ".join(ACTORS), actor=actor)
    if staff is not None:
        existing_staff(staff)


def _busy(station: str, member: str | None) -> None:
    held = facts.open_on_station(station)
    if held is not None:
        raise PlaydeskError(N_("station {station} is in use (session {session}, {state})"),
                            station=station, session=held.id, state=held.state)
    if member is not None:
        playing = facts.open_for_member(member)
        if playing is not None:
            raise PlaydeskError(N_("member {member} already plays on {station} "
                                   "(session {session})"),
                                member=member, station=playing.station, session=playing.id)


def start(station: str, at: dt.datetime, member: str | None = None, guest: bool = False,
          staff: str | None = None, actor: str = "staff",
          carried: dt.timedelta = dt.timedelta()) -> Session:
    """Start a session on `station` for `member` or a guest; returns it (minute 1 charged for a
    member). PlaydeskError, nothing written, when the station is busy, inactive or unknown, the
    member inactive, busy or without a minute of cover, or the authority says no.

    `carried` (a member moved in the middle of a paid minute, engine/sessions/move.py): the
    part of that minute played on the old station. The session then starts that much before
    `at`, and its minute 1 is the old station's minute carried over (source `carried`, nothing
    drawn): its minute 2 falls where the old station's next minute would have, so a move
    charges no minute twice and loses none."""
    _check_actor(actor, staff)
    if guest == (member is not None):
        raise PlaydeskError(N_("a session is for a member or for a guest (give one of them)"))
    if guest and staff is None:
        raise PlaydeskError(N_("a guest session is started by staff (give --staff)"))
    terms = startable_station(station)
    if guest and terms.resource is None:
        # a guest's time is billed as a line of the group's resource (engine/sales/
        # station_time.py); a group without one could never be paid
        raise PlaydeskError(N_("station {station}'s group {group} has no resource: guest "
                               "time there could not be billed (give the group a resource)"),
                            station=station, group=terms.group)
    if member is not None and not existing_member(member).active:
        raise PlaydeskError(N_("member {member} is inactive"), member=member)
    _busy(station, member)
    if carried and (member is None or not dt.timedelta() < carried < MINUTE):
        raise PlaydeskError(N_("only a member's moved session carries part of a minute"))
    started = paid = None
    if member is not None:
        started = ask("session.start", at, member=member, station=station)
        refuse(started, f"starting a session for {member} on {station}")
    begin = at - carried
    with holding(started, at=at):
        if carried:
            paid = Spend(CARRIED, 0, None, None)
        elif member is not None:
            paid = obtain(member, terms.device, terms.rate_per_hour, 0, "", 1, at)
            if paid is None:
                raise PlaydeskError(N_("no credit: {member} has no minutes or wallet credit "
                                       "usable on {device} for a minute on {station}"),
                                    member=member, device=terms.device, station=station)
        with holding(paid.decision if paid else None, at=at), write():
            _busy(station, member)
            session_id = next_id("S")
            row = PlaySession(
                id=session_id, station=station, group=terms.group,
                station_device=terms.device, rate_per_hour=terms.rate_per_hour,
                minimum_minutes=terms.minimum_minutes, resource=terms.resource, member=member,
                guest=guest, started_at=begin, staff=staff, device=device_id(),
                offline=bool(started and started.offline), hold=use(started))
            event = SessionEvent(id=next_id("SE"), session=session_id, kind="start", at=begin,
                                 actor=actor, staff=staff, device=device_id())
            insert_instances(row, event)
            rows = [row, event]
            if member is not None and paid is not None:
                # the reference names the session, known only now: the authority was asked
                # for minute 1 of "" (the grant is the hold, not the reference)
                rows += record_minute(session_id, member, terms.device, 1, begin, paid)
                warning = warning_due(session_id, member, terms.device, terms.rate_per_hour,
                                      int(paid.kind == "money"), at)
                if warning is not None:
                    rows.append(warning)
            journal.append_rows("session.start", *rows)
    return facts.session(session_id)


def record_event(session: Session, kind: str, at: dt.datetime, actor: str,
                 staff: str | None, reason: str | None) -> None:
    """Inside write(): one session event, journaled."""
    event = SessionEvent(id=next_id("SE"), session=session.id, kind=kind, at=at, actor=actor,
                         staff=staff, reason=reason, device=device_id())
    insert_instances(event)
    journal.append_rows(f"session.{kind}", event)


def _not_before(session: Session, at: dt.datetime, what: str) -> None:
    """Nothing is recorded before what a session already holds: its last event, or its last
    charged minute (a minute charged is final; a pause for a silent agent comes before the
    meter charges past the agent's last heartbeat)."""
    latest = max([session.timeline.last_at, *(m.at for m in session.minutes[-1:])])
    if at < latest:
        raise PlaydeskError(N_("cannot {what} session {session_id} at {at:%Y-%m-%d %H:%M:%S}: "
                               "it changed later, at {latest:%Y-%m-%d %H:%M:%S}"),
                            what=what, session_id=session.id, at=at, latest=latest)


def _target(station: str | None, session_id: str | None) -> Session:
    if (station is None) == (session_id is None):
        raise PlaydeskError(N_("name the station or the session"))
    if session_id is not None:
        return facts.session(session_id)
    startable = facts.open_on_station(station)
    if startable is None:
        station_terms(station)  # an unknown station says so
        raise PlaydeskError(N_("no session on station {station}"), station=station)
    return startable


def _change(session: Session, kind: str, needs: str, at: dt.datetime, actor: str,
            staff: str | None, reason: str | None) -> Session:
    """Record `kind` on a session in state `needs`, after charging what was due before `at`."""
    from engine.sessions.meter import charge_session

    _check_actor(actor, staff)
    _not_before(session, at, kind)
    if session.state != needs:
        raise PlaydeskError(N_("session {session_id} is {state}, it cannot {kind}"),
                            session_id=session.id, state=session.state, kind=kind)
    if session.member is not None:
        session = charge_session(session, at, inclusive=False)
        if session.state == ENDED:  # the meter stopped it first (no credit before `at`)
            return session
        session = facts.session(session.id)  # as charged now
        owed = session.timeline.due(at, inclusive=False) - session.charged
        if kind == "stop" and owed > 0:
            # a member's charges are final at the stop and the meter charges open sessions
            # only: stopping now would leave these minutes unpaid for good
            raise PlaydeskError(
                N_("session {session_id} has {owed} minute(s) due that cannot be charged now "
                   "(the authority did not grant them): it keeps running; try again"),
                session_id=session.id, owed=owed)
    with write():
        current = facts.session(session.id)
        if current.state != needs:
            raise PlaydeskError(N_("session {session_id} is {state}, it cannot {kind}"),
                                session_id=session.id, state=current.state, kind=kind)
        _not_before(current, at, kind)
        record_event(current, kind, at, actor, staff, reason)
    session = facts.session(session.id)
    if kind == "resume" and session.member is not None:
        session = charge_session(session, at)  # a minute starting at the resume
    return session


def pause(at: dt.datetime, station: str | None = None, session_id: str | None = None,
          actor: str = "staff", staff: str | None = None, reason: str | None = None) -> Session:
    """Pause a running session (paused time is never charged)."""
    return _change(_target(station, session_id), "pause", RUNNING, at, actor, staff, reason)


def resume(at: dt.datetime, station: str | None = None, session_id: str | None = None,
           actor: str = "staff", staff: str | None = None) -> Session:
    return _change(_target(station, session_id), "resume", PAUSED, at, actor, staff, None)


def stop(at: dt.datetime, station: str | None = None, session_id: str | None = None,
         actor: str = "staff", staff: str | None = None, reason: str | None = None) -> Session:
    """Charge what is due up to `at`, then stop (running or paused). A member's charges are
    final; a guest's time becomes a receipt line (`charging.guest_bill`)."""
    if reason is not None and reason.strip().lower().startswith(MOVED.strip()):
        raise PlaydeskError(N_("the stop reason {reason!r} is kept for moves: use session move"),
                            reason=reason)
    return stop_for(_target(station, session_id), at, actor, staff, reason)


def stop_for(session: Session, at: dt.datetime, actor: str, staff: str | None,
             reason: str | None) -> Session:
    """`stop` of a session already found, with any reason (engine.sessions.move's own)."""
    _check_actor(actor, staff)
    reason = reason or STOP_REASONS[actor]
    if session.state == ENDED:
        raise PlaydeskError(N_("session {session_id} has ended already"), session_id=session.id)
    needs = session.state
    return _change(session, "stop", needs, at, actor, staff, reason)
