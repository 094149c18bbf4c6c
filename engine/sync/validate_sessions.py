"""Play-session facts of another device, checked on apply (spec/sessions.md; the rest of a
fact event is checked in engine/sync/validate.py): a session is a member's or a guest's and
starts with its start event, its events are of known kinds, a session's terms are its station's
as the site defines them, and a charged minute is a member session's minute that was due, paid
exactly by the rule from the member's own lots usable on its device.

A session's terms (issue 17 review: a stolen counter key must not start a session at 1/h, or as
a `pc` session on a console to spend pc-only lots). The row copies them from the station's group
at its start (`group`, `station_device`, `rate_per_hour`, `minimum_minutes`, `resource`), so a
group changed later does not reprice a session already started. They must be the terms of some
version of the definitions held here: the station's group is its group now or in a `definitions`
event in this journal (own or applied from others; a refused one does not count), and the five
terms are that group's now or in such an event. A legitimate session started before a change, or
by a device that had not received it yet, carries the older terms and passes; terms the site
never gave that station are a forgery. (The limit, said plainly: a stolen key can still choose
the cheapest terms the station's group ever had — the site's own history, not any rate.)
Terms that match no version held here make the event wait (`Waiting`), not refused: the version
the origin started with may be a change made on a third device that has not arrived yet, and a
verdict must not depend on arrival order (sync.md). So a forged session is never applied, and
its origin's later events wait behind it (shown as waiting, as behind a gap).

A charged minute's number is judged against the session's timeline (engine/playtime.py, the
sessions' own arithmetic): minute N may be charged at its `at` only if the session had run
N − 1 minutes by then — `boundary(N) <= at` — by the events stored here and those in the event.
Other devices' pauses and stops are left out of that timeline: the charging device may not
have had them (a meter charging a minute while another counter stopped the session offline is
a race, not a forgery, and every device must judge it alike whatever arrived first). Its own
pauses and stops it had (its journal is applied in order), so a minute after its own stop, or
charged before the running time reached it, is refused (`not_due`); a minute of a session paused
by it that only another device's resume (maybe not here yet) could make due waits. Two devices
charging the same minute is a collision, settled by engine/sync/collisions.py; a wallet minute
is the session's k-th (k = its wallet minutes before it here, plus one), or up to as many more
as its origin's own earlier minutes of the session that lost such a collision (it numbered
after them; sessions' facts are final, so every device keeps it as numbered).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.db import database
from engine.playtime import (
    CARRIED,
    ENDED,
    MINUTE,
    MOVED,
    SessionEventFact,
    Timeline,
    build,
    wallet_cost,
)
from engine.sync.verdict import Rejected, Waiting, applied_records, by_id, stored_row, whole

# The tables session events carry, and what the events may be.
SESSION_TABLES = {"play_session", "session_event", "session_minute", "consumption"}
SESSION_EVENT_KINDS = {"start", "pause", "resume", "stop", "warning"}
SESSION_ACTORS = {"staff", "agent", "meter"}


_SESSION = ("SELECT member, guest, rate_per_hour, station_device, started_at FROM play_session "
            "WHERE id = ?")
_EVENTS = "SELECT kind, at, id, actor, reason, device FROM session_event WHERE session = ?"
# the five terms a session copies from its station's group (in the row's column names)
TERMS = ("group", "station_device", "rate_per_hour", "minimum_minutes", "resource")
_STATION_NOW = "SELECT g.code FROM station AS s JOIN station_group AS g ON g.id = s.group_id " \
               "WHERE s.code = ?"
_GROUP_NOW = ("SELECT g.device, g.rate_per_hour, g.minimum_minutes, r.code FROM station_group "
              "AS g LEFT JOIN resource AS r ON r.id = g.resource_id WHERE g.code = ?")
_WALLET_MINUTES = ("SELECT COUNT(*) FROM session_minute WHERE session = ? AND source = 'money' "
                   "AND minute < ?")


def _session_of(origin: str, name: Any, sessions: dict[Any, dict[str, Any]],
                what: str) -> tuple[Any, bool, int, str, Any]:
    """(member, guest, rate, device, started_at) of the session `name`, in the event or stored
    here."""
    if name in sessions:
        row = sessions[name]
        return row.get("member"), bool(row.get("guest")), row.get("rate_per_hour"), \
            row.get("station_device"), row.get("started_at")
    stored = database.execute_sql(_SESSION, (name,)).fetchone()
    if stored is None:
        if str(name).startswith(f"{origin}-"):
            raise Rejected("unknown_reference", f"{what} of {origin}'s session {name!r}, which "
                                                "it never started")
        raise Waiting(f"{what} of session {name!r}, not here yet")
    return stored[0], bool(stored[1]), stored[2], stored[3], stored[4]


def check_sessions(origin: str, kind: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Session facts are what the engine writes (sessions.md): a session is a member's or a
    guest's, starts with its start event, its events are of known kinds, and a charged minute
    is a member session's minute not charged yet, paid exactly by the rule (a minutes lot: one
    minute; the wallet: the k-th wallet minute's cost) from the member's own lots usable on the
    session's device, its draws naming it. A session event carries no money: a forged one can
    stop or pause a session, never create or move credit."""
    session_event = kind.startswith("session.")
    if session_event:
        extra = sorted(set(rows) - SESSION_TABLES)
        if extra:
            raise Rejected("forbidden_rows", f"a {kind} event with rows of {', '.join(extra)}")
    elif set(rows) & (SESSION_TABLES - {"consumption"}):
        raise Rejected("forbidden_rows", f"session rows in a {kind} event")
    sessions = by_id(rows, "play_session")
    starts = {row.get("session") for row in rows.get("session_event", [])
              if row.get("kind") == "start"}
    for name, row in sessions.items():
        member, guest = row.get("member"), row.get("guest")
        if not isinstance(guest, bool) or (member is None) != guest:
            raise Rejected("bad_session", f"session {name!r}: a member's or a guest's")
        if row.get("station_device") not in ("pc", "console") or not row.get("rate_per_hour"):
            raise Rejected("bad_session", f"session {name!r}: device "
                                          f"{row.get('station_device')!r}, rate "
                                          f"{row.get('rate_per_hour')!r}")
        if name not in starts:
            raise Rejected("bad_session", f"session {name!r} without its start event")
        _check_terms(name, row)
    for event in rows.get("session_event", []):
        if event.get("kind") not in SESSION_EVENT_KINDS or \
                event.get("actor") not in SESSION_ACTORS:
            raise Rejected("bad_session", f"session event {event.get('id')!r} of kind "
                                          f"{event.get('kind')!r} by {event.get('actor')!r}")
        if event.get("kind") == "start" and event.get("session") not in sessions:
            raise Rejected("bad_session", f"start event {event.get('id')!r} without its session")
        _session_of(origin, event.get("session"), sessions, f"event {event.get('id')!r}")
    _check_minutes(origin, rows, sessions)


