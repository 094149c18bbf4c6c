"""A refund's own tax table (issue 19 item 3, spec/tax.md "Per receipt"): computed as the sale's
was (once per rate, half-up) over what the refund gives back, at the rates stored with the
receipt; stored with the refund, journaled, checked by the other devices; in exclusive mode the
tax goes back too, never more than was paid."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from engine.models import Event, Staff
from engine.models.tax import RefundTax
from engine.people.pins import hash_pin
from engine.pricing import LineInput, ReceiptInput
from engine.sales.checkout import checkout
from engine.sales.receiptfile import PaymentInput
from engine.sales.refunds import refund_receipt

COLA2, CHIPS, WATER = LineInput(item="COLA", quantity=2), LineInput(item="CHIPS"), \
    LineInput(item="WATER")


@pytest.fixture
def site(demo_site):
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    return demo_site


def sell(lines, clock, payments=(("cash", None),), member=None):
    return checkout(ReceiptInput("COUNTER1", tuple(lines), member=member),
                    tuple(PaymentInput(m, a) for m, a in payments), clock.now())


def refund(receipt, clock, lines=None, minutes=60):
    return refund_receipt(receipt, "S02", "returned", clock.now() + dt.timedelta(minutes=minutes),
                          lines=lines)


def stored(refund_id: str) -> list[tuple]:
    return [(r.rate, r.percent, r.net, r.tax, r.gross) for r in
            RefundTax.select().where(RefundTax.refund == refund_id).order_by(RefundTax.position)]


def test_a_whole_refund_at_two_rates_has_the_receipts_table(site, clock):
    sale = sell([COLA2, CHIPS], clock)
    done = refund(sale.receipt, clock)
    # COLA 500 at 19 %: 500 x 19 / 119 = 79.83 -> 80; CHIPS 200 at 7 %: 13.08 -> 13
    assert stored(done["refund"]) == [("A", "19", 420, 80, 500), ("B", "7", 187, 13, 200)]
    assert done["amount"] == 700  # inclusive: the tax is in the nets given back
    assert [(r["rate"], r["net"], r["tax"], r["gross"]) for r in done["tax"]] == [
        ("A", 420, 80, 500), ("B", 187, 13, 200)]
    event = Event.get(Event.type == "sale.refund")
    assert len(json.loads(event.payload)["rows"]["refund_tax"]) == 2


def test_partial_refunds_each_compute_their_own_table_once_per_rate(site, clock):
    sale = sell([COLA2, CHIPS, WATER], clock)
    # the receipt: A 650 -> 650 x 19 / 119 = 103.78 -> 104; B 200 -> 13
    first = refund(sale.receipt, clock, lines=[1, 2])
    assert stored(first["refund"]) == [("A", "19", 420, 80, 500), ("B", "7", 187, 13, 200)]
    rest = refund(sale.receipt, clock)
    # WATER 150 at 19 %: 23.95 -> 24 (once for its rate, not per line)
    assert stored(rest["refund"]) == [("A", "19", 126, 24, 150)]
    assert (first["amount"], rest["amount"]) == (700, 150)


def test_the_rates_are_the_receipts_not_todays(site, clock, tmp_path):
    from engine.models import TaxRate

    sale = sell([CHIPS], clock)
    TaxRate.update(percent="10", name="changed").where(TaxRate.code == "B").execute()
    done = refund(sale.receipt, clock)
    assert stored(done["refund"]) == [("B", "7", 187, 13, 200)]
    assert RefundTax.get().name == "VAT 7%"


def test_money_packages_carry_no_tax_minutes_packages_their_rate(site, clock):
    sale = sell([LineInput(package="SUMMER/PREMIUM"), CHIPS], clock, member="M001")
    done = refund(sale.receipt, clock)
    assert stored(done["refund"]) == [("B", "7", 187, 13, 200)]  # the voucher has none
    assert done["amount"] == 4500 + 200


def test_a_site_without_rates_refunds_without_a_table(site, clock):
    from engine.models import Item, ReceiptLine, ReceiptTax

    sale = sell([CHIPS], clock)
    ReceiptTax.delete().execute()  # as sold before tax
    ReceiptLine.update(tax=None).execute()
    Item.update(tax=None).execute()
    done = refund(sale.receipt, clock)
    assert done["tax"] == [] and stored(done["refund"]) == []
    rows = json.loads(Event.get(Event.type == "sale.refund").payload)["rows"]
    assert "refund_tax" not in rows


# -- exclusive mode -----------------------------------------------------------------------------


def test_exclusive_refunds_give_back_the_tax_and_round_half_up(site, clock, tmp_path):
    from test_sale_tax import exclusive

    from engine.models import Receipt

    exclusive(clock, tmp_path)
    sale = sell([COLA2, WATER, CHIPS], clock)
    # A 650 x 19 % = 123.5 -> 124; B 200 x 7 % = 14: due 650 + 124 + 200 + 14 = 988
    assert Receipt.get_by_id(sale.receipt).total_due == 988
    first = refund(sale.receipt, clock, lines=[2])
    # WATER 150 x 19 % = 28.5 -> 29 (half-up; banker's rounding would give 28)
    assert stored(first["refund"]) == [("A", "19", 150, 29, 179)]
    assert first["amount"] == 179 and first["payments"][0]["amount"] == 179
    rest = refund(sale.receipt, clock)
    # COLA 500 x 19 % = 95, CHIPS 14: 500 + 95 + 200 + 14 = 809, and 179 + 809 = 988 paid
    assert stored(rest["refund"]) == [("A", "19", 500, 95, 595), ("B", "7", 200, 14, 214)]
    assert rest["amount"] == 809


def test_exclusive_rounding_never_gives_back_more_than_was_paid(site, clock, tmp_path):
    from test_sale_tax import exclusive

    from engine.models import Receipt

    exclusive(clock, tmp_path)
    sale = sell([LineInput(item="COLA"), WATER], clock)
    # together 400 x 19 % = 76 (due 476); alone 250 -> 47.5 -> 48 and 150 -> 28.5 -> 29
    assert Receipt.get_by_id(sale.receipt).total_due == 476
    first = refund(sale.receipt, clock, lines=[1])
    assert (stored(first["refund"]), first["amount"]) == ([("A", "19", 250, 48, 298)], 298)
    rest = refund(sale.receipt, clock)
    # its own table says 29, but only 476 - 298 = 178 is left of what the customer paid
    assert stored(rest["refund"]) == [("A", "19", 150, 29, 179)]
    assert rest["amount"] == 178 and rest["payments"][0]["amount"] == 178
    from engine.documents.refund import refund_slip

    slip = refund_slip(rest["refund"])  # the cent never paid shows as deducted
    assert (slip.total, slip.tax_added, slip.deducted) == (178, 29, 1)


# -- other devices check the table --------------------------------------------------------------


def _refunded_on_c1(tmp_path, lines=None, mode_exclusive=False):
    from conftest import DEMO_AT
    from sync_helpers import provision, using
    from test_sale_tax import exclusive
    from test_sync_fact_checks import with_site

    class Clock:
        @staticmethod
        def now():
            return DEMO_AT

    c1, c2 = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    for device in (c1, c2):
        with_site(device)
        if mode_exclusive:
            with using(device.db):
                exclusive(Clock, tmp_path)
    with using(c1.db):

        sold = checkout(ReceiptInput("COUNTER1", (COLA2, CHIPS, WATER)),
                        (PaymentInput("cash", None),), DEMO_AT)
        refund_receipt(sold.receipt, "MGR", "warm", DEMO_AT + dt.timedelta(minutes=5),
                       lines=lines)
        events = [{"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                   "payload": e.payload, "sig": e.sig}
                  for e in Event.select().where((Event.device == "C1")
                                                & (Event.type != "definitions"))
                  .order_by(Event.seq)]
    return c2, [dict(e, seq=n) for n, e in enumerate(events, 1)]


def _edit_refund(events, edit):
    from engine.journal import dumps

    event = next(e for e in events if e["type"] == "sale.refund")
    payload = json.loads(event["payload"])
    edit(payload["rows"])
    event["payload"] = dumps(payload)
    return events


def test_a_true_refund_table_is_applied_elsewhere(tmp_path):
    from test_sync_fact_checks import apply_on, conflicts_of

    c2, events = _refunded_on_c1(tmp_path, lines=[1, 2])
    assert apply_on(c2, events).rejected == []
    assert conflicts_of(c2) == []
    assert c2.sql("SELECT rate, net, tax, gross FROM refund_tax ORDER BY position") == [
        ("A", 420, 80, 500), ("B", 187, 13, 200)]


def test_an_exclusive_refund_is_applied_elsewhere(tmp_path):
    from test_sync_fact_checks import apply_on, conflicts_of

    c2, events = _refunded_on_c1(tmp_path, lines=[1, 3], mode_exclusive=True)
    assert apply_on(c2, events).rejected == []
    assert conflicts_of(c2) == []
    # COLA 500 + 95, WATER 150 + 28.5 -> 29: once for rate A, 650 x 19 % = 123.5 -> 124
    assert c2.sql("SELECT rate, net, tax, gross FROM refund_tax ORDER BY position") == [
        ("A", 650, 124, 774)]
    assert c2.sql("SELECT amount FROM receipt_refund") == [(774,)]


def _understated(rows) -> None:
    rows["refund_tax"][0].update(tax=70, net=430)


def _dropped(rows) -> None:
    rows["refund_tax"] = rows["refund_tax"][:1]


def _foreign(rows) -> None:
    rows["refund_tax"][0]["refund"] = "C1-RR99"


def _more_money(rows) -> None:
    rows["receipt_refund"][0]["amount"] += 50
    rows["receipt_refund_payment"][0]["amount"] += 50


@pytest.mark.parametrize(("edit", "reason"), [
    (_understated, "wrong_tax"), (_dropped, "wrong_tax"), (_foreign, "foreign_tax"),
    (_more_money, "wrong_tax")])
def test_a_refund_whose_table_is_not_its_lines_is_refused(tmp_path, edit, reason):
    from test_sync_fact_checks import apply_on, conflicts_of

    c2, events = _refunded_on_c1(tmp_path, lines=[1, 2])
    apply_on(c2, _edit_refund(events, edit))
    assert [(kind, seq) for kind, _, seq, _ in conflicts_of(c2)] == [("rejected", len(events))]
    assert conflicts_of(c2)[0][3].startswith(reason)
    assert c2.sql("SELECT COUNT(*) FROM refund_tax") == [(0,)]


def test_a_refund_of_a_receipt_not_here_yet_waits(tmp_path):
    from test_sync_fact_checks import apply_on

    c2, events = _refunded_on_c1(tmp_path)
    refund_event = next(e for e in events if e["type"] == "sale.refund")
    touched = apply_on(c2, [dict(refund_event, seq=1)])
    assert touched.waiting and "not here yet" in touched.waiting[0][2]


# -- issue 19 item 7: a coupon earned by a threshold the refund takes the receipt below ---------

HEADSETS = LineInput(item="HEADSET", quantity=6)
ONE_COLA = LineInput(item="COLA")


def _coupon_sale(clock, lines=(HEADSETS, ONE_COLA, WATER)):
    """BACKSOON issues a 1.50 coupon from 30.00: HEADSET x 6 3000, COLA 250, WATER 150, less
    BIGSPEND's 1.00 spread over them: nets 2912, 243, 145 (3300)."""
    sale = sell(lines, clock)
    (issued,) = sale.issued_coupons
    assert issued.campaign == "BACKSOON"
    return sale, issued.code


