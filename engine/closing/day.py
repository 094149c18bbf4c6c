"""The day closing (spec/tax.md "Day closing"): what one device did on one day, and its Z.

`day_report(device, day)` reads the device's facts of the day; `close_day` stores that report as
the device's next Z number (1, 2, 3… per device, no gaps), once per device and day, in one
transaction with its journal event (`day.close`), so it syncs like every fact and is never
changed afterwards.

A day is the site's calendar day: every stored datetime is naive and in the site's time zone
(engine/clock.py), so the day's facts are those at or after its midnight and before the next.
A device closes its own day only: the row is its fact (sync checks a row's device is its origin)
and the Z comes from its own `id:Z` counter (engine.ids), the counter a restore from a backup
moves past the journal's ids before anything is sold again, so a Z is never handed out twice.

Amounts are ints in minor units. Per rate tax is computed once per rate with
engine.pricing.tax (half-up, exact). Wallet money spent is a gross amount (it was paid in full),
so its tax is the tax contained in it whatever the site's tax mode.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from engine import journal
from engine.db import write
from engine.errors import N_, NotFound, PlaydeskError
from engine.ids import device_id, next_id
from engine.lots.draws import id_key
from engine.models import (
    Campaign,
    Coupon,
    CouponRedemption,
    Package,
    Payment,
    PlaySession,
    Purchase,
    Receipt,
    ReceiptTax,
    Refund,
    SessionMinute,
    Site,
    StationGroup,
    TaxRate,
)
from engine.models.days import DayClosing
from engine.models.shifts import ReceiptRefund, ReceiptRefundPayment, ReceiptVoid
from engine.models.tax import RefundTax
from engine.people.staff import require_role
from engine.plaindata import plain_data
from engine.pricing.tax import INCLUSIVE, tax_of

WALLET = "wallet"


@dataclass(frozen=True)
class RateAmount:
    """One rate's row: net + tax = gross (percent as exact text, "19", "5.5")."""

    rate: str
    name: str
    percent: str
    net: int
    tax: int
    gross: int


@dataclass(frozen=True)
class MethodAmount:
    method: str
    amount: int


@dataclass(frozen=True)
class Counted:
    count: int
    amount: int


@dataclass(frozen=True)
class RefundTotals:
    count: int  # receipt refunds and standalone purchase refunds of the day
    amount: int
    methods: tuple[MethodAmount, ...]
    taxes: tuple[RateAmount, ...]  # the receipt refunds' own tax tables, per rate


@dataclass(frozen=True)
class PackageLine:
    package: str  # "CAMPAIGN/PACKAGE"
    name: str
    count: int
    amount: int


@dataclass(frozen=True)
class PackageTotals:
    count: int
    amount: int
    packages: tuple[PackageLine, ...]


@dataclass(frozen=True)
class WalletSpent:
    """Wallet money spent on the day: receipts paid by wallet (spread over their rates pro rata),
    wallet-paid station time (at its group's rate) and packages bought from the wallet."""

    receipts: tuple[RateAmount, ...]
    station_time: tuple[RateAmount, ...]
    packages: tuple[RateAmount, ...]
    untaxed: int  # spent on vouchers and on untaxed time or receipts
    total: int


@dataclass(frozen=True)
class CouponCount:
    campaign: str
    name: str
    count: int
    value: int = 0  # issued coupons: Σ face value (a percent coupon counts 0)


@dataclass(frozen=True)
class DayReport:
    """What `device` did on `day`; `as_dict()` is the CLI's JSON and the stored report."""

    device: str
    day: dt.date
    tax_mode: str
    receipts: int
    first_receipt: str | None
    last_receipt: str | None
    subtotal: int  # Σ receipts' subtotal (before discounts)
    discount: int
    total: int  # Σ receipts' total
    total_due: int  # Σ what the receipts' payments covered (total + tax in exclusive mode)
    taxes: tuple[RateAmount, ...]  # the receipts' tax tables, summed per rate
    untaxed: int  # receipt lines without a rate (vouchers)
    voids: Counted
    payments: tuple[MethodAmount, ...]  # receipts' and package purchases' without a receipt
    refunds: RefundTotals
    packages_taxed: PackageTotals  # minutes packages
    packages_vouchers: PackageTotals  # money packages
    wallet: WalletSpent
    coupons_redeemed: tuple[CouponCount, ...]
    coupons_issued: tuple[CouponCount, ...]
    # minutes packages sold without a receipt (the kiosk's): taxed at their sale, each purchase
    # its own table (once per rate, the price containing the tax), summed per rate
    package_taxes: tuple[RateAmount, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return plain_data(asdict(self))


def _window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time())
    return start, start + dt.timedelta(days=1)


