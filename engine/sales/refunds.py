"""Refunding a recorded receipt from what was stored: its lines, payments and entry allocations.

Nothing is re-priced (pricing.md: "nothing is re-priced on a return"). A refund (manager or
owner, with a reason) takes some or all of the lines not refunded yet, as ONE transaction:

- an item or resource line gives back its stored `net`; the campaign discounts it carried are
  reported from the entries' stored per-line allocations;
- a package line closes its purchases through entitlements
  (`engine.entitlements.refunds.refund_receipt_purchase`): it gives back their unused paid part,
  the bonus is forfeited, and the purchase refunds are recorded with method `receipt`;
- all of that money — item, resource and package lines alike — goes back by the receipt's own
  payment methods, the last payment first, each up to what it paid less what earlier refunds of
  the receipt returned to it (so no method ever gets back more than it paid on the receipt);
  that view is complete because the authority refuses a refund while another of the receipt is
  under way or when this device has not got every refund of it yet (`known`,
  engine/sync/authority.py); refunds made offline are checked on merge (engine/sync/conflicts.py);
  wallet money comes back as new `refund` wallet lots, restricted to a device where the money
  that paid was (engine/sales/wallet_refund.py);
- when the last line is refunded, coupons the sale issued that are still unused are canceled
  (coupons the sale redeemed stay redeemed: a refund is money back, not the coupon back);
- a coupon issued by a `coupon_issue` campaign (the receipt's `issue` entry) was earned by a
  threshold: when this refund takes the receipt below it — the campaign's stored
  `from_quantity`/`from_amount` (and, with tiers, its lowest tier) re-evaluated over the stored
  nets of the lines the entry was issued on that are kept after the refund, having been met
  before it (always, for the first refund touching those lines) — the coupon is no longer
  earned: still unredeemed, it is canceled in the same transaction; already redeemed, what it
  discounted when redeemed (its `application` entries on the redeeming receipts, by
  CouponRedemption) is deducted from the money this refund gives back, never below 0. That
  happens once: a later refund finds the threshold already missed. The tax table stays the one
  over the refunded lines (what was sold back); only the money is less.

Tax (spec/tax.md "Per receipt"): a refund computes its own tax table, the way the sale did
(`engine.pricing.tax.tax_table`: once per rate, half-up, exact), over what each refunded line gives
back (an item or resource line its net, a package line its unused part; a minutes package
carries its rate, a money package — a voucher — none), at the rates, names and percents stored
with the receipt (its `receipt_tax` rows and the lines' `tax` codes, never today's definitions),
in the receipt's mode (exclusive when its `total_due` is not its `total`). It is stored as
`refund_tax` rows in the refund's transaction and event. Money: in inclusive mode the refund gives
back the lines' amounts (the tax is in them); in exclusive mode it gives back the lines' amounts
plus its table's tax, as the customer paid `total_due` — but never more than the receipt's
payments have left to give back (a partial refund's rounding up may not take a cent the
customer never paid: the tax part is cut to what is left; the lines' amounts themselves never
are, a refund beyond them is refused as before).

It appends one `sale.refund` journal event with the rows it created (purchase refunds and coupon
cancellations append their own events in the same transaction).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from peewee import SQL

from engine import journal
from engine.coupons.cancel import cancel
from engine.db import write
from engine.derived import refunded_lines
from engine.entitlements.lots import new_lot
from engine.entitlements.refunds import refund_receipt_purchase
from engine.errors import N_, NotFound, PlaydeskError
from engine.ids import device_id, next_id
from engine.models import (
    Campaign,
    Coupon,
    CouponRedemption,
    Entry,
    EntryAllocation,
    Payment,
    Receipt,
    ReceiptLine,
    Refund,
    Tier,
)
from engine.models.shifts import ReceiptRefund, ReceiptRefundLine, ReceiptRefundPayment
from engine.models.tax import ReceiptTax, RefundTax
from engine.people.staff import require_role
from engine.pricing.tax import EXCLUSIVE, INCLUSIVE, TaxRate, TaxTable, tax_table
from engine.sales.shiftcheck import require_open_shift
from engine.sales.wallet_refund import wallet_refund_parts
from engine.sync.strict import ask, holding, refuse, use

PAID = "paid"
REFUNDED = "refunded"
PARTLY_REFUNDED = "partly_refunded"


def refund_status(receipt_id: str) -> str:
    """paid, partly_refunded or refunded — derived from the refund facts."""
    done = refunded_lines(receipt_id)
    if not done:
        return PAID
    count = ReceiptLine.select().where(ReceiptLine.receipt == receipt_id).count()
    return REFUNDED if len(done) >= count else PARTLY_REFUNDED


def _returned_by_method(receipt_id: str) -> dict[str, int]:
    returned: dict[str, int] = defaultdict(int)
    for row in (ReceiptRefundPayment.select().join(ReceiptRefund)
                .where(ReceiptRefund.receipt == receipt_id)):
        returned[row.method] += row.amount
    return returned


def _split_by_methods(receipt_id: str, amount: int) -> list[tuple[str, int]]:
    """`amount` over the receipt's payment methods, the last payment first, within what each
    paid less what earlier refunds returned to it."""
    payments = Payment.select().where(Payment.receipt == receipt_id).order_by(SQL("rowid"))
    paid: dict[str, int] = defaultdict(int)
    order: list[str] = []
    for payment in payments:  # in the order they were written (ids do not sort numerically)
        paid[payment.method] += payment.amount
        if payment.method in order:
            order.remove(payment.method)
        order.append(payment.method)
    returned = _returned_by_method(receipt_id)
    split: list[tuple[str, int]] = []
    left = amount
    for method in reversed(order):
        take = min(left, max(paid[method] - returned[method], 0))
        if take > 0:
            split.append((method, take))
            left -= take
    if left > 0:  # cannot happen while refunds stay within the lines' nets: refuse, not guess
        raise PlaydeskError(N_("a refund of {amount} is more than the payments of receipt "
                               "{receipt_id} have left to give back ({refundable}); nothing "
                               "was refunded"),
                            amount=amount, receipt_id=receipt_id, refundable=amount - left)
    return split


def receipt_tax_mode(total: int, total_due: int | None) -> str:
    """The mode a receipt was sold in, from what it stored: exclusive added tax to its total
    (an exclusive receipt whose tax rounded to 0 everywhere refunds alike in either mode)."""
    return EXCLUSIVE if total_due is not None and total_due != total else INCLUSIVE


def receipt_rates(receipt_id: str) -> tuple[list[TaxRate], dict[str, str]]:
    """The rates of a receipt's stored table, in its order, and each rate's percent as stored."""
    rows = list(ReceiptTax.select().where(ReceiptTax.receipt == receipt_id)
                .order_by(ReceiptTax.position))
    return ([TaxRate(row.rate, row.name, Decimal(row.percent)) for row in rows],
            {row.rate: row.percent for row in rows})


def refund_tax_table(receipt: Receipt, lines: list[tuple[str | None, int]]) -> TaxTable | None:
    """The refund's own table over (rate code, amount given back) of its lines; None: the receipt
    carries no tax (a site without rates, a sale from before tax)."""
    rates, _ = receipt_rates(receipt.id)
    if not rates and all(code is None for code, _ in lines):
        return None
    return tax_table(lines, rates, receipt_tax_mode(receipt.total, receipt.total_due))


def _left_to_give_back(receipt_id: str) -> int:
    paid = sum(p.amount for p in Payment.select().where(Payment.receipt == receipt_id))
    return paid - sum(_returned_by_method(receipt_id).values())


def _threshold_met(campaign: Campaign | None, lines: list[ReceiptLine]) -> bool:
    """Would `lines` (stored nets) still reach the campaign's threshold? Without lines, no."""
    if not lines:
        return False
    if campaign is None:
        return True  # a campaign no longer here: only a full refund takes its coupon back
    units, net = sum(line.quantity for line in lines), sum(line.net for line in lines)
    if units < (campaign.from_quantity or 0) or net < (campaign.from_amount or 0):
        return False
    tiers = list(Tier.select().where(Tier.campaign == campaign.id))
    return not tiers or any(units >= (t.from_quantity or 0) and net >= (t.from_amount or 0)
                            for t in tiers)


