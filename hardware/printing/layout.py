"""Documents → layout blocks: the look of a slip, once, for both ESC/POS and the PNG preview.

A block is one printer primitive (a line of text, a rule, a barcode, a QR code, an image, a cut,
a drawer kick). Text lines are already fitted to the paper's character width, so both renderers
only draw what they are given. Every word comes from `texts` (documents carry codes).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from engine.documents.types import (
    COPY_MARK,
    REPRINTED,
    Balances,
    CashCount,
    CounterTicket,
    CountLine,
    CouponDocument,
    CouponSlip,
    Currency,
    DayReportDocument,
    DayTaxLine,
    Document,
    DrawerSlip,
    GuestTicketSlip,
    Header,
    MemberCardSlip,
    PurchaseDocument,
    ReceiptDocument,
    RefundSlip,
    ShiftReport,
    TaxLine,
)
from engine.i18n.formats import DEFAULT_LOCALE, Formats, formats
from hardware.printing import texts
from hardware.printing.profile import PrinterProfile
from hardware.printing.texts import text as t


@dataclass(frozen=True)
class Text:
    text: str
    align: str = "left"  # left | center | right
    bold: bool = False
    large: bool = False  # double width and height: half the characters per line


@dataclass(frozen=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True)
class Barcode:
    kind: str  # CODE128 | EAN13
    data: str


@dataclass(frozen=True)
class QR:
    data: str


@dataclass(frozen=True)
class Image:
    path: str


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    pass


@dataclass(frozen=True)
class Drawer:
    pass


Block = Text | Rule | Barcode | QR | Image | Feed | Cut | Drawer


# The formats (dates, times) of the document being laid out; amounts go through its Currency
_FORMATS: ContextVar[Formats | None] = ContextVar("print_formats", default=None)


def _formats() -> Formats:
    return _FORMATS.get() or formats(DEFAULT_LOCALE, "EUR")


def when(at: dt.datetime | None) -> str:
    return _formats().datetime(at) if at else ""


def day(value: dt.date) -> str:
    return _formats().date(value)


def pair(left: str, right: str, width: int) -> list[str]:
    """`left` and `right` on one line, `left` wrapped when both do not fit."""
    if len(left) + 1 + len(right) <= width:
        return [left + " " * (width - len(left) - len(right)) + right]
    head = textwrap.wrap(left, width) or [""]
    if len(head[-1]) + 1 + len(right) > width:
        return [*head, right.rjust(width)]
    return [*head[:-1], head[-1] + " " * (width - len(head[-1]) - len(right)) + right]


class Builder:
    """Collects blocks for one paper width."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.width = profile.chars
        self.blocks: list[Block] = []

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def text(self, text: str, align: str = "left", bold: bool = False, large: bool = False) -> None:
        width = self.width // 2 if large else self.width
        for line in textwrap.wrap(text, width) or [""]:
            self.add(Text(line, align, bold, large))

    def pair(self, left: str, right: str, bold: bool = False, large: bool = False) -> None:
        width = self.width // 2 if large else self.width
        for line in pair(left, right, width):
            self.add(Text(line, bold=bold, large=large))

    def rule(self, char: str = "-") -> None:
        self.add(Rule(char))

    def image(self, name: str | None) -> None:
        if name:
            self.add(Image(name))


def copy_words(line: str) -> str:
    """A reprint's two marks in the slip's language; every other header line as written."""
    if line == COPY_MARK:
        return t("copy_mark")
    if line.startswith(REPRINTED):
        return t("reprinted", at=line[len(REPRINTED):])
    return line


def header(b: Builder, head: Header, logo: str | None = None) -> None:
    b.image(logo or head.logo)
    b.text(head.site_name, align="center", bold=True, large=True)
    for line in head.lines:
        b.text(copy_words(line), align="center")
    if head.location:
        b.text(head.location, align="center")
    b.rule()


def footer(b: Builder, head: Header) -> None:
    if head.footer:
        b.add(Feed())
        for line in head.footer:
            b.text(line, align="center")
    b.add(Feed(), Cut())