def _within(field, day: dt.date):
    start, end = _window(day)
    return (field >= start) & (field < end)


def _by_method(amounts: Iterable[tuple[str, int]]) -> tuple[MethodAmount, ...]:
    methods: dict[str, int] = defaultdict(int)
    for method, amount in amounts:
        methods[method] += amount
    return tuple(MethodAmount(m, a) for m, a in sorted(methods.items()))


class _Rates:
    """The site's rates in the site file's order, for names, percents and ordering."""

    def __init__(self) -> None:
        self.rows = {row.code: row for row in TaxRate.select().order_by(TaxRate.id)}
        self.order = {code: n for n, code in enumerate(self.rows)}

    def percent(self, code: str) -> Decimal:
        return Decimal(self.rows[code].percent)

    def name(self, code: str) -> str:
        return self.rows[code].name

    def gross_rows(self, gross: dict[str, int]) -> tuple[RateAmount, ...]:
        """Per rate rows of gross amounts (tax contained, half-up once per rate)."""
        rows = []
        for code in sorted(gross, key=lambda c: self.order.get(c, len(self.order))):
            if code not in self.rows:
                continue
            tax = tax_of(gross[code], self.percent(code), INCLUSIVE)
            rows.append(RateAmount(code, self.name(code), self.rows[code].percent,
                                   gross[code] - tax, tax, gross[code]))
        return tuple(rows)


def _summed(rows: Iterable[Any], order: dict[str, int]) -> tuple[RateAmount, ...]:
    """Stored tax table rows (ReceiptTax, RefundTax) summed per rate."""
    totals: dict[str, list] = {}
    for row in rows:
        entry = totals.setdefault(row.rate, [row.name, row.percent, 0, 0, 0, row.position])
        entry[2] += row.net
        entry[3] += row.tax
        entry[4] += row.gross
    ranked = sorted(totals.items(), key=lambda kv: (order.get(kv[0], len(order) + kv[1][5]),
                                                    kv[0]))
    return tuple(RateAmount(code, name, percent, net, tax, gross)
                 for code, (name, percent, net, tax, gross, _) in ranked)


def _spread(amount: int, weights: list[tuple[str | None, int]]) -> dict[str | None, int]:
    """`amount` over the weights pro rata, largest remainder first (exact: Σ parts == amount)."""
    whole = sum(weight for _, weight in weights)
    if whole <= 0 or amount == 0:
        return {None: amount}
    parts: dict[str | None, int] = {}
    remainders = []
    for n, (key, weight) in enumerate(weights):
        share = Fraction(amount * weight, whole)
        parts[key] = parts.get(key, 0) + int(share)
        remainders.append((share - int(share), -n, key))
    left = amount - sum(parts.values())
    for _, _, key in sorted(remainders, reverse=True)[:left]:
        parts[key] += 1
    return parts


def _packages(sold: list[Purchase]) -> tuple[PackageTotals, PackageTotals, dict[str, Any]]:
    info = {f"{campaign}/{code}": (name, kind, rate) for campaign, code, name, kind, rate in
            Package.select(Campaign.code, Package.code, Package.name, Package.package_type,
                           Package.tax).join(Campaign).tuples()}
    split: dict[str, dict[str, list[int]]] = {"minutes": {}, "money": {}}
    for bought in sold:
        code = f"{bought.campaign}/{bought.package}"
        kind = info.get(code, (code, "money", None))[1]
        entry = split["minutes" if kind == "minutes" else "money"].setdefault(code, [0, 0])
        entry[0] += 1
        entry[1] += bought.price

    def totals(part: dict[str, list[int]]) -> PackageTotals:
        lines = tuple(PackageLine(code, info.get(code, (code,))[0], count, amount)
                      for code, (count, amount) in sorted(part.items()))
        return PackageTotals(sum(line.count for line in lines),
                             sum(line.amount for line in lines), lines)

    return totals(split["minutes"]), totals(split["money"]), info


