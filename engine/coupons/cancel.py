"""Canceling a coupon: a fact (canceled_at/by) plus the `coupon.cancel` journal event.

Sync applies `coupon.cancel` by setting canceled_at where it is still empty, so the first
cancel wins everywhere; the status is then derived (`engine.derived.refresh_coupons`).
"""

from __future__ import annotations

import datetime as dt

from engine import journal
from engine.coupons.queries import get_coupon
from engine.db import write
from engine.derived import refresh_coupons
from engine.errors import N_, PlaydeskError
from engine.models import Coupon


def cancel(code: str, at: dt.datetime, staff: str | None = None) -> Coupon:
    """Cancel the coupon `code` names (a code as typed or a coupon barcode)."""
    with write():
        coupon = get_coupon(code)
        if coupon.canceled_at is not None:
            raise PlaydeskError(N_("coupon {code} was already canceled on {canceled_at}"),
                                code=coupon.code,
                                canceled_at=coupon.canceled_at.isoformat(sep=" ",
                                                                         timespec="minutes"))
        Coupon.update(canceled_at=at, canceled_by=staff).where(Coupon.code == coupon.code).execute()
        journal.append("coupon.cancel", {"code": coupon.code, "at": at, "staff": staff})
        refresh_coupons([coupon.code])
        return Coupon.get(Coupon.code == coupon.code)
