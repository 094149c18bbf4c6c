"""Printable documents as plain data: what a receipt, coupon slip or purchase slip says.

The engine decides the content (which reductions are shown and how, the member's balances after a
purchase, the coupons issued); `hardware.printing` decides the look (ESC/POS bytes, a PNG preview).
Builders read the recorded facts only, so a reprint says exactly what the first print said.
Amounts stay ints in minor units; `Currency.format` is the one place they become text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from peewee import SQL, fn

from engine.entitlements.sellable import package_name
from engine.errors import NotFound
from engine.models import (
    Campaign,
    Coupon,
    Entry,
    Item,
    Location,
    Lot,
    Member,
    Package,
    Payment,
    Purchase,
    Receipt,
    Resource,
    Site,
    Staff,
)
from engine.settings import setting

# Settings (JSON values) that dress every slip; all optional.
HEADER_SETTING = "receipt_header"  # a string or a list of lines under the site name
FOOTER_SETTING = "receipt_footer"  # a string or a list of lines at the bottom
LOGO_SETTING = "receipt_logo"  # an image file name, printed above the header

PAYMENT_NAMES = {"cash": "Cash", "card": "Card", "wallet": "Wallet"}
LOT_TYPE_NAMES = {"paid": "Paid", "bonus": "Bonus", "manual": "Manual", "correction": "Correction"}
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
MANUAL_DISCOUNT = "Manual discount"

if TYPE_CHECKING:
    from engine.pricing import PricedReceipt


@dataclass(frozen=True)
class Currency:
    code: str = "EUR"
    minor_digits: int = 2

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.code, self.code)

    def format(self, amount: int, symbol: bool = False) -> str:
        """1250 → '12.50' (or '12.50 €'); negative amounts keep their sign."""
        sign = "-" if amount < 0 else ""
        whole, minor = divmod(abs(amount), 10**self.minor_digits)
        text = f"{sign}{whole}.{minor:0{self.minor_digits}d}" if self.minor_digits else f"{sign}{whole}"
        return f"{text} {self.symbol}" if symbol else text


@dataclass(frozen=True)
class Header:
    site_name: str
    location: str | None = None
    device: str | None = None
    lines: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    logo: str | None = None


@dataclass(frozen=True)
class Reduction:
    label: str  # per the campaign's print_type: its code, name or the coupon code
    amount: int


@dataclass(frozen=True)
class Line:
    no: int
    name: str
    quantity: int
    unit_price: int
    amount: int  # gross less the reductions that are not printed
    reductions: tuple[Reduction, ...] = ()


@dataclass(frozen=True)
class PaymentLine:
    method: str
    label: str
    amount: int
    tendered: int | None = None


@dataclass(frozen=True)
class Balances:
    money: int  # minor units
    minutes: int


@dataclass(frozen=True)
class CouponSlip:
    code: str
    barcode: str  # what the printed barcode encodes (the coupon barcode rule applied)
    campaign: str
    campaign_name: str
    value_text: str  # "1.50 €" or "10 %"
    expires_on: dt.date | None
    text: str | None = None
    image: str | None = None


@dataclass(frozen=True)
class ReceiptDocument:
    header: Header
    currency: Currency
    receipt: str
    at: dt.datetime
    lines: tuple[Line, ...]
    subtotal: int  # Σ line amounts as printed
    discount: int  # Σ printed reductions
    total: int
    payments: tuple[PaymentLine, ...]
    change: int
    staff: str | None = None
    member: str | None = None  # "Ada (M001)"
    coupons: tuple[CouponSlip, ...] = ()
    balances: Balances | None = None
    kind: str = "receipt"

    @property
    def reference(self) -> str:
        """What the document is about, naming it in the print spool and preview files."""
        return self.receipt


@dataclass(frozen=True)
class CouponDocument:
    header: Header
    currency: Currency
    coupon: CouponSlip
    at: dt.datetime | None = None
    kind: str = "coupon"

    @property
    def reference(self) -> str:
        """What the document is about, naming it in the print spool and preview files."""
        return self.coupon.code


@dataclass(frozen=True)
class LotLine:
    label: str  # "Paid minutes", "Bonus credit"
    kind: str  # minutes | money
    amount: int
    expires_at: dt.datetime | None = None


@dataclass(frozen=True)
class PurchaseDocument:
    header: Header
    currency: Currency
    purchase: str
    at: dt.datetime
    member: str
    campaign_name: str
    package_name: str
    price: int
    payment: PaymentLine
    lots: tuple[LotLine, ...]
    balances: Balances | None = None
    kind: str = "purchase"

    @property
    def reference(self) -> str:
        """What the document is about, naming it in the print spool and preview files."""
        return self.purchase


@dataclass(frozen=True)
class CounterTicket:
    """The kiosk's pay-at-counter ticket: the cashier scans its QR to open the order."""

    header: Header
    currency: Currency
    order: str  # the order code the QR encodes
    at: dt.datetime
    lines: tuple[tuple[str, int], ...]  # (text, amount)
    total: int
    member: str | None = None
    kind: str = "counter_ticket"

    @property
    def reference(self) -> str:
        """What the document is about, naming it in the print spool and preview files."""
        return self.order


