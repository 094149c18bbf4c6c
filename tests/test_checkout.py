"""Checkout: one transaction recording the sale, its payments, entries, coupons and purchases.

The demo site (tests/data/site.yaml): COLA 250, HEADSET 500; BIGSPEND takes 100 off from 2000;
BACKSOON issues a 1.50 coupon from 3000; WELCOME is a couponing campaign (overpayment allowed);
card costs 1.5 % + 10.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from engine.db import write
from engine.errors import PlaydeskError
from engine.models import (
    Counter,
    Coupon,
    CouponRedemption,
    Entry,
    EntryAllocation,
    Event,
    LineReduction,
    Payment,
    Purchase,
    Receipt,
    ReceiptLine,
)
from engine.sales.checkout import checkout
from engine.sales.queries import entries, receipt_dict
from engine.sales.receiptfile import parse_receipt_text

AT = dt.datetime(2026, 7, 3, 12, 0)


def sell(text: str, **options):
    parsed = parse_receipt_text(text)
    return checkout(parsed.receipt, parsed.payments, parsed.at or AT, **options).as_dict()


def add_coupon(code: str, campaign: str = "WELCOME", value: int = 300, **fields) -> None:
    with write():
        Coupon.create(code=code, campaign=campaign, discount_type="reduce",
                      value=Decimal(value), origin="imported", **fields)


def recorded_counts() -> dict[str, int]:
    return {model.__name__: model.select().count()
            for model in (Receipt, ReceiptLine, LineReduction, Payment, Entry, EntryAllocation,
                          CouponRedemption, Purchase, Event)}


BIG = """
location: COUNTER1
lines: [{item: HEADSET, quantity: 7}]
"""


def test_a_cash_sale_with_change_records_everything_in_one_event(demo_site):
    # HEADSET×7 = 3500; BIGSPEND −100 → 3400; BACKSOON issues a 150 coupon; cash 5000 → 1600
    before = Event.select().count()
    result = sell(BIG + "payments: [{method: cash, amount: 5000}]", staff=None)
    assert (result["total"], result["change"]) == (3400, 1600)
    assert result["payments"] == [{"method": "cash", "amount": 3400, "tendered": 5000,
                                   "commission": 0}]
    receipt = Receipt.get_by_id(result["receipt"])
    assert (receipt.subtotal, receipt.discount, receipt.total, receipt.paid, receipt.change) == (
        3500, 100, 3400, 3400, 1600)
    (issued,) = result["issued_coupons"]
    coupon = Coupon.get(Coupon.code == issued["code"])
    assert (coupon.campaign, coupon.value, coupon.discount_type, coupon.max_redemptions,
            coupon.without_restrictions, coupon.origin, coupon.issued_receipt) == (
        "BACKSOON", 150, "reduce", 1, True, "issued", result["receipt"])
    assert coupon.expires_on == dt.date(2026, 10, 3)
    assert coupon.text.startswith("Thanks for playing")

    events = list(Event.select().order_by(Event.seq))[before:]
    assert [e.type for e in events] == ["sale"]
    rows = json.loads(events[0].payload)["rows"]
    assert {table: len(found) for table, found in rows.items()} == {
        "receipt": 1, "receipt_tax": 1, "receipt_line": 1, "line_reduction": 1, "payment": 1, "entry": 2,
        "entry_allocation": 2, "coupon": 1}


def test_entries_are_numbered_per_device_with_their_allocations(demo_site):
    first = sell(BIG + "payments: [{method: cash}]")
    second = sell(BIG + "payments: [{method: cash}]")
    found = entries()
    assert [(e["entry_no"], e["origin_code"], e["campaign"], e["process"]) for e in found] == [
        (1, first["receipt"], "BIGSPEND", "application"),
        (2, first["receipt"], "BACKSOON", "issue"),
        (3, second["receipt"], "BIGSPEND", "application"),
        (4, second["receipt"], "BACKSOON", "issue")]
    assert found[0]["allocations"] == [{"line": 1, "amount": 100}]
    assert found[0]["timestamp"] == AT and found[0]["registration"] == "automatic"
    assert [e["entry_no"] for e in entries(campaign="BACKSOON")] == [2, 4]
    assert [e["entry_no"] for e in entries(receipt=second["receipt"])] == [3, 4]


def test_payments_short_of_the_total_record_nothing(demo_site):
    before = recorded_counts()
    counters = list(Counter.select().dicts())
    with pytest.raises(PlaydeskError, match="do not cover the total of 3400"):
        sell(BIG + "payments: [{method: cash, amount: 3000}]")
    with pytest.raises(PlaydeskError, match="do not cover"):
        sell(BIG)  # no payments at all
    assert recorded_counts() == before
    assert list(Counter.select().dicts()) == counters


def test_card_commission_and_split_payments(demo_site):
    # 3400 due: card 1000 (commission 1000 × 1.5 % + 10 = 25), cash pays the remaining 2400
    result = sell(BIG + "payments: [{method: card, amount: 1000}, {method: cash, amount: 2500}]")
    assert result["payments"] == [
        {"method": "card", "amount": 1000, "tendered": None, "commission": 25},
        {"method": "cash", "amount": 2400, "tendered": 2500, "commission": 0}]
    assert result["change"] == 100


def test_a_card_cannot_pay_more_than_is_due(demo_site):
    with pytest.raises(PlaydeskError, match="more than the 3400 still due"):
        sell(BIG + "payments: [{method: card, amount: 4000}]")


def test_unknown_payment_method(demo_site):
    with pytest.raises(PlaydeskError, match="unknown payment method 'bitcoin'"):
        sell(BIG + "payments: [{method: bitcoin}]")


def test_a_coupon_is_redeemed_once_and_then_used_up(demo_site):
    add_coupon("WELCOME-1")
    text = """