def _coupons_no_longer_earned(receipt_id: str, stored: dict[int, ReceiptLine], done: set[int],
                              chosen: list[int]) -> list[Coupon]:
    """The coupons the receipt's coupon issues gave that this refund takes below their
    campaign's threshold (see the module)."""
    lost = []
    for entry in Entry.select().where((Entry.origin_type == "receipt")
                                      & (Entry.origin_code == receipt_id)
                                      & (Entry.process == "issue")):
        eligible = {row.line_no for row in entry.allocations} & set(stored)
        if not eligible & set(chosen):
            continue
        campaign = Campaign.get_or_none(Campaign.code == entry.campaign)
        before = [stored[no] for no in sorted(eligible - done)]
        after = [stored[no] for no in sorted(eligible - done - set(chosen))]
        if eligible & done and not _threshold_met(campaign, before):
            continue  # an earlier refund took it below already
        if _threshold_met(campaign, after):
            continue
        lost.extend(Coupon.select().where((Coupon.issued_receipt == receipt_id)
                                          & (Coupon.campaign == entry.campaign)
                                          & Coupon.canceled_at.is_null())
                    .order_by(SQL("rowid")))
    return lost


def redeemed_value(code: str) -> int:
    """What a coupon discounted where it was redeemed: its application entries' amounts."""
    receipts = [row.receipt for row in CouponRedemption.select(CouponRedemption.receipt)
                .where(CouponRedemption.coupon == code)]
    if not receipts:
        return 0
    return sum(entry.reduce_amount for entry in Entry.select().where(
        (Entry.origin_code.in_(receipts)) & (Entry.registration_code == code)
        & (Entry.process == "application")))


