"""Members at the counter (issue 18 item 3): register with a scanned card, the member's PIN
typed twice, a manager's reset, unlock and deactivation — definitions changes (one signed
`definitions` event each), roles in the engine, bad input refused with nothing written; the
CLI; the member card slip (Code 128 in the ESC/POS bytes, a preview that scans); a second device
receiving the changes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import DATA

from engine.cli import main
from engine.errors import NotFound, PlaydeskError
from engine.models import Event, Member, Staff
from engine.models.member_facts import PinUnlock
from engine.people.logins import LoginRefused, login_by_card, login_by_pin
from engine.people.pins import hash_pin, verify_pin
from engine.sitefile import load_site_file
from engine.sitefile import member_admin as admin

AT = dt.datetime(2026, 7, 3, 12, 0)
PEOPLE = DATA.parent.parent / "demo" / "people.yaml"  # cashier S01, manager S02, owner S03; members PIN 1234


@pytest.fixture
def site(demo_site):
    load_site_file(PEOPLE, at=AT)
    return demo_site


def counts() -> tuple[int, int, int]:
    return Member.select().count(), Event.select().count(), PinUnlock.select().count()


def refused(call, *args, match: str, **kwargs) -> None:
    """The call raises a PlaydeskError saying `match` and writes nothing at all."""
    before = counts()
    with pytest.raises(PlaydeskError, match=match):
        call(*args, **kwargs)
    assert counts() == before


def test_register_makes_a_member_that_logs_in_by_card(site):
    before = Event.select().count()
    answer = admin.register_member("  Bob  ", "CARD-77", AT, "S01", debtor="SCHOOL1",
                                   segment="VIP")
    code = answer["code"]
    assert code.startswith("M") and len(code) == 7 and code[1:].isdigit()
    assert (answer["name"], answer["card"], answer["debtor"], answer["segments"]) == (
        "Bob", "CARD-77", "SCHOOL1", ["VIP"])
    assert (answer["active"], answer["has_pin"], answer["ticket"]) == (True, False, False)
    event = Event.select().order_by(Event.id.desc()).first()
    assert Event.select().count() == before + 1 and event.type == "definitions"
    payload = json.loads(event.payload)
    assert payload["source"] == "member.register"
    assert [m["code"] for m in payload["document"]["members"]] == [code]
    assert code in payload["document"]["segments"][0]["members"]  # the segment travels too
    assert Member.get(Member.code == code).version == f"{event.hlc}/{event.device}"
    assert login_by_card("CARD-77", AT).member == code
    with pytest.raises(LoginRefused, match="no PIN yet"):
        login_by_pin(code, "1234", AT)


def test_a_given_code_is_kept(site):
    assert admin.register_member("Bob", "CARD-77", AT, "S01", code="BOB1")["code"] == "BOB1"


@pytest.mark.parametrize("args, kwargs, match", [
    (("", "CARD-77", AT, "S01"), {}, "needs a name"),
    (("x" * 81, "CARD-77", AT, "S01"), {}, "at most 80"),
    (("Bob", "  ", AT, "S01"), {}, "scan the member's card"),
    (("Bob", "MEM0001", AT, "S01"), {}, "already the card of member M001"),
    (("Bob", "M002", AT, "S01"), {}, "already names member M002"),
    (("Bob", "CARD\x07", AT, "S01"), {}, "not a card number"),
    (("Bob", "CARD-77", AT, "S01"), {"code": "M001"}, "M001 is already used"),
    (("Bob", "CARD-77", AT, "S01"), {"code": "no spaces"}, "not a valid member code"),
    (("Bob", "CARD-77", AT, "S01"), {"debtor": "NOPE"}, "unknown debtor"),
    (("Bob", "CARD-77", AT, "S01"), {"segment": "NOPE"}, "unknown segment"),
    (("Bob", "CARD-77", AT, None), {}, "needs a cashier"),
    (("Bob", "CARD-77", AT, "S99"), {}, "unknown staff member"),
])
def test_bad_registrations_write_nothing(site, args, kwargs, match):
    refused(admin.register_member, *args, match=match, **kwargs)


def test_an_inactive_cashier_may_not_register(site):
    Staff.update(active=False).where(Staff.code == "S01").execute()
    refused(admin.register_member, "Bob", "CARD-77", AT, "S01", match="inactive")


def test_the_member_sets_a_pin_typed_twice(site):
    code = admin.register_member("Bob", "CARD-77", AT, "S01")["code"]
    refused(admin.set_member_pin, code, "4321", "4312", AT, "S01", match="two PINs differ")
    refused(admin.set_member_pin, code, "12", "12", AT, "S01", match="4 to 8 digits")
    refused(admin.set_member_pin, code, "abcd", "abcd", AT, "S01", match="4 to 8 digits")
    refused(admin.set_member_pin, "NOPE", "4321", "4321", AT, "S01", match="unknown member")
    assert admin.set_member_pin(code, "4321", "4321", AT, "S01")["has_pin"] is True
    assert login_by_pin(code, "4321", AT).member == code
    # a member with a PIN changes it only with the current one (or a manager resets it)
    refused(admin.set_member_pin, code, "5555", "5555", AT, "S01", match="current PIN first")
    refused(admin.set_member_pin, code, "5555", "5555", AT, "S01", current="0000",
            match="current PIN first")
    admin.set_member_pin(code, "5555", "5555", AT, "S01", current="4321")
    assert verify_pin("5555", Member.get(Member.code == code).pin_hash)


def test_reset_unlock_and_deactivate_need_a_manager(site):
    for call, args in ((admin.reset_member_pin, ("M001", AT, "S01")),
                       (admin.unlock_member_pin, ("M001", AT, "S01")),
                       (admin.set_member_active, ("M001", False, AT, "S01"))):
        refused(call, *args, match="needs a manager or owner; Sam is a cashier")
        refused(call, *args[:-1], None, match="needs a manager")


def test_a_manager_resets_the_pin_and_it_ends_the_lockout(site):
    for _ in range(5):
        with pytest.raises(LoginRefused):
            login_by_pin("M001", "0000", AT, location="KIOSK1")
    with pytest.raises(LoginRefused, match="locked"):
        login_by_pin("M001", "1234", AT, location="KIOSK1")
    answer = admin.reset_member_pin("M001", AT, "S02", pin="8642")
    assert answer["has_pin"] and answer["locked_until"] is None
    row = PinUnlock.get(PinUnlock.id == answer["unlock"])
    assert (row.member, row.kind, row.staff) == ("M001", "reset", "S02")
    assert login_by_pin("M001", "8642", AT + dt.timedelta(seconds=1), location="KIOSK1").member == "M001"
    cleared = admin.reset_member_pin("M001", AT, "S02")
    assert cleared["has_pin"] is False and Member.get(Member.code == "M001").pin_hash is None
    refused(admin.reset_member_pin, "M001", AT, "S02", pin="12", match="4 to 8 digits")
    refused(admin.reset_member_pin, "NOPE", AT, "S02", match="unknown member")


def test_a_manager_unlocks_a_pin_lockout_recorded(site):
    for _ in range(5):
        with pytest.raises(LoginRefused):
            login_by_pin("M001", "0000", AT, location="KIOSK1")
    later = AT + dt.timedelta(minutes=1)
    answer = admin.unlock_member_pin("M001", later, "S02")
    assert answer["was_locked_until"] == "2026-07-03T12:15:00" and answer["locked_until"] is None
    event = Event.select().order_by(Event.id.desc()).first()
    assert event.type == "member.pin_unlock" and answer["unlock"] in event.payload
    assert login_by_pin("M001", "1234", later, location="KIOSK1").member == "M001"


def test_a_deactivated_member_cannot_log_in_or_buy_and_keeps_its_history(site):
    from engine.entitlements.purchase import purchase

    bought = purchase("M001", "SUMMER/BASIC", "cash", "counter", AT)
    answer = admin.set_member_active("M001", False, AT, "S02")
    assert answer["active"] is False and answer["event"] is not None
    with pytest.raises(LoginRefused, match="not active"):
        login_by_card("MEM0001", AT)
    with pytest.raises(PlaydeskError, match="inactive"):
        purchase("M001", "SUMMER/BASIC", "cash", "counter", AT)
    assert Member.get(Member.code == "M001").deleted is False  # still there, with its purchase
    assert bought.id in {p.id for p in type(bought).select().where(type(bought).member == "M001")}
    refused(admin.set_member_active, "M001", False, AT, "S02", match="already inactive")
    refused(admin.set_member_pin, "M001", "4321", "4321", AT, "S01", match="inactive")
    assert admin.set_member_active("M001", True, AT, "S03")["active"] is True
    assert login_by_card("MEM0001", AT).member == "M001"


def test_find_members_by_card_code_or_name(site):
    assert [m["code"] for m in admin.find_members("MEM0002")] == ["M002"]
    assert [m["code"] for m in admin.find_members("a")][:2] == ["M001", "M003"]  # Ada, Grace
    assert admin.find_members("   ") == []


@pytest.fixture
def cli(site, db_path, capsys):
    def run(*argv: str) -> tuple[int, object, str]:
        code = main(["--db", str(db_path), "--at", "2026-07-03T12:00", *argv])
        out, err = capsys.readouterr()
        return code, (json.loads(out) if out.strip() else None), err
    return run


def test_cli_member_commands(cli):
    code, answer, _ = cli("member", "register", "--name", "Bob", "--card", "CARD-77",
                          "--staff", "S01", "--segment", "VIP")
    assert code == 0 and answer["segments"] == ["VIP"]
    member = answer["code"]
    assert cli("member", "pin", member, "--pin", "4321", "--repeat", "4321",
               "--staff", "S01")[1]["has_pin"] is True
    assert cli("member", "show", member)[1]["card"] == "CARD-77"
    assert [m["code"] for m in cli("member", "find", "CARD-77")[1]] == [member]
    assert cli("member", "unlock", member, "--staff", "S02")[1]["unlock"].endswith("-PU1")
    assert cli("member", "reset-pin", member, "--staff", "S02")[1]["has_pin"] is False
    assert cli("member", "deactivate", member, "--staff", "S02")[1]["active"] is False
    assert cli("member", "reactivate", member, "--staff", "S02")[1]["active"] is True
    slip = cli("member", "card-slip", member)[1]
    assert (slip["kind"], slip["card"], slip["name"]) == ("member_card", "CARD-77", "Bob")


@pytest.mark.parametrize("argv, words", [
    (("member", "register", "--name", "Bob", "--card", "MEM0001", "--staff", "S01"),
     "already the card of member M001"),
    (("member", "register", "--name", "Bob", "--card", "C9", "--staff", "S99"), "unknown staff"),
    (("member", "pin", "M003", "--pin", "1111", "--repeat", "1111", "--staff", "S01"),
     "current PIN first"),
    (("member", "reset-pin", "M001", "--staff", "S01"), "needs a manager"),
    (("member", "unlock", "NOPE", "--staff", "S02"), "unknown member"),
    (("member", "deactivate", "M001", "--staff", "S01"), "needs a manager"),
    (("member", "card-slip", "NOPE"), "unknown member"),
])
def test_cli_refusals_exit_2_and_write_nothing(cli, argv, words):
    before = counts()
    code, answer, err = cli(*argv)
    assert (code, answer) == (2, None) and words in err and err.startswith("playdesk: error:")
    assert counts() == before


def test_member_card_slip_prints_code128_and_its_preview_scans(site, tmp_path):
    from engine.documents.member_card import member_card_slip
    from hardware.printing.preview import save_preview
    from hardware.printing.profile import paper
    from hardware.printing.render_escpos import render_document
    from hardware.scanners.camera import decode_image

    slip = member_card_slip("M001", AT)
    data = render_document(slip, paper(80))
    payload = b"{BMEM0001"
    assert b"\x1dkI" + bytes([len(payload)]) + payload in data  # GS k 73: Code 128, set B
    assert b"MEMBER CARD" in data and b"Ada" in data and b"\x1dV" in data  # cut
    path = save_preview(slip, paper(80), tmp_path / "card.png")
    assert [d.text for d in decode_image(str(path), ["CODE128"])] == ["MEM0001"]
    Member.update(card=None).where(Member.code == "M003").execute()
    with pytest.raises(PlaydeskError, match="no card number"):
        member_card_slip("M003", AT)
    with pytest.raises(NotFound):
        member_card_slip("NOPE", AT)


def test_print_member_card_cli_writes_a_png(cli, tmp_path):
    code, answer, _ = cli("print", "member-card", "M002", "--to", f"png:{tmp_path / 'c.png'}")
    assert code == 0 and answer["document"] == "member_card" and (tmp_path / "c.png").exists()


def test_hash_pin_fixture_sanity():
    assert verify_pin("1234", hash_pin("1234"))
