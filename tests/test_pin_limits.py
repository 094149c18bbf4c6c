"""PIN attempt limits (issue 18 items 4 and 8): guessing member codes at a kiosk slows that kiosk
down (a delay that grows) and locks no member out; a member's own lockout grows; the card still
works; a manager's unlock at the counter reaches the kiosk by sync, as do new members and their
PINs. At the counter, "Anyone" failures never lock a named staff member out."""

from __future__ import annotations

import datetime as dt

import pytest
from sync_helpers import provision, using
from test_sessions_sync import journal_of
from test_sync_fact_checks import apply_on, with_site

from engine.models import Member, Staff
from engine.models.logins import LoginAttempt, LoginLockout, StaffLockout
from engine.people import logins, staff
from engine.people.logins import LoginRefused, login_by_card, login_by_pin
from engine.people.pins import hash_pin

AT = dt.datetime(2026, 7, 3, 12, 0)
PIN = "1234"


def seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


@pytest.fixture
def members(db):
    for number in range(1, 4):
        Member.create(code=f"M00{number}", name=f"Member {number}", card=f"MEM000{number}",
                      pin_hash=hash_pin(PIN))
    return db


def refusal(identifier: str, pin: str, at: dt.datetime, location: str = "K1") -> LoginRefused:
    with pytest.raises(LoginRefused) as refused:
        login_by_pin(identifier, pin, at, location=location)
    return refused.value


def test_guessing_codes_slows_the_kiosk_down_and_locks_no_member(members):
    guesses = ["X1", "X2", "M001", "X3", "M002", "X4", "M003", "X5"]  # codes, one PIN each
    for n, code in enumerate(guesses):
        assert refusal(code, "0000", AT + seconds(n)).reason in ("unknown_member", "wrong_pin")
    ninth = AT + seconds(8)
    waiting = refusal("M001", PIN, ninth)  # even the right PIN waits: a try that waits is not one
    assert (waiting.reason, waiting.until) == ("wait", AT + seconds(7 + 5))
    assert "try again in 4 s" in str(waiting)
    assert logins.pad_wait_until("K1", ninth) == AT + seconds(12)
    assert logins.pad_wait_until("K2", ninth) is None  # another kiosk (or station) is not slowed
    assert LoginLockout.select().count() == 0  # nobody is locked out
    assert login_by_card("MEM0002", ninth, location="K1").member == "M002"  # cards work at once
    assert login_by_pin("M002", PIN, ninth, location="K2").member == "M002"
    assert login_by_pin("M001", PIN, AT + seconds(12), location="K1").member == "M001"
    # the delay grows with every further failure (a success does not reset it) up to 5 minutes
    at, waits = AT + seconds(12), []
    for _ in range(9):
        refused = refusal("X9", "0000", at)
        wait = logins.pad_wait_until("K1", at)
        waits.append((wait - at).total_seconds())
        at = wait
    assert waits == [10, 20, 40, 80, 160, 300, 300, 300, 300]
    assert refused.reason == "unknown_member"


def test_failed_tries_of_unknown_codes_are_kept_and_waits_are_not(members):
    refusal("NOPE", "0000", AT)
    assert LoginAttempt.select().where(LoginAttempt.reason == "unknown_member").count() == 1
    for n in range(1, 8):
        refusal("NOPE", "0000", AT + seconds(n))
    attempts = LoginAttempt.select().count()
    refusal("NOPE", "0000", AT + seconds(8))  # waits: not looked up, not counted
    assert LoginAttempt.select().count() == attempts


def test_a_member_s_lockout_grows_and_the_card_still_works(members):
    for n in range(5):  # at K1
        refusal("M001", "0000", AT + seconds(n))
    first = LoginLockout.get()
    assert first.until == AT + seconds(4) + logins.LOCKOUT  # 15 minutes
    assert login_by_card("MEM0001", AT + seconds(5), location="K1").member == "M001"
    assert refusal("M001", PIN, AT + seconds(5), "K2").reason == "locked"  # on the whole device
    after = first.until
    for n in range(5):  # at K2 (K1's pad has its own count)
        refusal("M001", "0000", after + seconds(n), "K2")
    second = LoginLockout.select().order_by(LoginLockout.id.desc()).first()
    assert second.until - second.at == 2 * logins.LOCKOUT  # 30 minutes
    assert login_by_card("MEM0001", after + seconds(5), location="K2").member == "M001"
    assert logins.POLICY.lock_after(5, AT, earlier=10) == AT + 16 * logins.LOCKOUT  # capped, 4 h


