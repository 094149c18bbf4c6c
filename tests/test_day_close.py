"""The day closing (issue 19 item 4, spec/tax.md "Day closing"): a device's day report, stored
once as its next Z number, printable, and the `playdesk report day` command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.closing.day import close_day, day_report
from engine.documents.types import DayReportDocument, ShiftReport
from engine.entitlements import purchase
from engine.errors import PlaydeskError
from engine.ids import device_id
from engine.models import DayClosing, Event, Staff
from engine.people.pins import hash_pin
from engine.pricing import LineInput, ReceiptInput
from engine.sales.checkout import checkout
from engine.sales.receiptfile import PaymentInput
from engine.sales.refunds import refund_receipt
from engine.sales.shifts import record_void

AT = dt.datetime(2026, 7, 3, 12, 0)  # the demo clock: no campaign reduces these lines
DAY = AT.date()
COLA, CHIPS = LineInput(item="COLA"), LineInput(item="CHIPS")  # 250 at A 19 %, 200 at B 7 %


@pytest.fixture
def site(demo_site):
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    return demo_site


def sell(lines, payments, member=None, at=AT):
    return checkout(ReceiptInput("COUNTER1", tuple(lines), member=member),
                    [PaymentInput(m, a) for m, a in payments], at, staff="S01")


def a_day() -> list[str]:
    """Three receipts at two rates, a void, a partial refund, a kiosk voucher, a wallet sale."""
    first = sell([LineInput(item="COLA", quantity=2), CHIPS], [("cash", None)])
    second = sell([LineInput(package="SUMMER/BASIC"), CHIPS], [("card", None)], member="M001")
    record_void("S01", 2, 450, AT)
    refund_receipt(first.receipt, "S02", "spilled", AT.replace(hour=13), lines=[2])
    purchase("M001", "SUMMER/PREMIUM", "card", "kiosk", AT)  # a voucher, no receipt
    third = sell([COLA, CHIPS], [("wallet", None)], member="M001")
    sell([COLA], [("cash", None)], at=AT + dt.timedelta(days=1))  # the next day: not counted
    return [first.receipt, second.receipt, third.receipt]


def rate(code, net, tax, gross):
    return {"rate": code, "name": f"VAT {19 if code == 'A' else 7}%",
            "percent": "19" if code == "A" else "7", "net": net, "tax": tax, "gross": gross}


def test_the_day_report_against_hand_computed_figures(site):
    receipts = a_day()
    report = day_report(device_id(), DAY).as_dict()
    assert (report["receipts"], report["first_receipt"], report["last_receipt"]) == (
        3, receipts[0], receipts[2])
    # per receipt, then summed per rate: A 500 (80) + 500 (80) + 250 (39.92 -> 40),
    # B 3 x 200 (13.08 -> 13)
    assert report["taxes"] == [rate("A", 1050, 200, 1250), rate("B", 561, 39, 600)]
    assert (report["total"], report["total_due"], report["untaxed"]) == (1850, 1850, 0)
    assert report["voids"] == {"count": 1, "amount": 450}
    # card: receipt 2 (700) and the kiosk voucher (4500); cash receipt 1; wallet receipt 3
    assert report["payments"] == [{"method": "card", "amount": 5200},
                                  {"method": "cash", "amount": 700},
                                  {"method": "wallet", "amount": 450}]
    refunds = report["refunds"]
    assert (refunds["count"], refunds["amount"]) == (1, 200)
    assert refunds["methods"] == [{"method": "cash", "amount": 200}]
    assert refunds["taxes"] == [rate("B", 187, 13, 200)]  # the refund's own table
    assert report["packages_taxed"]["count"] == 1 and report["packages_taxed"]["amount"] == 500
    assert report["packages_vouchers"]["packages"] == [
        {"package": "SUMMER/PREMIUM", "name": "Premium", "count": 1, "amount": 4500}]
    wallet = report["wallet"]
    assert wallet["receipts"] == [rate("A", 210, 40, 250), rate("B", 187, 13, 200)]
    assert (wallet["station_time"], wallet["untaxed"], wallet["total"]) == ([], 0, 450)
    assert report["coupons_redeemed"] == [] and report["coupons_issued"] == []


def test_an_empty_day_reports_zeros(site):
    report = day_report(device_id(), DAY).as_dict()
    assert (report["receipts"], report["first_receipt"], report["taxes"]) == (0, None, [])
    assert report["payments"] == [] and report["wallet"]["total"] == 0


def test_closing_stores_the_report_as_z_numbers_one_two_and_refuses_a_second(site):
    a_day()
    device = device_id()
    first = close_day(device, DAY, "S02", AT.replace(hour=23))
    assert (first.id, first.z, first.day) == (f"{device}-Z1", 1, "2026-07-03")
    assert json.loads(first.report) == day_report(device, DAY).as_dict()
    event = Event.select().order_by(Event.id.desc()).first()
    assert event.type == "day.close"
    assert json.loads(event.payload)["rows"]["day_closing"][0]["id"] == first.id
    before = (DayClosing.select().count(), Event.select().count())
    with pytest.raises(PlaydeskError, match="already closed: Z 1"):
        close_day(device, DAY, "S02", AT.replace(hour=23, minute=30))
    assert (DayClosing.select().count(), Event.select().count()) == before
    second = close_day(device, DAY + dt.timedelta(days=1), "S02", AT + dt.timedelta(days=1))
    assert (second.id, second.z) == (f"{device}-Z2", 2)
    assert json.loads(second.report)["receipts"] == 1


def test_closing_needs_a_manager_this_device_and_a_begun_day(site):
    device = device_id()
    with pytest.raises(PlaydeskError, match="needs a"):
        close_day(device, DAY, "S01", AT)
    with pytest.raises(PlaydeskError, match="closes its own day"):
        close_day("KIOSK9", DAY, "S02", AT)
    with pytest.raises(PlaydeskError, match="has not begun"):
        close_day(device, DAY + dt.timedelta(days=1), "S02", AT)
    assert DayClosing.select().count() == 0


def test_the_printed_closing_is_the_stored_report(site):
    from engine.documents.day import day_document

    a_day()
    row = close_day(device_id(), DAY, "S02", AT.replace(hour=23))
    doc = day_document(row.id)
    assert isinstance(doc, DayReportDocument) and isinstance(doc, ShiftReport)
    assert (doc.kind, doc.reference, doc.z, doc.receipts, doc.total) == (
        "day_report", row.id, 1, 3, 1850)
    assert [(t.rate, t.tax) for t in doc.taxes] == [("A", 200), ("B", 39)]
    assert doc.voids.count == 1 and doc.refund_count == 1
    assert day_document("1").reference == row.id  # a bare Z number: this device's
    # on paper: the Z, the receipts' range and the tax table per rate, in the ESC/POS bytes
    from hardware.printing.layout import Text, layout
    from hardware.printing.profile import paper
    from hardware.printing.render_escpos import render_document

    printed = [b.text for b in layout(doc, paper(80)) if isinstance(b, Text)]
    assert printed[printed.index("DAY CLOSING Z 1") + 1].startswith("Day")
    assert "Tax per rate" in printed and any(line.startswith("A 19%") for line in printed)
    escpos = render_document(doc, paper(80))
    assert b"DAY CLOSING Z 1" in escpos and b"SHIFT REPORT" not in escpos
    from hardware.printing.preview import render_png

    artifacts = Path(__file__).resolve().parent / "artifacts"
    artifacts.mkdir(exist_ok=True)
    render_png(layout(doc, paper(80)), paper(80)).save(artifacts / "day-closing-z1.png")
    with pytest.raises(PlaydeskError, match="unknown day closing"):
        day_document("DEV1-Z99")


def test_the_cli_closes_once_and_a_second_close_exits_2(site, db_path, capsys):
    a_day()
    at = ["--db", str(db_path), "--at", "2026-07-03T23:00"]
    assert main([*at, "report", "day", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["closing"] is None and shown["report"]["receipts"] == 3
    assert main([*at, "report", "day", "--close", "--staff", "S02", "--json"]) == 0
    closed = json.loads(capsys.readouterr().out)
    assert (closed["closing"], closed["z"]) == (f"{device_id()}-Z1", 1)
    assert main([*at, "report", "day", "--close", "--staff", "S02"]) == 2
    assert "already closed" in capsys.readouterr().err
    assert main([*at, "report", "day", "--close"]) == 2
    assert "--staff" in capsys.readouterr().err
    assert main([*at, "report", "day", "--date", "2026-07-03"]) == 0
    assert "closed as" in capsys.readouterr().out
    assert main([*at, "report", "day", "--date", "3.7.2026"]) == 2
    assert DayClosing.select().count() == 1


def test_after_a_restore_from_backup_a_z_number_is_never_reused(site, db_path, tmp_path):
    """The backup predates Z1: restored, the device refuses to close until sync has given its
    journal back (RESTORE_PENDING), and then the next closing is Z2, not a second Z1."""
    from engine import localstate
    from engine.db import close_database, open_database, write
    from engine.errors import RestorePending
    from engine.migrations import latest_version
    from engine.models.sync import SyncDevice
    from engine.ops.backup import backup_database
    from engine.ops.restore import restore_database
    from engine.sync.reconciled import counters_past_own_ids
    from engine.sync.restore import reconcile

    device = device_id()
    SyncDevice.create(device="C2", role="counter")  # a site: a restore has someone to ask
    sell([COLA], [("cash", None)])
    floor = Event.select().where(Event.device == device).count()
    backup = backup_database(db_path, tmp_path / "backups", AT).path
    z1 = close_day(device, DAY, "S02", AT.replace(hour=23))
    originals = [{"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                  "payload": e.payload, "sig": e.sig} for e in Event.select().where((Event.device == device) & (Event.seq > floor))]
    close_database()
    restore_database(backup, db_path, tmp_path / "kept", AT + dt.timedelta(days=1),
                     latest_version())
    open_database(db_path)
    later = AT + dt.timedelta(days=1)
    assert DayClosing.select().count() == 0
    with pytest.raises(RestorePending):
        close_day(device, later.date(), "S02", later)
    assert DayClosing.select().count() == 0
    reconcile(device, floor, originals)  # what sync learns from the site: Z1 comes back
    with write():
        counters_past_own_ids(device)
        localstate.delete(localstate.RESTORE_PENDING)
    assert DayClosing.get_by_id(z1.id).z == 1
    with pytest.raises(PlaydeskError, match="already closed: Z 1"):
        close_day(device, DAY, "S02", later)
    assert close_day(device, later.date(), "S02", later).id == f"{device}-Z2"


def test_wallet_paid_station_time_is_taxed_at_its_groups_rate(site):
    """Wallet minutes charged on the day, as the meter records them (one row per minute), at
    STANDARD's rate A: 7 minutes of 5 = 35 (tax 35 x 19 / 119 = 5.59 -> 6); the next day's
    minute and a minutes-lot minute do not count."""
    from engine.models import PlaySession, SessionMinute

    device = device_id()
    PlaySession.create(id=f"{device}-S1", station="PC01", group="STANDARD", station_device="pc",
                       rate_per_hour=300, member="M001", started_at=AT, device=device)
    for minute in range(1, 8):
        SessionMinute.create(id=f"{device}-SM{minute}", session=f"{device}-S1", minute=minute,
                             source="money", amount=5, wallet_minute=minute,
                             at=AT + dt.timedelta(minutes=minute), device=device)
    SessionMinute.create(id=f"{device}-SM8", session=f"{device}-S1", minute=8, source="minutes",
                         amount=1, at=AT + dt.timedelta(minutes=8), device=device)
    SessionMinute.create(id=f"{device}-SM9", session=f"{device}-S1", minute=9, source="money",
                         amount=5, wallet_minute=8, at=AT + dt.timedelta(days=1), device=device)
    wallet = day_report(device, DAY).as_dict()["wallet"]
    assert wallet["station_time"] == [rate("A", 29, 6, 35)]
    assert (wallet["receipts"], wallet["total"]) == ([], 35)


def test_coupons_redeemed_and_issued_are_counted_per_campaign(site):
    from engine.models import Coupon, CouponRedemption

    receipt = sell([COLA], [("cash", None)]).receipt
    device = device_id()
    Coupon.create(code="GIFT-1", campaign="SUMMER", value=150, discount_type="reduce",
                  issued_receipt=receipt, origin="issued")
    Coupon.create(code="OLD-1", campaign="SUMMER")
    CouponRedemption.create(id=f"{device}-CR1", coupon="OLD-1", receipt=receipt, at=AT,
                            device=device)
    report = day_report(device, DAY).as_dict()
    assert report["coupons_redeemed"] == [
        {"campaign": "SUMMER", "name": "Summer Special", "count": 1, "value": 0}]
    assert report["coupons_issued"] == [
        {"campaign": "SUMMER", "name": "Summer Special", "count": 1, "value": 150}]


def test_print_day_previews_the_stored_closing(site, db_path, tmp_path, capsys):
    a_day()
    row = close_day(device_id(), DAY, "S02", AT.replace(hour=23))
    png = tmp_path / "z1.png"
    assert main(["--db", str(db_path), "print", "day", row.id, "--to", f"png:{png}"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["document"], shown["ref"]) == ("day_report", row.id) and png.is_file()
    assert main(["--db", str(db_path), "print", "day", "DEV1-Z9", "--to", f"png:{png}"]) == 2


def test_minutes_packages_sold_without_a_receipt_are_taxed_at_their_sale(site):
    # the kiosk sells STD (900, rate A) twice and a voucher: each purchase its own table,
    # 900 x 19 / 119 = 143.69 -> 144 each; the voucher carries no tax
    purchase("M001", "SUMMER/STD", "card", "kiosk", AT)
    purchase("M002", "SUMMER/STD", "cash", "kiosk", AT)
    purchase("M001", "SUMMER/PREMIUM", "card", "kiosk", AT)
    report = day_report(device_id(), DAY).as_dict()
    assert report["package_taxes"] == [rate("A", 1800 - 288, 288, 1800)]
    assert report["taxes"] == []  # no receipt: the receipts' table stays theirs
    from engine.documents.day import day_document
    from hardware.printing.layout import Text, layout
    from hardware.printing.profile import paper

    doc = day_document(close_day(device_id(), DAY, "S02", AT.replace(hour=23)).id)
    printed = [b.text for b in layout(doc, paper(80)) if isinstance(b, Text)]
    assert "Packages without a receipt: tax per rate" in printed
