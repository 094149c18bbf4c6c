"""Member login on the kiosk: by card scan, or by member code (or card number) and PIN.

A refused login raises `LoginRefused` with a `reason` code (the kiosk shows its own translated
text for it) and a plain-words message. Two limits (issue 18 item 8):

- per member: five wrong PINs within ten minutes lock the member's PIN login on this kiosk for
  fifteen minutes, each further lockout (no right PIN between, within a day) twice as long, up to
  four hours. Only the credential guessed is locked: the card still works, or anyone could lock
  anyone out by typing their code. A manager's unlock or PIN reset at the counter (a journaled
  `pin_unlock` row, engine/models/member_facts.py) ends it on every kiosk.
- per kiosk: every failed PIN try here (a wrong PIN, or a code no member has: guessing codes)
  counts; after eight within an hour each next try waits, 5 s doubled per further failure, up
  to five minutes. Someone trying many codes is slowed down without locking any member out.

Attempts and lockouts are rows (engine/models/logins.py), so they survive a restart. Unlike
other engine operations a refused PIN login does write: the failed attempt is the fact the
limits are computed from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.db import write
from engine.errors import N_
from engine.models import Member
from engine.models.logins import LoginAttempt, LoginLockout
from engine.models.member_facts import PinUnlock
from engine.people import pinlock
from engine.people.members import find_member, member_by_barcode
from engine.people.pins import verify_pin

MAX_WRONG_PINS = 5
WRONG_PIN_WINDOW = dt.timedelta(minutes=10)
LOCKOUT = dt.timedelta(minutes=15)
POLICY = pinlock.PinPolicy(MAX_WRONG_PINS, WRONG_PIN_WINDOW, LOCKOUT)
LOCKOUT_MEMORY = dt.timedelta(days=1)  # earlier lockouts this recent make the next one longer
# more free tries than a member's lockout takes: guessing one member's PIN meets that member's
# lockout first (the card still works), guessing across codes meets the pad's delay
KIOSK_DELAY = pinlock.PinDelay(free=8, first=dt.timedelta(seconds=5),
                               longest=dt.timedelta(minutes=5), window=dt.timedelta(hours=1))

UNKNOWN_CARD = "unknown_card"
UNKNOWN_MEMBER = "unknown_member"
WRONG_PIN = "wrong_pin"
NO_PIN = "no_pin"
INACTIVE = "inactive"
NO_LOGIN = "no_login"
LOCKED = "locked"
WAIT = "wait"  # this kiosk's PIN pad waits after many failed tries
REASONS = (UNKNOWN_CARD, UNKNOWN_MEMBER, WRONG_PIN, NO_PIN, INACTIVE, NO_LOGIN, LOCKED, WAIT)


class LoginRefused(pinlock.PinRefused):
    """A login the kiosk must refuse; `reason` is one of REASONS."""

    def __init__(self, reason: str, message: str, *, member: str | None = None,
                 tries_left: int | None = None, until: dt.datetime | None = None,
                 **values: object) -> None:
        super().__init__(message, tries_left, until, **values)
        self.reason = reason
        self.member = member


@dataclass(frozen=True)
class Login:
    member: str
    name: str
    method: str  # card | pin
    at: dt.datetime


def last_unlock(member: str, at: dt.datetime) -> dt.datetime | None:
    """When a manager last unlocked (or reset) the member's PIN, up to `at`."""
    row = (PinUnlock.select(PinUnlock.at).where((PinUnlock.member == member) & (PinUnlock.at <= at))
           .order_by(PinUnlock.at.desc()).first())
    return row.at if row else None


def lockout_until(member: str, at: dt.datetime) -> dt.datetime | None:
    """When the member's kiosk lockout ends, if one is running at `at`."""
    return pinlock.lockout_until(LoginLockout, LoginLockout.member == member, at,
                                 since=last_unlock(member, at))


def _pin_tries(member: str):
    """The member's PIN tries: only a right PIN (not a card login, which proves nothing about
    the PIN) ends a run of wrong ones, so a guesser gains nothing when the member scans."""
    return (LoginAttempt.member == member) & (LoginAttempt.method == "pin")


def recent_wrong_pins(member: str, at: dt.datetime) -> int:
    """Wrong PINs in the last ten minutes, not counting those before a success, a lockout or a
    manager's unlock."""
    return pinlock.recent_wrong(LoginAttempt, _pin_tries(member), LoginLockout,
                                LoginLockout.member == member, POLICY, at,
                                wrong=LoginAttempt.reason == WRONG_PIN,
                                since=last_unlock(member, at))


