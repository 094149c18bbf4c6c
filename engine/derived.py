"""Values derived from facts, recomputed from them (never edited in place).

Facts (purchases, lots, consumption records, redemptions) only accumulate, on this device or
arriving from others; a lot's `remaining` and a coupon's `redemptions`/`status` are recomputed
here from those facts, so every replica that has the same facts shows the same values.
Call inside the write transaction that added the facts.
"""

from __future__ import annotations

from collections.abc import Iterable

from peewee import fn

from engine.models import Consumption, Coupon, CouponRedemption, Lot


def refresh_lots(lot_ids: Iterable[str]) -> None:
    """remaining = total − Σ consumption; status refunded / depleted / active.

    `expired` is not stored: it depends on the time of the question (see entitlements).
    """
    for lot_id in set(lot_ids):
        lot = Lot.get_or_none(Lot.id == lot_id)
        if lot is None:
            continue
        used = (Consumption.select(fn.COALESCE(fn.SUM(Consumption.amount), 0))
                .where(Consumption.lot == lot_id).scalar())
        refunded = Consumption.select().where(
            (Consumption.lot == lot_id) & (Consumption.kind == "refund")).exists()
        remaining = lot.total - used
        status = "refunded" if refunded else ("depleted" if remaining <= 0 else "active")
        if (remaining, status) != (lot.remaining, lot.status):
            Lot.update(remaining=remaining, status=status).where(Lot.id == lot_id).execute()


def refresh_coupons(codes: Iterable[str]) -> None:
    """redemptions = count of redemption facts; status canceled / redeemed / issued."""
    for code in set(codes):
        coupon = Coupon.get_or_none(Coupon.code == code)
        if coupon is None:
            continue
        count = CouponRedemption.select().where(CouponRedemption.coupon == code).count()
        if coupon.canceled_at is not None:
            status = "canceled"
        elif coupon.max_redemptions and count >= coupon.max_redemptions:
            status = "redeemed"
        else:
            status = "issued"
        if (count, status) != (coupon.redemptions, coupon.status):
            Coupon.update(redemptions=count, status=status).where(Coupon.code == code).execute()
