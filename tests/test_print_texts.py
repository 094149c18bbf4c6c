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
from engine.i18n import catalogs
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


def in_language(document, locale: str):
    """The same document written for another locale (its words and formats follow it)."""
    return replace(document, currency=replace(document.currency, locale=locale))


def word(language: str, key: str, **values) -> str:
    return catalogs.translate(language, key, texts.TEXTS[key]).format(**values)


def test_codes_become_words_on_paper():
    lines = printed(sample_purchase())
    assert any(line.startswith("Paid minutes") and line.endswith("120 min") for line in lines)
    assert any(line.startswith("Bonus credit") and line.endswith("€3.00") for line in lines)
    assert any(line.startswith("Promo minutes") for line in lines)  # a type the catalogue lacks
    assert any(line.startswith("Cash") and line.endswith("12.00") for line in lines)
    assert any(line.startswith("Voucher") for line in printed(sample_purchase("voucher")))


def test_the_manual_discount_is_named_by_the_printer():
    receipt = sample_receipt(())
    manual = Line(3, "Cola", 1, 250, 200, (Reduction("whatever the screen shows", 50, manual=True),))
    lines = printed(replace(receipt, lines=(manual,)))
    assert any(line.startswith("Manual discount") and line.endswith("-0.50") for line in lines)
    assert not any("whatever" in line for line in lines)


@pytest.mark.parametrize(("locale", "language"), [("de_DE", "de"), ("tr_TR", "tr")])
def test_a_slip_is_worded_in_its_documents_language(locale, language):
    cash = word(language, "payment_cash")
    assert cash and cash != "Cash"  # the catalogue has it
    purchase = printed(in_language(sample_purchase(), locale))
    assert any(line.startswith(cash) for line in purchase)
    assert any(line.startswith(word(language, "lot_bonus_money")) for line in purchase)
    ticket = printed(in_language(sample_ticket(), locale))
    assert any(line.startswith(word(language, "total", symbol="€")) for line in ticket)
    assert any(line.startswith(cash) for line in printed(in_language(sample_report(), locale)))
    assert any(line.startswith(cash) for line in printed(in_language(sample_refund(), locale)))
    assert not any(line.startswith("Cash") for line in purchase)
    # and English again for an English document: the language is the document's, not global
    assert any(line.startswith("Cash") for line in printed(sample_purchase()))


def test_money_and_dates_on_paper_follow_the_documents_locale():
    german = printed(in_language(sample_purchase(), "de_DE"))
    assert any(line.endswith("3,00\xa0€") for line in german)  # the bonus credit
    assert any("03.07.2026" in line for line in german)
    turkish = printed(replace(sample_purchase(), currency=Currency("TRY", 2, "tr_TR")))
    assert any(line.endswith("₺3,00") for line in turkish)
    assert any("3 Tem 2026" in line for line in turkish)


def test_every_slip_lays_out_with_the_english_catalogue():
    for document in (sample_receipt(), sample_ticket(), sample_purchase(), sample_report(),
                     sample_refund()):
        assert printed(document)
    assert texts.text("total", symbol="$") == "TOTAL $"
