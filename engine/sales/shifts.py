"""Cashier shifts: open with counted cash, close with counted cash, and the shift report.

One cash drawer per device, so at most one open shift per device. The cash the drawer should
hold is derived from facts: the opening count, plus cash payments of the shift's receipts (their
`amount` is already net of change), plus cash package purchases made at this counter outside a
receipt (kiosk pay-at-counter orders), minus cash paid back by receipt refunds of the shift and
by purchase refunds at this device during the shift, plus cash put in and minus cash taken out
during the shift (`engine.sales.cash_moves`). Opening and closing append `shift.open` and
`shift.close` journal events carrying their rows; a receipt voided before payment is noted as a
`sale.void` row (nothing was sold, but a drawer's audit wants to see voids).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from peewee import fn

from engine import journal
from engine.db import write
from engine.errors import N_, NotFound, PlaydeskError
from engine.ids import device_id, next_id
from engine.models import (
    Campaign,
    Coupon,
    CouponRedemption,
    LineReduction,
    Package,
    Payment,
    Purchase,
    Receipt,
    ReceiptLine,
    Refund,
    Staff,
)
from engine.models.shifts import (
    ReceiptRefund,
    ReceiptRefundPayment,
    ReceiptVoid,
    Shift,
    ShiftClose,
)
from engine.models.till import NoSale, PriceOverride
from engine.people.staff import require_role
from engine.plaindata import plain_data
from engine.sales.cash_moves import cash_moved, cash_moves_of
from engine.sales.methods import ORDERS_NAME, method_name
from engine.sales.station_time import StationTimeTotals, shift_station_time

CASH = "cash"
def _amount(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise PlaydeskError(N_("{what} must be a whole amount in minor units (0 or more)"),
                            what=what)
    return value


def open_shift_of(device: str | None = None) -> Shift | None:
    """The open shift of this device (or `device`), if any."""
    closed = ShiftClose.select(ShiftClose.shift)
    return (Shift.select().where((Shift.device == (device or device_id()))
                                 & Shift.id.not_in(closed))
            .order_by(Shift.opened_at.desc()).first())


def get_shift(shift_id: str) -> Shift:
    shift = Shift.get_or_none(Shift.id == shift_id)
    if shift is None:
        raise NotFound(N_("unknown shift {shift_id!r}"), shift_id=shift_id)
    return shift


def open_shift(staff: str, opening_cash: int, at: dt.datetime,
               location: str | None = None) -> Shift:
    """Open a shift with the cash counted into the drawer; refused while one is open here."""
    _amount(opening_cash, "the opening cash")
    require_role(staff, "cashier", "opening a shift")
    with write():
        current = open_shift_of()
        if current is not None:
            raise PlaydeskError(N_("shift {shift} (opened by {staff} at "
                                   "{opened_at:%H:%M}) is still open; close it first"),
                                shift=current.id, staff=current.staff, opened_at=current.opened_at)
        shift = Shift.create(id=next_id("SH"), device=device_id(), location=location,
                             staff=staff, opened_at=at, opening_cash=opening_cash)
        journal.append_rows("shift.open", shift)
    return shift


def _window(shift: Shift, at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    closing = ShiftClose.get_or_none(ShiftClose.shift == shift.id)
    return shift.opened_at, closing.closed_at if closing else at


def _receipt_ids(shift: Shift) -> list[str]:
    return [row.id for row in Receipt.select(Receipt.id).where(Receipt.shift == shift.id)]


def _loose_purchases(shift: Shift, start: dt.datetime, end: dt.datetime):
    """Counter purchases of this device in the shift that no receipt carries (kiosk orders)."""
    return Purchase.select().where(
        (Purchase.channel == "counter") & Purchase.receipt.is_null() & (Purchase.device == shift.device)
        & (Purchase.at >= start) & (Purchase.at <= end))


def _purchase_refunds(shift: Shift, start: dt.datetime, end: dt.datetime):
    """Standalone purchase refunds; a receipt's package lines go back through the receipt refund
    (their purchase refund has method "receipt" and moves no money of its own)."""
    return Refund.select().where((Refund.device == shift.device) & (Refund.at >= start)
                                 & (Refund.at <= end) & (Refund.method != "receipt"))


def expected_cash(shift: Shift, at: dt.datetime) -> int:
    start, end = _window(shift, at)
    ids = _receipt_ids(shift)
    taken = (Payment.select(fn.COALESCE(fn.SUM(Payment.amount), 0))
             .where(Payment.receipt.in_(ids) & (Payment.method == CASH)).scalar()) if ids else 0
    taken += sum(p.price for p in _loose_purchases(shift, start, end) if p.payment == CASH)
    given = (ReceiptRefundPayment.select(fn.COALESCE(fn.SUM(ReceiptRefundPayment.amount), 0))
             .join(ReceiptRefund)
             .where((ReceiptRefund.shift == shift.id) & (ReceiptRefundPayment.method == CASH))
             .scalar())
    given += sum(r.amount for r in _purchase_refunds(shift, start, end) if r.method == CASH)
    return shift.opening_cash + taken - given + cash_moved(shift.id)


def close_shift(shift_id: str, staff: str, counted_cash: int, at: dt.datetime) -> ShiftFacts:
    """Close the shift with the cash counted out of the drawer; returns the shift report."""
    _amount(counted_cash, "the counted cash")
    require_role(staff, "cashier", "closing a shift")
    with write():
        shift = get_shift(shift_id)
        done = ShiftClose.get_or_none(ShiftClose.shift == shift_id)
        if done is not None:
            raise PlaydeskError(N_("shift {shift_id} was already closed at {closed_at:%H:%M}"),
                                shift_id=shift_id, closed_at=done.closed_at)
        expected = expected_cash(shift, at)
        row = ShiftClose.create(shift=shift_id, staff=staff, closed_at=at,
                                counted_cash=counted_cash, expected_cash=expected,
                                difference=counted_cash - expected, device=device_id())
        journal.append_rows("shift.close", row)
    return shift_report(shift_id, at)


def record_void(staff: str, lines: int, total: int, at: dt.datetime, shift: str | None = None,
                location: str | None = None) -> ReceiptVoid:
    """Note a receipt voided before payment (nothing sold; the shift report counts voids)."""
    require_role(staff, "cashier", "voiding a receipt")
    with write():
        row = ReceiptVoid.create(id=next_id("RV"), shift=shift, staff=staff, location=location,
                                 lines=lines, total=total, at=at, device=device_id())
        journal.append_rows("sale.void", row)
    return row


def _names(model, codes) -> dict[str, str]:
    codes = sorted({c for c in codes if c})
    return {row.code: row.name for row in model.select().where(model.code.in_(codes))} if codes else {}


@dataclass(frozen=True)
class MethodAmount:
    method: str
    amount: int


@dataclass(frozen=True)
class PaymentTotal:
    """One line of what the shift took in: the receipts' payments per method, then the kiosk
    orders paid here per method (no receipt carries them). They add up to `takings`."""

    source: str  # receipts | orders
    method: str
    name: str  # "Cash", "Kiosk orders · Cash"
    amount: int


@dataclass(frozen=True)
class CampaignDiscount:
    campaign: str
    name: str
    amount: int  # Σ the campaign's line reductions on the shift's receipts
    receipts: int  # receipts it reduced


@dataclass(frozen=True)
class CampaignCount:
    campaign: str
    name: str
    count: int  # coupons redeemed


@dataclass(frozen=True)
class CouponsIssued:
    campaign: str
    name: str
    count: int
    value: int  # Σ face value (a percent coupon counts 0)


@dataclass(frozen=True)
class PackageSales:
    package: str  # "CAMPAIGN/PACKAGE"
    name: str
    count: int
    amount: int


@dataclass(frozen=True)
class RefundTotals:
    count: int  # receipt refunds and standalone purchase refunds
    amount: int
    methods: tuple[MethodAmount, ...]


@dataclass(frozen=True)
class VoidTotals:
    count: int
    amount: int  # what the voided receipts would have cost


@dataclass(frozen=True)
class OrderTotals:
    """Kiosk pay-at-counter orders paid at this counter in the shift: no receipt carries them,
    so they are not in the receipts' total; the drawer (or card terminal) took them all the same."""

    count: int
    amount: int
    methods: tuple[MethodAmount, ...]