def day_report(device: str, day: dt.date) -> DayReport:
    """What `device` did on `day` (site time zone), from its facts."""
    rates = _Rates()
    site = Site.select(Site.tax_mode).first()
    receipts = list(Receipt.select().where((Receipt.device == device) & _within(Receipt.at, day)))
    receipts.sort(key=lambda r: id_key(r.id))
    ids = [r.id for r in receipts]
    due = {r.id: r.total_due if r.total_due is not None else r.total for r in receipts}
    tax_rows = list(ReceiptTax.select().where(ReceiptTax.receipt.in_(ids))) if ids else []
    taxes = _summed(tax_rows, rates.order)
    untaxed = sum(due.values()) - sum(row.gross for row in taxes)

    voids = list(ReceiptVoid.select().where((ReceiptVoid.device == device)
                                            & _within(ReceiptVoid.at, day)))
    receipt_payments = list(Payment.select().where(Payment.receipt.in_(ids))) if ids else []
    sold = list(Purchase.select().where((Purchase.device == device)
                                        & _within(Purchase.at, day)))
    loose = [p for p in sold if p.receipt is None]
    payments = _by_method([(p.method, p.amount) for p in receipt_payments]
                          + [(p.payment, p.price) for p in loose])

    refunds = _refunds(device, day, rates)
    taxed, vouchers, package_info = _packages(sold)
    wallet = _wallet(receipt_payments, tax_rows, due, loose, package_info, device, day, rates)
    redeemed, issued = _coupons(ids)
    return DayReport(
        device=device, day=day, tax_mode=site.tax_mode if site is not None else INCLUSIVE,
        receipts=len(receipts), first_receipt=ids[0] if ids else None,
        last_receipt=ids[-1] if ids else None,
        subtotal=sum(r.subtotal for r in receipts), discount=sum(r.discount for r in receipts),
        total=sum(r.total for r in receipts), total_due=sum(due.values()),
        taxes=taxes, untaxed=untaxed,
        voids=Counted(len(voids), sum(v.total for v in voids)),
        payments=payments, refunds=refunds, packages_taxed=taxed, packages_vouchers=vouchers,
        wallet=wallet, coupons_redeemed=redeemed, coupons_issued=issued,
        package_taxes=_loose_package_taxes(loose, package_info, rates))


def _loose_package_taxes(loose: list[Purchase], info: dict[str, Any],
                         rates: _Rates) -> tuple[RateAmount, ...]:
    """The tax of minutes packages bought without a receipt: per purchase at its package's rate
    (tax.md: the price contains it; a money package is a voucher, untaxed), summed per rate."""
    totals: dict[str, list[int]] = {}
    for bought in loose:
        _, kind, rate = info.get(f"{bought.campaign}/{bought.package}", (None, "money", None))
        if kind != "minutes" or rate is None or rate not in rates.rows:
            continue
        tax = tax_of(bought.price, rates.percent(rate), INCLUSIVE)
        entry = totals.setdefault(rate, [0, 0])
        entry[0] += tax
        entry[1] += bought.price
    return tuple(RateAmount(code, rates.name(code), rates.rows[code].percent, gross - tax, tax,
                            gross)
                 for code in sorted(totals, key=lambda c: rates.order.get(c, len(rates.order)))
                 for tax, gross in [totals[code]])


def _refunds(device: str, day: dt.date, rates: _Rates) -> RefundTotals:
    receipt_refunds = list(ReceiptRefund.select().where((ReceiptRefund.device == device)
                                                        & _within(ReceiptRefund.at, day)))
    refund_ids = [r.id for r in receipt_refunds]
    given = [(row.method, row.amount) for row in ReceiptRefundPayment.select().where(
        ReceiptRefundPayment.refund.in_(refund_ids))] if refund_ids else []
    # a receipt's package lines go back through the receipt refund (method "receipt")
    standalone = list(Refund.select().where((Refund.device == device) & _within(Refund.at, day)
                                            & (Refund.method != "receipt")))
    tax_rows = (list(RefundTax.select().where(RefundTax.refund.in_(refund_ids)))
                if refund_ids else [])
    return RefundTotals(
        count=len(receipt_refunds) + len(standalone),
        amount=sum(r.amount for r in receipt_refunds) + sum(r.amount for r in standalone),
        methods=_by_method(given + [(r.method, r.amount) for r in standalone]),
        taxes=_summed(tax_rows, rates.order))


