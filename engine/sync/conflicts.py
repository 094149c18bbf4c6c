"""What merging replicas can leave behind and the owner must see (never hidden): coupons
redeemed more often than allowed, credit lots drawn below zero (with what was allowed offline
marked), facts refused on apply or lost in a collision (engine/sync/apply.py), and origins
whose events wait here because their clock is too far ahead (engine/sync/held.py)."""

from __future__ import annotations

from typing import Any

from peewee import fn

from engine.models import Consumption, Coupon, CouponRedemption
from engine.models.conflicts import LotOverdraw, SyncConflict
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


def refused_facts() -> list[dict[str, Any]]:
    """Events not applied as sent: refused by the rules, or the loser of a collision (whose
    key the earlier fact holds), in the origins' order."""
    return [{"kind": c.kind, "device": c.device, "seq": c.seq, "hlc": c.hlc, "type": c.type,
             "reason": c.reason, "detail": c.detail, "key": c.key}
            for c in SyncConflict.select().order_by(SyncConflict.device, SyncConflict.seq)]


def conflicts() -> dict[str, Any]:
    return {"coupons": over_redeemed_coupons(), "balances": negative_balances(),
            "facts": refused_facts(), "held": held_origins()}
