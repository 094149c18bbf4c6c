"""The counter's shift report and refund slip on paper: the ESC/POS bytes and the PNG preview carry
every figure (cash count, discounts per campaign, coupons, packages, refunds, voids; refunded lines
and the money back per method)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from test_print_escpos import HEADER

from engine.documents import (
    CashCount,
    CountLine,
    Currency,
    PaymentLine,
    RefundLine,
    RefundSlip,
    ShiftReport,
)
from hardware.printing.layout import Text, layout
from hardware.printing.preview import MARGIN, preview_document, render_png
from hardware.printing.profile import paper
from hardware.printing.render_escpos import render_document

AT = dt.datetime(2026, 7, 3, 22, 0)


def sample_report() -> ShiftReport:
    return ShiftReport(
        header=HEADER, currency=Currency(), shift="COUNTER1-SH7", at=AT, receipts=42,
        subtotal=61550, discount=4320, total=57230,
        payments=(PaymentLine("card", 31230), PaymentLine("cash", 26000)),
        staff="Sam", first_at=AT - dt.timedelta(hours=8), last_at=AT,
        cash=CashCount(opening=10000, expected=34115, counted=34065, difference=-50),
        discounts=(CountLine("Happy hour 20%", 17, 2210), CountLine("3 for 2", 5, 2110)),
        coupons_redeemed=(CountLine("Welcome voucher", 3),),
        coupons_issued=(CountLine("Come back soon", 4, 600),),
        packages=(CountLine("Standard", 2, 1800), CountLine("Premium", 1, 4500)),
        refunds=(PaymentLine("cash", 1885), PaymentLine("wallet", 250)),
        refund_count=2, voids=CountLine("voids", 3, 1240), closed_by="Maria (S02)")


def sample_refund() -> RefundSlip:
    return RefundSlip(
        header=HEADER, currency=Currency(), refund="COUNTER1-RR3", receipt="COUNTER1-R17", at=AT,
        lines=(RefundLine(2, "Chips", 3, 400), RefundLine(3, "Standard", 1, 900)), total=1300,
        payments=(PaymentLine("cash", 400), PaymentLine("card", 900)),
        reason="bought the wrong package", staff="Maria (S02)", member="Ada (M001)",
        receipt_at=AT - dt.timedelta(hours=2))


REPORT_FIGURES = [
    r"Receipts +42", r"Gross sales +615\.50", r"Discounts +-43\.20", r"TOTAL . +572\.30",
    r"  Card +312\.30", r"  Cash +260\.00",
    r"Discounts by campaign", r"  Happy hour 20% +17x -22\.10", r"  3 for 2 +5x -21\.10",
    r"Coupons redeemed", r"  Welcome voucher +3x", r"Coupons issued", r"  Come back soon +4x 6\.00",
    r"Packages sold", r"  Standard +2x 18\.00", r"  Premium +1x 45\.00",
    r"Refunds +2x -21\.35", r"  Cash +-18\.85", r"  Wallet +-2\.50", r"Voided receipts +3x 12\.40",
    r"CASH DRAWER", r"  Opening +100\.00", r"  Expected +341\.15", r"  Counted +340\.65",
    r"  Difference +-0\.50", r"Closed by +Maria \(S02\)",
]
REFUND_FIGURES = [
    r"REFUND", r"Refund COUNTER1-RR3", r"of receipt COUNTER1-R17", r"Reason: bought the wrong",
    r"2\. Chips \(3x\) +-4\.00", r"3\. Standard +-9\.00", r"REFUND . +-13\.00", r"Paid back",
    r"  Cash +4\.00", r"  Card +9\.00", r"Member: Ada \(M001\)",
]


def text_lines(document, width: int) -> list[str]:
    return [block.text for block in layout(document, paper(width)) if isinstance(block, Text)]


def line_matching(lines: list[str], pattern: str) -> str:
    found = [line for line in lines if re.match(pattern + r"(\s|$)", line)]
    assert found, f"no printed line matches {pattern!r}"
    return found[0]


def escpos_text(data: bytes) -> str:
    """The printable text of ESC/POS bytes: the style commands (ESC a/E/t/!, GS !) left out."""
    plain = re.sub(rb"\x1b[aEt!]\S|\x1d!\S|\x1b@|\x1bp...|\x1bd.|\x1dV.", b"", data, flags=re.S)
    return plain.decode("cp858", errors="replace")


@pytest.mark.parametrize(("document", "figures"), [(sample_report(), REPORT_FIGURES),
                                                   (sample_refund(), REFUND_FIGURES)],
                         ids=["shift_report", "refund"])
@pytest.mark.parametrize("width", [80, 58])
def test_escpos_bytes_carry_every_figure(document, figures, width):
    printed = escpos_text(render_document(document, paper(width))).splitlines()
    for pattern in figures:
        line_matching(printed, pattern)


def test_a_cash_refund_kicks_the_drawer_before_printing():
    slip = sample_refund()
    assert slip.cash_back == 400
    data = render_document(slip, paper(80), drawer=slip.cash_back > 0)
    assert data.startswith(b"\x1b@") and data.index(b"\x1bp") < data.index(b"REFUND")


def pixels_of(image) -> np.ndarray:
    return np.asarray(image)[MARGIN:-MARGIN, MARGIN:-MARGIN]


def contains_strip(page: np.ndarray, strip: np.ndarray) -> bool:
    rows = strip.shape[0]
    return any(np.array_equal(page[y:y + rows], strip) for y in range(page.shape[0] - rows + 1))


@pytest.mark.parametrize(("document", "figures"), [(sample_report(), REPORT_FIGURES),
                                                   (sample_refund(), REFUND_FIGURES)],
                         ids=["shift_report", "refund"])
def test_png_preview_draws_every_figure_line(document, figures):
    profile = paper(58)
    page = pixels_of(preview_document(document, profile))
    lines = text_lines(document, 58)
    for pattern in figures:
        line = line_matching(lines, pattern)
        block = next(b for b in layout(document, profile)
                     if isinstance(b, Text) and b.text == line)
        drawn = pixels_of(render_png([block], profile))
        assert contains_strip(page, drawn), f"the preview does not show {line!r}"
