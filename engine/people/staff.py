"""Staff login at the counter by PIN, roles, and the lockout after repeated wrong PINs.

A cashier taps their name and types the PIN, or types the PIN alone (it is then checked against
every active staff member; a PIN two people share is refused as ambiguous). Lockout is per
staff member (issue 18 item 4): five wrong PINs within ten minutes, typed after tapping a name,
lock that staff member's PIN login at this terminal for five minutes. Wrong PINs typed under
"Anyone" name nobody, so they lock nobody: they only slow down "Anyone" at this terminal, with a
delay that grows (after three, 2 s doubled per further one, at most a minute; a success under
"Anyone" ends it), while anyone who taps their name logs in at once; a PIN alone that matches
a locked staff member is refused. Attempts and lockouts are local rows
(engine/models/logins.py), so they survive a restart; like member logins, a refused PIN writes
its attempt, because that attempt is the fact the lockout is computed from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.db import write
from engine.errors import N_, NotFound, PlaydeskError
from engine.models import Staff
from engine.models.logins import StaffLockout, StaffLoginAttempt
from engine.people import pinlock
from engine.people.pins import PIN_PATTERN, verify_pin

ROLES = ("cashier", "manager", "owner")  # each may do what the ones before it may
MAX_WRONG_PINS = 5
WRONG_PIN_WINDOW = dt.timedelta(minutes=10)
LOCKOUT = dt.timedelta(minutes=5)
POLICY = pinlock.PinPolicy(MAX_WRONG_PINS, WRONG_PIN_WINDOW, LOCKOUT)
ANYONE_DELAY = pinlock.PinDelay(free=3, first=dt.timedelta(seconds=2),
                                longest=dt.timedelta(minutes=1), window=WRONG_PIN_WINDOW)


class StaffLoginRefused(pinlock.PinRefused):
    """A refused staff login at the counter."""


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


def who_may(role: str) -> str:
    """Who has `role` or above, in words: "manager or owner"; a cashier is any staff member."""
    return role if role in ("cashier", ROLES[-1]) else f"{role} or {ROLES[-1]}"


def require_role(staff: StaffLogin | str | None, role: str, action: str = "this",
                 nobody: str = "log in first") -> Staff:
    """The active staff member, if their role is `role` or above; else PlaydeskError (NotFound
    for an unknown code). `nobody` says how to name someone when no one is given."""
    code = staff.code if isinstance(staff, StaffLogin) else staff
    if not code:
        raise PlaydeskError(N_("{action} needs a {role}: {nobody}"),
                            action=action, role=role, nobody=nobody)
    row = Staff.get_or_none((Staff.code == code) & ~Staff.deleted)
    if row is None:
        raise NotFound(N_("unknown staff member {code!r}"), code=code)
    if not row.active:
        raise PlaydeskError(N_("staff member {code} is inactive"), code=code)
    if not has_role(row.role, role):
        raise PlaydeskError(N_("{action} needs a {allowed}; {name} is a {role}"),
                            action=action, allowed=who_may(role), name=row.name, role=row.role)
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
    """When the lockout for this staff member ends, or (staff None) when "Anyone" at this
    terminal takes the next PIN.

    The two are separate: wrong PINs typed alone slow "Anyone" down at this terminal and lock
    nobody's account (else a few guesses lock out everyone, the owner included); a named login
    is held back only by that person's own lockout.
    """
    if staff is None:
        return anyone_wait_until(location, at)
    return pinlock.lockout_until(StaffLockout, _scope(staff, location), at)


def anyone_wait_until(location: str | None, at: dt.datetime) -> dt.datetime | None:
    """When "Anyone" (a PIN alone) at this terminal takes the next PIN, if it must wait."""
    place = (StaffLoginAttempt.location.is_null() if location is None
             else StaffLoginAttempt.location == location)
    # any success at this terminal ends it: someone who knows their PIN is at the till
    return pinlock.delay_until(StaffLoginAttempt, StaffLoginAttempt.staff.is_null() & place,
                               ANYONE_DELAY, at, reset_by=place)


def _recent_wrong(staff: str | None, location: str | None, at: dt.datetime) -> int:
    """Wrong PINs within the window, not counting those before a success or a lockout."""
    who = (StaffLoginAttempt.staff.is_null() if staff is None
           else StaffLoginAttempt.staff == staff)
    place = (StaffLoginAttempt.location.is_null() if location is None
             else StaffLoginAttempt.location == location)
    return pinlock.recent_wrong(StaffLoginAttempt, who & place, StaffLockout,
                                _scope(staff, location), POLICY, at)


def _locked(until: dt.datetime) -> StaffLoginRefused:
    return StaffLoginRefused(N_("too many wrong PINs; PIN login is locked until "
                                "{locked_until:%H:%M}"), until=until, locked_until=until)


def _anyone_refused(wait: dt.datetime | None, at: dt.datetime) -> StaffLoginRefused:
    if wait is None:
        return StaffLoginRefused(N_("wrong PIN (tap your name to be sure it is checked as "
                                    "yours)"), until=wait)
    return StaffLoginRefused(N_("wrong PIN; the next PIN without a name in {seconds} s "
                                "(tap your name to log in now)"), until=wait,
                             seconds=_seconds(wait, at))


def _seconds(until: dt.datetime, at: dt.datetime) -> int:
    return max(int((until - at).total_seconds() + 0.999), 1)


def login(pin: str, at: dt.datetime, location: str | None = None,
          staff: str | None = None, role: str | None = None) -> StaffLogin:
    """Log a staff member in by PIN (with their code when they chose their name). With `role`,
    only staff of that role or above can match: anyone else's PIN is a wrong PIN there (an
    approval keypad, where a cashier's own PIN must not count as a success)."""
    if not isinstance(pin, str) or not PIN_PATTERN.fullmatch(pin):
        raise StaffLoginRefused(N_("a PIN is 4 to 8 digits"))
    # Lockout check, PIN check, the attempt and any lockout: one BEGIN IMMEDIATE transaction,
    # so parallel guesses queue on the write lock and each counts every attempt before it.
    with write():
        until = lockout_until(staff, location, at)
        if until is not None and staff is None:
            raise StaffLoginRefused(N_("too many wrong PINs without a name: wait {seconds} s, or "
                                       "tap your name to log in now"),
                                    until=until, seconds=_seconds(until, at))
        if until is not None:
            raise _locked(until)
        candidates = login_candidates()
        if role is not None:
            candidates = [row for row in candidates if has_role(row.role, role)]
        if staff is not None:
            candidates = [row for row in candidates if row.code == staff]
            if not candidates:
                raise StaffLoginRefused(N_("staff member {staff!r} cannot log in (unknown, "
                                           "inactive or without a PIN)"), staff=staff)
        matches = [row for row in candidates if verify_pin(pin, row.pin_hash)]
        if len(matches) > 1:
            raise StaffLoginRefused(N_("this PIN is not unique here: tap your name first"))
        if matches:
            row = matches[0]
            personal = lockout_until(row.code, location, at) if staff is None else None
            if personal is not None:  # a PIN alone must not get round a personal lockout
                raise _locked(personal)
            StaffLoginAttempt.create(staff=row.code, location=location, ok=True, at=at)
            return StaffLogin(row.code, row.name, row.role, at)
        StaffLoginAttempt.create(staff=staff, location=location, ok=False, at=at)
        if staff is None:
            wait = anyone_wait_until(location, at)
        else:
            wrong = _recent_wrong(staff, location, at)
            locked = POLICY.lock_after(wrong, at)
            if locked is not None:
                StaffLockout.create(staff=staff, location=location, at=at, until=locked)
    if staff is None:
        raise _anyone_refused(wait, at)
    if locked is not None:
        raise _locked(locked)
    left = POLICY.tries_left(wrong)
    message = N_("wrong PIN; {left} try left") if left == 1 else N_("wrong PIN; {left} tries left")
    raise StaffLoginRefused(message, tries_left=left, left=left)


def existing_staff(code: str) -> Staff:
    staff = Staff.get_or_none(Staff.code == code)
    if staff is None or staff.deleted:
        raise NotFound(N_("unknown staff member {code!r}"), code=code)
    if not staff.active:
        raise PlaydeskError(N_("staff member {code} is inactive"), code=code)
    return staff


def manager(code: str | None, action: str) -> Staff:
    """An active manager or owner (the roles above); `action` names what needs one."""
    return require_role(code, "manager", action, nobody="give --staff")