def _wallet(receipt_payments: list[Payment], tax_rows: list[ReceiptTax], due: dict[str, int],
            loose: list[Purchase], package_info: dict[str, Any], device: str, day: dt.date,
            rates: _Rates) -> WalletSpent:
    untaxed = 0
    # receipts: the wallet's part of each receipt spread over its table's gross per rate
    tables: dict[str, list[tuple[str | None, int]]] = defaultdict(list)
    for row in sorted(tax_rows, key=lambda r: r.position):
        tables[row.receipt].append((row.rate, row.gross))
    paid: dict[str, int] = defaultdict(int)
    for payment in receipt_payments:
        if payment.method == WALLET:
            paid[payment.receipt] += payment.amount
    on_receipts: dict[str, int] = defaultdict(int)
    for receipt, amount in paid.items():
        weights = list(tables.get(receipt, []))
        rest = due.get(receipt, 0) - sum(weight for _, weight in weights)
        if rest > 0:
            weights.append((None, rest))
        for code, part in _spread(amount, weights).items():
            if code is None:
                untaxed += part
            else:
                on_receipts[code] += part
    # station time: wallet minutes charged here, at the session's group's rate
    group_rate = dict(StationGroup.select(StationGroup.code, StationGroup.tax).tuples())
    on_time: dict[str, int] = defaultdict(int)
    for group, amount in (SessionMinute.select(PlaySession.group, SessionMinute.amount)
                          .join(PlaySession, on=(SessionMinute.session == PlaySession.id))
                          .where((SessionMinute.source == "money")
                                 & (SessionMinute.device == device)
                                 & _within(SessionMinute.at, day)).tuples()):
        code = group_rate.get(group)
        if code is None:
            untaxed += amount
        else:
            on_time[code] += amount
    # packages bought from the wallet without a receipt (the kiosk)
    on_packages: dict[str, int] = defaultdict(int)
    for bought in loose:
        if bought.payment != WALLET:
            continue
        _, kind, code = package_info.get(f"{bought.campaign}/{bought.package}",
                                         (None, "money", None))
        if kind == "minutes" and code is not None:
            on_packages[code] += bought.price
        else:
            untaxed += bought.price
    receipts_rows = rates.gross_rows(on_receipts)
    time_rows = rates.gross_rows(on_time)
    package_rows = rates.gross_rows(on_packages)
    total = (untaxed + sum(r.gross for r in receipts_rows) + sum(r.gross for r in time_rows)
             + sum(r.gross for r in package_rows))
    return WalletSpent(receipts_rows, time_rows, package_rows, untaxed, total)


def _coupons(ids: list[str]) -> tuple[tuple[CouponCount, ...], tuple[CouponCount, ...]]:
    if not ids:
        return (), ()
    codes = [r.coupon for r in CouponRedemption.select().where(CouponRedemption.receipt.in_(ids))]
    campaign_of = dict(Coupon.select(Coupon.code, Coupon.campaign)
                       .where(Coupon.code.in_(codes)).tuples()) if codes else {}
    redeemed: dict[str, int] = defaultdict(int)
    for code in codes:
        redeemed[campaign_of.get(code, "?")] += 1
    issued: dict[str, list[int]] = {}
    for coupon in Coupon.select().where(Coupon.issued_receipt.in_(ids)):
        entry = issued.setdefault(coupon.campaign, [0, 0])
        entry[0] += 1
        entry[1] += int(coupon.value or 0)
    wanted = sorted(set(redeemed) | set(issued))
    names = dict(Campaign.select(Campaign.code, Campaign.name)
                 .where(Campaign.code.in_(wanted)).tuples()) if wanted else {}
    return (tuple(CouponCount(c, names.get(c, c), n) for c, n in sorted(redeemed.items())),
            tuple(CouponCount(c, names.get(c, c), n, v) for c, (n, v) in sorted(issued.items())))


def close_day(device: str, day: dt.date, staff: str, at: dt.datetime) -> DayClosing:
    """Store `device`'s report of `day` as its next Z number; refused for a day closed already
    (nothing written), for another device's day and for a day that has not begun."""
    require_role(staff, "manager", "closing the day")
    if day > at.date():
        raise PlaydeskError(N_("day {day} has not begun yet (it is {now}): nothing to close"),
                            day=day.isoformat(), now=at.isoformat(timespec="minutes"))
    with write():
        here = device_id()
        if device != here:
            raise PlaydeskError(N_("a device closes its own day: close {device}'s day on {device} "
                                   "(this is {here})"), device=device, here=here)
        done = DayClosing.get_or_none((DayClosing.device == device)
                                      & (DayClosing.day == day.isoformat()))
        if done is not None:
            raise PlaydeskError(N_("day {day} of {device} is already closed: Z {z} ({closing}) by "
                                   "{staff} at {closed_at}; a day closes once"),
                                day=day.isoformat(), device=device, z=done.z, closing=done.id,
                                staff=done.staff, closed_at=done.at.isoformat(timespec="minutes"))
        report = day_report(device, day)
        closing_id = next_id("Z")
        row = DayClosing.create(id=closing_id, device=device, day=day.isoformat(),
                                z=int(closing_id.rsplit("-Z", 1)[1]),
                                report=json.dumps(report.as_dict(), sort_keys=True),
                                staff=staff, at=at)
        journal.append_rows("day.close", row)
    return row


def get_closing(closing_id: str) -> DayClosing:
    """A closing by its id ("COUNTER1-Z3"); NotFound otherwise."""
    row = DayClosing.get_or_none(DayClosing.id == closing_id)
    if row is None:
        raise NotFound(N_("unknown day closing {closing_id!r}"), closing_id=closing_id)
    return row


def stored_report(closing: DayClosing) -> dict[str, Any]:
    """The report as it was stored at the closing."""
    return json.loads(closing.report)
