"""PIN lockout, for member logins at a kiosk and staff logins at a counter alike.

Wrong PINs are counted within a window, only those after the last success and the last lockout;
reaching the maximum starts a lockout. Attempts are counted in the order they were written (row
id), not by timestamp, so a success and wrong PINs within one second still count correctly.
Attempts and lockouts are rows of the caller's models (who they are about is the caller's query
terms): the lockout survives a restart, and the attempt is the fact it is computed from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Expression, Model

from engine.errors import PlaydeskError


class PinRefused(PlaydeskError):
    """A refused PIN login and how its lockout stands: `tries_left` before it locks, or the
    lockout's end (`until`)."""

    def __init__(self, message: str, tries_left: int | None = None,
                 until: dt.datetime | None = None) -> None:
        super().__init__(message)
        self.tries_left = tries_left
        self.until = until


@dataclass(frozen=True)
class PinPolicy:
    max_wrong: int
    window: dt.timedelta
    lockout: dt.timedelta

    def lock_after(self, wrong: int, at: dt.datetime) -> dt.datetime | None:
        """When a lockout that `wrong` recent wrong PINs start ends; None: not locked."""
        return at + self.lockout if wrong >= self.max_wrong else None

    def tries_left(self, wrong: int) -> int:
        return max(self.max_wrong - wrong, 0)


def lockout_until(lockouts: type[Model], who: Expression, at: dt.datetime) -> dt.datetime | None:
    """When the latest-ending lockout matching `who` that runs at `at` ends, if any."""
    row = (lockouts.select(lockouts.until)
           .where(who & (lockouts.at <= at) & (lockouts.until > at))
           .order_by(lockouts.until.desc()).first())
    return row.until if row else None


def recent_wrong(attempts: type[Model], who: Expression, lockouts: type[Model],
                 locked_who: Expression, policy: PinPolicy, at: dt.datetime,
                 wrong: Expression | None = None) -> int:
    """Wrong PINs (`~ok`, and `wrong` if given) matching `who` within the window before `at`,
    written after the last success and after the last lockout matching `locked_who`."""
    query = attempts.select().where(who & ~attempts.ok & (attempts.at > at - policy.window)
                                    & (attempts.at <= at))
    if wrong is not None:
        query = query.where(wrong)
    last_ok = (attempts.select(attempts.id).where(who & attempts.ok & (attempts.at <= at))
               .order_by(attempts.id.desc()).first())
    if last_ok is not None:
        query = query.where(attempts.id > last_ok.id)
    last_lock = (lockouts.select(lockouts.at).where(locked_who & (lockouts.at <= at))
                 .order_by(lockouts.at.desc()).first())
    if last_lock is not None:
        query = query.where(attempts.at > last_lock.at)
    return query.count()