@dataclass(frozen=True)
class CountLine:
    """A named count on a report: "Happy hour 20 %: 3 receipts, 4.50"."""

    label: str
    count: int
    amount: int | None = None  # None: a count only (coupons redeemed)


@dataclass(frozen=True)
class CashCount:
    opening: int
    expected: int  # opening + cash taken − cash given back
    counted: int | None = None  # None while the shift is open
    difference: int | None = None  # counted − expected (negative: cash missing)


@dataclass(frozen=True)
class ShiftReport:
    header: Header
    currency: Currency
    shift: str
    at: dt.datetime
    receipts: int
    subtotal: int
    discount: int
    total: int
    payments: tuple[PaymentLine, ...]
    staff: str | None = None
    first_at: dt.datetime | None = None  # opened
    last_at: dt.datetime | None = None  # closed (or `at` while open)
    cash: CashCount | None = None
    discounts: tuple[CountLine, ...] = ()  # per campaign: receipts, amount
    coupons_redeemed: tuple[CountLine, ...] = ()  # per campaign: coupons
    coupons_issued: tuple[CountLine, ...] = ()  # per campaign: coupons, face value
    packages: tuple[CountLine, ...] = ()  # per package: sold, amount
    refunds: tuple[PaymentLine, ...] = ()  # money given back, per method
    refund_count: int = 0
    voids: CountLine | None = None  # receipts voided before payment, what they would have cost
    closed_by: str | None = None  # when someone else than the opener closed it
    kind: str = "shift_report"

    @property
    def reference(self) -> str:
        """What the document is about, naming it in the print spool and preview files."""
        return self.shift


@dataclass(frozen=True)
class RefundLine:
    no: int
    name: str
    quantity: int
    amount: int  # what the customer gets back for the line


@dataclass(frozen=True)
class RefundSlip:
    """A refund of receipt lines: what was taken back and how the money went back."""

    header: Header
    currency: Currency
    refund: str
    receipt: str
    at: dt.datetime
    lines: tuple[RefundLine, ...]
    total: int
    payments: tuple[PaymentLine, ...]  # money back, per method (package parts by their purchase)
    reason: str
    staff: str | None = None
    member: str | None = None
    receipt_at: dt.datetime | None = None
    kind: str = "refund"

    @property
    def reference(self) -> str:
        """The refund, not the receipt it refunds: each slip of a receipt has its own name."""
        return self.refund

    @property
    def cash_back(self) -> int:
        """Cash paid out of the drawer (the drawer is kicked open for it)."""
        return sum(p.amount for p in self.payments if p.method == "cash")


Document = (ReceiptDocument | CouponDocument | PurchaseDocument | CounterTicket | ShiftReport
            | RefundSlip)


# --- reading the site dressing -------------------------------------------------------------


def _text_lines(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.splitlines())
    return tuple(str(line) for line in value)


def currency() -> Currency:
    site = Site.select().first()
    return Currency(site.currency, site.minor_digits) if site else Currency()