@dataclass(frozen=True)
class CashMoveLine:
    id: str
    direction: str  # in | out
    amount: int
    reason: str
    staff: str
    at: dt.datetime


@dataclass(frozen=True)
class CashFacts:
    opening: int
    expected: int
    counted: int | None  # None while the shift is open
    difference: int | None  # counted − expected


@dataclass(frozen=True)
class ShiftFacts:
    """What a shift did (`shift_report`); `as_dict()` is the CLI's JSON (cli.md `shift report`).
    The field order is that JSON's key order."""

    shift: str
    device: str
    location: str | None
    staff: str
    staff_name: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    closed_by: str | None
    receipts: int
    subtotal: int
    discount: int
    total: int
    payments: tuple[MethodAmount, ...]
    discounts: tuple[CampaignDiscount, ...]
    coupons_redeemed: tuple[CampaignCount, ...]
    coupons_issued: tuple[CouponsIssued, ...]
    packages: tuple[PackageSales, ...]
    refunds: RefundTotals
    voids: VoidTotals
    cash: CashFacts
    # guests' station time billed on the shift's receipts, and guest sessions of the device not
    # paid yet (sessions.md: a guest session not paid within the shift stays open on it)
    station_time: StationTimeTotals
    # issue 18: `payments` are the receipts' (they add up to `total`); kiosk orders paid here
    # are `orders`, and `takings` = total + orders.amount is all the shift took in
    orders: OrderTotals
    takings: int
    cash_moves: tuple[CashMoveLine, ...]
    no_sales: int  # drawer openings without a sale
    price_overrides: int  # line prices changed with a manager's approval
    # every line of money taken in, named (receipts' methods, then kiosk orders per method):
    # Σ amount == takings
    payment_lines: tuple[PaymentTotal, ...] = ()
    # exclusive mode (tax.md): the tax the receipts' payments covered on top of `total`
    tax_added: int = 0

    def as_dict(self) -> dict[str, Any]:
        return plain_data(asdict(self))


