"""A priced receipt as the counter's screen shows it (issue 18 item 6): each line with its own
reductions, and each receipt-wide reduction (receipt %/amount off, tiers, coupons, an m_plus_n
paid as a receipt reduction) once under the lines, summed over them, instead of on every line.

The lines are the paper's (`printed_line`: labels per print_type, unprinted campaigns folded
into the line's amount), so what the screen adds up is what the paper does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.campaigns.types import DISCOUNT_TYPES, LINE_LEVEL_TYPES
from engine.documents.receipt import is_voucher, line_name, printed_line, reduction_labels
from engine.documents.types import Line, Reduction
from engine.models import Campaign
from engine.pricing import PricedReceipt

RECEIPT_WIDE_TYPES = frozenset(DISCOUNT_TYPES) - LINE_LEVEL_TYPES


@dataclass(frozen=True)
class ShownReceipt:
    lines: tuple[Line, ...]
    receipt_reductions: tuple[Reduction, ...]  # one per receipt-wide campaign, in first-seen order


def receipt_wide(codes: set[str]) -> set[str]:
    """Which of these campaigns reduce the receipt as a whole."""
    if not codes:
        return set()
    rows = Campaign.select(Campaign.code, Campaign.type, Campaign.reduction_type).where(
        Campaign.code.in_(sorted(codes))).tuples()
    return {code for code, kind, reduction in rows
            if kind in RECEIPT_WIDE_TYPES or (kind == "m_plus_n" and reduction == "receipt_reduce")}


def shown_receipt(priced: PricedReceipt, names: Sequence[str] | None = None) -> ShownReceipt:
    labels = reduction_labels(priced)
    wide = {code for code in receipt_wide(set(labels)) if labels.get(code) is not None}
    totals: dict[str, int] = {}
    taxed = bool(priced.tax.rows)
    lines = []
    for index, line in enumerate(priced.lines):
        own = []
        for reduction in line.reductions:
            if reduction.campaign in wide:
                totals[reduction.campaign] = totals.get(reduction.campaign, 0) + reduction.amount
            else:
                own.append((reduction.campaign, reduction.amount))
        lines.append(printed_line(line.no, names[index] if names else line_name(line),
                                  line.quantity, line.unit_price, line.gross,
                                  line.manual_discount, own, labels, line.tax,
                                  is_voucher(taxed, line.tax, line.package)))
    return ShownReceipt(tuple(lines), tuple(Reduction(labels[code] or code, amount)
                                            for code, amount in totals.items()))
