"""What lists and the show command print about coupons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.coupons.lookup import find_coupon
from engine.coupons.validity import as_date
from engine.errors import N_, NotFound, PlaydeskError
from engine.models import Coupon, CouponRedemption, Member, Segment, SegmentMember

STATUSES = ("issued", "redeemed", "canceled")


def coupon_view(coupon: Coupon, at: dt.datetime | None = None) -> dict[str, Any]:
    """A coupon as the CLI prints it; `expired` needs a moment to judge by."""
    return {
        "code": coupon.code, "campaign": coupon.campaign, "sales_type": coupon.sales_type,
        "sales_code": coupon.sales_code, "max_redemptions": coupon.max_redemptions,
        "redemptions": coupon.redemptions, "status": coupon.status,
        "expires_on": coupon.expires_on,
        "expired": (None if at is None or coupon.expires_on is None
                    else as_date(coupon.expires_on) < at.date()),
        "discount_type": coupon.discount_type, "value": coupon.value,
        "without_restrictions": coupon.without_restrictions, "origin": coupon.origin,
        "text": coupon.text, "image": coupon.image,
        "created_on": coupon.created_on, "created_by": coupon.created_by,
        "canceled_at": coupon.canceled_at, "canceled_by": coupon.canceled_by,
        "issued_receipt": coupon.issued_receipt,
    }


def list_coupons(campaign: str | None = None, status: str | None = None) -> list[Coupon]:
    """Coupons, optionally of one campaign and/or one status, oldest first."""
    if status is not None and status not in STATUSES:
        raise PlaydeskError(N_("status must be one of {statuses}, not {status!r}"),
                            statuses=", ".join(STATUSES), status=status)
    query = Coupon.select()
    if campaign is not None:
        query = query.where(Coupon.campaign == campaign)
    if status is not None:
        query = query.where(Coupon.status == status)
    return list(query.order_by(Coupon.id))


def get_coupon(scanned: str) -> Coupon:
    """The coupon a code or coupon barcode names; NotFound otherwise."""
    coupon = find_coupon(scanned)
    if coupon is None:
        raise NotFound(N_("unknown coupon {scanned!r}"), scanned=scanned)
    return coupon


def show(code: str, at: dt.datetime | None = None) -> dict[str, Any]:
    """One coupon with its redemption facts (receipt, time, device)."""
    coupon = get_coupon(code)
    facts = (CouponRedemption.select().where(CouponRedemption.coupon == coupon.code)
             .order_by(CouponRedemption.at, CouponRedemption.id))
    return {**coupon_view(coupon, at),
            "redeemed_on": [{"id": fact.id, "receipt": fact.receipt, "at": fact.at,
                             "device": fact.device, "offline": fact.offline} for fact in facts]}


def segments_of(member: str | None) -> set[str]:
    """The segment codes `member` belongs to (empty without a member)."""
    if member is None:
        return set()
    query = (SegmentMember.select(Segment.code).join(Segment)
             .switch(SegmentMember).join(Member)
             .where((Member.code == member) & ~Segment.deleted))
    return {row.segment.code for row in query}