def _redeem(code, clock):
    """The coupon spent on a cola: 150 off."""
    other = checkout(ReceiptInput("COUNTER1", (LineInput(item="COLA"),), coupons=(code,)),
                     (PaymentInput("cash", None),), clock.now())
    assert other.priced.total == 100


def test_an_unredeemed_coupon_stays_while_the_threshold_is_kept_and_goes_below_it(site, clock):
    from engine.models import Coupon
    from engine.sales.refunds import refund_status

    sale, code = _coupon_sale(clock)
    water = refund(sale.receipt, clock, lines=[3])
    # 2912 + 243 = 3155, still 30.00 or more: the coupon was earned
    assert (water["amount"], water["canceled_coupons"]) == (145, [])
    assert Coupon.get(Coupon.code == code).status == "issued"
    cola = refund(sale.receipt, clock, lines=[2])
    # 2912 left, under 30.00: the coupon is canceled with the refund
    assert (cola["amount"], cola["canceled_coupons"], cola["deducted"]) == (243, [code], 0)
    assert Coupon.get(Coupon.code == code).status == "canceled"
    assert refund_status(sale.receipt) == "partly_refunded"
    last = refund(sale.receipt, clock)
    assert (last["amount"], last["canceled_coupons"]) == (2912, [])


def test_a_redeemed_coupon_is_deducted_once_from_the_refund_going_below(site, clock):
    sale, code = _coupon_sale(clock)
    _redeem(code, clock)
    water = refund(sale.receipt, clock, lines=[3])
    assert (water["amount"], water["deducted"]) == (145, 0)
    cola = refund(sale.receipt, clock, lines=[2])
    assert (cola["amount"], cola["deducted"], cola["canceled_coupons"]) == (243 - 150, 150, [])
    assert cola["deducted_coupons"] == [{"coupon": code, "amount": 150}]
    assert cola["payments"] == [{"method": "cash", "amount": 93, "lot": None}]
    # the table is over the line sold back: 243 x 19 / 119 = 38.8 -> 39
    assert stored(cola["refund"]) == [("A", "19", 204, 39, 243)]
    last = refund(sale.receipt, clock)
    assert (last["amount"], last["deducted"]) == (2912, 0)


