"""The coupon wizard: generate coupons for a campaign, by the hundred thousand.

Rules (spec/cli.md, Coupons):
- validity `one_time` is max 1 redemption; `multiple` takes `max_redemptions` (0 = unlimited).
- sales type `all` makes `quantity` bearer coupons. For `debtor`, `contact` and `segment` the
  sales filter names one customer (a debtor code, a member code — a member's contact is its code —
  or a segment code) and `quantity` coupons are made for that customer; a segment coupon is
  redeemable by any member of the segment (pricing's "segment" rule). Without
  `multiple_per_customer`, a customer who already has a coupon of the campaign (not canceled) gets
  none, and the result is empty.
- `expires` is a date or a BC date formula counted from `at`'s date; not before that date.
- couponing campaigns need `discount_type` and `value` (value > 0; discount percent ≤ 100,
  reduce an amount in minor units). Other discount campaigns' coupons only register the campaign
  and carry no value.

Everything is validated before anything is written; the rows go in with bulk inserts in one
transaction, journaled as `coupons.generate` events of at most JOURNAL_BATCH rows each (one event
of 100,000 rows would be a 30 MB message for sync to publish).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from engine import journal
from engine.coupons.codes import new_code, normalize
from engine.coupons.dateformula import evaluate
from engine.coupons.validity import SALES_TYPES
from engine.db import write
from engine.errors import NotFound, PlaydeskError
from engine.ids import device_id
from engine.models import Campaign, Coupon, Debtor, Member, Segment
from engine.models.coupons import lookup_key

VALIDITIES = ("one_time", "multiple")
DISCOUNT_TYPES = ("discount", "reduce")
MAX_QUANTITY = 1_000_000
INSERT_BATCH = 500  # rows per INSERT: 21 columns stay well under SQLite's variable limit
JOURNAL_BATCH = 1_000  # rows per coupons.generate event
NO_COUPONS_FOR = ("packages", "category")  # not priced, so no coupon can register them


def generate(campaign: str, quantity: int, at: dt.datetime, created_by: str | None = None,
             validity: str = "one_time", max_redemptions: int | None = None,
             sales_type: str = "all", sales_filter: str | None = None,
             expires: str | dt.date | None = None, multiple_per_customer: bool = False,
             discount_type: str | None = None, value: Decimal | int | str | None = None,
             text: str | None = None, image: str | None = None) -> list[Coupon]:
    """Create `quantity` coupons of `campaign` (per customer for debtor/contact/segment)."""
    owner = _campaign(campaign)
    quantity = _quantity(quantity)
    maximum = _max_redemptions(validity, max_redemptions)
    sales_code = _customer(sales_type, sales_filter)
    expires_on = _expiry(expires, at)
    discount_type, amount = _discount(owner, discount_type, value)

    with write():
        if sales_type != "all" and not multiple_per_customer and _has_coupon(
                owner.code, sales_type, sales_code):
            return []
        base = {
            "campaign": owner.code, "sales_type": sales_type, "sales_code": sales_code,
            "max_redemptions": maximum, "discount_type": discount_type, "value": amount,
            "expires_on": expires_on, "without_restrictions": False, "status": "issued",
            "redemptions": 0, "origin": "generated",
            "text": text if text is not None else owner.name, "image": image,
            "created_on": at, "created_by": created_by, "canceled_at": None,
            "canceled_by": None, "issued_receipt": None, "device": device_id(), "version": None,
        }
        rows = [{"code": code, **base} for code in _fresh_codes(quantity)]
        for start in range(0, len(rows), INSERT_BATCH):
            Coupon.insert_many(rows[start:start + INSERT_BATCH]).execute()
        for start in range(0, len(rows), JOURNAL_BATCH):
            journal.append("coupons.generate",
                           {"rows": {"coupon": rows[start:start + JOURNAL_BATCH]}})
    return [Coupon(**row) for row in rows]


def _campaign(code: str) -> Campaign:
    # a query, not Campaign.get_or_none: the m_plus_n column `get` shadows Model.get
    found = Campaign.select().where((Campaign.code == code) & ~Campaign.deleted).first()
    if found is None:
        raise NotFound(f"unknown campaign {code!r}")
    if found.type in NO_COUPONS_FOR:
        raise PlaydeskError(f"campaign {code} is of type {found.type}: it cannot have coupons")
    return found


def _quantity(quantity: Any) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise PlaydeskError(f"quantity must be a whole number, not {quantity!r}")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise PlaydeskError(f"quantity must be 1..{MAX_QUANTITY}, not {quantity}")
    return quantity


def _max_redemptions(validity: str, max_redemptions: int | None) -> int:
    if validity not in VALIDITIES:
        raise PlaydeskError(f"validity must be one of {', '.join(VALIDITIES)}, not {validity!r}")
    if validity == "one_time":
        if max_redemptions not in (None, 1):
            raise PlaydeskError("one_time validity means max 1 redemption; "
                                "use validity multiple for another maximum")
        return 1
    if max_redemptions is None:
        raise PlaydeskError("multiple validity needs max redemptions (0 = unlimited)")
    if isinstance(max_redemptions, bool) or not isinstance(max_redemptions, int) \
            or max_redemptions < 0:
        raise PlaydeskError(f"max redemptions must be a whole number ≥ 0, not {max_redemptions!r}")
    return max_redemptions


def _customer(sales_type: str, sales_filter: str | None) -> str | None:
    """The sales code the coupons carry; the customer must exist."""
    if sales_type not in SALES_TYPES:
        raise PlaydeskError(
            f"sales type must be one of {', '.join(SALES_TYPES)}, not {sales_type!r}")
    if sales_type == "all":
        if sales_filter:
            raise PlaydeskError("sales type all takes no sales filter")
        return None
    if not sales_filter:
        raise PlaydeskError(f"sales type {sales_type} needs a sales filter (the {sales_type} code)")
    model = {"debtor": Debtor, "contact": Member, "segment": Segment}[sales_type]
    if not model.select().where((model.code == sales_filter) & ~model.deleted).exists():
        what = "member (contact)" if sales_type == "contact" else sales_type
        raise NotFound(f"unknown {what} {sales_filter!r}")
    return sales_filter


def _expiry(expires: str | dt.date | None, at: dt.datetime) -> dt.date | None:
    if expires is None or expires == "":
        return None
    day = expires if isinstance(expires, dt.date) else evaluate(str(expires), at.date())
    if isinstance(day, dt.datetime):
        day = day.date()
    if day < at.date():
        raise PlaydeskError(f"coupons would expire on {day.isoformat()}, before today "
                            f"({at.date().isoformat()})")
    return day


def _discount(campaign: Campaign, discount_type: str | None,
              value: Decimal | int | str | None) -> tuple[str | None, Decimal | None]:
    if campaign.type != "couponing":
        if discount_type is not None or value is not None:
            raise PlaydeskError(f"campaign {campaign.code} is {campaign.type}: only couponing "
                                "campaigns' coupons carry a discount type and value")
        return None, None
    if discount_type not in DISCOUNT_TYPES or value is None:
        raise PlaydeskError(f"couponing campaign {campaign.code} needs a discount type "
                            f"({' or '.join(DISCOUNT_TYPES)}) and a value")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise PlaydeskError(f"value must be a number, not {value!r}") from None
    if not amount.is_finite() or amount <= 0:
        raise PlaydeskError(f"value must be greater than 0, not {value}")
    if discount_type == "discount" and amount > 100:
        raise PlaydeskError(f"a discount is a percentage: at most 100, not {value}")
    if discount_type == "reduce" and amount != amount.to_integral_value():
        raise PlaydeskError(f"a reduce value is an amount in minor units (whole), not {value}")
    return discount_type, amount


def _has_coupon(campaign: str, sales_type: str, sales_code: str | None) -> bool:
    return Coupon.select().where(
        (Coupon.campaign == campaign) & (Coupon.sales_type == sales_type)
        & (Coupon.sales_code == sales_code) & Coupon.canceled_at.is_null()).exists()


def _fresh_codes(quantity: int) -> list[str]:
    """`quantity` new codes, none equal (normalized) to each other or to a stored code."""
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < quantity:
        batch = {}
        while len(batch) < min(INSERT_BATCH, quantity - len(codes)):
            code = new_code()
            key = normalize(code)
            if key not in seen and key not in batch:
                batch[key] = code
        taken = {row.key for row in Coupon.select(lookup_key(Coupon.code).alias("key"))
                 .where(lookup_key(Coupon.code).in_(list(batch))).objects()}
        for key, code in batch.items():
            if key not in taken:
                seen.add(key)
                codes.append(code)
    return codes
