"""The notification: with a member on the receipt, the coupons they can redeem now.

Only coupons addressed to the member count — contact = the member, debtor = the member's debtor,
segment = one of the member's segments; bearer coupons (sales type all) belong to whoever holds
them, so they are not "the member's". Each must pass `coupon_rejection` now, and its campaign
must have `notification_type: always`, be active (`campaign_state`) and have started.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.campaigns.state import ACTIVE, campaign_state
from engine.coupons.queries import segments_of
from engine.coupons.validity import as_date, coupon_rejection
from engine.errors import N_, NotFound
from engine.models import Campaign, Coupon, Member


def redeemable(member: str, at: dt.datetime) -> list[dict[str, Any]]:
    person = Member.select().where((Member.code == member) & ~Member.deleted).first()
    if person is None:
        raise NotFound(N_("unknown member {code!r}"), code=member)
    debtor = person.debtor.code if person.debtor_id is not None else None
    segments = segments_of(member)
    campaigns = {c.code: c for c in Campaign.select().where(
        (Campaign.notification_type == "always") & ~Campaign.deleted & Campaign.active)
        if campaign_state(c, at) == ACTIVE
        and (c.from_date is None or as_date(c.from_date) <= at.date())}
    if not campaigns:
        return []
    addressed = (((Coupon.sales_type == "contact") & (Coupon.sales_code == member))
                 | ((Coupon.sales_type == "segment") & Coupon.sales_code.in_(sorted(segments))))
    if debtor is not None:
        addressed |= (Coupon.sales_type == "debtor") & (Coupon.sales_code == debtor)
    query = (Coupon.select()
             .where(Coupon.campaign.in_(sorted(campaigns)) & (Coupon.status == "issued") & addressed)
             .order_by(Coupon.expires_on.is_null(), Coupon.expires_on, Coupon.id))
    return [_offer(coupon, campaigns[coupon.campaign]) for coupon in query
            if coupon_rejection(coupon, at, debtor=debtor, contact=member,
                                member_segments=segments) is None]


def _offer(coupon: Coupon, campaign: Campaign) -> dict[str, Any]:
    return {"code": coupon.code, "campaign": coupon.campaign, "campaign_name": campaign.name,
            "discount_type": coupon.discount_type, "value": coupon.value,
            "expires_on": coupon.expires_on, "redemptions": coupon.redemptions,
            "max_redemptions": coupon.max_redemptions, "sales_type": coupon.sales_type,
            "text": coupon.text}
