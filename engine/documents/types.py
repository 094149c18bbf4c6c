"""The printable documents as plain data (no database): what hardware.printing lays out.

Amounts stay ints in minor units; `Currency.format` (engine.documents.currency) is the one place
they become text. Builders in the sibling modules fill these from the recorded facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import Any

from engine.documents.currency import Currency


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
    manual: bool = False  # the cashier's manual discount (paper prints its own word for it)


@dataclass(frozen=True)
class Line:
    no: int
    name: str
    quantity: int
    unit_price: int
    amount: int  # gross less the reductions that are not printed
    reductions: tuple[Reduction, ...] = ()
    tax: str | None = None  # the line's tax rate code (spec/tax.md); None: none printed
    voucher: bool = False  # a money package on a taxed receipt: no rate, printed "voucher"


@dataclass(frozen=True)
class TaxLine:
    """One rate's row of a receipt's or refund's tax table: net + tax = gross."""

    rate: str
    name: str
    percent: str  # exact decimal text, as stored ("19", "5.5")
    net: int
    tax: int
    gross: int


@dataclass(frozen=True)
class PaymentLine:
    method: str  # cash | card | wallet | …: the printer names it
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
    tax: tuple[TaxLine, ...] = ()  # empty: a site without rates prints no tax
    tax_added: int = 0  # exclusive mode: the tax on top of `total`
    total_due: int | None = None  # exclusive mode: total + tax_added (what was paid)

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
    type: str  # paid | bonus | manual | correction: with `kind`, the printer names it
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
    station_time: tuple[CountLine, ...] = ()  # guests' minutes billed (lines, money); unpaid
    refunds: tuple[PaymentLine, ...] = ()  # money given back, per method
    refund_count: int = 0
    voids: CountLine | None = None  # receipts voided before payment (label "voids"), their cost
    closed_by: str | None = None  # when someone else than the opener closed it
    # issue 18: kiosk orders paid at this counter (not in the receipts' total), all the
    # shift took in (total + orders), cash in/out (label "in: why"), drawer openings
    orders: CountLine | None = None
    takings: int | None = None
    cash_moves: tuple[CountLine, ...] = ()
    no_sales: int = 0
    price_overrides: int = 0
    kind: str = "shift_report"

    @property
    def reference(self) -> str:
        """What the document is about, naming it in the print spool and preview files."""
        return self.shift


@dataclass(frozen=True)
class DayTaxLine:
    """One rate's row of a day closing: net + tax = gross."""

    rate: str
    name: str
    percent: str
    net: int
    tax: int
    gross: int


@dataclass(frozen=True)
class DayReportDocument(ShiftReport):
    """A day closing (Z, spec/tax.md "Day closing"): the shift report's blocks for the device's
    day (`shift` is the closing id), plus its tax per rate, refunds' tax and wallet money spent.
    A layout that knows only ShiftReport prints it as one."""

    day: dt.date | None = None
    z: int = 0
    taxes: tuple[DayTaxLine, ...] = ()
    refund_taxes: tuple[DayTaxLine, ...] = ()
    wallet: tuple[DayTaxLine, ...] = ()  # wallet money spent per rate (receipts, time, packages)
    first_receipt: str | None = None
    last_receipt: str | None = None
    # packages bought without a receipt (the kiosk's): the payments paid them too
    loose_purchases: int = 0
    package_taxes: tuple[DayTaxLine, ...] = ()  # their tax per rate (minutes packages)
    kind: str = "day_report"


@dataclass(frozen=True)
class RefundLine:
    no: int
    name: str
    quantity: int
    amount: int  # what the customer gets back for the line
    tax: str | None = None  # the line's tax rate code, as on the receipt
    voucher: bool = False  # a money package on a taxed receipt


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
    tax: tuple[TaxLine, ...] = ()  # the refund's own table; empty: no tax printed
    tax_added: int = 0  # exclusive mode: the tax given back on top of the lines
    deducted: int = 0  # the lines (and tax added) less what went back: a coupon the refund no
    # longer earns but already spent (engine/sales/refunds.py), or exclusive tax never paid

    @property
    def reference(self) -> str:
        """The refund, not the receipt it refunds: each slip of a receipt has its own name."""
        return self.refund

    @property
    def cash_back(self) -> int:
        """Cash paid out of the drawer (the drawer is kicked open for it)."""
        return sum(p.amount for p in self.payments if p.method == "cash")


@dataclass(frozen=True)
class MemberCardSlip:
    """A member's card slip (issue 18 item 3): the card number as a Code 128 barcode."""

    header: Header
    currency: Currency
    member: str  # the member code
    name: str
    card: str  # what the barcode encodes: the card number as the scanner reads it
    at: dt.datetime
    kind: str = "member_card"

    @property
    def reference(self) -> str:
        """What the document is about, naming it in the print spool and preview files."""
        return self.member


@dataclass(frozen=True)
class GuestTicketSlip:
    """A walk-in guest's ticket: its code (also a Code 128 barcode) and PIN, and its minutes."""

    header: Header
    currency: Currency
    code: str
    pin: str  # printed once: only its hash is stored
    at: dt.datetime
    minutes: int  # the minutes on it when printed
    package_name: str | None = None
    price: int | None = None
    payment: PaymentLine | None = None
    expires_at: dt.datetime | None = None
    kind: str = "guest_ticket"

    @property
    def reference(self) -> str:
        """What the document is about, naming it in the print spool and preview files."""
        return self.code


@dataclass(frozen=True)
class DrawerSlip:
    """The cash drawer opened outside a sale (issue 18 item 5): "no sale", cash in or cash out;
    printed with the drawer kick, so the drawer opens through the printer as for a sale."""

    header: Header
    currency: Currency
    record: str  # the no_sale or cash_move id
    what: str  # no_sale | cash_in | cash_out
    at: dt.datetime
    staff: str
    amount: int | None = None
    reason: str | None = None
    kind: str = "drawer_slip"

    @property
    def reference(self) -> str:
        """What the document is about, naming it in the print spool and preview files."""
        return self.record


Document = (ReceiptDocument | CouponDocument | PurchaseDocument | CounterTicket | ShiftReport
            | DayReportDocument
            | RefundSlip | DrawerSlip | MemberCardSlip | GuestTicketSlip)


# A reprint's marks in its header (engine/documents/copies.py writes them, the printer words them)
COPY_MARK = "*** COPY ***"
REPRINTED = "Reprinted "


def in_locale(document: Document, locale: str) -> Document:
    """The same document written for another locale: its words, money and dates follow it
    (a slip printed at the kiosk in the member's language)."""
    return replace(document, currency=replace(document.currency, locale=locale))


def as_dict(document: Document) -> dict[str, Any]:
    """The document as JSON-ready data (for `playdesk print` answers and the job spool)."""
    return asdict(document)