def header(location: str | None = None, device: str | None = None) -> Header:
    site = Site.select().first()
    place = Location.get_or_none(Location.code == location) if location else None
    return Header(
        site_name=site.name if site else "playdesk",
        location=(place.name or place.code) if place else location,
        device=device,
        lines=_text_lines(setting(HEADER_SETTING)),
        footer=_text_lines(setting(FOOTER_SETTING)),
        logo=setting(LOGO_SETTING) or None,
    )


def _person(model, code: str | None) -> str | None:
    if not code:
        return None
    row = model.get_or_none(model.code == code)
    return f"{row.name} ({code})" if row else code


def balances(member: str, at: dt.datetime) -> Balances:
    """The member's usable credit at `at`: active lots not expired, by kind."""
    rows = (Lot.select(Lot.kind, fn.SUM(Lot.remaining).alias("left"))
            .where((Lot.member == member) & (Lot.status == "active") & (Lot.remaining > 0)
                   & (Lot.expires_at.is_null() | (Lot.expires_at > at)))
            .group_by(Lot.kind))
    left = {row.kind: row.left for row in rows}
    return Balances(money=left.get("money", 0), minutes=left.get("minutes", 0))


def payment_line(method: str, amount: int, tendered: int | None = None) -> PaymentLine:
    return PaymentLine(method, PAYMENT_NAMES.get(method, method.title()), amount, tendered)


def _campaign(code: str) -> Campaign | None:
    return Campaign.get_or_none(Campaign.code == code)


# --- coupons -------------------------------------------------------------------------------


def coupon_barcode(code: str) -> str:
    """The text a printed coupon barcode encodes: the code wrapped in the coupon barcode rule, so
    a scan resolves as a coupon even if the code alone looks like something else."""
    from engine.models import BarcodeRule

    rule = (BarcodeRule.select().where(BarcodeRule.type == "coupon")
            .order_by(BarcodeRule.position, BarcodeRule.prefix).first())
    if rule is None or (code.startswith(rule.prefix) and code.endswith(rule.suffix)):
        return code
    return f"{rule.prefix}{code}{rule.suffix}"


def coupon_value_text(coupon: Coupon, money: Currency) -> str:
    if coupon.value is None:
        return ""
    if coupon.discount_type == "discount":
        percent = Decimal(coupon.value).normalize()
        return f"{percent:f} %"
    return money.format(int(coupon.value), symbol=True)


def coupon_slip(coupon: Coupon, money: Currency) -> CouponSlip:
    campaign = _campaign(coupon.campaign)
    return CouponSlip(
        code=coupon.code,
        barcode=coupon_barcode(coupon.code),
        campaign=coupon.campaign,
        campaign_name=campaign.name if campaign else coupon.campaign,
        value_text=coupon_value_text(coupon, money),
        expires_on=coupon.expires_on,
        text=coupon.text or (campaign.coupon_issue_text if campaign else None),
        image=coupon.image or (campaign.coupon_issue_image if campaign else None),
    )


def coupon_document(code: str, at: dt.datetime | None = None) -> CouponDocument:
    coupon = Coupon.get_or_none(Coupon.code == code)
    if coupon is None:
        raise NotFound(f"no coupon {code!r}")
    money = currency()
    return CouponDocument(header=header(), currency=money, coupon=coupon_slip(coupon, money),
                          at=at or coupon.created_on)


# --- receipts ------------------------------------------------------------------------------


def _line_name(line) -> str:
    """A recorded line's name, or the name of a priced line's item, resource or package."""
    if getattr(line, "name", None):
        return line.name
    if line.item:
        item = Item.get_or_none(Item.code == line.item)
        return item.name if item else line.item
    if line.resource:
        resource = Resource.get_or_none(Resource.code == line.resource)
        return resource.name if resource else line.resource
    if line.package:
        return package_name(line.package)
    return f"Line {line.no}"


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
                 labels: dict[str, str | None]) -> Line:
    """A line as the receipt shows it: a manual discount first, then each labelled reduction;
    reductions of campaigns not printed are folded into the line's amount."""
    shown: list[Reduction] = [Reduction(MANUAL_DISCOUNT, manual_discount)] if manual_discount \
        else []
    hidden = 0
    for campaign, amount in reductions:
        label = labels.get(campaign)
        if label is None:
            hidden += amount
        else:
            shown.append(Reduction(label, amount))
    return Line(no, name, quantity, unit_price, gross - hidden, tuple(shown))


