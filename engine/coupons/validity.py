"""Coupon-level validity: why a coupon cannot be redeemed on a receipt now, or None. Pure (pricing
calls it): the member's segments are read by `engine.coupons.queries.segments_of`.

The reasons are checked in the one order of engine/coupons/reasons.py (unknown, canceled,
expired, used up, wrong customer come first). Campaign-level reasons ("campaign inactive",
"duplicate", "already applied", "conditions not met", "exceeds open amount") belong to pricing,
which calls this first.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from engine.coupons.reasons import (
    CANCELED,
    EXPIRED,
    UNKNOWN,
    USED_UP,
    WRONG_CUSTOMER,
    first_reason,
)

if TYPE_CHECKING:  # a Coupon row or pricing's CouponDef: both carry these fields
    from engine.models import Coupon

SALES_TYPES = ("all", "debtor", "contact", "segment")


def coupon_rejection(coupon: Coupon | None, at: dt.datetime, *, debtor: str | None,
                     contact: str | None, member_segments: set[str]) -> str | None:
    """The coupon-level reason `coupon` is refused at `at` for this customer, or None.

    `coupon` is what `lookup.find_coupon` found (None: unknown). `debtor` and `contact` are the
    receipt's (a member's contact is the member code); `member_segments` the receipt member's
    segment codes. Redemptions are the derived count (`engine.derived.refresh_coupons`).
    """
    if coupon is None:
        return UNKNOWN
    return first_reason({
        CANCELED: lambda: coupon.canceled_at is not None or coupon.status == "canceled",
        EXPIRED: lambda: coupon.expires_on is not None
        and as_date(coupon.expires_on) < as_date(at),
        USED_UP: lambda: bool(coupon.max_redemptions)
        and coupon.redemptions >= coupon.max_redemptions,
        WRONG_CUSTOMER: lambda: not customer_matches(coupon, debtor=debtor, contact=contact,
                                                     member_segments=member_segments),
    })


def customer_matches(coupon: Coupon, *, debtor: str | None, contact: str | None,
                     member_segments: set[str]) -> bool:
    if coupon.sales_type == "all":
        return True
    if coupon.sales_type == "debtor":
        return debtor is not None and coupon.sales_code == debtor
    if coupon.sales_type == "contact":
        return contact is not None and coupon.sales_code == contact
    if coupon.sales_type == "segment":
        return coupon.sales_code in member_segments
    return False  # an unknown sales type never matches anyone


def as_date(value: dt.date | dt.datetime | str) -> dt.date:
    """A date from a date, a datetime or ISO text (what a date column may hand back)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
