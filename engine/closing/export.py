"""Exports for the accountant (spec/tax.md "Exports"): the sales of a period, a row per receipt
line and per refunded line, and the day closings of a period, as CSV or JSON.

The columns and their order are a contract (README "Exports"): spreadsheets and accounting
imports map them by name, so a column is only ever added at the end.

Tax is computed once per rate per receipt (tax.md), but the accountant's rows are lines: each
rate's tax is spread over the receipt's lines of that rate pro rata to their nets, the remainder
cents to the largest lines first (the same rule as campaign allocation), so that the tax column
summed over a receipt, a day or a period is exactly the stored tax table's total.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from engine.errors import N_, PlaydeskError
from engine.models import Payment, Receipt, ReceiptLine, ReceiptTax
from engine.models.days import DayClosing
from engine.models.shifts import ReceiptRefund, ReceiptRefundLine, ReceiptRefundPayment
from engine.models.tax import RefundTax
from engine.settings import site_identity

SALES_COLUMNS = ("kind", "receipt", "refund", "device", "time", "staff", "member", "line",
                 "item", "resource", "package", "name", "quantity", "gross", "discount", "net",
                 "tax_rate", "tax_percent", "tax", "due", "payment_methods")
# the amount columns: minor units in JSON, major units with a "." in CSV
SALES_AMOUNTS = ("gross", "discount", "net", "tax", "due")

DAYS_COLUMNS = ("device", "z", "day", "closed_at", "staff", "receipts", "first_receipt",
                "last_receipt", "voids", "gross", "tax", "untaxed", "total_due", "refunds",
                "report")
DAYS_AMOUNTS = ("gross", "tax", "untaxed", "total_due", "refunds")

FORMATS = ("csv", "json")


def period(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00): both days belong to the period (site time)."""
    if end < start:
        raise PlaydeskError(N_("the period ends ({end}) before it starts ({start})"),
                            end=end, start=start)
    return (dt.datetime.combine(start, dt.time()),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))


def spread(total: int, weights: Sequence[int]) -> list[int]:
    """`total` over `weights` pro rata, exact: the remainder cents to the largest weights first
    (ties: the earlier one). Σ result == total whatever the signs of the weights' sum."""
    base = sum(weights)
    if not weights:
        return []
    if base == 0:
        shares = [0] * len(weights)
        shares[0] = total
        return shares
    shares = [total * w // base for w in weights]
    left = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-abs(weights[i]), i))
    step = 1 if left > 0 else -1
    for index in order[:abs(left)]:
        shares[index] += step
    return shares


def _line_taxes(lines: Sequence[tuple[int, str | None, int]],
                table: Iterable[Any]) -> dict[int, tuple[str | None, str, int]]:
    """line no → (rate, percent, tax) for lines given as (no, rate, net): each rate's stored tax
    spread over its lines."""
    by_rate: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for no, rate, net in lines:
        if rate:
            by_rate[rate].append((no, net))
    found: dict[int, tuple[str | None, str, int]] = {no: (rate, "", 0) for no, rate, _ in lines}
    for row in table:
        members = by_rate.get(row.rate, [])
        for (no, _), share in zip(members, spread(row.tax, [net for _, net in members]),
                                  strict=True):
            found[no] = (row.rate, row.percent, share)
    return found


def _methods(rows: Iterable[Any]) -> dict[str, str]:
    """receipt or refund id → its payment methods, "cash+card", in the order they were paid."""
    methods: dict[str, list[str]] = defaultdict(list)
    for owner, method in rows:
        if method not in methods[owner]:
            methods[owner].append(method)
    return {owner: "+".join(names) for owner, names in methods.items()}


