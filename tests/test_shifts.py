"""Shifts: open and close with counted cash, expected cash from the facts, the report, events."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from engine import documents
from engine.coupons.wizard import generate
from engine.entitlements import purchase, refund
from engine.errors import PlaydeskError
from engine.models import Event, Staff
from engine.people.pins import hash_pin
from engine.pricing import LineInput, ReceiptInput
from engine.sales.checkout import checkout
from engine.sales.orders import complete_order, create_order
from engine.sales.receiptfile import PaymentInput
from engine.sales.refunds import refund_receipt
from engine.sales.shifts import (
    CampaignCount,
    CashFacts,
    MethodAmount,
    VoidTotals,
    close_shift,
    open_shift,
    open_shift_of,
    shift_report,
)

AT = dt.datetime(2026, 7, 3, 17, 0)  # happy hour


@pytest.fixture
def site(demo_site):
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    return demo_site


def sale(shift: str, lines, payments, member=None, coupons=(), at=AT) -> dict:
    receipt = ReceiptInput("COUNTER1", tuple(lines), member=member, coupons=tuple(coupons))
    return checkout(receipt, [PaymentInput(m, a) for m, a in payments], at, staff="S01",
                    shift=shift)


def test_one_open_shift_per_device(site):
    shift = open_shift("S01", 10000, AT, "COUNTER1")
    assert open_shift_of().id == shift.id
    with pytest.raises(PlaydeskError, match="still open"):
        open_shift("S02", 5000, AT, "COUNTER1")
    close_shift(shift.id, "S01", 10000, AT)
    assert open_shift_of() is None
    with pytest.raises(PlaydeskError, match="already closed"):
        close_shift(shift.id, "S01", 10000, AT)


def test_bad_counts_and_unknown_staff_write_nothing(site):
    with pytest.raises(PlaydeskError, match="opening cash"):
        open_shift("S01", -5, AT)
    with pytest.raises(PlaydeskError, match="unknown staff"):
        open_shift("S99", 100, AT)
    assert open_shift_of() is None
    assert not Event.select().where(Event.type == "shift.open").exists()


def test_expected_cash_and_the_report(site):
    shift = open_shift("S01", 10000, AT, "COUNTER1").id
    coupon = generate("WELCOME", 1, AT, discount_type="reduce", value=100)[0].code
    # 2 colas in happy hour (5.00 − 1.00) and chips, coupon 1.00 off: 5.00; cash 10 → change 5
    first = sale(shift, [LineInput(item="COLA", quantity=2), LineInput(item="CHIPS")],
                 [("cash", 1000)], coupons=[coupon])
    assert (first.total, first.change) == (500, 500)
    # a package sold on a receipt to M001, split card + cash
    sale(shift, [LineInput(package="SUMMER/BASIC")], [("card", 200), ("cash", 300)],
                  member="M001")
    # a kiosk order completed in cash at this counter (no receipt)
    order = create_order("M002", "SUMMER/STD", "KIOSK1", AT)
    complete_order(order.code, "cash", "S01", AT, location="COUNTER1")
    # a 40 € sale issues a BACKSOON coupon
    big = sale(shift, [LineInput(item="HEADSET", quantity=8)], [("card", None)])
    assert big.issued_coupons
    chips_net = first.priced.lines[1].net
    assert chips_net == 167  # 2.00 less its pro-rata share (1/3) of the 1.00 coupon
    refund_receipt(first.receipt, "S02", "customer changed their mind", AT, lines=[2],
                   shift=shift)  # the chips' stored net, back in cash

    expected = 10000 + 500 + 300 + 900 - chips_net
    report = close_shift(shift, "S01", expected - 10, AT)
    assert report.cash == CashFacts(10000, expected, expected - 10, -10)
    assert report.receipts == 3
    assert report.total == 500 + 500 + big.total
    # the receipts' payments add up to their total; the kiosk order paid here is its own line
    assert {p.method: p.amount for p in report.payments} == {
        "cash": 500 + 300, "card": 200 + big.total}
    assert sum(p.amount for p in report.payments) == report.total
    assert (report.orders.count, report.orders.amount) == (1, 900)
    assert report.orders.methods == (MethodAmount("cash", 900),)
    assert report.takings == report.total + 900
    discounts = {d.campaign: d.amount for d in report.discounts}
    assert discounts["HAPPY"] == 100 and discounts["WELCOME"] == 100
    assert report.coupons_redeemed == (CampaignCount("WELCOME", "Welcome voucher", 1),)
    assert report.coupons_issued[0].campaign == "BACKSOON"
    assert {p.package: p.count for p in report.packages} == {"SUMMER/BASIC": 1, "SUMMER/STD": 1}
    assert report.refunds.methods == (MethodAmount("cash", chips_net),)
    # the CLI's JSON: the same facts as plain data, lists for tuples
    assert report.as_dict()["coupons_redeemed"] == [
        {"campaign": "WELCOME", "name": "Welcome voucher", "count": 1}]
    assert report.as_dict()["cash"]["difference"] == -10
    document = documents.shift_report(report, AT)
    assert (document.receipts, document.total, document.staff) == (3, report.total, "Sam")


def test_purchase_refunds_at_the_device_leave_the_drawer(site):
    shift = open_shift("S01", 0, AT, "COUNTER1").id
    bought = purchase("M001", "SUMMER/BASIC", "cash", "counter", AT, location="COUNTER1",
                      staff="S01")
    refund(bought.id, "S02", "wrong package", AT)
    assert shift_report(shift, AT).cash.expected == 500 - 500


def test_open_and_close_are_journaled_as_rows(site):
    shift = open_shift("S01", 1234, AT, "COUNTER1").id
    close_shift(shift, "S01", 1234, AT + dt.timedelta(hours=8))
    events = {e.type: json.loads(e.payload) for e in Event.select()
              .where(Event.type.in_(["shift.open", "shift.close"]))}
    assert events["shift.open"]["rows"]["shift"][0]["opening_cash"] == 1234
    assert events["shift.close"]["rows"]["shift_close"][0]["difference"] == 0


def run_cli(*argv: str) -> object:
    """engine/cli/counter.py's commands through a playdesk-like parser (one JSON document)."""
    import contextlib
    import io

    from engine.cli import ArgumentParser
    from engine.cli import counter as counter_cli

    parser = ArgumentParser(prog="playdesk")
    parser.add_argument("--db")
    parser.add_argument("--at")
    parser.add_argument("--table", action="store_true")
    counter_cli.register(parser.add_subparsers(dest="command", required=True,
                                               parser_class=ArgumentParser))
    args = parser.parse_args(list(argv))
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        args.handler(args)
    return json.loads(output.getvalue())