def test_the_deduction_never_takes_a_refund_below_zero(site, clock):
    # HEADSET x 6 and a chocolate bar: 3120 less BIGSPEND's 100 = 2904 + 116
    sale, code = _coupon_sale(clock, (HEADSETS, LineInput(item="BAR")))
    _redeem(code, clock)
    bar = refund(sale.receipt, clock, lines=[2])
    assert (bar["amount"], bar["deducted"], bar["payments"]) == (0, 116, [])
    assert stored(bar["refund"]) == [("B", "7", 108, 8, 116)]  # 116 x 7 / 107 = 7.59 -> 8


# -- printed: the receipt and the refund slip (spec/tax.md "Printed receipt") -------------------


def _texts(document, width=80) -> list[str]:
    from hardware.printing.layout import Text, layout
    from hardware.printing.profile import paper

    return [block.text for block in layout(document, paper(width)) if isinstance(block, Text)]


def _bytes(document) -> bytes:
    from hardware.printing.profile import paper
    from hardware.printing.render_escpos import render_document

    return render_document(document, paper(80))


def test_the_receipt_prints_each_lines_rate_and_the_table(site, clock):
    from engine.documents.receipt import receipt_document

    sale = sell([COLA2, CHIPS, LineInput(package="SUMMER/PREMIUM")], clock, member="M001")
    document = receipt_document(sale.receipt)
    assert [(line.tax, line.voucher) for line in document.lines] == [
        ("A", False), ("B", False), (None, True)]
    assert [(r.rate, r.percent, r.net, r.tax, r.gross) for r in document.tax] == [
        ("A", "19", 420, 80, 500), ("B", "7", 187, 13, 200)]
    assert document.total_due is None and document.tax_added == 0
    printed = _texts(document)
    assert printed[printed.index(next(p for p in printed if p.startswith("Cola")))].endswith(
        "5.00 A")
    assert any(p.startswith("Chips") and p.endswith("2.00 B") for p in printed)
    assert any(p.endswith("45.00 voucher") for p in printed)
    head = printed.index(next(p for p in printed if p.startswith("Rate")))
    assert printed[head].split() == ["Rate", "Net", "Tax", "Gross"]
    assert printed[head + 1].split() == ["A", "19%", "4.20", "0.80", "5.00"]
    assert printed[head + 2].split() == ["B", "7%", "1.87", "0.13", "2.00"]
    assert len(printed[head + 1]) <= 48
    data = _bytes(document)
    assert b"A 19%" in data and b"5.00 A\n" in data and b"45.00 voucher\n" in data
    assert b"\x1bE\x01Rate" in data  # the table's head in bold
    assert head > printed.index(next(p for p in printed if p.startswith("TOTAL")))