def test_a_success_resets_the_growth(members):
    for n in range(5):
        refusal("M001", "0000", AT + seconds(n))
    later = AT + logins.LOCKOUT + seconds(10)
    login_by_pin("M001", PIN, later, location="K2")
    for n in range(5):
        refusal("M001", "0000", later + seconds(1 + n), "K2")
    last = LoginLockout.select().order_by(LoginLockout.id.desc()).first()
    assert last.until - last.at == logins.LOCKOUT


# -- the counter: "Anyone" ------------------------------------------------------------------


@pytest.fixture
def team(db):
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    return db


def test_others_failures_never_lock_a_staff_member_who_picks_their_name(team):
    at = AT
    for _ in range(20):  # "Anyone", as fast as the delay lets
        with pytest.raises(staff.StaffLoginRefused) as refused:
            staff.login("9999", at, location="COUNTER1")
        at = refused.value.until or at
    for n in range(5):  # Maria's own wrong PINs lock Maria only
        with pytest.raises(staff.StaffLoginRefused):
            staff.login("9999", at + seconds(n), location="COUNTER1", staff="S02")
    assert StaffLockout.select().where(StaffLockout.staff.is_null()).count() == 0
    assert staff.login("1111", at + seconds(5), location="COUNTER1", staff="S01").code == "S01"
    with pytest.raises(staff.StaffLoginRefused, match="locked"):
        staff.login("2222", at + seconds(5), location="COUNTER1", staff="S02")


# -- sync: the counter's member changes reach the kiosk ---------------------------------------


@pytest.fixture
def devices(tmp_path):
    devices = provision(tmp_path, {"C1": "counter", "K1": "kiosk"})
    for device in devices:
        with_site(device)  # the demo site and MGR, a manager
    return devices


def test_a_member_registered_at_the_counter_logs_in_at_the_kiosk(devices):
    from engine.sitefile import member_admin

    c1, k1 = devices
    with using(c1.db):
        code = member_admin.register_member("Bob", "CARD-77", AT, "MGR", segment="VIP")["code"]
        member_admin.set_member_pin(code, "4321", "4321", AT, "MGR")
    assert apply_on(k1, journal_of(c1)).rejected == []
    with using(k1.db):
        assert login_by_card("CARD-77", AT, location="K1").member == code
        assert login_by_pin(code, "4321", AT, location="K1").member == code
    assert k1.sql("SELECT s.code FROM segment_member AS sm JOIN segment AS s ON s.id = sm.segment_id "
                  "JOIN member AS m ON m.id = sm.member_id WHERE m.code = ?", code) == [("VIP",)]
    seq = c1.sql("SELECT MAX(seq) FROM event WHERE device = 'C1'")[0][0]
    with using(c1.db):
        member_admin.set_member_active(code, False, AT, "MGR")
    assert apply_on(k1, journal_of(c1, after=seq)).rejected == []
    with using(k1.db), pytest.raises(LoginRefused, match="not active"):
        login_by_card("CARD-77", AT, location="K1")


def test_a_manager_s_unlock_at_the_counter_ends_the_lockout_on_the_kiosk(devices):
    from engine.sitefile import member_admin

    c1, k1 = devices
    with using(k1.db):
        Member.update(pin_hash=hash_pin(PIN)).where(Member.code == "M001").execute()
        for n in range(5):
            refusal("M001", "0000", AT + seconds(n))
        assert refusal("M001", PIN, AT + seconds(30)).reason == "locked"
    with using(c1.db):
        answer = member_admin.unlock_member_pin("M001", AT + seconds(60), "MGR")
        assert answer["was_locked_until"] is None  # the lockout is the kiosk's: C1 cannot see it
    assert apply_on(k1, journal_of(c1)).rejected == []
    with using(k1.db):
        assert login_by_pin("M001", PIN, AT + seconds(61), location="K1").member == "M001"
