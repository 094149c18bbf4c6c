"""Parallel wrong PINs on one SQLite file: real processes, one database, the lockout holds.

Each guess is checked and counted in one BEGIN IMMEDIATE transaction, so 20 processes guessing
at once get exactly five checks before the lockout, and the right PIN is refused afterwards.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path

import pytest

from engine.db import close_database, open_database
from engine.models import Member, Staff
from engine.models.logins import LoginAttempt, LoginLockout, StaffLockout, StaffLoginAttempt
from engine.people.pins import hash_pin

AT = dt.datetime(2026, 7, 3, 12, 0)
PIN = "4711"
GUESSERS = 20


def _guess(db_path: str, kind: str, start, index: int) -> str:  # noqa: ARG001
    """One process's wrong guess: the refusal's words."""
    from engine.people import logins, staff

    open_database(db_path, migrate=False)
    start.wait(30)
    try:
        if kind == "member":
            logins.login_by_pin("M001", "0000", AT)
        else:
            staff.login("0000", AT, location="COUNTER1",
                        staff="S01")
        return "accepted"
    except Exception as error:  # noqa: BLE001 — the refusal is the result
        return f"{type(error).__name__}: {error}"
    finally:
        close_database()


def _race(db_path: Path, kind: str) -> list[str]:
    context = multiprocessing.get_context("spawn")  # fork from a threaded pytest can deadlock
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(GUESSERS) as pool:
            waiting = [pool.apply_async(_guess, (str(db_path), kind, start, i))
                       for i in range(GUESSERS)]
            start.set()
            return [result.get(120) for result in waiting]


def test_parallel_wrong_member_pins_lock_after_five(tmp_path):
    db_path = tmp_path / "playdesk.db"
    open_database(db_path)
    Member.create(code="M001", name="Ada", card="MEM0001", pin_hash=hash_pin(PIN))
    close_database()
    results = _race(db_path, "member")
    assert all(r.startswith("LoginRefused") for r in results), results
    open_database(db_path)
    try:
        assert LoginAttempt.select().where(~LoginAttempt.ok).count() == 5  # checked: five
        assert LoginLockout.select().count() == 1
        assert sum("locked" in r for r in results) == GUESSERS - 4
        from engine.people.logins import LOCKED, LoginRefused, login_by_pin

        with pytest.raises(LoginRefused) as refused:  # the right PIN, during the lockout
            login_by_pin("M001", PIN, AT + dt.timedelta(minutes=1))
        assert refused.value.reason == LOCKED
    finally:
        close_database()


def test_parallel_wrong_staff_pins_lock_after_five(tmp_path):
    db_path = tmp_path / "playdesk.db"
    open_database(db_path)
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin(PIN))
    close_database()
    results = _race(db_path, "staff")
    assert all(r.startswith("StaffLoginRefused") for r in results), results
    open_database(db_path)
    try:
        assert StaffLoginAttempt.select().where(~StaffLoginAttempt.ok).count() == 5
        assert StaffLockout.select().count() == 1
        assert sum("locked" in r for r in results) == GUESSERS - 4
        from engine.people.staff import StaffLoginRefused, login

        with pytest.raises(StaffLoginRefused, match="locked"):  # the right PIN, locked out
            login(PIN, AT + dt.timedelta(minutes=1), location="COUNTER1", staff="S01")
    finally:
        close_database()