def test_an_exclusive_receipt_shows_the_tax_added_and_the_total_due(site, clock, tmp_path):
    from test_sale_tax import exclusive

    from engine.documents.receipt import receipt_document

    exclusive(clock, tmp_path)
    sale = sell([COLA2, CHIPS], clock, payments=(("card", None),))
    document = receipt_document(sale.receipt)
    assert (document.total, document.tax_added, document.total_due) == (700, 109, 809)
    printed = _texts(document)
    assert any(p.startswith("Total net") and p.endswith("7.00") for p in printed)
    assert any(p.startswith("Tax added") and p.endswith("1.09") for p in printed)
    assert any(p.startswith("TOTAL") and p.endswith("8.09") for p in printed)
    data = _bytes(document)
    assert b"Tax added" in data and b"8.09" in data


def test_a_receipt_without_rates_prints_no_tax(site, clock):
    from engine.documents.receipt import receipt_document
    from engine.models import Item, ReceiptLine, ReceiptTax

    sale = sell([CHIPS], clock)
    ReceiptTax.delete().execute()
    ReceiptLine.update(tax=None).execute()
    Item.update(tax=None).execute()
    document = receipt_document(sale.receipt)
    assert document.tax == () and document.lines[0].tax is None
    data = _bytes(document)
    assert b"Rate" not in data and b"voucher" not in data and b"2.00\n" in data