def _discounts_reversed(receipt_id: str, lines: list[int]) -> list[dict[str, Any]]:
    """The campaign discounts of the refunded lines, from the entries' stored allocations."""
    totals: dict[str, int] = defaultdict(int)
    query = (EntryAllocation.select(Entry.campaign, EntryAllocation.amount).join(Entry)
             .where((Entry.origin_type == "receipt") & (Entry.origin_code == receipt_id)
                    & (Entry.process == "application") & EntryAllocation.line_no.in_(lines))
             .tuples())
    for campaign, amount in query:
        totals[campaign] += amount
    return [{"campaign": code, "amount": amount} for code, amount in sorted(totals.items())]


def _refund_package_line(line: ReceiptLine, staff: str, reason: str,
                         at: dt.datetime) -> tuple[int, list[str]]:
    """Close the line's purchases; their unused paid part is what the line gives back."""
    amount, ids = 0, []
    for purchase in (line.purchase or "").split(","):
        if not purchase or Refund.get_or_none(Refund.purchase == purchase) is not None:
            continue  # refunded on its own before this was refused: its money went back then
        done = refund_receipt_purchase(purchase, staff, reason, at)
        amount += done.amount
        ids.append(done.id)
    return amount, ids


def refund_receipt(receipt_id: str, staff: str | None, reason: str | None, at: dt.datetime,
                   lines: list[int] | None = None, shift: str | None = None) -> dict[str, Any]:
    """Refund `lines` (line numbers; default every line not refunded yet) of a recorded receipt."""

    if not reason or not reason.strip():
        raise PlaydeskError(N_("a refund needs a reason"))
    reason = reason.strip()
    chosen = _refundable(receipt_id, staff, shift, lines)[3]  # the clear errors first
    # a strict operation (sync.md): two counters never both pay these lines out, and the
    # authority lets it through only when this device has every earlier refund of the receipt
    # (`known`), since the split over the payment methods below is computed from them
    known = sorted(row[0] for row in ReceiptRefund.select(ReceiptRefund.id)
                   .where(ReceiptRefund.receipt == receipt_id).tuples())
    decision = ask("receipt.refund", at, receipt=receipt_id, lines=chosen, known=known)
    refuse(decision, f"refunding receipt {receipt_id}")
    with holding(decision, at=at), write():
        receipt, who, stored, chosen = _refundable(receipt_id, staff, shift, chosen)
        use(decision)
        done = refunded_lines(receipt_id)

        measured, purchase_refunds = [], []
        for no in chosen:
            line = stored[no]
            if line.package:
                amount, ids = _refund_package_line(line, who.code, reason, at)
                purchase_refunds += ids
            else:
                amount, ids = line.net, []
            measured.append((no, amount, ids))
        lines_total = sum(amount for _, amount, _ in measured)
        table = refund_tax_table(receipt, [(stored[no].tax, amount) for no, amount, _ in measured])
        total = lines_total
        if table is not None and table.mode == EXCLUSIVE:  # the tax on top goes back too
            total = min(table.total_due, max(_left_to_give_back(receipt_id), lines_total))
        lost = _coupons_no_longer_earned(receipt_id, stored, done, chosen)
        redeemed = [(c.code, redeemed_value(c.code)) for c in lost if c.redemptions > 0]
        deducted = min(sum(value for _, value in redeemed), total)
        total -= deducted
        refund = ReceiptRefund.create(id=next_id("RR"), receipt=receipt_id, shift=shift,
                                      amount=total, reason=reason, staff=who.code, at=at,
                                      device=device_id())
        line_rows = [ReceiptRefundLine.create(refund=refund.id, receipt=receipt_id,
                                              line_no=no, amount=amount,
                                              purchase_refunds=",".join(ids) or None)
                     for no, amount, ids in measured]
        _, percents = receipt_rates(receipt_id)
        tax_rows = [RefundTax.create(refund=refund.id, position=position, rate=row.rate,
                                     name=row.name, percent=percents[row.rate], net=row.net,
                                     tax=row.tax, gross=row.gross)
                    for position, row in enumerate(table.rows if table else ())]
        payment_rows, lots = [], []
        for method, amount in _split_by_methods(receipt_id, total):
            if method != "wallet":
                payment_rows.append(ReceiptRefundPayment.create(
                    refund=refund.id, position=len(payment_rows), method=method, amount=amount))
                continue
            for device, part in wallet_refund_parts(receipt_id, receipt.member, amount, stored,
                                                    done, chosen):
                lot = new_lot(receipt.member, "money", "refund", part, at, staff=who.code,
                              device=device, comment=f"refund of receipt {receipt_id}: {reason}")
                lots.append(lot)
                payment_rows.append(ReceiptRefundPayment.create(
                    refund=refund.id, position=len(payment_rows), method=method, amount=part,
                    lot=lot.id))

        canceled = []
        for coupon in lost:
            if coupon.redemptions == 0:
                cancel(coupon.code, at, who.code)
                canceled.append(coupon.code)
        if set(stored) <= done | set(chosen):
            for coupon in Coupon.select().where((Coupon.issued_receipt == receipt_id)
                                                & (Coupon.status == "issued")
                                                & (Coupon.redemptions == 0)
                                                & Coupon.canceled_at.is_null()):
                if coupon.code in canceled:
                    continue
                cancel(coupon.code, at, who.code)
                canceled.append(coupon.code)
        journal.append_rows("sale.refund", refund, *line_rows, *payment_rows, *lots, *tax_rows)
    return {"refund": refund.id, "receipt": receipt_id, "amount": total,
            "lines": [{"line": row.line_no, "amount": row.amount} for row in line_rows],
            "payments": [{"method": row.method, "amount": row.amount, "lot": row.lot}
                         for row in payment_rows],
            "purchase_refunds": purchase_refunds,
            "discounts_reversed": _discounts_reversed(receipt_id, chosen),
            "canceled_coupons": canceled, "status": refund_status(receipt_id),
            "tax": table.as_list() if table else [],
            "deducted_coupons": [{"coupon": code, "amount": value} for code, value in redeemed
                                 if value], "deducted": deducted}


