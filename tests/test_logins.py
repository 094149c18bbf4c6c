"""Member kiosk login: card, code + PIN, refusals in plain words, the wrong-PIN lockout."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.db import close_database, open_database
from engine.models import BarcodeRule, Member
from engine.models.logins import LoginAttempt, LoginLockout
from engine.people import logins
from engine.people.logins import LoginRefused, login_by_card, login_by_pin
from engine.people.pins import hash_pin

AT = dt.datetime(2026, 7, 3, 12, 0)
PIN = "4711"


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return hash_pin(PIN)  # scrypt is slow on purpose: hash once per module


@pytest.fixture
def members(db, pin_hash):
    Member.create(code="M001", name="Ada", card="MEM0001", pin_hash=pin_hash)
    Member.create(code="M002", name="Linus", card="MEM0002")  # no PIN
    Member.create(code="M003", name="Grace", card="MEM0003", pin_hash=pin_hash, active=False)
    Member.create(code="M004", name="Alan", card="MEM0004", pin_hash=pin_hash, can_login=False)
    Member.create(code="M005", name="Gone", card="MEM0005", pin_hash=pin_hash, deleted=True)
    BarcodeRule.create(prefix="MEM", type="member")
    return db


def refused(call, *args, **kwargs) -> LoginRefused:
    with pytest.raises(LoginRefused) as info:
        call(*args, **kwargs)
    return info.value


def test_card_login(members):
    login = login_by_card("MEM0001\n", AT, location="KIOSK1")
    assert (login.member, login.name, login.method) == ("M001", "Ada", "card")
    attempt = LoginAttempt.get()
    assert (attempt.member, attempt.ok, attempt.location) == ("M001", True, "KIOSK1")


def test_card_through_a_member_barcode_rule(members):
    assert login_by_card("MEMM002", AT).member == "M002"  # prefix + member code


@pytest.mark.parametrize("scanned", ["MEM9999", "4006381333931", "", "MEM0005"])
def test_unknown_card(members, scanned):
    error = refused(login_by_card, scanned, AT)
    assert error.reason == logins.UNKNOWN_CARD
    assert "not known" in str(error)
    assert LoginAttempt.select().count() == 0


def test_pin_login_by_code_or_card_number(members):
    assert login_by_pin("M001", PIN, AT).member == "M001"
    assert login_by_pin("m001", PIN, AT).member == "M001"
    assert login_by_pin("MEM0001", PIN, AT).method == "pin"


@pytest.mark.parametrize(("identifier", "reason", "words"), [
    ("M999", logins.UNKNOWN_MEMBER, "no member has this code"),
    ("M005", logins.UNKNOWN_MEMBER, "no member has this code"),
    ("", logins.UNKNOWN_MEMBER, "no member has this code"),
    ("M002", logins.NO_PIN, "no PIN yet"),
    ("M003", logins.INACTIVE, "not active"),
    ("M004", logins.NO_LOGIN, "may not use the kiosk"),
])
def test_pin_refusals(members, identifier, reason, words):
    error = refused(login_by_pin, identifier, PIN, AT)
    assert error.reason == reason
    assert words in str(error)


@pytest.mark.parametrize(("card", "reason"), [("MEM0003", logins.INACTIVE),
                                              ("MEM0004", logins.NO_LOGIN)])
def test_card_refusals(members, card, reason):
    assert refused(login_by_card, card, AT).reason == reason


def test_wrong_pin_counts_down(members):
    error = refused(login_by_pin, "M001", "0000", AT)
    assert (error.reason, error.tries_left) == (logins.WRONG_PIN, 4)
    assert str(error) == "wrong PIN; 4 tries left"
    error = refused(login_by_pin, "M001", "1234", AT + dt.timedelta(minutes=1))
    assert error.tries_left == 3


def wrong_pins(count: int, start: dt.datetime, step: dt.timedelta) -> list[LoginRefused]:
    return [refused(login_by_pin, "M001", "0000", start + i * step) for i in range(count)]


def test_five_wrong_pins_lock_the_member_for_fifteen_minutes(members):
    errors = wrong_pins(5, AT, dt.timedelta(minutes=2))
    fifth = AT + dt.timedelta(minutes=8)
    assert [e.reason for e in errors] == [logins.WRONG_PIN] * 4 + [logins.LOCKED]
    assert errors[-1].until == fifth + dt.timedelta(minutes=15)
    assert "locked" in str(errors[-1]) and "12:23" in str(errors[-1])
    # the right PIN is refused while locked, without counting; the card (not guessed) still works
    assert refused(login_by_pin, "M001", PIN, fifth + dt.timedelta(minutes=14)).reason == logins.LOCKED
    assert LoginAttempt.select().count() == 5
    assert login_by_card("MEM0001", fifth + dt.timedelta(minutes=14)).member == "M001"
    # other members are not affected
    assert login_by_card("MEM0002", fifth).member == "M002"
    # after fifteen minutes the member gets back in, with a fresh count
    assert login_by_pin("M001", PIN, fifth + dt.timedelta(minutes=15)).member == "M001"


def test_lockout_survives_a_restart(members, db_path):
    wrong_pins(5, AT, dt.timedelta(seconds=10))
    close_database()
    open_database(db_path)
    assert LoginLockout.select().count() == 1
    assert refused(login_by_pin, "M001", PIN, AT + dt.timedelta(minutes=5)).reason == logins.LOCKED


def test_wrong_pins_spread_over_more_than_ten_minutes_do_not_lock(members):
    errors = wrong_pins(8, AT, dt.timedelta(minutes=3))
    assert {e.reason for e in errors} == {logins.WRONG_PIN}
    assert errors[-1].tries_left == 1  # only the last four are within ten minutes
    assert str(errors[-1]) == "wrong PIN; 1 try left"
    assert LoginLockout.select().count() == 0


def test_a_successful_login_resets_the_count(members):
    wrong_pins(4, AT, dt.timedelta(seconds=30))
    login_by_pin("M001", PIN, AT + dt.timedelta(minutes=3))
    error = refused(login_by_pin, "M001", "0000", AT + dt.timedelta(minutes=4))
    assert error.tries_left == 4


def test_after_a_lockout_the_count_starts_again(members):
    wrong_pins(5, AT, dt.timedelta(seconds=10))
    after = AT + dt.timedelta(minutes=16)
    error = refused(login_by_pin, "M001", "0000", after)
    assert (error.reason, error.tries_left) == (logins.WRONG_PIN, 4)