def balances(b: Builder, money: Currency, balance: Balances | None) -> None:
    if balance is None:
        return
    b.rule()
    b.text(t("balance_title"), bold=True)
    b.pair(f"  {t('balance_credit')}", money.format(balance.money, symbol=True))
    b.pair(f"  {t('balance_minutes')}", t("minutes", minutes=balance.minutes))


def coupon(b: Builder, money: Currency, head: Header, slip: CouponSlip) -> None:
    b.image(slip.image)
    b.text(head.site_name, align="center", bold=True)
    b.text(t("coupon_title"), align="center", bold=True, large=True)
    if slip.value_text:
        b.text(slip.value_text, align="center", bold=True, large=True)
    b.text(slip.campaign_name, align="center")
    if slip.text:
        b.add(Feed())
        b.text(slip.text, align="center")
    b.add(Feed(), Barcode("CODE128", slip.barcode))
    b.text(slip.code, align="center", bold=True)
    if slip.expires_on:
        b.text(t("coupon_valid_until", date=day(slip.expires_on)), align="center")
    b.add(Feed(), Cut())


def rated(amount: str, tax: str | None, voucher: bool) -> str:
    """A line's amount ending with its rate code, or "voucher" (a money package)."""
    if voucher:
        return f"{amount} {t('tax_voucher')}"
    return f"{amount} {tax}" if tax else amount


def tax_table(b: Builder, money: Currency, rows: tuple[TaxLine | DayTaxLine, ...]) -> None:
    """The tax table (spec/tax.md): per rate its net, tax and gross; nothing without rates."""
    if not rows:
        return
    heads = (t("tax_net"), t("tax_tax"), t("tax_gross"))
    cells = [(f"{row.rate} {money.formats.percent(Decimal(str(row.percent)))}", money.format(row.net), money.format(row.tax),
              money.format(row.gross)) for row in rows]
    column = max(len(text) for text in (*heads, *(c for cell in cells for c in cell[1:]))) + 1
    label = max(b.width - 3 * column, 1)

    def line(first: str, rest: tuple[str, ...]) -> str:
        return first[:label].ljust(label) + "".join(text.rjust(column) for text in rest)

    b.rule()
    b.add(Text(line(t("tax_rate"), heads), bold=True))
    for first, *rest in cells:
        b.add(Text(line(first, tuple(rest))))


def receipt(b: Builder, doc: ReceiptDocument) -> None:
    money = doc.currency
    header(b, doc.header, b.profile.logo)
    b.pair(t("receipt_title", receipt=doc.receipt), when(doc.at))
    if doc.staff:
        b.text(t("receipt_cashier", name=doc.staff))
    if doc.member:
        b.text(t("member", name=doc.member))
    b.rule()
    for line in doc.lines:
        b.pair(line.name, rated(money.format(line.amount), line.tax, line.voucher))
        if line.quantity != 1:
            b.text(f"  {line.quantity} x {money.format(line.unit_price)}")
        for reduction in line.reductions:
            label = t("manual_discount") if reduction.manual else reduction.label
            b.pair(f"  {label}", money.format(-reduction.amount))
    b.rule()
    if doc.discount:
        b.pair(t("receipt_subtotal"), money.format(doc.subtotal))
        b.pair(t("receipt_discount"), money.format(-doc.discount))
    if doc.total_due is not None:  # exclusive mode: the tax comes on top of the total
        b.pair(t("tax_net_total"), money.format(doc.total), bold=True)
        b.pair(t("tax_added"), money.format(doc.tax_added))
        b.pair(t("total", symbol=money.symbol), money.format(doc.total_due), bold=True,
               large=True)
    else:
        b.pair(t("total", symbol=money.symbol), money.format(doc.total), bold=True, large=True)
    for payment in doc.payments:
        shown = payment.tendered if payment.tendered is not None else payment.amount
        b.pair(texts.payment(payment.method), money.format(shown))
    if doc.change:
        b.pair(t("receipt_change"), money.format(doc.change), bold=True)
    tax_table(b, money, doc.tax)
    balances(b, money, doc.balances)
    if doc.coupons:
        count = len(doc.coupons)
        b.text(t("receipt_coupon_below") if count == 1 else t("receipt_coupons_below", count=count),
               align="center", bold=True)
    footer(b, doc.header)
    for slip in doc.coupons:
        coupon(b, money, doc.header, slip)


