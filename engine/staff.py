"""Staff login at the counter by PIN, roles, and the lockout after repeated wrong PINs.

A cashier taps their name and types the PIN, or types the PIN alone (it is then checked against
every active staff member; a PIN two people share is refused as ambiguous). Five wrong PINs
within ten minutes lock PIN login for five minutes — for that staff member when one was chosen,
else for the whole terminal (a PIN alone names nobody). Attempts and lockouts are local rows
(engine/models/shifts.py), so a lockout survives a restart; like member logins, a refused PIN
writes its attempt, because that attempt is the fact the lockout is computed from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.db import write
from engine.errors import PlaydeskError
from engine.models import Staff
from engine.models.logins import StaffLockout, StaffLoginAttempt
from engine.pins import PIN_PATTERN, verify_pin

ROLES = ("cashier", "manager", "owner")  # each may do what the ones before it may
MAX_WRONG_PINS = 5
WRONG_PIN_WINDOW = dt.timedelta(minutes=10)
LOCKOUT = dt.timedelta(minutes=5)


class StaffLoginRefused(PlaydeskError):
    """A refused staff login; `tries_left` / `until` say how the lockout stands."""

    def __init__(self, message: str, tries_left: int | None = None,
                 until: dt.datetime | None = None) -> None:
        super().__init__(message)
        self.tries_left = tries_left
        self.until = until


@dataclass(frozen=True)
class StaffLogin:
    code: str
    name: str
    role: str
    at: dt.datetime

    def may(self, role: str) -> bool:
        return has_role(self.role, role)


def has_role(role: str, needed: str) -> bool:
    if needed not in ROLES:
        raise ValueError(f"unknown role {needed!r}")
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def require_role(staff: StaffLogin | str | None, role: str, action: str = "this") -> Staff:
    """The active staff member, if their role is `role` or above; else PlaydeskError."""
    code = staff.code if isinstance(staff, StaffLogin) else staff
    if not code:
        raise PlaydeskError(f"{action} needs a {role}: log in first")
    row = Staff.get_or_none((Staff.code == code) & ~Staff.deleted)
    if row is None:
        raise PlaydeskError(f"unknown staff member {code!r}")
    if not row.active:
        raise PlaydeskError(f"staff member {code} is inactive")
    if not has_role(row.role, role):
        raise PlaydeskError(f"{action} needs a {role}; {row.name} is a {row.role}")
    return row


def login_candidates() -> list[Staff]:
    """Who may log in here: active staff with a PIN, by name."""
    return list(Staff.select().where(~Staff.deleted & Staff.active & Staff.pin_hash.is_null(False))
                .order_by(Staff.name, Staff.code))


def _scope(staff: str | None, location: str | None):
    staff_term = StaffLockout.staff.is_null() if staff is None else StaffLockout.staff == staff
    place = (StaffLockout.location.is_null() if location is None
             else StaffLockout.location == location)
    return staff_term & place


def lockout_until(staff: str | None, location: str | None, at: dt.datetime) -> dt.datetime | None:
    """When the lockout for this staff member (or the terminal's PIN pad, staff None) ends."""
    terms = StaffLockout.at <= at
    terms &= StaffLockout.until > at
    place = (StaffLockout.location.is_null() if location is None
             else StaffLockout.location == location)
    # the terminal-wide lockout holds for everybody; a personal one only for that person
    who = StaffLockout.staff.is_null()
    if staff is not None:
        who |= StaffLockout.staff == staff
    row = (StaffLockout.select().where(terms & place & who)
           .order_by(StaffLockout.until.desc()).first())
    return row.until if row else None


def _recent_wrong(staff: str | None, location: str | None, at: dt.datetime) -> int:
    """Wrong PINs within the window, not counting those before a success or a lockout (in the
    order they were written, so attempts within one second still count)."""
    who = (StaffLoginAttempt.staff.is_null() if staff is None
           else StaffLoginAttempt.staff == staff)
    place = (StaffLoginAttempt.location.is_null() if location is None
             else StaffLoginAttempt.location == location)
    recent = who & place & (StaffLoginAttempt.at > at - WRONG_PIN_WINDOW) \
        & (StaffLoginAttempt.at <= at)
    last_ok = (StaffLoginAttempt.select(StaffLoginAttempt.id)
               .where(who & place & StaffLoginAttempt.ok).order_by(StaffLoginAttempt.id.desc())
               .first())
    last_lock = (StaffLockout.select(StaffLockout.at).where(_scope(staff, location))
                 .order_by(StaffLockout.id.desc()).first())
    query = StaffLoginAttempt.select().where(recent & ~StaffLoginAttempt.ok)
    if last_ok is not None:
        query = query.where(StaffLoginAttempt.id > last_ok.id)
    if last_lock is not None:
        query = query.where(StaffLoginAttempt.at > last_lock.at)
    return query.count()


def _locked_message(until: dt.datetime) -> str:
    return f"too many wrong PINs; PIN login is locked until {until:%H:%M}"


def login(pin: str, at: dt.datetime, location: str | None = None,
          staff: str | None = None) -> StaffLogin:
    """Log a staff member in by PIN (with their code when they chose their name)."""
    if not isinstance(pin, str) or not PIN_PATTERN.fullmatch(pin):
        raise StaffLoginRefused("a PIN is 4 to 8 digits")
    until = lockout_until(staff, location, at)
    if until is not None:
        raise StaffLoginRefused(_locked_message(until), until=until)
    candidates = login_candidates()
    if staff is not None:
        candidates = [row for row in candidates if row.code == staff]
        if not candidates:
            raise StaffLoginRefused(f"staff member {staff!r} cannot log in (unknown, inactive "
                                    "or without a PIN)")
    matches = [row for row in candidates if verify_pin(pin, row.pin_hash)]
    if len(matches) > 1:
        raise StaffLoginRefused("this PIN is not unique here: tap your name first")
    with write():
        if matches:
            row = matches[0]
            StaffLoginAttempt.create(staff=row.code, location=location, ok=True, at=at)
            return StaffLogin(row.code, row.name, row.role, at)
        StaffLoginAttempt.create(staff=staff, location=location, ok=False, at=at)
        wrong = _recent_wrong(staff, location, at)
        locked = at + LOCKOUT if wrong >= MAX_WRONG_PINS else None
        if locked is not None:
            StaffLockout.create(staff=staff, location=location, at=at, until=locked)
    if locked is not None:
        raise StaffLoginRefused(_locked_message(locked), until=locked)
    left = MAX_WRONG_PINS - wrong
    raise StaffLoginRefused(f"wrong PIN; {left} {'try' if left == 1 else 'tries'} left",
                            tries_left=left)
