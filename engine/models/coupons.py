"""Coupons (imported, generated or issued at checkout) and their redemptions.

`code` is stored as given (generated codes in display form, `7KQ2-M9XD-4PAR`); lookups compare
`lookup_key(Coupon.code)` — uppercase without dashes, the SQL twin of
`engine.coupons.codes.normalize` (site codes hold no spaces) — through an expression index, so a
typed, scanned or dash-less code finds its coupon in one index probe.
"""

from __future__ import annotations

from peewee import SQL, BooleanField, DateField, DateTimeField, IntegerField, TextField, fn

from engine.models.base import BaseModel, PercentField


class Coupon(BaseModel):
    code = TextField(unique=True)
    campaign = TextField()  # campaign code; indexed by coupon_customer below
    sales_type = TextField(default="all")  # all | debtor | contact | segment
    sales_code = TextField(null=True)
    max_redemptions = IntegerField(default=1)  # 0 = unlimited
    discount_type = TextField(null=True)  # discount | reduce
    value = PercentField(null=True)
    expires_on = DateField(null=True)
    without_restrictions = BooleanField(default=False)
    # issued | redeemed | canceled; `redeemed` is derived from the redemptions (see coupons code)
    status = TextField(default="issued")
    redemptions = IntegerField(default=0)  # derived: count of CouponRedemption rows
    origin = TextField(default="imported")  # imported | generated | issued
    text = TextField(null=True)
    image = TextField(null=True)
    created_on = DateTimeField(null=True)
    created_by = TextField(null=True)
    canceled_at = DateTimeField(null=True)
    canceled_by = TextField(null=True)
    issued_receipt = TextField(null=True)
    device = TextField(null=True)
    version = TextField(null=True)


def lookup_key(code_field):
    """The normalized form of a code column, literally as the expression index has it."""
    return fn.upper(fn.replace(code_field, SQL("'-'"), SQL("''")))


Coupon.add_index(Coupon.index(lookup_key(Coupon.code), name="coupon_lookup_key"))
# a campaign's coupons, and a customer's coupons of a campaign (the wizard, the notification)
Coupon.add_index(Coupon.index(Coupon.campaign, Coupon.sales_type, Coupon.sales_code,
                              name="coupon_customer"))


class CouponRedemption(BaseModel):
    id = TextField(primary_key=True)
    coupon = TextField(index=True)  # coupon code
    receipt = TextField(index=True)
    at = DateTimeField()
    device = TextField()
    offline = BooleanField(default=False)  # allowed by offline_policy without the authority
    hold = TextField(null=True, index=True)  # the authority's grant this redemption uses

    class Meta:
        indexes = ((("coupon", "receipt"), True),)


MODELS = [Coupon, CouponRedemption]