def _refundable(receipt_id: str, staff: str | None, shift: str | None,
                lines: list[int] | None) -> tuple[Receipt, Any, dict[int, ReceiptLine], list[int]]:
    """The receipt, the manager, its lines and the line numbers to refund; refused (nothing
    written) when they cannot be refunded here."""
    receipt = Receipt.get_or_none(Receipt.id == receipt_id)
    if receipt is None:
        raise NotFound(N_("unknown receipt {receipt_id!r}"), receipt_id=receipt_id)
    who = require_role(staff, "manager", "a refund")
    if shift is not None:  # its drawer pays the cash out: this device's, and open
        require_open_shift(shift)
    stored = {line.no: line for line in
              ReceiptLine.select().where(ReceiptLine.receipt == receipt_id)}
    done = refunded_lines(receipt_id)
    chosen = sorted(set(lines)) if lines is not None else sorted(set(stored) - done)
    for no in chosen:
        if no not in stored:
            raise PlaydeskError(N_("receipt {receipt_id} has no line {no}"),
                                receipt_id=receipt_id, no=no)
        if no in done:
            raise PlaydeskError(N_("line {no} of receipt {receipt_id} was already refunded"),
                                no=no, receipt_id=receipt_id)
    if not chosen:
        raise PlaydeskError(N_("receipt {receipt_id} is already refunded in full"),
                            receipt_id=receipt_id)
    return receipt, who, stored, chosen


def receipt_refunds(receipt_id: str) -> list[dict[str, Any]]:
    """The refunds of a receipt, oldest first."""
    result = []
    for refund in (ReceiptRefund.select().where(ReceiptRefund.receipt == receipt_id)
                   .order_by(ReceiptRefund.at, ReceiptRefund.id)):
        result.append({
            "refund": refund.id, "at": refund.at, "amount": refund.amount,
            "reason": refund.reason, "staff": refund.staff, "shift": refund.shift,
            "lines": [{"line": row.line_no, "amount": row.amount}
                      for row in refund.lines.order_by(ReceiptRefundLine.line_no)],
            "payments": [{"method": row.method, "amount": row.amount, "lot": row.lot}
                         for row in refund.payments.order_by(ReceiptRefundPayment.position)],
            "tax": [{"rate": row.rate, "name": row.name, "percent": row.percent,
                     "net": row.net, "tax": row.tax, "gross": row.gross}
                    for row in RefundTax.select().where(RefundTax.refund == refund.id)
                    .order_by(RefundTax.position)]})
    return result
