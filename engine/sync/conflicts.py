"""What merging replicas can leave behind and the owner must see (never hidden): coupons
redeemed more often than allowed, credit lots drawn below zero (with what was allowed offline
marked), receipts whose refunds gave a payment method back more than it paid, facts refused on
apply or lost in a collision (engine/sync/apply.py), and origins whose events wait here because
their clock is too far ahead (engine/sync/held.py)."""

from __future__ import annotations

from typing import Any

from peewee import fn

from engine.db import database
from engine.models import Consumption, Coupon, CouponRedemption
from engine.models.conflicts import LotOverdraw, SyncConflict
from engine.models.shifts import ReceiptRefund, ReceiptRefundPayment
from engine.sync.held import held_origins


def over_redeemed_coupons() -> list[dict[str, Any]]:
    rows = []
    for coupon in Coupon.select().where((Coupon.max_redemptions > 0)
                                        & (Coupon.redemptions > Coupon.max_redemptions)):
        redemptions = list(CouponRedemption.select().where(CouponRedemption.coupon == coupon.code)
                           .order_by(CouponRedemption.at, CouponRedemption.id))
        rows.append({"code": coupon.code, "campaign": coupon.campaign,
                     "max_redemptions": coupon.max_redemptions, "redemptions": len(redemptions),
                     "uses": [{"receipt": r.receipt, "device": r.device, "at": r.at,
                               "offline": r.offline} for r in redemptions]})
    return rows


def negative_balances() -> list[dict[str, Any]]:
    """Lots merged facts drew past their total (engine/derived.py): per member and kind, how
    much, which lots and which devices drew them (the member's other lots pay it)."""
    rows = []
    query = (LotOverdraw.select(LotOverdraw.member, LotOverdraw.kind,
                                fn.SUM(LotOverdraw.amount).alias("overdrawn"),
                                fn.GROUP_CONCAT(LotOverdraw.lot).alias("lots"))
             .group_by(LotOverdraw.member, LotOverdraw.kind).order_by(LotOverdraw.member))
    for row in query.dicts():
        lots = sorted(row["lots"].split(","))
        devices = sorted({c.device for c in Consumption.select(Consumption.device)
                          .where(Consumption.lot.in_(lots))})
        rows.append({"member": row["member"], "kind": row["kind"], "overdrawn": row["overdrawn"],
                     "lots": lots, "devices": devices})
    return rows


# Per receipt and method, Σ returned by its refunds above Σ its payments: refunds of other lines
# made where the other's refund had not arrived (offline, or an older release), each splitting
# from its own view of what was returned (engine/sales/refunds.py).
_OVER_RETURNED = """
WITH returned AS (
  SELECT r.receipt, p.method, SUM(p.amount) AS amount
  FROM receipt_refund_payment AS p JOIN receipt_refund AS r ON r.id = p.refund_id
  GROUP BY r.receipt, p.method),
paid AS (
  SELECT receipt, method, SUM(amount) AS amount FROM payment
  WHERE receipt IN (SELECT receipt FROM returned) GROUP BY receipt, method)
SELECT returned.receipt, returned.method, COALESCE(paid.amount, 0), returned.amount
FROM returned LEFT JOIN paid ON paid.receipt = returned.receipt AND paid.method = returned.method
WHERE returned.amount > COALESCE(paid.amount, 0)
ORDER BY returned.receipt, returned.method"""


def over_returned_receipts() -> list[dict[str, Any]]:
    """Receipts whose refunds together gave a payment method back more than it paid, computed
    from the merged facts (so the same on every device that has them). The refunds are listed
    by (at, id); `excess` is the part of each that went past what the method paid. The facts
    stay: the drawer did pay that cash out (its shift's expected cash already counts it) and a
    wallet refund lot was made; the owner decides what to take back."""
    rows = []
    for receipt, method, paid, returned in database.execute_sql(_OVER_RETURNED).fetchall():
        refunds, left = [], paid
        for refund in (ReceiptRefund.select().where(ReceiptRefund.receipt == receipt)
                       .order_by(ReceiptRefund.at, ReceiptRefund.id)):
            given = list(ReceiptRefundPayment.select().where(
                (ReceiptRefundPayment.refund == refund.id) & (ReceiptRefundPayment.method == method)))
            amount = sum(row.amount for row in given)
            if not amount:
                continue
            excess = max(amount - max(left, 0), 0)
            left -= amount
            refunds.append({"refund": refund.id, "device": refund.device, "shift": refund.shift,
                            "at": refund.at, "amount": amount, "excess": excess,
                            "lots": [row.lot for row in given if row.lot]})
        rows.append({"receipt": receipt, "method": method, "paid": paid, "returned": returned,
                     "over": returned - paid, "refunds": refunds})
    return rows


def refused_facts() -> list[dict[str, Any]]:
    """Events not applied as sent: refused by the rules, or the loser of a collision (whose
    key the earlier fact holds), in the origins' order."""
    return [{"kind": c.kind, "device": c.device, "seq": c.seq, "hlc": c.hlc, "type": c.type,
             "reason": c.reason, "detail": c.detail, "key": c.key}
            for c in SyncConflict.select().order_by(SyncConflict.device, SyncConflict.seq)]


def conflicts() -> dict[str, Any]:
    return {"coupons": over_redeemed_coupons(), "balances": negative_balances(),
            "receipts": over_returned_receipts(), "facts": refused_facts(),
            "held": held_origins()}
