"""The day closing (Z) as printed, from the report stored with the closing (never recomputed:
a reprint says what the closing said)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.closing.day import get_closing, stored_report
from engine.documents.dressing import dressed, person
from engine.documents.types import CountLine, DayReportDocument, DayTaxLine, PaymentLine
from engine.ids import device_id
from engine.models import Staff


def _taxes(rows: list[dict[str, Any]]) -> tuple[DayTaxLine, ...]:
    return tuple(DayTaxLine(r["rate"], r["name"], str(r["percent"]), r["net"], r["tax"],
                            r["gross"]) for r in rows)


def _wallet(wallet: dict[str, Any]) -> tuple[DayTaxLine, ...]:
    """Wallet money spent per rate, receipts, station time and packages together."""
    totals: dict[str, list] = {}
    for part in ("receipts", "station_time", "packages"):
        for row in wallet.get(part, []):
            entry = totals.setdefault(row["rate"], [row["name"], str(row["percent"]), 0, 0, 0])
            entry[2] += row["net"]
            entry[3] += row["tax"]
            entry[4] += row["gross"]
    return tuple(DayTaxLine(code, name, percent, net, tax, gross)
                 for code, (name, percent, net, tax, gross) in totals.items())


def day_document(closing_id: str) -> DayReportDocument:
    """The printable Z of a stored closing ("COUNTER1-Z3"; a bare number, "3", is this
    device's)."""
    if closing_id.strip().isdigit():
        closing_id = f"{device_id()}-Z{int(closing_id)}"
    closing = get_closing(closing_id)
    report = stored_report(closing)
    day = dt.date.fromisoformat(closing.day)
    head, money = dressed(None, closing.device)
    packages = tuple(CountLine(p["name"], p["count"], p["amount"])
                     for part in ("packages_taxed", "packages_vouchers")
                     for p in report[part]["packages"])
    refunds = report["refunds"]
    payments = tuple(PaymentLine(p["method"], p["amount"]) for p in report["payments"])
    # the day's payments also paid packages bought without a receipt (the kiosk's): their own
    # line, so that the payments add up to what was taken
    taken = sum(p.amount for p in payments)
    loose = taken - report["total_due"]
    return DayReportDocument(
        header=head, currency=money, shift=closing.id, at=closing.at,
        receipts=report["receipts"], subtotal=report["subtotal"], discount=report["discount"],
        total=report["total_due"],
        payments=payments, takings=taken,
        loose_purchases=loose, package_taxes=_taxes(report.get("package_taxes", [])),
        closed_by=person(Staff, closing.staff),
        first_at=dt.datetime.combine(day, dt.time()),
        last_at=dt.datetime.combine(day, dt.time(23, 59)),
        coupons_redeemed=tuple(CountLine(c["name"], c["count"])
                               for c in report["coupons_redeemed"]),
        coupons_issued=tuple(CountLine(c["name"], c["count"], c["value"])
                             for c in report["coupons_issued"]),
        packages=packages,
        refunds=tuple(PaymentLine(m["method"], m["amount"]) for m in refunds["methods"]),
        refund_count=refunds["count"],
        voids=CountLine("voids", report["voids"]["count"], report["voids"]["amount"]),
        day=day, z=closing.z, taxes=_taxes(report["taxes"]),
        refund_taxes=_taxes(refunds["taxes"]), wallet=_wallet(report["wallet"]),
        first_receipt=report["first_receipt"], last_receipt=report["last_receipt"],
    )