def test_the_refund_slip_prints_its_rates_table_and_what_was_deducted(site, clock):
    from engine.documents.refund import refund_slip

    sale, code = _coupon_sale(clock)
    _redeem(code, clock)
    refund(sale.receipt, clock, lines=[3])
    cola = refund(sale.receipt, clock, lines=[2])
    slip = refund_slip(cola["refund"])
    assert [(line.no, line.amount, line.tax) for line in slip.lines] == [(2, 243, "A")]
    assert [(r.rate, r.net, r.tax, r.gross) for r in slip.tax] == [("A", 204, 39, 243)]
    assert (slip.total, slip.deducted, slip.tax_added) == (93, 150, 0)
    printed = _texts(slip)
    assert any(p.startswith("2. Cola") and p.endswith("-2.43 A") for p in printed)
    assert any(p.startswith("Deducted") and p.endswith("1.50") for p in printed)
    assert any(p.startswith("REFUND") and p.endswith("-0.93") for p in printed)
    head = printed.index(next(p for p in printed if p.startswith("Rate")))
    assert printed[head + 1].split() == ["A", "19%", "2.04", "0.39", "2.43"]
    data = _bytes(slip)
    assert b"-2.43 A\n" in data and b"A 19%" in data


def test_an_exclusive_refund_slip_shows_the_tax_given_back(site, clock, tmp_path):
    from test_sale_tax import exclusive

    from engine.documents.refund import refund_slip

    exclusive(clock, tmp_path)
    sale = sell([COLA2, WATER, CHIPS], clock)
    done = refund(sale.receipt, clock, lines=[1, 3])
    slip = refund_slip(done["refund"])
    # COLA 500 x 19 % = 95, CHIPS 200 x 7 % = 14: 700 + 109
    assert (slip.total, slip.tax_added, slip.deducted) == (809, 109, 0)
    printed = _texts(slip)
    assert any(p.startswith("Tax added") and p.endswith("-1.09") for p in printed)
    assert any(p.startswith("REFUND") and p.endswith("-8.09") for p in printed)
    head = printed.index(next(p for p in printed if p.startswith("Rate")))
    assert [printed[head + 1].split(), printed[head + 2].split()] == [
        ["A", "19%", "5.00", "0.95", "5.95"], ["B", "7%", "2.00", "0.14", "2.14"]]


def test_the_preview_draws_the_tax_lines_of_the_receipt_and_the_slip(site, clock):
    import numpy as np
    from test_print_preview import ink_rows

    from engine.documents.receipt import receipt_document
    from engine.documents.refund import refund_slip
    from hardware.printing.layout import Text, layout
    from hardware.printing.preview import preview_document
    from hardware.printing.profile import paper

    sale = sell([COLA2, CHIPS], clock)
    done = refund(sale.receipt, clock, lines=[2])
    for document in (receipt_document(sale.receipt), refund_slip(done["refund"])):
        for width in (58, 80):
            image = preview_document(document, paper(width))
            lines = [b for b in layout(document, paper(width)) if isinstance(b, Text)]
            assert any(b.text.startswith("Rate") for b in lines)
            assert all(len(b.text) <= paper(width).chars for b in lines)
            assert ink_rows(image) >= len(lines)
            assert np.count_nonzero(np.asarray(image) < 128) > 0