def purchase(b: Builder, doc: PurchaseDocument) -> None:
    money = doc.currency
    header(b, doc.header, b.profile.logo)
    b.pair(t("purchase_title", purchase=doc.purchase), when(doc.at))
    b.text(t("member", name=doc.member))
    b.rule()
    b.text(doc.campaign_name)
    b.pair(doc.package_name, money.format(doc.price), bold=True)
    for lot in doc.lots:
        amount = (t("minutes", minutes=lot.amount) if lot.kind == "minutes"
                  else money.format(lot.amount, True))
        b.pair(f"  {texts.lot(lot.type, lot.kind)}", amount)
        if lot.expires_at:
            b.text(f"    {t('lot_valid_until', when=when(lot.expires_at))}")
    b.rule()
    b.pair(t("total", symbol=money.symbol), money.format(doc.price), bold=True, large=True)
    b.pair(texts.payment(doc.payment.method), money.format(doc.payment.amount))
    balances(b, money, doc.balances)
    footer(b, doc.header)


def counter_ticket(b: Builder, doc: CounterTicket) -> None:
    money = doc.currency
    header(b, doc.header, b.profile.logo)
    b.text(t("ticket_title"), align="center", bold=True, large=True)
    b.text(when(doc.at), align="center")
    if doc.member:
        b.text(t("member", name=doc.member), align="center")
    b.rule()
    for text, amount in doc.lines:
        b.pair(text, money.format(amount))
    b.rule()
    b.pair(t("total", symbol=money.symbol), money.format(doc.total), bold=True, large=True)
    b.add(Feed(), QR(doc.order))
    b.text(doc.order, align="center", bold=True)
    b.text(t("ticket_hint"), align="center")
    b.add(Feed(), Cut())


def section(b: Builder, title: str, rows: tuple[CountLine, ...], money: Currency,
            sign: int = 1) -> None:
    """A titled list of counts ("  Happy hour 20%   3x -4.50"); "none" when empty."""
    b.text(title, bold=True)
    for row in rows:
        amount = "" if row.amount is None else " " + money.format(sign * row.amount)
        b.pair(f"  {row.label}", f"{row.count}x{amount}")
    if not rows:
        b.text(f"  {t('none')}")


def cash_count(b: Builder, money: Currency, cash: CashCount) -> None:
    b.text(t("cash_title"), bold=True)
    b.pair(f"  {t('cash_opening')}", money.format(cash.opening))
    b.pair(f"  {t('cash_expected')}", money.format(cash.expected))
    if cash.counted is None:
        b.pair(f"  {t('cash_counted')}", t("cash_open"))
        return
    b.pair(f"  {t('cash_counted')}", money.format(cash.counted))
    b.pair(f"  {t('cash_difference')}", money.format(cash.difference or 0), bold=True)


def day_report(b: Builder, doc: DayReportDocument) -> None:
    """A day closing (Z): its number and day, the receipts' id range, the shift report's
    figures for the day, then the tax per rate, the refunds' tax and the wallet money spent."""
    money = doc.currency
    header(b, doc.header)
    b.text(t("day_title", z=doc.z), align="center", bold=True, large=True)
    b.pair(t("day_day"), doc.day.isoformat() if doc.day else "")
    b.pair(t("day_closing"), doc.shift)
    if doc.first_receipt:
        b.pair(t("day_receipts_range"), f"{doc.first_receipt} - {doc.last_receipt}")
    shift_figures(b, doc)
    for title, rows in ((t("day_tax"), doc.taxes), (t("day_package_tax"), doc.package_taxes),
                        (t("day_refund_tax"), doc.refund_taxes), (t("day_wallet"), doc.wallet)):
        if rows:
            b.rule()
            b.text(title, bold=True)
            tax_table(b, money, rows)
    b.add(Feed(), Cut())


