"""The receipt: its lines with the reductions printed per campaign print_type, totals, payments,
the coupons it issued and the member's balances after a package purchase; on a taxed receipt
(spec/tax.md) each line's rate code ("voucher" for a money package), the tax table, and in
exclusive mode the tax added and the total due."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from peewee import SQL

from engine.documents.coupon import coupon_slip
from engine.documents.dressing import balances, dressed, line_name, person
from engine.documents.types import Line, PaymentLine, ReceiptDocument, Reduction, TaxLine
from engine.errors import NotFound
from engine.models import Campaign, Coupon, Entry, Member, Payment, Purchase, Receipt, Staff
from engine.models.session_bills import SessionBill
from engine.models.tax import ReceiptTax

if TYPE_CHECKING:
    from engine.pricing import PricedReceipt

# The label a manual discount carries for the counter's screen, which shows labels as they are;
# paper prints its own word for it (`manual`, hardware/printing/texts.py).
MANUAL_DISCOUNT = "Manual discount"


def reduction_label(campaign: Campaign | None, code: str, coupon: str | None) -> str | None:
    """How a campaign reduction is printed, per its print_type; None: not printed."""
    print_type = campaign.print_type if campaign else "description"
    if print_type == "none":
        return None
    if print_type == "code":
        return code
    if print_type == "coupon" and coupon:
        return coupon
    return campaign.name if campaign else code


def campaign_labels(codes: Iterable[str], coupon_of: dict[str, str | None]
                    ) -> dict[str, str | None]:
    """Each campaign's reduction label as printed (None: not printed); `coupon_of` names the
    coupon a campaign was redeemed with, for print_type `coupon`."""
    codes = set(codes)
    if not codes:
        return {}
    campaigns = {c.code: c for c in Campaign.select().where(Campaign.code.in_(codes))}
    return {code: reduction_label(campaigns.get(code), code, coupon_of.get(code)) for code in codes}


def printed_line(no: int, name: str, quantity: int, unit_price: int, gross: int,
                 manual_discount: int, reductions: Iterable[tuple[str, int]],
                 labels: dict[str, str | None], tax: str | None = None,
                 voucher: bool = False) -> Line:
    """A line as the receipt shows it: a manual discount first, then each labelled reduction;
    reductions of campaigns not printed are folded into the line's amount; `tax` its rate code
    (`voucher`: a money package on a taxed receipt)."""
    shown: list[Reduction] = [Reduction(MANUAL_DISCOUNT, manual_discount, manual=True)] if manual_discount \
        else []
    hidden = 0
    for campaign, amount in reductions:
        label = labels.get(campaign)
        if label is None:
            hidden += amount
        else:
            shown.append(Reduction(label, amount))
    return Line(no, name, quantity, unit_price, gross - hidden, tuple(shown), tax, voucher)


def reduction_labels(priced: PricedReceipt) -> dict[str, str | None]:
    """Each campaign's label on a priced (not yet recorded) receipt, as its paper will show it."""
    return campaign_labels({r.campaign for line in priced.lines for r in line.reductions},
                           {e.campaign: e.registration_code for e in priced.entries
                            if e.registration == "coupon"})


def receipt_lines(priced: PricedReceipt, names: Sequence[str] | None = None) -> tuple[Line, ...]:
    """A priced receipt's lines exactly as its paper will print them (the counter's screen);
    `names` are the lines' names when the caller knows them, else they are looked up."""
    labels = reduction_labels(priced)
    taxed = bool(priced.tax.rows)
    return tuple(printed_line(line.no, names[index] if names else line_name(line), line.quantity,
                              line.unit_price, line.gross, line.manual_discount,
                              ((r.campaign, r.amount) for r in line.reductions), labels,
                              line.tax, is_voucher(taxed, line.tax, line.package))
                 for index, line in enumerate(priced.lines))


def is_voucher(taxed: bool, rate: str | None, package: str | None) -> bool:
    """A money package on a taxed receipt: no rate, printed as "voucher" (tax.md)."""
    return taxed and rate is None and bool(package)


def station_time_names(receipt_id: str) -> dict[int, str]:
    """The names of a receipt's station-time lines (a guest's play): the resource, the minutes
    billed and the session named on the line (engine/sales/station_time.py)."""
    from engine.models import ReceiptLine

    names = {}
    for bill in SessionBill.select().where((SessionBill.receipt == receipt_id)
                                           & (SessionBill.session == SessionBill.bill)):
        line = ReceiptLine.get_or_none((ReceiptLine.receipt == receipt_id)
                                       & (ReceiptLine.no == bill.line_no))
        if line is not None:
            names[bill.line_no] = f"{line_name(line)} {bill.minutes} min · {bill.session}"
    return names


def receipt_document(receipt_id: str) -> ReceiptDocument:
    receipt = Receipt.get_or_none(Receipt.id == receipt_id)
    if receipt is None:
        raise NotFound(f"no receipt {receipt_id!r}")
    head, money = dressed(receipt.location, receipt.device)
    lines = list(receipt.lines.order_by(SQL("no")))
    reductions = {line.id: list(line.reductions.order_by(SQL("position"))) for line in lines}
    labels = campaign_labels(
        {r.campaign for rows in reductions.values() for r in rows},
        {e.campaign: e.registration_code for e in Entry.select().where(
            (Entry.origin_code == receipt_id) & (Entry.registration == "coupon"))})
    played = station_time_names(receipt_id)
    table = tax_lines(ReceiptTax.select().where(ReceiptTax.receipt == receipt_id)
                      .order_by(ReceiptTax.position))
    printed = [printed_line(line.no, played.get(line.no) or line_name(line), line.quantity,
                            line.unit_price, line.gross,
                            line.manual_discount,
                            ((row.campaign, row.amount) for row in reductions[line.id]), labels,
                            line.tax, is_voucher(bool(table), line.tax, line.package))
               for line in lines]
    due = receipt.total_due if table and receipt.total_due is not None else receipt.total

    subtotal = sum(line.amount for line in printed)
    discount = sum(r.amount for line in printed for r in line.reductions)
    payments = tuple(PaymentLine(p.method, p.amount, p.tendered) for p in
                     Payment.select().where(Payment.receipt == receipt_id).order_by(SQL("rowid")))
    issued = tuple(coupon_slip(c, money) for c in
                   Coupon.select().where(Coupon.issued_receipt == receipt_id).order_by(SQL("rowid")))
    bought = any(line.purchase for line in lines) or Purchase.select().where(
        Purchase.receipt == receipt_id).exists()
    return ReceiptDocument(
        header=head,
        currency=money,
        receipt=receipt.id,
        at=receipt.at,
        lines=tuple(printed),
        subtotal=subtotal,
        discount=discount,
        total=receipt.total,
        payments=payments,
        change=receipt.change,
        staff=person(Staff, receipt.staff),
        member=person(Member, receipt.member),
        coupons=issued,
        balances=balances(receipt.member, receipt.at) if bought and receipt.member else None,
        tax=table,
        tax_added=due - receipt.total,
        total_due=due if due != receipt.total else None,
    )


def tax_lines(rows: Iterable[object]) -> tuple[TaxLine, ...]:
    """Stored tax table rows (receipt_tax, refund_tax) as the document's rows, in their order."""
    return tuple(TaxLine(row.rate, row.name, row.percent, row.net, row.tax, row.gross)  # type: ignore[attr-defined]
                 for row in rows)
