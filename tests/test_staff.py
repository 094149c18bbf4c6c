"""Staff PIN login: by name and PIN or PIN alone, roles, and the lockout after wrong PINs."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.errors import PlaydeskError
from engine.models import Staff
from engine.models.logins import StaffLockout, StaffLoginAttempt
from engine.people.pins import hash_pin
from engine.people.staff import MAX_WRONG_PINS, StaffLoginRefused, has_role, login, require_role

AT = dt.datetime(2026, 7, 3, 12, 0)


@pytest.fixture
def staff(db):
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    Staff.create(code="S03", name="Olga", role="owner", pin_hash=hash_pin("3333"))
    Staff.create(code="S04", name="Ivo", role="cashier", pin_hash=hash_pin("4444"), active=False)
    return db


def test_pin_alone_finds_the_staff_member(staff):
    who = login("2222", AT, location="COUNTER1")
    assert (who.code, who.name, who.role) == ("S02", "Maria", "manager")
    assert StaffLoginAttempt.get().ok


def test_name_and_pin(staff):
    assert login("1111", AT, staff="S01").code == "S01"
    with pytest.raises(StaffLoginRefused, match="wrong PIN; 4 tries left"):
        login("2222", AT, staff="S01")  # Maria's PIN is not Sam's


def test_inactive_staff_cannot_log_in(staff):
    with pytest.raises(StaffLoginRefused, match="wrong PIN"):
        login("4444", AT)
    with pytest.raises(StaffLoginRefused, match="cannot log in"):
        login("4444", AT, staff="S04")


def test_a_shared_pin_asks_for_the_name(staff):
    Staff.create(code="S05", name="Tom", role="cashier", pin_hash=hash_pin("1111"))
    with pytest.raises(StaffLoginRefused, match="not unique"):
        login("1111", AT)
    assert login("1111", AT, staff="S05").code == "S05"


def test_malformed_pin_is_refused_without_counting(staff):
    with pytest.raises(StaffLoginRefused, match="4 to 8 digits"):
        login("12", AT)
    assert StaffLoginAttempt.select().count() == 0


def test_wrong_pins_alone_slow_anyone_down_and_lock_nobody(staff):
    """Issue 18 item 4: three free, then 2 s, 4 s, 8 s... under "Anyone"; no lockout row."""
    for attempt in range(3):
        with pytest.raises(StaffLoginRefused) as refused:
            login("9999", AT + dt.timedelta(seconds=attempt), location="COUNTER1")
    assert refused.value.until == AT + dt.timedelta(seconds=4)  # third at +2 s, waits 2 s
    with pytest.raises(StaffLoginRefused, match="wait 1 s, or tap your name"):
        login("1111", AT + dt.timedelta(seconds=3), location="COUNTER1")  # even the right PIN
    assert login("1111", AT + dt.timedelta(seconds=3), location="COUNTER1", staff="S01").code == "S01"
    assert login("1111", AT + dt.timedelta(seconds=3), location="COUNTER2").code == "S01"  # elsewhere
    with pytest.raises(StaffLoginRefused):  # the named success ended the delay: free again
        login("9999", AT + dt.timedelta(seconds=3), location="COUNTER1")
    assert StaffLockout.select().count() == 0


def test_the_anyone_delay_grows_and_caps(staff):
    at = AT
    waits = []
    for _ in range(12):
        with pytest.raises(StaffLoginRefused) as refused:
            login("9999", at, location="COUNTER1")
        if refused.value.until is not None:
            waits.append((refused.value.until - at).total_seconds())
            at = refused.value.until
    assert waits[:6] == [2, 4, 8, 16, 32, 60] and set(waits[6:]) == {60}
    assert login("2222", at, location="COUNTER1").code == "S02"  # waited: the right PIN works


def test_a_personal_lockout_leaves_the_others_alone(staff):
    for attempt in range(MAX_WRONG_PINS):
        with pytest.raises(StaffLoginRefused):
            login("9999", AT + dt.timedelta(seconds=attempt), location="COUNTER1", staff="S01")
    with pytest.raises(StaffLoginRefused, match="locked"):
        login("1111", AT + dt.timedelta(minutes=1), location="COUNTER1", staff="S01")
    assert login("2222", AT + dt.timedelta(minutes=1), location="COUNTER1").code == "S02"


def test_roles_are_ordered(staff):
    assert has_role("owner", "manager") and has_role("manager", "cashier")
    assert not has_role("cashier", "manager")
    assert require_role("S03", "manager").code == "S03"
    with pytest.raises(PlaydeskError, match="needs a manager or owner; Sam is a cashier"):
        require_role("S01", "manager", "a refund")
    with pytest.raises(PlaydeskError, match="log in first"):
        require_role(None, "cashier")
    with pytest.raises(PlaydeskError, match="inactive"):
        require_role("S04", "cashier")


def test_wrong_pins_typed_alone_lock_no_account(staff):
    """Five wrong PIN-alone guesses throttle PIN-alone login here; named logins still work."""
    for attempt in range(MAX_WRONG_PINS):
        with pytest.raises(StaffLoginRefused):
            login("9999", AT + dt.timedelta(seconds=attempt), location="COUNTER1")
    later = AT + dt.timedelta(minutes=1)
    assert login("3333", later, location="COUNTER1", staff="S03").code == "S03"  # the owner
    assert login("1111", later, location="COUNTER1", staff="S01").code == "S01"


def test_a_pin_alone_does_not_get_round_a_personal_lockout(staff):
    for attempt in range(MAX_WRONG_PINS):
        with pytest.raises(StaffLoginRefused):
            login("9999", AT + dt.timedelta(seconds=attempt), location="COUNTER1", staff="S01")
    with pytest.raises(StaffLoginRefused, match="locked"):
        login("1111", AT + dt.timedelta(minutes=1), location="COUNTER1")  # Sam's PIN, no name
    assert login("1111", AT + dt.timedelta(minutes=6), location="COUNTER1").code == "S01"
