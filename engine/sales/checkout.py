"""Checkout: price a receipt and record the sale, all in one BEGIN IMMEDIATE transaction.

Recorded together: the receipt and its lines and reductions, payments (cash with change, card
with the method's commission, wallet drawn through entitlements — before the package lines create
their lots, so a receipt never pays with the credit it sells), package lines as purchases for the
receipt's member, campaign entries numbered per device with their per-line allocations,
coupon redemptions (only of coupons that were applied, one per receipt), coupons issued by
campaigns with an active coupon issue, and one `sale` journal event carrying those rows
(purchases and wallet draws append their own events, in the same transaction).

The definitions — and with them every coupon's redemption count — are read inside the
transaction, so a one-time coupon redeemed at the same moment by two processes is applied by
exactly one: the second waits for the write lock, then sees the coupon used up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from engine import journal
from engine.coupons.codes import new_code
from engine.db import write
from engine.derived import refresh_coupons
from engine.entitlements import consume, purchase
from engine.entitlements.purchase import PAYMENTS, method_commission
from engine.errors import N_, NotFound, PlaydeskError
from engine.ids import device_id, next_id, next_number
from engine.models import (
    Coupon,
    CouponRedemption,
    Debtor,
    Entry,
    EntryAllocation,
    LineReduction,
    Location,
    Member,
    Payment,
    Receipt,
    ReceiptLine,
    ReceiptTax,
)
from engine.people.staff import existing_staff
from engine.pricing import PricedReceipt, ReceiptInput, price_receipt
from engine.pricing.definitions import cached_definitions
from engine.sales.payments import (
    WALLET,
    PaymentPlan,
    check_wallet,
    commission_shares,
    plan_payments,
    receipt_caps,
    wallet_amount,
)
from engine.sales.receiptfile import PaymentInput
from engine.sales.sale import IssuedCoupon, Sale, SalePayment
from engine.sales.shiftcheck import require_open_shift
from engine.sales.strict import strict_checkout


def checkout(receipt_input: ReceiptInput, payments: tuple[PaymentInput, ...] | list,
             at: dt.datetime, staff: str | None = None, shift: str | None = None,
             within: Callable[[str], None] | None = None) -> Sale:
    """Price and record the sale; what was recorded. `within(receipt_id)` runs inside the
    sale's transaction, after its rows: what must be recorded with the sale or not at all
    (a guest session's bill); its PlaydeskError refuses the whole sale."""
    payments = tuple(payments)
    _check_receipt(receipt_input)
    # strict operations are asked of the authority before the write lock (sync.md)
    with strict_checkout(receipt_input, payments, at) as grants, write():
        if shift is not None:  # its drawer takes the cash: this device's, and open
            require_open_shift(shift)
        if staff is not None:
            existing_staff(staff)
        definitions = grants.definitions(cached_definitions(receipt_input.coupons))
        priced = price_receipt(receipt_input, definitions, at)
        # exclusive tax is added on top: the payments cover what is due (tax.md)
        plan = plan_payments(priced.total_due, payments, receipt_input.member)
        caps = receipt_caps(priced) if wallet_amount(plan) > 0 else {}
        check_wallet(plan, receipt_input.member, at, caps)
        receipt_id = next_id("R")
        # the wallet is drawn BEFORE the package lines create their lots: a receipt never
        # pays with the credit it sells
        payment_rows = _payment_rows(plan, receipt_id, receipt_input.member, at, caps)
        shares = commission_shares(sum(p.commission for p in payment_rows),
                                   [(line.no, line.net) for line in priced.lines])
        purchases = _purchases(priced, plan, receipt_id, at, staff, shares)
        receipt, rows = _receipt_rows(priced, plan, receipt_id, staff, shift, purchases)
        rows += payment_rows
        rows += _entry_rows(priced, receipt_id, at)
        rows += grants.redeemed(_redemption_rows(priced, receipt_id, at), receipt_id)
        issued = _issued_coupons(priced, receipt_id, at, staff)
        journal.append_rows("sale", receipt, *rows, *issued)
        if within is not None:
            within(receipt_id)
    return Sale(
        receipt=receipt_id, priced=priced,
        payments=tuple(SalePayment(p.method, p.amount, p.tendered, p.commission)
                       for p in rows if isinstance(p, Payment)),
        change=plan.change,
        issued_coupons=tuple(IssuedCoupon(c.code, c.campaign, int(c.value), c.expires_on, c.text,
                                          c.image) for c in issued),
        purchases=tuple(pid for ids in purchases.values() for pid in ids))


def _check_receipt(receipt: ReceiptInput) -> None:
    """What the receipt file reader checks, for receipts the apps build by hand: a sale has
    lines, and happens at a location of the site, for a member and debtor that exist."""
    if not receipt.lines:
        raise PlaydeskError(N_("a receipt without lines cannot be sold"))
    for model, code, what in ((Location, receipt.location, "location"),
                              (Member, receipt.member, "member"),
                              (Debtor, receipt.debtor, "debtor")):
        if code is not None and not model.select().where(
                (model.code == code) & ~model.deleted).exists():
            raise NotFound(N_("unknown {kind} {code!r}"), kind=what, code=code)


def _receipt_rows(priced: PricedReceipt, plan: PaymentPlan, receipt_id: str, staff: str | None,
                  shift: str | None, purchases: dict[int, list[str]]
                  ) -> tuple[Receipt, list]:
    receipt = Receipt.create(
        id=receipt_id, device=device_id(), at=priced.at, location=priced.location,
        member=priced.member, debtor=priced.debtor, contact=priced.contact, staff=staff,
        shift=shift, subtotal=priced.subtotal, discount=priced.discount, total=priced.total,
        paid=plan.paid, change=plan.change, status="paid",
        total_due=priced.total_due if priced.tax.rows else None)
    rows: list = []
    for line in priced.lines:
        row = ReceiptLine.create(
            id=f"{receipt_id}/{line.no}", receipt=receipt_id, no=line.no, item=line.item,
            resource=line.resource, package=line.package, quantity=line.quantity,
            unit_price=line.unit_price, gross=line.gross, manual_discount=line.manual_discount,
            discount=line.discount, net=line.net,
            purchase=",".join(purchases.get(line.no, [])) or None, tax=line.tax)
        rows.append(row)
        rows += [LineReduction.create(line=row.id, position=position, campaign=r.campaign,
                                      amount=r.amount)
                 for position, r in enumerate(line.reductions)]
    rows += [ReceiptTax.create(receipt=receipt_id, position=position, rate=tax.rate,
                               name=tax.name, percent=str(tax.percent), net=tax.net, tax=tax.tax,
                               gross=tax.gross)
             for position, tax in enumerate(priced.tax.rows)]
    return receipt, rows


def _payment_rows(plan: PaymentPlan, receipt_id: str, member: str | None,
                  at: dt.datetime, caps: dict[str, int]) -> list[Payment]:
    """The payment rows; the wallet payments are drawn as one spend (the one the authority
    granted), restricted money within the receipt's `caps`."""
    wallet = wallet_amount(plan)
    if wallet > 0:
        consume(member, "money", wallet, "any", at,  # type: ignore[arg-type]
                reference=receipt_id, caps=caps)
    rows = []
    for payment in plan.payments:
        if payment.amount == 0 and not payment.tendered:
            continue
        fee = 0 if payment.method == WALLET else method_commission(payment.method,
                                                                   payment.amount)
        rows.append(Payment.create(id=next_id("PAY"), receipt=receipt_id, method=payment.method,
                                   amount=payment.amount, tendered=payment.tendered,
                                   commission=fee, at=at, device=device_id()))
    return rows


def _purchases(priced: PricedReceipt, plan: PaymentPlan, receipt_id: str, at: dt.datetime,
               staff: str | None, commissions: dict[int, int]) -> dict[int, list[str]]:
    """Package lines become purchases for the receipt's member, one per unit, priced at the
    line's net (the receipt's payments pay for them) and carrying the line's share of the
    payments' commission (`commissions` per line number), both split over the units."""
    package_lines = [line for line in priced.lines if line.package]
    if not package_lines:
        return {}

    paying = [p.method for p in plan.payments if p.amount > 0 and p.method in PAYMENTS]
    method = paying[0] if paying else "cash"
    made: dict[int, list[str]] = {}
    for line in package_lines:
        base, extra = divmod(line.net, line.quantity)  # the line's net, unit by unit
        prices = [base + (unit < extra) for unit in range(line.quantity)]
        fees = commission_shares(commissions.get(line.no, 0), list(enumerate(prices)))
        for unit, price in enumerate(prices):
            record = purchase(priced.member, line.package, payment=method,  # type: ignore[arg-type]
                              channel="counter", at=at, location=priced.location, staff=staff,
                              receipt=receipt_id, price=price,
                              commission_share=fees.get(unit, 0))
            made.setdefault(line.no, []).append(record.id)
    return made


def _entry_rows(priced: PricedReceipt, receipt_id: str, at: dt.datetime) -> list:
    rows: list = []
    origin = device_id()
    for result in priced.entries:
        value = result.discount_value
        entry = Entry.create(
            id=next_id("E"), entry_no=next_number("entry_no"), device=origin,
            origin_type="receipt", origin_code=receipt_id, timestamp=at,
            campaign=result.campaign, campaign_type=result.campaign_type,
            registration=result.registration, registration_code=result.registration_code,
            discount_type=result.discount_type,
            discount_value=None if value is None else Decimal(value),
            reduce_amount=result.reduce_amount, process=result.process)
        rows.append(entry)
        rows += [EntryAllocation.create(entry=entry.id, line_no=no, amount=amount)
                 for no, amount in result.allocations]
    return rows


def _redemption_rows(priced: PricedReceipt, receipt_id: str, at: dt.datetime) -> list:
    rows = [CouponRedemption.create(id=next_id("CR"), coupon=code, receipt=receipt_id, at=at,
                                    device=device_id())
            for code in dict.fromkeys(priced.redeemed_coupons)]
    refresh_coupons(row.coupon for row in rows)
    return rows


def _issued_coupons(priced: PricedReceipt, receipt_id: str, at: dt.datetime,
                    staff: str | None) -> list[Coupon]:
    issued = []
    for offer in priced.coupons_to_issue:
        issued.append(Coupon.create(
            code=_unused_code(new_code), campaign=offer.campaign, sales_type="all",
            max_redemptions=1, discount_type="reduce", value=Decimal(offer.value),
            expires_on=offer.expires_on, without_restrictions=True, status="issued",
            redemptions=0, origin="issued", text=offer.text, image=offer.image,
            created_on=at, created_by=staff, issued_receipt=receipt_id, device=device_id()))
    return issued


def _unused_code(new_code) -> str:
    while True:  # 50+ random bits: a collision is astronomically rare, but never reuse a code
        code = new_code()
        if not Coupon.select().where(Coupon.code == code).exists():
            return code