def _check_minutes(origin: str, rows: dict[str, list[dict[str, Any]]],
                   sessions: dict[Any, dict[str, Any]]) -> None:
    lots = by_id(rows, "lot")
    draws: dict[str, list[dict[str, Any]]] = {}
    for record in rows.get("consumption", []):
        draws.setdefault(str(record.get("reference")), []).append(record)
    paid_refs = set()
    wallet_in_event: dict[Any, int] = {}
    for minute in sorted(rows.get("session_minute", []), key=lambda m: m.get("minute") or 0):
        name, number, source = minute.get("session"), minute.get("minute"), minute.get("source")
        what = f"minute {number!r} of session {name!r}"
        member, guest, rate, device, started = _session_of(origin, name, sessions, what)
        if guest:
            raise Rejected("bad_session", f"{what}: a guest session charges nothing")
        if not whole(number) or number < 1:
            raise Rejected("bad_session", f"{what}: not a minute")
        _check_due(origin, name, number, minute.get("at"), started, rows, what)
        # a minute charged here already by another device is a collision, not a forgery: sync
        # settles it on every device alike (engine/sync/collisions.py, session_minute)
        reference = f"{name}:{number}"
        paid = draws.get(reference, [])
        if source == "minutes":
            expected, kind = 1, "minutes"
        elif source == CARRIED:
            _check_carried(name, number, minute, sessions, member, started, what)
            expected, kind = 0, "minutes"
        elif source == "money":
            before = database.execute_sql(_WALLET_MINUTES, (name, number)).fetchone()[0]
            k = before + wallet_in_event.get(name, 0) + 1
            wallet_in_event[name] = wallet_in_event.get(name, 0) + 1
            # the origin may have numbered it after minutes of its own that lost a collision
            # since (a wallet minute where the winner drew a minutes lot): it is kept as
            # numbered, on every device alike, whatever arrived first
            given, late = minute.get("wallet_minute"), _lost_before(origin, name, number)
            if not whole(given) or not k <= given <= k + late:
                raise Rejected("wrong_price", f"{what}: wallet minute {given!r}, not {k}"
                                              + (f" to {k + late}" if late else ""))
            expected, kind = wallet_cost(rate, given), "money"
        else:
            raise Rejected("bad_session", f"{what} paid from {source!r}")
        if minute.get("amount") != expected or sum(d.get("amount") or 0 for d in paid) != expected:
            raise Rejected("wrong_price", f"{what} costs {expected} {kind}, charged "
                                          f"{minute.get('amount')!r}")
        for record in paid:
            found = _lot_terms(record.get("lot"), lots)
            if record.get("kind") != "use" or record.get("member") != member or \
                    (found is not None and (found[0] != member or found[1] != kind
                                            or found[2] not in ("any", device))):
                raise Rejected("wrong_member", f"{what} drawn from lot {record.get('lot')!r} "
                                               f"({found}) for {record.get('member')!r}")
        paid_refs.add(reference)
    if sessions or rows.get("session_minute") or rows.get("session_event"):
        stray = sorted(ref for ref in draws if ref not in paid_refs)
        if stray:
            raise Rejected("bad_consumption", f"draws {stray} in a session event pay no minute "
                                              "of it")


