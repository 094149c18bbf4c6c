"""Play-session facts of another device, checked on apply (spec/sessions.md; the rest of a
fact event is checked in engine/sync/validate.py): a session is a member's or a guest's and
starts with its start event, its events are of known kinds, and a charged minute is a member
session's minute paid exactly by the rule from the member's own lots usable on its device."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from engine.db import database
from engine.money import round_half_up
from engine.sync.verdict import Rejected, Waiting, by_id, stored_row, whole

# The tables session events carry, and what the events may be.
SESSION_TABLES = {"play_session", "session_event", "session_minute", "consumption"}
SESSION_EVENT_KINDS = {"start", "pause", "resume", "stop", "warning"}
SESSION_ACTORS = {"staff", "agent", "meter"}


_SESSION = ("SELECT member, guest, rate_per_hour, station_device FROM play_session "
            "WHERE id = ?")
_WALLET_MINUTES = ("SELECT COUNT(*) FROM session_minute WHERE session = ? AND source = 'money' "
                   "AND minute < ?")


def _wallet_cost(rate: int, k: int) -> int:
    """The k-th wallet minute's draw: round_half_up(rate × k / 60) minus the total before
    (engine/sessions/charging.py, above this layer, says the same)."""
    return (round_half_up(Fraction(rate * k, 60)) - round_half_up(Fraction(rate * (k - 1), 60)))


def _session_of(origin: str, name: Any, sessions: dict[Any, dict[str, Any]],
                what: str) -> tuple[Any, bool, int, str]:
    """(member, guest, rate, device) of the session `name`, in the event or stored here."""
    if name in sessions:
        row = sessions[name]
        return row.get("member"), bool(row.get("guest")), row.get("rate_per_hour"), \
            row.get("station_device")
    stored = database.execute_sql(_SESSION, (name,)).fetchone()
    if stored is None:
        if str(name).startswith(f"{origin}-"):
            raise Rejected("unknown_reference", f"{what} of {origin}'s session {name!r}, which "
                                                "it never started")
        raise Waiting(f"{what} of session {name!r}, not here yet")
    return stored[0], bool(stored[1]), stored[2], stored[3]


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
        member, guest, rate, device = _session_of(origin, name, sessions, what)
        if guest:
            raise Rejected("bad_session", f"{what}: a guest session charges nothing")
        if not whole(number) or number < 1:
            raise Rejected("bad_session", f"{what}: not a minute")
        # a minute charged here already by another device is a collision, not a forgery: sync
        # settles it on every device alike (engine/sync/collisions.py, session_minute)
        reference = f"{name}:{number}"
        paid = draws.get(reference, [])
        if source == "minutes":
            expected, kind = 1, "minutes"
        elif source == "money":
            before = database.execute_sql(_WALLET_MINUTES, (name, number)).fetchone()[0]
            k = before + wallet_in_event.get(name, 0) + 1
            wallet_in_event[name] = wallet_in_event.get(name, 0) + 1
            if minute.get("wallet_minute") != k:
                raise Rejected("wrong_price", f"{what}: wallet minute "
                                              f"{minute.get('wallet_minute')!r}, not {k}")
            expected, kind = _wallet_cost(rate, k), "money"
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


def _lot_terms(name: Any, lots: dict[Any, dict[str, Any]]) -> tuple | None:
    """(member, kind, device) of a lot in the event or here (None: not here yet; the draw's own
    check makes it wait)."""
    if name in lots:
        return lots[name].get("member"), lots[name].get("kind"), lots[name].get("device")
    stored = stored_row("lot", name, "member, kind, device")
    return tuple(stored) if stored else None