location: COUNTER1
lines: [{item: COLA, quantity: 2}]
coupons: ["CPNWELCOME-1"]
payments: [{method: cash}]
"""
    # 500 − 300 = 200
    first = sell(text)
    assert first["total"] == 200 and first["rejected"] == []
    coupon = Coupon.get(Coupon.code == "WELCOME-1")
    assert (coupon.redemptions, coupon.status) == (1, "redeemed")
    (redemption,) = CouponRedemption.select()
    assert (redemption.coupon, redemption.receipt) == ("WELCOME-1", first["receipt"])
    # scanned again on another receipt: refused, the sale goes on without it
    second = sell(text)
    assert second["total"] == 500
    assert second["rejected"] == [{"code": "CPNWELCOME-1", "reason": "used up",
                                   "coupon": "WELCOME-1"}]
    assert CouponRedemption.select().count() == 1


def test_a_rejected_or_unapplied_coupon_is_not_redeemed(demo_site):
    add_coupon("LATER", expires_on=dt.date(2026, 7, 2))
    add_coupon("WELCOME-2")
    result = sell("""
location: COUNTER1
lines: [{item: COLA}]
coupons: ["LATER", "NOSUCH"]
payments: [{method: cash}]
""")
    assert result["rejected"] == [{"code": "LATER", "reason": "expired", "coupon": "LATER"},
                                  {"code": "NOSUCH", "reason": "unknown"}]
    assert CouponRedemption.select().count() == 0


def test_an_issued_coupon_can_be_redeemed_on_a_later_receipt(demo_site):
    code = sell(BIG + "payments: [{method: cash}]")["issued_coupons"][0]["code"]
    later = sell(f"""
location: COUNTER1
lines: [{{item: COLA}}]
coupons: ["{code}"]
payments: [{{method: cash}}]
""")
    # COLA 250 − 150 (BACKSOON's issued coupon, without restrictions) = 100
    assert later["total"] == 100
    assert later["entries"][0]["registration"] == "coupon"
    assert Coupon.get(Coupon.code == code).status == "redeemed"


def test_package_lines_become_purchases_for_the_member(demo_site):
    result = sell("""
location: COUNTER1
member: M001
lines: [{item: COLA}, {package: SUMMER/STD}]
payments: [{method: cash, amount: 2000}]
""")
    # COLA 250 + STD 900 = 1150; change 850
    assert (result["total"], result["change"]) == (1150, 850)
    (purchase_id,) = result["purchases"]
    purchase = Purchase.get_by_id(purchase_id)
    assert (purchase.member, purchase.campaign, purchase.package, purchase.price,
            purchase.receipt, purchase.channel) == ("M001", "SUMMER", "STD", 900,
                                                    result["receipt"], "counter")
    line = ReceiptLine.get(ReceiptLine.id == f"{result['receipt']}/2")
    assert line.purchase == purchase_id


def test_a_wallet_pays_what_is_due(demo_site):
    from engine.entitlements import balance, purchase

    purchase("M001", "SUMMER/PREMIUM", "cash", "counter", AT)  # 5000 money on the wallet
    result = sell("""
location: COUNTER1
member: M001
lines: [{item: COLA, quantity: 2}]
payments: [{method: cash, amount: 100}, {method: wallet}]
""")
    # 500 due: cash 100, the wallet the remaining 400
    assert result["payments"] == [
        {"method": "cash", "amount": 100, "tendered": 100, "commission": 0},
        {"method": "wallet", "amount": 400, "tendered": None, "commission": 0}]
    assert balance("M001", AT).money.total == 4600


def test_a_wallet_without_enough_money_records_nothing(demo_site):
    before = recorded_counts()
    with pytest.raises(PlaydeskError, match="insufficient"):
        sell("""
location: COUNTER1
member: M001
lines: [{item: COLA}]
payments: [{method: wallet}]
""")
    assert recorded_counts() == before


def test_receipt_show(demo_site):
    from engine.ids import device_id
    from engine.models.shifts import Shift

    with write():  # this device's open shift
        Shift.create(id="S1", device=device_id(), staff="S01", opened_at=AT, opening_cash=0)
    result = sell(BIG + "payments: [{method: cash, amount: 5000}]", staff=None, shift="S1")
    shown = receipt_dict(result["receipt"])
    assert shown["total"] == 3400 and shown["shift"] == "S1"
    assert shown["lines"][0]["reductions"] == [{"campaign": "BIGSPEND", "amount": 100}]
    assert [e["campaign"] for e in shown["entries"]] == ["BIGSPEND", "BACKSOON"]
    assert shown["issued_coupons"][0]["campaign"] == "BACKSOON"
    with pytest.raises(PlaydeskError, match="unknown receipt"):
        receipt_dict("NOPE")


def test_cached_definitions_follow_changes_made_on_this_connection(demo_site):
    from engine.models import Campaign
    from engine.pricing.definitions import cached_definitions

    assert cached_definitions() is cached_definitions()  # unchanged database: the same snapshot
    assert cached_definitions().campaigns["HAPPY"].active
    with write():
        Campaign.update(active=False).where(Campaign.code == "HAPPY").execute()
    assert not cached_definitions().campaigns["HAPPY"].active
