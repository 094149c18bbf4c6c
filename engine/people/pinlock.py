"""PIN lockout, for member logins at a kiosk and staff logins at a counter alike, and the delay
that grows on a keypad where PINs are guessed (a kiosk's code + PIN pad, the counter's "Anyone").

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
                 until: dt.datetime | None = None, **values: object) -> None:
        super().__init__(message, **values)
        self.tries_left = tries_left
        self.until = until


@dataclass(frozen=True)
class PinPolicy:
    max_wrong: int
    window: dt.timedelta
    lockout: dt.timedelta

    # each lockout after a first one (no success or unlock between) lasts twice the one before,
    # up to this many times the first
    longest_factor: int = 16

    def lock_after(self, wrong: int, at: dt.datetime, earlier: int = 0) -> dt.datetime | None:
        """When a lockout that `wrong` recent wrong PINs start ends (`earlier` lockouts since the
        last success: it grows); None: not locked."""
        if wrong < self.max_wrong:
            return None
        return at + self.lockout * min(2 ** max(earlier, 0), self.longest_factor)

    def tries_left(self, wrong: int) -> int:
        return max(self.max_wrong - wrong, 0)


@dataclass(frozen=True)
class PinDelay:
    """A delay that grows, for a keypad where anyone may type (it names no one to lock out):
    the first `free` failures within `window` cost nothing; after the n-th, the next try waits
    `first` doubled for every failure beyond `free`, never more than `longest`."""

    free: int
    first: dt.timedelta
    longest: dt.timedelta
    window: dt.timedelta

    def wait_after(self, failures: int) -> dt.timedelta:
        if failures < self.free:
            return dt.timedelta(0)
        return min(self.first * 2 ** (failures - self.free), self.longest)


def delay_until(attempts: type[Model], who: Expression, delay: PinDelay, at: dt.datetime,
                reset_by: Expression | None = None) -> dt.datetime | None:
    """When the next try on this keypad may be made, if it must wait at `at`: failures matching
    `who` within the window (only those after the last success matching `reset_by`, if given)."""
    query = attempts.select(attempts.at).where(who & ~attempts.ok & (attempts.at > at - delay.window)
                                               & (attempts.at <= at))
    if reset_by is not None:
        last_ok = (attempts.select(attempts.id).where(reset_by & attempts.ok & (attempts.at <= at))
                   .order_by(attempts.id.desc()).first())
        if last_ok is not None:
            query = query.where(attempts.id > last_ok.id)
    failures = list(query.order_by(attempts.id))
    wait = delay.wait_after(len(failures))
    if not wait:
        return None
    ready = failures[-1].at + wait
    return ready if ready > at else None


def lockout_until(lockouts: type[Model], who: Expression, at: dt.datetime,
                  since: dt.datetime | None = None) -> dt.datetime | None:
    """When the latest-ending lockout matching `who` that runs at `at` ends, if any (lockouts
    that started at or before `since`, a manager's unlock, no longer count)."""
    query = lockouts.select(lockouts.until).where(who & (lockouts.at <= at) & (lockouts.until > at))
    if since is not None:
        query = query.where(lockouts.at > since)
    row = query.order_by(lockouts.until.desc()).first()
    return row.until if row else None


def earlier_lockouts(attempts: type[Model], who: Expression, lockouts: type[Model],
                     locked_who: Expression, at: dt.datetime, within: dt.timedelta,
                     since: dt.datetime | None = None) -> int:
    """Lockouts matching `locked_who` within `within` before `at`, after the last success
    matching `who` (and after `since`): how many times over the next lockout is grown."""
    query = lockouts.select().where(locked_who & (lockouts.at <= at) & (lockouts.at > at - within))
    last_ok = (attempts.select(attempts.at).where(who & attempts.ok & (attempts.at <= at))
               .order_by(attempts.id.desc()).first())
    if last_ok is not None:
        query = query.where(lockouts.at >= last_ok.at)
    if since is not None:
        query = query.where(lockouts.at > since)
    return query.count()


def recent_wrong(attempts: type[Model], who: Expression, lockouts: type[Model],
                 locked_who: Expression, policy: PinPolicy, at: dt.datetime,
                 wrong: Expression | None = None, since: dt.datetime | None = None) -> int:
    """Wrong PINs (`~ok`, and `wrong` if given) matching `who` within the window before `at`,
    written after the last success, after the last lockout matching `locked_who` and after
    `since` (a manager's unlock)."""
    query = attempts.select().where(who & ~attempts.ok & (attempts.at > at - policy.window)
                                    & (attempts.at <= at))
    if wrong is not None:
        query = query.where(wrong)
    if since is not None:
        query = query.where(attempts.at > since)
    last_ok = (attempts.select(attempts.id).where(who & attempts.ok & (attempts.at <= at))
               .order_by(attempts.id.desc()).first())
    if last_ok is not None:
        query = query.where(attempts.id > last_ok.id)
    last_lock = (lockouts.select(lockouts.at).where(locked_who & (lockouts.at <= at))
                 .order_by(lockouts.at.desc()).first())
    if last_lock is not None:
        query = query.where(attempts.at > last_lock.at)
    return query.count()
