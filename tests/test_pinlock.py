"""engine.people.pinlock: one lockout rule for member (kiosk) and staff (counter) PIN logins; attempts
count in the order written, so a success and wrong PINs within one second count right."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.models import Member, Staff
from engine.models.logins import LoginAttempt
from engine.people import logins, staff
from engine.people.logins import LoginRefused, login_by_pin
from engine.people.pinlock import PinPolicy, recent_wrong
from engine.people.pins import hash_pin
from engine.people.staff import StaffLoginRefused

AT = dt.datetime(2026, 7, 3, 12, 0)
PIN = "4711"


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return hash_pin(PIN)


def test_policy():
    policy = PinPolicy(5, dt.timedelta(minutes=10), dt.timedelta(minutes=15))
    assert policy.lock_after(4, AT) is None
    assert policy.lock_after(5, AT) == AT + dt.timedelta(minutes=15)
    assert (policy.tries_left(3), policy.tries_left(9)) == (2, 0)
    assert logins.POLICY.max_wrong == staff.POLICY.max_wrong == 5


def test_member_wrong_pins_right_after_a_success_in_the_same_second_lock(db, pin_hash):
    Member.create(code="M001", name="Ada", pin_hash=pin_hash)
    login_by_pin("M001", PIN, AT)
    for left in (4, 3, 2, 1):
        with pytest.raises(LoginRefused) as refused:
            login_by_pin("M001", "0000", AT)  # the same second as the success
        assert refused.value.tries_left == left
    with pytest.raises(LoginRefused) as refused:
        login_by_pin("M001", "0000", AT)
    assert (refused.value.reason, refused.value.until) == ("locked", AT + logins.LOCKOUT)
    with pytest.raises(LoginRefused, match="locked"):
        login_by_pin("M001", PIN, AT + dt.timedelta(minutes=14))
    assert login_by_pin("M001", PIN, AT + dt.timedelta(minutes=15)).member == "M001"


def test_a_success_in_the_same_second_resets_the_count(db, pin_hash):
    Member.create(code="M001", name="Ada", pin_hash=pin_hash)
    for _ in range(4):
        with pytest.raises(LoginRefused):
            login_by_pin("M001", "0000", AT)
    login_by_pin("M001", PIN, AT)
    assert logins.recent_wrong_pins("M001", AT) == 0
    with pytest.raises(LoginRefused) as refused:
        login_by_pin("M001", "0000", AT)
    assert refused.value.tries_left == 4
    assert recent_wrong(LoginAttempt, LoginAttempt.member == "M001", logins.LoginLockout,
                        logins.LoginLockout.member == "M001", logins.POLICY,
                        AT + dt.timedelta(minutes=11)) == 0  # out of the window


def test_staff_uses_the_same_rule(db):
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    staff.login("1111", AT, location="COUNTER1", staff="S01")
    for _ in range(4):
        with pytest.raises(StaffLoginRefused):
            staff.login("9999", AT, location="COUNTER1", staff="S01")
    with pytest.raises(StaffLoginRefused) as refused:
        staff.login("9999", AT, location="COUNTER1", staff="S01")
    assert refused.value.until == AT + staff.LOCKOUT
    assert staff.lockout_until("S01", "COUNTER1", AT) == AT + staff.LOCKOUT
    assert staff.lockout_until("S01", "COUNTER2", AT) is None