def shift_report(b: Builder, doc: ShiftReport) -> None:
    header(b, doc.header)
    b.text(t("shift_title"), align="center", bold=True, large=True)
    b.pair(t("shift_shift"), doc.shift)
    shift_figures(b, doc)
    b.add(Feed(), Cut())


def shift_figures(b: Builder, doc: ShiftReport) -> None:
    """The shift report's figures (a day closing prints them for its day too)."""
    money = doc.currency
    if doc.staff:
        b.pair(t("shift_cashier"), doc.staff)
    if doc.closed_by:
        b.pair(t("shift_closed_by"), doc.closed_by)
    b.pair(t("shift_from"), when(doc.first_at))
    b.pair(t("shift_to"), when(doc.last_at))
    b.pair(t("shift_printed"), when(doc.at))
    b.rule()
    b.pair(t("shift_receipts"), str(doc.receipts))
    b.pair(t("shift_gross"), money.format(doc.subtotal))
    b.pair(t("shift_discounts"), money.format(-doc.discount))
    b.pair(t("total", symbol=money.symbol), money.format(doc.total), bold=True)
    if isinstance(doc, DayReportDocument) and doc.loose_purchases:
        b.pair(t("day_loose"), money.format(doc.loose_purchases))  # the payments paid them too
    b.rule()
    b.text(t("shift_payments"), bold=True)
    for payment in doc.payments:
        b.pair(f"  {texts.payment(payment.method)}", money.format(payment.amount))
    if not doc.payments:
        b.text(f"  {t('none')}")
    if doc.orders is not None and doc.orders.count:
        b.pair(f"  {doc.orders.label}", money.format(doc.orders.amount or 0))
    if doc.takings is not None:
        b.pair(t("shift_takings"), money.format(doc.takings), bold=True)
    b.rule()
    section(b, t("shift_by_campaign"), doc.discounts, money, sign=-1)
    section(b, t("shift_coupons_redeemed"), doc.coupons_redeemed, money)
    section(b, t("shift_coupons_issued"), doc.coupons_issued, money)
    section(b, t("shift_packages"), doc.packages, money)
    section(b, t("shift_station_time"), doc.station_time, money)
    b.rule()
    given = sum(p.amount for p in doc.refunds)
    b.pair(t("shift_refunds"), f"{doc.refund_count}x {money.format(-given)}", bold=True)
    for payment in doc.refunds:
        b.pair(f"  {texts.payment(payment.method)}", money.format(-payment.amount))
    if doc.voids is not None:
        b.pair(t("shift_voids"), f"{doc.voids.count}x {money.format(doc.voids.amount or 0)}")
    if doc.cash_moves:
        b.text(t("shift_cash_moves"), bold=True)
        for move in doc.cash_moves:
            b.pair(f"  {move.label}", money.format(move.amount or 0))
    if doc.no_sales:
        b.pair(t("shift_no_sales"), f"{doc.no_sales}x")
    if doc.price_overrides:
        b.pair(t("shift_price_overrides"), f"{doc.price_overrides}x")
    if doc.cash is not None:
        b.rule()
        cash_count(b, money, doc.cash)


def refund_slip(b: Builder, doc: RefundSlip) -> None:
    money = doc.currency
    header(b, doc.header, b.profile.logo)
    b.text(t("refund_title"), align="center", bold=True, large=True)
    b.pair(t("refund_refund", refund=doc.refund), when(doc.at))
    b.pair(t("refund_of", receipt=doc.receipt), when(doc.receipt_at))
    if doc.staff:
        b.text(t("refund_manager", name=doc.staff))
    if doc.member:
        b.text(t("member", name=doc.member))
    b.text(t("refund_reason", reason=doc.reason))
    b.rule()
    for line in doc.lines:
        quantity = f" ({line.quantity}x)" if line.quantity != 1 else ""
        b.pair(f"{line.no}. {line.name}{quantity}",
               rated(money.format(-line.amount), line.tax, line.voucher))
    b.rule()
    if doc.tax_added:
        b.pair(t("tax_added"), money.format(-doc.tax_added))
    if doc.deducted:
        b.pair(t("refund_deducted"), money.format(doc.deducted))
    b.pair(t("refund_total", symbol=money.symbol), money.format(-doc.total), bold=True, large=True)
    tax_table(b, money, doc.tax)
    b.text(t("refund_paid_back"), bold=True)
    for payment in doc.payments:
        b.pair(f"  {texts.payment(payment.method)}", money.format(payment.amount))
    b.add(Feed())
    b.text(t("refund_signature"))
    footer(b, doc.header)


