"""The coupon slip: a coupon's code, barcode, value and validity, alone or under a receipt."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.documents.currency import Currency
from engine.documents.dressing import campaign, dressed
from engine.documents.types import CouponDocument, CouponSlip
from engine.errors import NotFound
from engine.models import BarcodeRule, Coupon


def coupon_barcode(code: str) -> str:
    """The text a printed coupon barcode encodes: the code wrapped in the coupon barcode rule, so
    a scan resolves as a coupon even if the code alone looks like something else."""
    rule = (BarcodeRule.select().where(BarcodeRule.type == "coupon")
            .order_by(BarcodeRule.position, BarcodeRule.prefix).first())
    if rule is None or (code.startswith(rule.prefix) and code.endswith(rule.suffix)):
        return code
    return f"{rule.prefix}{code}{rule.suffix}"


def coupon_value_text(coupon: Coupon, money: Currency) -> str:
    if coupon.value is None:
        return ""
    if coupon.discount_type == "discount":
        percent = Decimal(coupon.value).normalize()
        return f"{percent:f} %"
    return money.format(int(coupon.value), symbol=True)


def coupon_slip(coupon: Coupon, money: Currency) -> CouponSlip:
    issuer = campaign(coupon.campaign)
    return CouponSlip(
        code=coupon.code,
        barcode=coupon_barcode(coupon.code),
        campaign=coupon.campaign,
        campaign_name=issuer.name if issuer else coupon.campaign,
        value_text=coupon_value_text(coupon, money),
        expires_on=coupon.expires_on,
        text=coupon.text or (issuer.coupon_issue_text if issuer else None),
        image=coupon.image or (issuer.coupon_issue_image if issuer else None),
    )


def coupon_document(code: str, at: dt.datetime | None = None) -> CouponDocument:
    coupon = Coupon.get_or_none(Coupon.code == code)
    if coupon is None:
        raise NotFound(f"no coupon {code!r}")
    head, money = dressed()
    return CouponDocument(header=head, currency=money, coupon=coupon_slip(coupon, money),
                          at=at or coupon.created_on)
