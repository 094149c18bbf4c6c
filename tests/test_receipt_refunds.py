"""Refunding recorded receipts from the stored lines and allocations, in one transaction."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from engine.entitlements import balance, purchase
from engine.errors import PlaydeskError
from engine.models import Coupon, Event, Lot, Refund, Staff
from engine.models.shifts import ReceiptRefund
from engine.people.pins import hash_pin
from engine.pricing import LineInput, ReceiptInput
from engine.sales.checkout import checkout
from engine.sales.receiptfile import PaymentInput
from engine.sales.refunds import receipt_refunds, refund_receipt, refund_status

AT = dt.datetime(2026, 7, 3, 17, 0)  # happy hour
LATER = AT + dt.timedelta(hours=1)


@pytest.fixture
def site(demo_site):
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    return demo_site


def sale(lines, payments, member=None) -> dict:
    return checkout(ReceiptInput("COUNTER1", tuple(lines), member=member),
                    [PaymentInput(m, a) for m, a in payments], AT, staff="S01")


def test_refund_gives_back_the_stored_nets_and_reports_the_allocations(site):
    done = sale([LineInput(item="COLA", quantity=2), LineInput(item="CHIPS", quantity=3)],
                [("cash", 2000)])
    nets = [line.net for line in done.priced.lines]
    assert nets == [400, 400]  # happy hour 20 % on colas, 3 chips for 2
    result = refund_receipt(done.receipt, "S02", "spilled", LATER)
    assert result["amount"] == 800
    assert result["payments"] == [{"method": "cash", "amount": 800, "lot": None}]
    assert result["discounts_reversed"] == [{"campaign": "HAPPY", "amount": 100},
                                            {"campaign": "SNACK3FOR2", "amount": 200}]
    assert result["status"] == refund_status(done.receipt) == "refunded"


def test_partial_refunds_then_the_rest_and_never_twice(site):
    done = sale([LineInput(item="COLA"), LineInput(item="WATER")], [("card", None)])
    first = refund_receipt(done.receipt, "S02", "warm", LATER, lines=[2])
    assert (first["amount"], refund_status(done.receipt)) == (150, "partly_refunded")
    with pytest.raises(PlaydeskError, match="line 2 .* already refunded"):
        refund_receipt(done.receipt, "S02", "again", LATER, lines=[2])
    rest = refund_receipt(done.receipt, "S02", "all of it", LATER)
    assert rest["lines"] == [{"line": 1, "amount": 200}]
    assert rest["payments"] == [{"method": "card", "amount": 200, "lot": None}]
    with pytest.raises(PlaydeskError, match="already refunded in full"):
        refund_receipt(done.receipt, "S02", "third time", LATER)
    assert [r["amount"] for r in receipt_refunds(done.receipt)] == [150, 200]


def test_split_payments_come_back_last_payment_first_wallet_as_a_lot(site):
    purchase("M001", "SUMMER/PREMIUM", "cash", "counter", AT - dt.timedelta(days=1))  # 50 € wallet
    done = sale([LineInput(item="HEADSET", quantity=2)], [("wallet", 300), ("card", None)],
                member="M001")
    assert done.total == 1000
    wallet_before = balance("M001", LATER).money.total
    result = refund_receipt(done.receipt, "S02", "broken", LATER, lines=[1])
    assert [(p["method"], p["amount"]) for p in result["payments"]] == [("card", 700),
                                                                        ("wallet", 300)]
    lot = Lot.get_by_id(result["payments"][1]["lot"])
    assert (lot.type, lot.total, lot.member) == ("refund", 300, "M001")
    assert balance("M001", LATER).money.total == wallet_before + 300


def test_package_lines_refund_their_purchases_unused_part(site):
    done = sale([LineInput(package="SUMMER/BASIC")], [("cash", None)], member="M001")
    result = refund_receipt(done.receipt, "S02", "bought by mistake", LATER)
    assert result["amount"] == 500 and result["purchase_refunds"]
    # the money goes back by the receipt's payments; the purchase refund only closes the lots
    assert result["payments"] == [{"method": "cash", "amount": 500, "lot": None}]
    (closed,) = result["purchase_refunds"]
    assert (Refund.get_by_id(closed).method, Refund.get_by_id(closed).amount) == ("receipt", 500)
    assert balance("M001", LATER).minutes.total == 0


def test_a_full_refund_cancels_unused_issued_coupons(site):
    done = sale([LineInput(item="HEADSET", quantity=8)], [("card", None)])
    code = done.issued_coupons[0].code
    result = refund_receipt(done.receipt, "S02", "returned", LATER)
    assert result["canceled_coupons"] == [code]
    assert Coupon.get(Coupon.code == code).status == "canceled"


def test_refusals_write_nothing(site):
    done = sale([LineInput(item="COLA")], [("cash", None)])
    for staff, reason, lines, message in (
            ("S01", "x", None, "needs a manager"), ("S02", "  ", None, "needs a reason"),
            ("S02", "x", [7], "has no line 7"), (None, "x", None, "needs a manager")):
        with pytest.raises(PlaydeskError, match=message):
            refund_receipt(done.receipt, staff, reason, LATER, lines=lines)
    with pytest.raises(PlaydeskError, match="unknown receipt"):
        refund_receipt("NOPE", "S02", "x", LATER)
    assert ReceiptRefund.select().count() == 0
    assert not Event.select().where(Event.type == "sale.refund").exists()


def test_the_refund_is_one_journal_event_with_its_rows(site):
    done = sale([LineInput(item="COLA")], [("cash", None)])
    refund_receipt(done.receipt, "S02", "flat", LATER)
    event = Event.get(Event.type == "sale.refund")
    rows = json.loads(event.payload)["rows"]
    # a cola is taxed at A (19 %): the refund's own tax table travels with it
    assert set(rows) == {"receipt_refund", "receipt_refund_line", "receipt_refund_payment",
                         "refund_tax"}
    assert rows["receipt_refund"][0]["receipt"] == done.receipt
    assert [(r["rate"], r["net"], r["tax"], r["gross"]) for r in rows["refund_tax"]] == [
        ("A", 168, 32, 200)]