def member_card(b: Builder, doc: MemberCardSlip) -> None:
    header(b, doc.header, b.profile.logo)
    b.text(t("member_card_title"), align="center", bold=True, large=True)
    b.text(doc.name, align="center", bold=True)
    b.text(t("member_card_code", code=doc.member), align="center")
    b.add(Feed(), Barcode("CODE128", doc.card))
    b.text(doc.card, align="center", bold=True)
    b.text(t("member_card_hint"), align="center")
    b.text(when(doc.at), align="center")
    b.add(Feed(), Cut())


def guest_ticket(b: Builder, doc: GuestTicketSlip) -> None:
    money = doc.currency
    header(b, doc.header, b.profile.logo)
    b.text(t("guest_ticket_title"), align="center", bold=True, large=True)
    b.text(when(doc.at), align="center")
    b.rule()
    b.pair(t("guest_ticket_code"), doc.code, bold=True, large=True)
    b.pair(t("guest_ticket_pin"), doc.pin, bold=True, large=True)
    b.pair(t("guest_ticket_minutes"), t("minutes", minutes=doc.minutes), bold=True)
    if doc.expires_at:
        b.text(t("lot_valid_until", when=when(doc.expires_at)))
    if doc.package_name is not None and doc.price is not None:
        b.rule()
        b.pair(doc.package_name, money.format(doc.price))
        if doc.payment is not None:
            b.pair(texts.payment(doc.payment.method), money.format(doc.payment.amount))
    b.add(Feed(), Barcode("CODE128", doc.code))
    b.text(t("guest_ticket_hint"), align="center")
    footer(b, doc.header)


def drawer_slip(b: Builder, doc: DrawerSlip) -> None:
    money = doc.currency
    header(b, doc.header)
    b.text(t(f"drawer_{doc.what}"), align="center", bold=True, large=True)
    b.text(when(doc.at), align="center")
    b.pair(t("shift_cashier"), doc.staff)
    if doc.amount is not None:
        b.pair(t("drawer_amount"), money.format(doc.amount), bold=True)
    if doc.reason:
        b.text(doc.reason)
    b.text(doc.record, align="center")
    b.add(Feed(), Cut())


def layout(document: Document, profile: PrinterProfile, drawer: bool = False) -> list[Block]:
    """The blocks of a document, in its language; `drawer` kicks the cash drawer open first."""
    token = _FORMATS.set(document.currency.formats)
    try:
        with texts.in_language(document.currency.language):
            return _layout(document, profile, drawer)
    finally:
        _FORMATS.reset(token)


def _layout(document: Document, profile: PrinterProfile, drawer: bool) -> list[Block]:
    b = Builder(profile)
    if drawer:
        b.add(Drawer())
    if isinstance(document, ReceiptDocument):
        receipt(b, document)
    elif isinstance(document, CouponDocument):
        coupon(b, document.currency, document.header, document.coupon)
    elif isinstance(document, PurchaseDocument):
        purchase(b, document)
    elif isinstance(document, CounterTicket):
        counter_ticket(b, document)
    elif isinstance(document, DayReportDocument):  # (a ShiftReport too: asked first)
        day_report(b, document)
    elif isinstance(document, ShiftReport):
        shift_report(b, document)
    elif isinstance(document, RefundSlip):
        refund_slip(b, document)
    elif isinstance(document, DrawerSlip):
        drawer_slip(b, document)
    elif isinstance(document, MemberCardSlip):
        member_card(b, document)
    elif isinstance(document, GuestTicketSlip):
        guest_ticket(b, document)
    else:
        raise TypeError(f"not a printable document: {type(document).__name__}")
    return b.blocks
