"""The shift report as printed: sales, payments, discounts per campaign, coupons, packages,
refunds, voids and the cash count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.documents.dressing import header, payment_line, person, site_currency
from engine.documents.types import CashCount, CountLine, ShiftReport
from engine.models import Staff


def _counts(rows: list[dict[str, Any]], label: str, count: str,
            amount: str | None = None) -> tuple[CountLine, ...]:
    return tuple(CountLine(row[label], row[count], row[amount] if amount else None) for row in rows)


def shift_report(shift: str, at: dt.datetime) -> ShiftReport:
    """The printable report of a shift (open or closed, with or without receipts), from
    `engine.shifts.shift_report`."""
    from engine.shifts import shift_report as shift_facts  # it builds on this module

    report = shift_facts(shift, at)
    cash = report["cash"]
    refunds = report["refunds"]
    return ShiftReport(
        header=header(report["location"], report["device"]),
        currency=site_currency(),
        shift=report["shift"],
        at=at,
        receipts=report["receipts"],
        subtotal=report["subtotal"],
        discount=report["discount"],
        total=report["total"],
        payments=tuple(payment_line(p["method"], p["amount"]) for p in report["payments"]),
        staff=report["staff_name"],
        first_at=report["opened_at"],
        last_at=report["closed_at"] or at,
        cash=CashCount(cash["opening"], cash["expected"], cash["counted"], cash["difference"]),
        discounts=_counts(report["discounts"], "name", "receipts", "amount"),
        coupons_redeemed=_counts(report["coupons_redeemed"], "name", "count"),
        coupons_issued=_counts(report["coupons_issued"], "name", "count", "value"),
        packages=_counts(report["packages"], "name", "count", "amount"),
        refunds=tuple(payment_line(m["method"], m["amount"]) for m in refunds["methods"]),
        refund_count=refunds["count"],
        voids=CountLine("Voided receipts", report["voids"]["count"], report["voids"]["amount"]),
        closed_by=(person(Staff, report["closed_by"])
                   if report["closed_by"] not in (None, report["staff"]) else None),
    )