def test_cli_shift_and_refund_commands(site, db_path):
    at = ["--db", str(db_path), "--at", "2026-07-03T17:00"]
    opened = run_cli(*at, "shift", "open", "--staff", "S01", "--cash", "5000", "--location",
                     "COUNTER1")
    assert opened["cash"] == {"opening": 5000, "expected": 5000, "counted": None,
                              "difference": None}
    assert run_cli(*at, "shift", "current")["shift"] == opened["shift"]
    done = sale(opened["shift"], [LineInput(item="WATER")], [("cash", None)])
    refunded = run_cli(*at, "refund-receipt", done.receipt, "--staff", "S02", "--reason",
                       "warm", "--shift", opened["shift"])
    assert refunded["payments"] == [{"method": "cash", "amount": 150, "lot": None}]
    closed = run_cli(*at, "shift", "close", opened["shift"], "--staff", "S01", "--cash", "5000")
    assert closed["cash"]["difference"] == 0
    assert run_cli(*at, "shift", "current") is None
    with pytest.raises(PlaydeskError, match="needs a manager"):
        run_cli(*at, "refund-receipt", done.receipt, "--staff", "S01", "--reason", "x")


def test_voids_are_noted_and_counted(site):
    from engine.sales.shifts import record_void

    shift = open_shift("S01", 0, AT, "COUNTER1").id
    record_void("S01", 3, 750, AT, shift=shift, location="COUNTER1")
    with pytest.raises(PlaydeskError, match="unknown staff"):
        record_void("S99", 1, 100, AT, shift=shift)
    assert shift_report(shift, AT).voids == VoidTotals(1, 750)
    event = Event.get(Event.type == "sale.void")
    assert json.loads(event.payload)["rows"]["receipt_void"][0]["total"] == 750


def test_the_payment_lines_add_up_to_what_the_shift_took_in(site):
    """Issue 18 item 9: receipts (one with a package), a refund, cash in and out, and a kiosk
    order paid in cash here: every line of money taken in is on the report, named in words, and
    they add up to its total; the printed report says the same."""
    from engine.sales.cash_moves import move_cash
    from engine.sales.shifts import PaymentTotal
    from hardware.printing.layout import Text, layout
    from hardware.printing.profile import paper

    shift = open_shift("S01", 10000, AT, "COUNTER1").id
    first = sale(shift, [LineInput(item="COLA", quantity=2), LineInput(item="CHIPS")],
                 [("cash", 1000)])
    package = sale(shift, [LineInput(package="SUMMER/BASIC")], [("card", 200), ("cash", 300)],
                   member="M001")
    order = create_order("M002", "SUMMER/STD", "KIOSK1", AT)
    complete_order(order.code, "cash", "S01", AT, location="COUNTER1")
    refund_receipt(first.receipt, "S02", "customer changed their mind", AT, lines=[2],
                   shift=shift)
    move_cash("in", 2000, "change from the bank", "S01", AT, shift)
    move_cash("out", 5000, "safe drop", "S01", AT, shift)

    report = shift_report(shift, AT)
    assert report.payment_lines == (
        PaymentTotal("receipts", "card", "Card", 200),
        PaymentTotal("receipts", "cash", "Cash", first.total + 300),
        PaymentTotal("orders", "cash", "Kiosk orders · Cash", 900))
    assert sum(line.amount for line in report.payment_lines) == report.takings
    assert report.takings == report.total + 900 == first.total + package.total + 900
    assert sum(p.amount for p in report.payments) == report.total
    # refunds and cash moves are no takings: they are in the drawer's count
    chips = first.priced.lines[1].net
    assert report.refunds.amount == chips
    assert report.cash.expected == 10000 + first.total + 300 + 900 - chips + 2000 - 5000
    assert {p.package for p in report.packages} == {"SUMMER/BASIC", "SUMMER/STD"}
    assert all(d.name and d.name != d.campaign for d in report.discounts)
    assert report.as_dict()["payment_lines"][2] == {
        "source": "orders", "method": "cash", "name": "Kiosk orders · Cash", "amount": 900}

    document = documents.shift_report(report, AT)
    assert sum(p.amount for p in document.payments) + document.orders.amount == \
        document.takings == report.takings
    printed = [b.text for b in layout(document, paper(80)) if isinstance(b, Text)]
    assert any("Kiosk orders (1) · Cash" in line for line in printed), printed
    assert not any(word in line for line in printed for word in (" cash ", " card "))
