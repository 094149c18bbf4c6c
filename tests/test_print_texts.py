"""The words on paper come from one catalogue (hardware/printing/texts.py): documents carry codes
(payment method, lot type and kind, the manual-discount flag), the layout names them, and a
translation changes every slip at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from test_print_escpos import HEADER, sample_receipt, sample_ticket
from test_print_reports import sample_refund, sample_report

from engine.documents import Currency, Line, LotLine, PaymentLine, PurchaseDocument, Reduction
from hardware.printing import texts
from hardware.printing.layout import Text, layout
from hardware.printing.profile import paper

AT = dt.datetime(2026, 7, 3, 17, 30)


def sample_purchase(method: str = "cash") -> PurchaseDocument:
    return PurchaseDocument(
        HEADER, Currency(), "KIOSK1-U3", AT, "Ada (M001)", "Summer Special", "Standard", 1200,
        PaymentLine(method, 1200),
        (LotLine("paid", "minutes", 120), LotLine("bonus", "money", 300),
         LotLine("promo", "minutes", 15)))


def printed(document) -> list[str]:
    return [block.text.strip() for block in layout(document, paper(80)) if isinstance(block, Text)]


@pytest.fixture
def german():
    texts.use({"payment_cash": "Bar", "manual_discount": "Rabatt", "lot_bonus_money": "Bonusguthaben",
               "total": "SUMME {symbol}"})
    yield
    texts.use({})


def test_codes_become_words_on_paper():
    lines = printed(sample_purchase())
    assert any(line.startswith("Paid minutes") and line.endswith("120 min") for line in lines)
    assert any(line.startswith("Bonus credit") and line.endswith("3.00 €") for line in lines)
    assert any(line.startswith("Promo minutes") for line in lines)  # a type the catalogue lacks
    assert any(line.startswith("Cash") and line.endswith("12.00") for line in lines)
    assert any(line.startswith("Voucher") for line in printed(sample_purchase("voucher")))


def test_the_manual_discount_is_named_by_the_printer():
    receipt = sample_receipt(())
    manual = Line(3, "Cola", 1, 250, 200, (Reduction("whatever the screen shows", 50, manual=True),))
    lines = printed(replace(receipt, lines=(manual,)))
    assert any(line.startswith("Manual discount") and line.endswith("-0.50") for line in lines)
    assert not any("whatever" in line for line in lines)


def test_a_translation_changes_every_slip(german):
    purchase = printed(sample_purchase())
    assert any(line.startswith("Bar") for line in purchase)
    assert any(line.startswith("Bonusguthaben") for line in purchase)
    assert any(line.startswith("SUMME €") for line in printed(sample_ticket()))
    assert any(line.startswith("Bar") for line in printed(sample_report()))
    assert any(line.startswith("Bar") for line in printed(sample_refund()))
    assert not any(line.startswith("Cash") for line in purchase)


def test_every_slip_lays_out_with_the_english_catalogue():
    for document in (sample_receipt(), sample_ticket(), sample_purchase(), sample_report(),
                     sample_refund()):
        assert printed(document)
    assert texts.text("total", symbol="$") == "TOTAL $"