_LOST = ("SELECT key FROM sync_conflict WHERE device = ? AND kind = 'collision' "
         "AND reason = 'session_minute.session,minute' AND key LIKE ? ESCAPE '\\'")


def _lost_before(origin: str, name: Any, number: int) -> int:
    """How many minutes before `number` of session `name` the origin charged and lost to
    another device's charge of the same minute (engine/sync/collisions.py keeps each as a
    conflict, keyed `session_minute.session,minute=<session>,<minute>`)."""
    prefix = f"session_minute.session,minute={name},"
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = set()
    for (key,) in database.execute_sql(_LOST, (origin, pattern)):
        tail = str(key)[len(prefix):]
        if tail.isdigit() and int(tail) < number:
            found.add(int(tail))
    return len(found)


def _lot_terms(name: Any, lots: dict[Any, dict[str, Any]]) -> tuple | None:
    """(member, kind, device) of a lot in the event or here (None: not here yet; the draw's own
    check makes it wait)."""
    if name in lots:
        return lots[name].get("member"), lots[name].get("kind"), lots[name].get("device")
    stored = stored_row("lot", name, "member, kind, device")
    return tuple(stored) if stored else None


_MOVED_FROM = ("SELECT e.session, e.at FROM session_event AS e JOIN play_session AS s "
               "ON s.id = e.session WHERE e.kind = 'stop' AND e.reason = ? AND s.member = ? "
               "AND s.id != ?")
_CHARGED = "SELECT COALESCE(MAX(minute), 0) FROM session_minute WHERE session = ?"


def _check_carried(name: Any, number: Any, minute: dict[str, Any],
                   sessions: dict[Any, dict[str, Any]], member: Any, started: Any,
                   what: str) -> None:
    """A carried minute (engine/sessions/move.py) is minute 1 of a member's session that starts
    exactly the part of a minute its moved session had played of its last charged minute, that
    long before that session's `moved to` stop: it draws nothing, and only a move makes one."""
    if number != 1 or minute.get("wallet_minute") is not None:
        raise Rejected("bad_session", f"{what}: only minute 1 is carried from a move")
    station = sessions[name].get("station") if name in sessions else \
        (stored_row("play_session", name, "station") or (None,))[0]
    start = _time(started)
    for moved, stop in database.execute_sql(_MOVED_FROM, (f"{MOVED}{station}", member, name)):
        stopped = _time(stop)
        if start is None or stopped is None or not start < stopped < start + MINUTE:
            continue
        began = _time(stored_row("play_session", moved, "started_at")[0])
        timeline = build(began, [SessionEventFact(kind, _time(at), eid, actor, reason)
                                 for kind, at, eid, actor, reason, _ in
                                 database.execute_sql(_EVENTS, (moved,))])
        charged = database.execute_sql(_CHARGED, (moved,)).fetchone()[0]
        if timeline.running_time(stopped) - (charged - 1) * MINUTE == stopped - start:
            return
    raise Rejected("bad_session", f"{what}: carried from no move (no session of {member!r} moved "
                                  f"to {station!r} in its first minute with that much played)")


