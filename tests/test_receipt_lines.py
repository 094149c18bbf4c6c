"""engine.documents.receipt_lines: the counter's screen shows a priced receipt's lines exactly as
the paper will print them once recorded (labels per print_type, hidden reductions folded in,
the manual discount first)."""

from __future__ import annotations

import datetime as dt

from engine import documents
from engine.coupons.wizard import generate
from engine.documents import Line, Reduction, receipt_lines, reduction_labels
from engine.models import Campaign
from engine.pricing import LineInput, ReceiptInput, price_receipt
from engine.pricing.definitions import load_definitions
from engine.sales.cart import Cart, apply_scan
from engine.sales.checkout import checkout
from engine.sales.receiptfile import PaymentInput

AT = dt.datetime(2026, 7, 3, 17, 0)  # happy hour: drinks −20 %


def sale(demo_site) -> tuple[Cart, str]:
    coupon = generate("WELCOME", 1, AT, discount_type="reduce", value=100)[0].code
    cart = Cart("COUNTER1")
    for code in ("2*COLA", "3*CHIPS", "HEADSET", coupon):
        assert apply_scan(cart, code, AT).accepted, code
    cart.lines[2].manual_discount = 50
    return cart, coupon


def test_priced_lines_are_the_printed_lines(demo_site):
    cart, coupon = sale(demo_site)
    priced = cart.price(AT)
    shown = receipt_lines(priced, [line.name for line in cart.lines])
    recorded = checkout(cart.receipt_input(), [PaymentInput("cash")], AT)
    assert shown == documents.receipt_document(recorded.receipt).lines
    assert receipt_lines(priced) == shown  # names looked up when the caller has none
    labels = [[r.label for r in line.reductions] for line in shown]
    # the coupon's €1.00 spreads over the lines; printed under its code (print_type coupon)
    assert labels == [["Happy hour 20% on drinks", coupon], ["3 snacks for the price of 2", coupon],
                      [documents.MANUAL_DISCOUNT, coupon]]
    assert sum(r.amount for line in shown for r in line.reductions if r.label == coupon) == 100
    assert shown[2].reductions[0] == Reduction(documents.MANUAL_DISCOUNT, 50, manual=True)
    assert [(line.name, line.quantity, line.amount) for line in shown] == [
        ("Cola 0.5 l", 2, 500), ("Chips", 3, 600), ("Headset rental", 1, 500)]
    assert reduction_labels(priced)["WELCOME"] == coupon


def test_campaigns_not_printed_fold_into_the_line(demo_site):
    Campaign.update(print_type="none").where(Campaign.code == "HAPPY").execute()
    receipt = ReceiptInput(location="COUNTER1", lines=(LineInput(item="COLA", quantity=2),))
    priced = price_receipt(receipt, load_definitions(), AT)
    assert receipt_lines(priced, ["Cola"]) == (Line(1, "Cola", 2, 250, 400, (), "A"),)
    assert reduction_labels(priced) == {"HAPPY": None}