def _next_lockout(member: str, wrong: int, at: dt.datetime) -> dt.datetime | None:
    earlier = pinlock.earlier_lockouts(LoginAttempt, _pin_tries(member), LoginLockout,
                                       LoginLockout.member == member, at, LOCKOUT_MEMORY,
                                       since=last_unlock(member, at))
    return POLICY.lock_after(wrong, at, earlier)


def _pad_failures(location: str | None):
    place = (LoginAttempt.location.is_null() if location is None
             else LoginAttempt.location == location)
    return place & (LoginAttempt.method == "pin")


def pad_wait_until(location: str | None, at: dt.datetime) -> dt.datetime | None:
    """When this kiosk's PIN pad takes the next try, if it must wait at `at` (failed tries of
    any code here; a success does not reset it, or a guesser would log in to their own account
    between guesses)."""
    return pinlock.delay_until(LoginAttempt, _pad_failures(location), KIOSK_DELAY, at)


def _waiting(until: dt.datetime, at: dt.datetime) -> LoginRefused:
    seconds = max(int((until - at).total_seconds() + 0.999), 1)
    return LoginRefused(WAIT, N_("too many failed PIN tries at this kiosk; try again in "
                                 "{seconds} s (a card works at once)"), until=until,
                        seconds=seconds)


def _check_member(member: Member) -> None:
    if not member.active:
        raise LoginRefused(INACTIVE, N_("this membership is not active; please ask at the counter"),
                           member=member.code)
    if not member.can_login:
        raise LoginRefused(NO_LOGIN, N_("this member may not use the kiosk; please ask at the "
                                        "counter"),
                           member=member.code)


def _locked(member: str, until: dt.datetime) -> LoginRefused:
    return LoginRefused(LOCKED, N_("too many wrong PINs; PIN login at the kiosk is locked for "
                                   "this member until {locked_until:%H:%M} (the card still "
                                   "works)"),
                        member=member, until=until, locked_until=until)


def _record(member: str, method: str, ok: bool, reason: str | None, at: dt.datetime,
            location: str | None) -> None:
    LoginAttempt.create(member=member, method=method, ok=ok, reason=reason, location=location,
                        at=at)


def login_by_card(scanned: str, at: dt.datetime, location: str | None = None) -> Login:
    """Log in with a scanned member card (the card number or a member barcode)."""
    member = member_by_barcode(scanned)
    if member is None:
        raise LoginRefused(UNKNOWN_CARD, N_("this card is not known here; please ask at the "
                                            "counter"))
    _check_member(member)  # a PIN lockout is about guessed PINs: the card itself still works
    with write():
        _record(member.code, "card", True, None, at, location)
    return Login(member.code, member.name, "card", at)


def login_by_pin(identifier: str, pin: str, at: dt.datetime,
                 location: str | None = None) -> Login:
    """Log in with a member code (or card number) and PIN; a wrong PIN counts towards the
    member's lockout, and any failed try towards this kiosk's delay."""
    # The pad's delay first, before anything is looked up: a guesser learns nothing while it runs.
    with write():
        wait = pad_wait_until(location, at)
        if wait is not None:
            raise _waiting(wait, at)  # nothing to keep: a try that waits is not counted
        member = find_member(identifier)
        if member is None:
            _record(identifier.strip()[:40], "pin", False, UNKNOWN_MEMBER, at, location)
    if member is None:  # the failed try is kept (it counts towards the pad's delay)
        raise LoginRefused(UNKNOWN_MEMBER, N_("no member has this code; check it or ask at the "
                                              "counter"))
    _check_member(member)
    if not member.pin_hash:
        raise LoginRefused(NO_PIN, N_("this member has no PIN yet; scan your card or ask at the "
                                      "counter"), member=member.code)
    # Lockout check, PIN check, the attempt and the lockout it starts: one write transaction,
    # so parallel guesses queue on the write lock and each sees every attempt before it.
    with write():
        wait = pad_wait_until(location, at)
        if wait is not None:
            raise _waiting(wait, at)
        until = lockout_until(member.code, at)
        if until is not None:
            raise _locked(member.code, until)  # nothing to keep: a locked try is not counted
        ok = verify_pin(pin, member.pin_hash)
        _record(member.code, "pin", ok, None if ok else WRONG_PIN, at, location)
        if not ok:
            wrong = recent_wrong_pins(member.code, at)
            until = _next_lockout(member.code, wrong, at)
            if until is not None:
                LoginLockout.create(member=member.code, at=at, until=until)
    if ok:
        return Login(member.code, member.name, "pin", at)
    if until is not None:
        raise _locked(member.code, until)
    tries_left = POLICY.tries_left(wrong)
    if tries_left == 1:
        message = N_("wrong PIN; {left} try left")
    else:
        message = N_("wrong PIN; {left} tries left")
    raise LoginRefused(WRONG_PIN, message, member=member.code, tries_left=tries_left,
                       left=tries_left)