def _by_method(amounts: Iterable[tuple[str, int]]) -> tuple[MethodAmount, ...]:
    methods: dict[str, int] = defaultdict(int)
    for method, amount in amounts:
        methods[method] += amount
    return tuple(MethodAmount(m, a) for m, a in sorted(methods.items()))


def payment_lines(payments: Iterable[MethodAmount],
                  orders: Iterable[MethodAmount]) -> tuple[PaymentTotal, ...]:
    """The report's lines of money taken in: the receipts' per method, then the kiosk orders'."""
    return (*(PaymentTotal("receipts", p.method, method_name(p.method), p.amount)
              for p in payments),
            *(PaymentTotal("orders", o.method, f"{ORDERS_NAME} · {method_name(o.method)}",
                           o.amount) for o in orders))


def _discounts(ids: list[str]) -> dict[str, tuple[int, int]]:
    """Per campaign: (Σ reduction amount, receipts reduced)."""
    if not ids:
        return {}
    query = (LineReduction.select(LineReduction.campaign, ReceiptLine.receipt, LineReduction.amount)
             .join(ReceiptLine).where(ReceiptLine.receipt.in_(ids)).tuples())
    amounts: dict[str, int] = defaultdict(int)
    seen: dict[str, set[str]] = defaultdict(set)
    for campaign, receipt, amount in query:
        amounts[campaign] += amount
        seen[campaign].add(receipt)
    return {campaign: (amount, len(seen[campaign])) for campaign, amount in amounts.items()}