def reduction_labels(priced: PricedReceipt) -> dict[str, str | None]:
    """Each campaign's label on a priced (not yet recorded) receipt, as its paper will show it."""
    return campaign_labels({r.campaign for line in priced.lines for r in line.reductions},
                           {e.campaign: e.registration_code for e in priced.entries
                            if e.registration == "coupon"})


def receipt_lines(priced: PricedReceipt, names: Sequence[str] | None = None) -> tuple[Line, ...]:
    """A priced receipt's lines exactly as its paper will print them (the counter's screen);
    `names` are the lines' names when the caller knows them, else they are looked up."""
    labels = reduction_labels(priced)
    return tuple(printed_line(line.no, names[index] if names else _line_name(line), line.quantity,
                              line.unit_price, line.gross, line.manual_discount,
                              ((r.campaign, r.amount) for r in line.reductions), labels)
                 for index, line in enumerate(priced.lines))


def receipt_document(receipt_id: str) -> ReceiptDocument:
    receipt = Receipt.get_or_none(Receipt.id == receipt_id)
    if receipt is None:
        raise NotFound(f"no receipt {receipt_id!r}")
    money = currency()
    lines = list(receipt.lines.order_by(SQL("no")))
    reductions = {line.id: list(line.reductions.order_by(SQL("position"))) for line in lines}
    labels = campaign_labels(
        {r.campaign for rows in reductions.values() for r in rows},
        {e.campaign: e.registration_code for e in Entry.select().where(
            (Entry.origin_code == receipt_id) & (Entry.registration == "coupon"))})
    printed = [printed_line(line.no, _line_name(line), line.quantity, line.unit_price, line.gross,
                            line.manual_discount,
                            ((row.campaign, row.amount) for row in reductions[line.id]), labels)
               for line in lines]

    subtotal = sum(line.amount for line in printed)
    discount = sum(r.amount for line in printed for r in line.reductions)
    payments = tuple(payment_line(p.method, p.amount, p.tendered) for p in
                     Payment.select().where(Payment.receipt == receipt_id).order_by(SQL("rowid")))
    issued = tuple(coupon_slip(c, money) for c in
                   Coupon.select().where(Coupon.issued_receipt == receipt_id).order_by(SQL("rowid")))
    bought = any(line.purchase for line in lines) or Purchase.select().where(
        Purchase.receipt == receipt_id).exists()
    return ReceiptDocument(
        header=header(receipt.location, receipt.device),
        currency=money,
        receipt=receipt.id,
        at=receipt.at,
        lines=tuple(printed),
        subtotal=subtotal,
        discount=discount,
        total=receipt.total,
        payments=payments,
        change=receipt.change,
        staff=_person(Staff, receipt.staff),
        member=_person(Member, receipt.member),
        coupons=issued,
        balances=balances(receipt.member, receipt.at) if bought and receipt.member else None,
    )


# --- kiosk slips ---------------------------------------------------------------------------


def _lot_label(lot: Lot) -> str:
    what = "minutes" if lot.kind == "minutes" else "credit"
    return f"{LOT_TYPE_NAMES.get(lot.type, lot.type.title())} {what}"


def purchase_slip(purchase_id: str) -> PurchaseDocument:
    purchase = Purchase.get_or_none(Purchase.id == purchase_id)
    if purchase is None:
        raise NotFound(f"no purchase {purchase_id!r}")
    campaign = _campaign(purchase.campaign)
    package = (Package.select().join(Campaign)
               .where((Campaign.code == purchase.campaign) & (Package.code == purchase.package))
               .first())
    lots = Lot.select().where(Lot.purchase == purchase_id).order_by(SQL("rowid"))
    return PurchaseDocument(
        header=header(purchase.location, purchase.device),
        currency=currency(),
        purchase=purchase.id,
        at=purchase.at,
        member=_person(Member, purchase.member) or purchase.member,
        campaign_name=campaign.name if campaign else purchase.campaign,
        package_name=package.name if package else purchase.package,
        price=purchase.price,
        payment=payment_line(purchase.payment, purchase.price),
        lots=tuple(LotLine(_lot_label(lot), lot.kind, lot.total, lot.expires_at) for lot in lots),
        balances=balances(purchase.member, purchase.at),
    )