def sales_rows(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The period's receipt lines and refunded lines (negative), amounts in minor units."""
    since, until = period(start, end)
    receipts = list(Receipt.select().where((Receipt.at >= since) & (Receipt.at < until))
                    .order_by(Receipt.at, Receipt.id))
    ids = [r.id for r in receipts]
    lines: dict[str, list[ReceiptLine]] = defaultdict(list)
    tables: dict[str, list[ReceiptTax]] = defaultdict(list)
    paid: dict[str, str] = {}
    for chunk in _chunks(ids):
        for line in ReceiptLine.select().where(ReceiptLine.receipt.in_(chunk)) \
                .order_by(ReceiptLine.no):
            lines[line.receipt_id].append(line)
        for row in ReceiptTax.select().where(ReceiptTax.receipt.in_(chunk)):
            tables[row.receipt].append(row)
        paid.update(_methods((p.receipt, p.method) for p in Payment.select(
            Payment.receipt, Payment.method).where(Payment.receipt.in_(chunk))
            .order_by(Payment.id)))
    rows: list[dict[str, Any]] = []
    for receipt in receipts:
        exclusive = receipt.total_due is not None and receipt.total_due != receipt.total
        taxes = _line_taxes([(li.no, li.tax, li.net) for li in lines[receipt.id]],
                            tables[receipt.id])
        for line in lines[receipt.id]:
            rate, percent, tax = taxes[line.no]
            rows.append(_row("sale", receipt, None, receipt.at, receipt.staff, line,
                             line.quantity, line.gross, line.discount, line.net, rate, percent,
                             tax, line.net + (tax if exclusive else 0),
                             paid.get(receipt.id, "")))
    rows += _refund_rows(since, until)
    return rows


def _refund_rows(since: dt.datetime, until: dt.datetime) -> list[dict[str, Any]]:
    """A row per refunded line: what went back, negative, with its share of the refund's own
    tax table (stored by engine/sales/refunds.py)."""
    refunds = list(ReceiptRefund.select().where((ReceiptRefund.at >= since)
                                                & (ReceiptRefund.at < until))
                   .order_by(ReceiptRefund.at, ReceiptRefund.id))
    rows: list[dict[str, Any]] = []
    for refund in refunds:
        receipt = Receipt.get_or_none(Receipt.id == refund.receipt)
        stored = {li.no: li for li in receipt.lines} if receipt else {}
        given = list(ReceiptRefundLine.select().where(ReceiptRefundLine.refund == refund.id)
                     .order_by(ReceiptRefundLine.line_no))
        table = list(RefundTax.select().where(RefundTax.refund == refund.id))
        # the refund's tax table is over what it gave back (inclusive: inside the amounts;
        # exclusive: the amounts are net + tax); spread it over the lines by what each gave
        taxes = _line_taxes([(g.line_no, stored[g.line_no].tax if g.line_no in stored else None,
                              g.amount) for g in given], table)
        exclusive = receipt is not None and receipt.total_due is not None \
            and receipt.total_due != receipt.total
        methods = _methods((p.refund_id, p.method) for p in ReceiptRefundPayment.select()
                           .where(ReceiptRefundPayment.refund == refund.id)
                           .order_by(ReceiptRefundPayment.position)).get(refund.id, "")
        for back in given:
            line = stored.get(back.line_no)
            rate, percent, tax = taxes[back.line_no]
            net = back.amount - (tax if exclusive else 0)
            # a package line gives back its unused part: the discount is the line's only when
            # the whole net came back
            whole = line is not None and back.amount == line.net
            rows.append(_row("refund", receipt, refund.id, refund.at, refund.staff, line,
                             -(line.quantity if line else 1),
                             -(line.gross if line and whole else back.amount),
                             -(line.discount if line and whole else 0), -net, rate, percent,
                             -tax, -back.amount, methods, line_no=back.line_no,
                             device=refund.device, receipt_id=refund.receipt))
    return rows


def _row(kind: str, receipt: Receipt | None, refund: str | None, at: dt.datetime,
         staff: str | None, line: ReceiptLine | None, quantity: int, gross: int,
         discount: int, net: int, rate: str | None, percent: str, tax: int, due: int,
         methods: str, *, line_no: int | None = None, device: str | None = None,
         receipt_id: str | None = None) -> dict[str, Any]:
    return {
        "kind": kind, "receipt": receipt.id if receipt else receipt_id, "refund": refund or "",
        "device": device or (receipt.device if receipt else ""),
        "time": at.isoformat(timespec="seconds"), "staff": staff or "",
        "member": (receipt.member if receipt else None) or "",
        "line": line.no if line else line_no,
        "item": (line.item if line else None) or "",
        "resource": (line.resource if line else None) or "",
        "package": (line.package if line else None) or "",
        "name": line.name if line else "", "quantity": quantity,
        "gross": gross, "discount": discount, "net": net, "tax_rate": rate or "",
        "tax_percent": percent, "tax": tax, "due": due, "payment_methods": methods}


def days_rows(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The Z closings of the period's days, a row each, in device and Z order; `report` is the
    whole stored closing (JSON) for what the columns do not spell out."""
    rows = []
    for closing in (DayClosing.select().where((DayClosing.day >= start.isoformat())
                                              & (DayClosing.day <= end.isoformat()))
                    .order_by(DayClosing.device, DayClosing.z)):
        report = json.loads(closing.report)
        rows.append({"device": closing.device, "z": closing.z, "day": closing.day,
                     "closed_at": _iso(closing.at), "staff": closing.staff,
                     "receipts": report.get("receipts", 0),
                     "first_receipt": report.get("first_receipt") or "",
                     "last_receipt": report.get("last_receipt") or "",
                     "voids": _dig(report, "voids", "count"),
                     "gross": sum(r.get("gross", 0) for r in _rates(report)),
                     "tax": sum(r.get("tax", 0) for r in _rates(report)),
                     "untaxed": report.get("untaxed", 0),
                     "total_due": report.get("total_due", 0),
                     "refunds": _dig(report, "refunds", "amount"),
                     "report": closing.report})
    return rows


def _iso(value: Any) -> str:
    return value.isoformat(timespec="seconds") if isinstance(value, dt.datetime) else str(value)


def _dig(report: dict[str, Any], *keys: str) -> Any:
    value: Any = report
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if value is not None else 0


def _rates(report: dict[str, Any]) -> list[dict[str, Any]]:
    rates = report.get("taxes") or []
    return [r for r in rates if isinstance(r, dict)]


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def major(amount: int, digits: int) -> str:
    """Minor units as major units with a "." decimal point: 1250 → "12.50", -5 → "-0.05"."""
    if digits == 0:
        return str(amount)
    sign = "-" if amount < 0 else ""
    whole, part = divmod(abs(amount), 10 ** digits)
    return f"{sign}{whole}.{part:0{digits}d}"


def render(rows: list[dict[str, Any]], columns: Sequence[str], amounts: Sequence[str],
           fmt: str) -> str:
    """CSV (UTF-8 text with a header row, "," between fields, amounts in major units) or JSON
    (the currency, and the rows with amounts in minor units: exact for a program)."""
    identity = site_identity()
    if fmt == "json":
        return json.dumps({"currency": identity.currency, "minor_digits": identity.minor_digits,
                           "columns": list(columns), "rows": rows}, indent=2,
                          ensure_ascii=False) + "\n"
    if fmt != "csv":
        raise PlaydeskError(N_("unknown format {fmt!r}: one of {formats}"),
                            fmt=fmt, formats=", ".join(FORMATS))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: major(value, identity.minor_digits) if key in amounts else value
                         for key, value in row.items()})
    return out.getvalue()