def _counted(campaigns: Iterable[str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for code in campaigns:
        counts[code] += 1
    return sorted(counts.items())


def _packages(sold: Iterable[Purchase]) -> tuple[PackageSales, ...]:
    totals: dict[str, tuple[int, int]] = {}
    for bought in sold:
        code = f"{bought.campaign}/{bought.package}"
        count, amount = totals.get(code, (0, 0))
        totals[code] = (count + 1, amount + bought.price)
    names = {f"{campaign}/{code}": name for campaign, code, name in
             Package.select(Campaign.code, Package.code, Package.name).join(Campaign).tuples()}
    return tuple(PackageSales(code, names.get(code, code), count, amount)
                 for code, (count, amount) in sorted(totals.items()))


def shift_report(shift_id: str, at: dt.datetime) -> ShiftFacts:
    """What the shift did: sales, payment methods, discounts per campaign, coupons redeemed and
    issued, package sales, refunds, the cash count, and guests' station time."""
    shift = get_shift(shift_id)
    start, end = _window(shift, at)
    closing = ShiftClose.get_or_none(ShiftClose.shift == shift_id)
    receipts = list(Receipt.select().where(Receipt.shift == shift_id).order_by(Receipt.at))
    ids = [r.id for r in receipts]
    loose = list(_loose_purchases(shift, start, end))
    paid = [(p.method, p.amount) for p in Payment.select().where(Payment.receipt.in_(ids))] \
        if ids else []

    discounts = _discounts(ids)
    redeemed = list(CouponRedemption.select().where(CouponRedemption.receipt.in_(ids))) if ids else []
    redeemed_campaigns = {c.code: c.campaign for c in Coupon.select().where(
        Coupon.code.in_([r.coupon for r in redeemed]))} if redeemed else {}
    issued = list(Coupon.select().where(Coupon.issued_receipt.in_(ids))) if ids else []
    sold = (list(Purchase.select().where(Purchase.receipt.in_(ids))) if ids else []) + loose

    refunds = list(ReceiptRefund.select().where(ReceiptRefund.shift == shift_id))
    purchase_refunds = list(_purchase_refunds(shift, start, end))
    given_back = _by_method(
        [(row.method, row.amount) for row in ReceiptRefundPayment.select().where(
            ReceiptRefundPayment.refund.in_([r.id for r in refunds]))]
        + [(row.method, row.amount) for row in purchase_refunds])

    voids = list(ReceiptVoid.select().where(ReceiptVoid.shift == shift_id))
    campaign_names = _names(Campaign, list(discounts) + [c.campaign for c in issued]
                            + list(redeemed_campaigns.values()))
    campaign_names = {code: name or code for code, name in campaign_names.items()}
    staff_names = _names(Staff, [shift.staff, closing.staff if closing else None])
    payments = _by_method(paid)
    orders = OrderTotals(len(loose), sum(b.price for b in loose),
                         _by_method((b.payment, b.price) for b in loose))
    issued_value: dict[str, int] = defaultdict(int)
    for coupon in issued:
        issued_value[coupon.campaign] += int(coupon.value or 0)
    return ShiftFacts(
        shift=shift.id, device=shift.device, location=shift.location,
        staff=shift.staff, staff_name=staff_names.get(shift.staff, shift.staff),
        opened_at=shift.opened_at, closed_at=closing.closed_at if closing else None,
        closed_by=closing.staff if closing else None,
        receipts=len(receipts),
        subtotal=sum(r.subtotal for r in receipts),
        discount=sum(r.discount for r in receipts),
        total=sum(r.total for r in receipts),
        tax_added=sum((r.total_due if r.total_due is not None else r.total) - r.total
                      for r in receipts),
        payments=payments,
        discounts=tuple(CampaignDiscount(code, campaign_names.get(code, code), amount, count)
                        for code, (amount, count) in sorted(discounts.items())),
        coupons_redeemed=tuple(
            CampaignCount(code, campaign_names.get(code, code), n) for code, n in
            _counted(redeemed_campaigns.get(r.coupon, "?") for r in redeemed)),
        coupons_issued=tuple(
            CouponsIssued(code, campaign_names.get(code, code), n, issued_value[code])
            for code, n in _counted(c.campaign for c in issued)),
        packages=_packages(sold),
        refunds=RefundTotals(len(refunds) + len(purchase_refunds),
                             sum(m.amount for m in given_back), given_back),
        voids=VoidTotals(len(voids), sum(v.total for v in voids)),
        cash=CashFacts(shift.opening_cash,
                       closing.expected_cash if closing else expected_cash(shift, at),
                       closing.counted_cash if closing else None,
                       closing.difference if closing else None),
        station_time=shift_station_time(ids, shift.device, end),
        orders=orders,
        takings=sum(p.amount for p in payments) + orders.amount,
        cash_moves=tuple(CashMoveLine(m.id, m.direction, m.amount, m.reason, m.staff, m.at)
                         for m in cash_moves_of(shift_id)),
        no_sales=NoSale.select().where(NoSale.shift == shift_id).count(),
        price_overrides=PriceOverride.select().where(PriceOverride.shift == shift_id).count(),
        payment_lines=payment_lines(payments, orders.methods),
    )