def counter_ticket(order: str, lines: list[tuple[str, int]], at: dt.datetime,
                   member: str | None = None, location: str | None = None) -> CounterTicket:
    """A pay-at-counter ticket for an order the kiosk prepared (the order code is its QR)."""
    return CounterTicket(header=header(location), currency=currency(), order=order, at=at,
                         lines=tuple(lines), total=sum(amount for _, amount in lines),
                         member=_person(Member, member))


# --- counter reports and slips ------------------------------------------------------------


def _counts(rows: list[dict[str, Any]], label: str, count: str,
            amount: str | None = None) -> tuple[CountLine, ...]:
    return tuple(CountLine(row[label], row[count], row[amount] if amount else None) for row in rows)


def shift_report(shift: str, at: dt.datetime) -> ShiftReport:
    """The printable report of a shift (open or closed, with or without receipts), from
    `engine.shifts.shift_report`: sales, payments, discounts per campaign, coupons, packages,
    refunds, voids and the cash count."""
    from engine.shifts import shift_report as shift_facts  # it builds on this module

    report = shift_facts(shift, at)
    cash = report["cash"]
    refunds = report["refunds"]
    return ShiftReport(
        header=header(report["location"], report["device"]),
        currency=currency(),
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
        closed_by=(_person(Staff, report["closed_by"])
                   if report["closed_by"] not in (None, report["staff"]) else None),
    )


def refund_slip(refund_id: str) -> RefundSlip:
    """The slip of a receipt refund (`engine.sales.refunds`): the lines taken back and the money
    given back per method (package lines included: they go back by the receipt's payments)."""
    from engine.models.shifts import ReceiptRefund, ReceiptRefundLine, ReceiptRefundPayment

    refund = ReceiptRefund.get_or_none(ReceiptRefund.id == refund_id)
    if refund is None:
        raise NotFound(f"no receipt refund {refund_id!r}")
    receipt = Receipt.get_or_none(Receipt.id == refund.receipt)
    refunded = list(ReceiptRefundLine.select().where(ReceiptRefundLine.refund == refund_id)
                    .order_by(ReceiptRefundLine.line_no))
    stored = {line.no: line for line in receipt.lines} if receipt else {}
    lines = []
    for row in refunded:
        line = stored.get(row.line_no)
        lines.append(RefundLine(row.line_no, _line_name(line) if line else f"Line {row.line_no}",
                                line.quantity if line else 1, row.amount))
    back: dict[str, int] = {}  # per method, in the order the money went back
    for row in (ReceiptRefundPayment.select().where(ReceiptRefundPayment.refund == refund_id)
                .order_by(ReceiptRefundPayment.position)):
        back[row.method] = back.get(row.method, 0) + row.amount
    return RefundSlip(
        header=header(receipt.location if receipt else None, refund.device),
        currency=currency(),
        refund=refund.id,
        receipt=refund.receipt,
        at=refund.at,
        lines=tuple(lines),
        total=refund.amount,
        payments=tuple(payment_line(method, amount) for method, amount in back.items()),
        reason=refund.reason,
        staff=_person(Staff, refund.staff),
        member=_person(Member, receipt.member) if receipt else None,
        receipt_at=receipt.at if receipt else None,
    )


def as_dict(document: Document) -> dict[str, Any]:
    """The document as JSON-ready data (for `playdesk print` answers and the job spool)."""
    return asdict(document)


__all__ = [
    "Balances", "CashCount", "CountLine", "CounterTicket", "CouponDocument", "CouponSlip",
    "Currency", "Document", "Header", "Line", "LotLine", "PaymentLine", "PurchaseDocument",
    "ReceiptDocument", "Reduction", "RefundLine", "RefundSlip", "ShiftReport", "as_dict",
    "balances", "counter_ticket", "coupon_document", "purchase_slip", "receipt_document",
    "refund_slip", "shift_report",
]