def _check_terms(name: Any, row: dict[str, Any]) -> None:
    """The session's terms are its station's group's in some version held here (module doc)."""
    station = row.get("station")
    now = database.execute_sql(_STATION_NOW, (station,)).fetchone() if isinstance(station, str) \
        else None
    groups = {now[0]} if now else set()
    groups |= {r.get("group") for r in applied_records("stations", station)}
    if row.get("group") not in groups:
        raise Waiting(f"session {name!r}: station {station!r} in group {row.get('group')!r}, "
                      f"which no version of the site's definitions here gives it "
                      f"({sorted(map(str, groups)) or 'no such station'})")
    group = row.get("group")
    versions = set()
    current = database.execute_sql(_GROUP_NOW, (group,)).fetchone()
    if current:
        versions.add(tuple(current))
    for record in applied_records("station_groups", group):
        versions.add((record.get("device"), record.get("rate_per_hour"),
                      record.get("minimum_minutes") or 0, record.get("resource")))
    terms = (row.get("station_device"), row.get("rate_per_hour"), row.get("minimum_minutes") or 0,
             row.get("resource"))
    if terms not in versions:
        raise Waiting(f"session {name!r} on {station!r} at device {terms[0]!r}, rate "
                      f"{terms[1]!r}, minimum {terms[2]!r}, resource {terms[3]!r}: group "
                      f"{group!r} never had these terms here")


def _time(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _origin_timeline(origin: str, name: Any, started: Any,
                     rows: dict[str, list[dict[str, Any]]]) -> tuple[Timeline, list]:
    """The session's timeline as its origin surely knew it (module doc): the events stored here
    and in the event, without other devices' pauses and stops; and the pauses kept."""
    stored = [dict(zip(("kind", "at", "id", "actor", "reason", "device"), event, strict=True))
              for event in database.execute_sql(_EVENTS, (name,))]
    known = {event["id"] for event in stored}
    events = stored + [e for e in rows.get("session_event", [])
                       if e.get("session") == name and e.get("id") not in known]
    kept = [SessionEventFact(str(e.get("kind")), when, str(e.get("id")), str(e.get("actor")),
                             e.get("reason"))
            for e in events if (when := _time(e.get("at"))) is not None
            and (e.get("device") == origin or e.get("kind") not in ("pause", "stop"))]
    start = _time(started)
    if start is None:
        raise Rejected("bad_session", f"session {name!r} started at {started!r}")
    return build(start, kept), [e for e in kept if e.kind == "pause"]


def _check_due(origin: str, name: Any, number: Any, at: Any, started: Any,
               rows: dict[str, list[dict[str, Any]]], what: str) -> None:
    """Minute `number` was due at its `at` (module doc)."""
    when = _time(at)
    if not whole(number) or number < 1 or when is None:
        raise Rejected("bad_session", f"{what}: not a minute at {at!r}")
    timeline, pauses = _origin_timeline(origin, name, started, rows)
    boundary = timeline.boundary(number)
    if boundary is not None and boundary <= when:
        return
    if any(pause.at <= when for pause in pauses):
        raise Waiting(f"{what} at {when}: not due by the events here (the session was paused; "
                      "a resume from another device may not be here yet)")
    if timeline.state == ENDED:
        raise Rejected("not_due", f"{what} at {when}: after the session's stop at "
                                  f"{timeline.ended_at} ({timeline.due(timeline.ended_at, False)} "
                                  "minutes were due)")
    raise Rejected("not_due", f"{what} at {when}: due at {boundary}, not before")
