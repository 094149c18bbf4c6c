"""A sale's tax is stored with it and checked by the other devices (issue 19 items 2 and 3,
spec/tax.md "Per receipt"): the lines' rates, the table once per rate, what was due; exclusive
mode makes the payments cover the tax on top."""

from __future__ import annotations

import json

import pytest

from engine.errors import PlaydeskError
from engine.models import Event, Payment, Receipt, ReceiptLine, ReceiptTax
from engine.pricing import LineInput, ReceiptInput
from engine.sales.checkout import checkout
from engine.sales.receiptfile import PaymentInput

COLA, CHIPS = LineInput(item="COLA", quantity=2), LineInput(item="CHIPS")
PREMIUM = LineInput(package="SUMMER/PREMIUM")


def sell(lines, payments, clock, member: str | None = None):
    return checkout(ReceiptInput("COUNTER1", tuple(lines), member=member),
                    tuple(PaymentInput(method, amount) for method, amount in payments),
                    clock.now())


def table(receipt: str) -> list[tuple]:
    return [(r.rate, r.percent, r.net, r.tax, r.gross) for r in
            ReceiptTax.select().where(ReceiptTax.receipt == receipt).order_by(ReceiptTax.position)]


def counts() -> tuple[int, ...]:
    return (Receipt.select().count(), ReceiptTax.select().count(), Payment.select().count())


def test_an_inclusive_sale_stores_each_lines_rate_and_the_table(demo_site, clock):
    sale = sell([COLA, CHIPS, PREMIUM], [("cash", None)], clock, member="M001")
    # COLA 2 x 250 at 19 %: 79.83 -> 80; CHIPS 200 at 7 %: 13.08 -> 13; PREMIUM a voucher
    assert table(sale.receipt) == [("A", "19", 420, 80, 500), ("B", "7", 187, 13, 200)]
    receipt = Receipt.get_by_id(sale.receipt)
    assert receipt.total == receipt.total_due == 500 + 200 + 4500
    assert [line.tax for line in ReceiptLine.select().where(ReceiptLine.receipt == receipt.id)
            .order_by(ReceiptLine.no)] == ["A", "B", None]
    sale_event = Event.select().where(Event.type == "sale").order_by(Event.id.desc()).first()
    assert len(json.loads(sale_event.payload)["rows"]["receipt_tax"]) == 2


def exclusive(clock, tmp_path) -> None:
    from engine.sitefile import load_site_file

    site_file = tmp_path / "mode.yaml"
    site_file.write_text("site: {code: DEMO, name: Pixel Arena, currency: EUR, minor_digits: 2, "
                         "timezone: Europe/Berlin, tax_mode: exclusive}\n")
    load_site_file(site_file, at=clock.now())


def test_in_exclusive_mode_the_payments_cover_the_tax_on_top(demo_site, clock, tmp_path):
    exclusive(clock, tmp_path)
    before = counts()
    # 2 x COLA 500 + 19 % = 595; CHIPS 200 + 7 % = 214; due 809 for a total of 700
    with pytest.raises(PlaydeskError, match="809"):
        sell([COLA, CHIPS], [("card", 700)], clock)
    assert counts() == before
    sale = sell([COLA, CHIPS], [("card", 800), ("cash", 20)], clock)
    receipt = Receipt.get_by_id(sale.receipt)
    assert (receipt.total, receipt.total_due, receipt.paid, receipt.change) == (700, 809, 809, 11)
    assert table(sale.receipt) == [("A", "19", 500, 95, 595), ("B", "7", 200, 14, 214)]
    assert sum(p.amount for p in sale.payments) == 809


# -- other devices check the table --------------------------------------------------------------


def _sold_on_c1(tmp_path):
    from sync_helpers import provision, using
    from test_sync_fact_checks import with_site

    c1, c2 = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    for device in (c1, c2):
        with_site(device)
    with using(c1.db):
        from conftest import DEMO_AT

        class Clock:
            @staticmethod
            def now():
                return DEMO_AT

        sell([COLA, CHIPS], [("cash", None)], Clock)
        events = [{"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                   "payload": e.payload, "sig": e.sig}
                  for e in Event.select().where((Event.device == "C1")
                                                & (Event.type != "definitions"))
                  .order_by(Event.seq)]
    return c2, [dict(e, seq=n) for n, e in enumerate(events, 1)]


def _edit_sale(events, edit):
    from engine.journal import dumps

    sale = next(e for e in events if e["type"] == "sale")
    payload = json.loads(sale["payload"])
    edit(payload["rows"])
    sale["payload"] = dumps(payload)
    return events


def test_a_true_taxed_sale_is_applied_elsewhere(tmp_path):
    from test_sync_fact_checks import apply_on, conflicts_of

    c2, events = _sold_on_c1(tmp_path)
    assert apply_on(c2, events).rejected == []
    assert conflicts_of(c2) == []
    assert c2.sql("SELECT rate, net, tax, gross FROM receipt_tax ORDER BY position") == [
        ("A", 420, 80, 500), ("B", 187, 13, 200)]


def _understated(rows) -> None:
    rows["receipt_tax"][0].update(tax=70, net=430)


def _seven_percent_cola(rows) -> None:
    """The cola line moved to 7 % and the table made to match it."""
    rows["receipt_line"][0]["tax"] = "B"
    rows["receipt_tax"] = [{**rows["receipt_tax"][1], "net": 655, "tax": 45, "gross": 700,
                            "position": 0}]


def _dropped(rows) -> None:
    rows["receipt_tax"] = rows["receipt_tax"][:1]


def _unknown_rate(rows) -> None:
    rows["receipt_line"][1]["tax"] = "Q"


@pytest.mark.parametrize(("edit", "reason"), [
    (_understated, "wrong_tax"), (_dropped, "wrong_tax"), (_seven_percent_cola, "wrong_rate")])
def test_a_sale_whose_tax_table_is_not_its_lines_is_refused(tmp_path, edit, reason):
    from test_sync_fact_checks import apply_on, conflicts_of

    c2, events = _sold_on_c1(tmp_path)
    apply_on(c2, _edit_sale(events, edit))
    assert [(kind, seq) for kind, _, seq, _ in conflicts_of(c2)] == [("rejected", len(events))]
    assert conflicts_of(c2)[0][3].startswith(reason)
    assert c2.sql("SELECT COUNT(*) FROM receipt_tax") == [(0,)]


def test_a_rate_not_here_yet_waits(tmp_path):
    from test_sync_fact_checks import apply_on

    c2, events = _sold_on_c1(tmp_path)
    touched = apply_on(c2, _edit_sale(events, _unknown_rate))
    assert touched.waiting and "tax rate Q" in touched.waiting[0][2]
