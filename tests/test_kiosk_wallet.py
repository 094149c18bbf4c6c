"""The kiosk's wallet rules (engine/entitlements/kiosk_wallet.py) and `playdesk kiosk ...`:
whether the wallet pays a package in full, when the PIN is asked again, and the PIN check that
counts like a PIN login."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from engine.cli import main
from engine.entitlements import add_lot
from engine.entitlements.kiosk_wallet import confirm_wallet_pin, wallet_cover, wallet_pin_needed
from engine.errors import NotFound, PlaydeskError
from engine.models import Member, Setting, Staff
from engine.models.logins import LoginAttempt
from engine.people.logins import LoginRefused
from engine.people.pins import hash_pin

AT = dt.datetime(2026, 7, 3, 12, 0)


@pytest.fixture
def site(demo_site):
    Member.update(pin_hash=hash_pin("4711")).where(Member.code == "M001").execute()
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    add_lot("M001", "money", "manual", 300, "S02", "goodwill", AT)  # 3.00 for every device
    add_lot("M001", "money", "manual", 5000, "S02", "console only", AT, device="console")
    return demo_site


def run(capsys, db_path, *argv):
    code = main(["--db", str(db_path), "--at", "2026-07-03T12:00", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_the_wallet_covers_only_with_what_a_wallet_purchase_may_draw(site):
    basic = wallet_cover("M001", "SUMMER/BASIC", AT)  # 5.00; the console-only 50.00 do not pay
    assert (basic.price, basic.spendable, basic.covers, basic.missing) == (500, 300, False, 200)
    add_lot("M001", "money", "manual", 200, "S02", "top up", AT)
    assert wallet_cover("M001", "SUMMER/BASIC", AT).covers  # exactly the price is enough
    later = wallet_cover("M001", "SUMMER/BASIC", AT + dt.timedelta(days=4000))
    assert later.spendable == 500  # manual lots without expiry stay


def test_wallet_cover_refuses_unknown_members_and_packages(site):
    with pytest.raises(NotFound, match="unknown member"):
        wallet_cover("M999", "SUMMER/BASIC", AT)
    with pytest.raises(NotFound, match="unknown package"):
        wallet_cover("M001", "SUMMER/NOPE", AT)


def test_the_pin_is_asked_again_after_a_card_login_unless_the_site_says_not(site):
    assert wallet_pin_needed("card") and not wallet_pin_needed("pin")
    Setting.create(key="kiosk_wallet_pin", value="false")
    assert not wallet_pin_needed("card")
    with pytest.raises(PlaydeskError, match="login method"):
        wallet_pin_needed("face")


def test_a_wrong_wallet_pin_counts_like_a_wrong_pin_login(site):
    confirm_wallet_pin("M001", "4711", AT, location="KIOSK1")
    for left in (4, 3, 2, 1):
        with pytest.raises(LoginRefused) as refused:
            confirm_wallet_pin("M001", "0000", AT, location="KIOSK1")
        assert (refused.value.reason, refused.value.tries_left) == ("wrong_pin", left)
    with pytest.raises(LoginRefused) as refused:
        confirm_wallet_pin("M001", "0000", AT, location="KIOSK1")
    assert refused.value.reason == "locked"  # the fifth wrong PIN locks, as at the login screen
    with pytest.raises(LoginRefused, match="locked"):
        confirm_wallet_pin("M001", "4711", AT, location="KIOSK1")
    assert LoginAttempt.select().where(LoginAttempt.member == "M001",
                                       LoginAttempt.ok == False).count() == 5  # noqa: E712


def test_cli_wallet_cover_and_pin(site, db_path, capsys):
    code, answer, _ = run(capsys, db_path, "kiosk", "wallet-cover", "--member", "M001",
                          "--package", "SUMMER/BASIC")
    assert code == 0 and answer == {"member": "M001", "package": "SUMMER/BASIC", "price": 500,
                                    "spendable": 300, "covers": False, "missing": 200,
                                    "pin_needed": True}
    code, answer, _ = run(capsys, db_path, "kiosk", "wallet-cover", "--member", "M001",
                          "--package", "SUMMER/BASIC", "--login", "pin")
    assert code == 0 and answer["pin_needed"] is False
    code, answer, err = run(capsys, db_path, "kiosk", "wallet-cover", "--member", "M001",
                            "--package", "NOPE")
    assert code == 2 and answer is None and err.startswith("playdesk: error: ")
    code, answer, _ = run(capsys, db_path, "kiosk", "wallet-pin", "--member", "M001",
                          "--pin", "4711", "--location", "KIOSK1")
    assert code == 0 and answer == {"member": "M001", "name": "Ada", "confirmed": True}
    code, answer, err = run(capsys, db_path, "kiosk", "wallet-pin", "--member", "M001",
                            "--pin", "0000")
    assert code == 2 and answer is None and "wrong PIN; 4 tries left" in err
