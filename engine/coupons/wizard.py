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
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from engine import journal
from engine.bulk import insert_rows
from engine.coupons.codes import new_code, normalize
from engine.coupons.dateformula import evaluate
from engine.coupons.validity import SALES_TYPES
from engine.db import database, write
from engine.errors import N_, NotFound, PlaydeskError
from engine.ids import device_id
from engine.models import Campaign, Coupon, Debtor, Member, Segment
from engine.money import MAX_AMOUNT

VALIDITIES = ("one_time", "multiple")
COUPON_VALUE_TYPES = ("discount", "reduce")  # what a coupon of its own value takes off
MAX_QUANTITY = 1_000_000
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
        codes = sorted(_fresh_codes(quantity))  # in index order: the B-tree inserts stay local
        # one prepared INSERT for all codes; the shared columns are converted once
        insert_rows(Coupon, ({"code": code} for code in codes), constants=base)
        _journal(codes, base)
    return [_as_coupon({"code": code, **base}) for code in codes]


def _journal(codes: list[str], base: dict[str, Any]) -> None:
    """`coupons.generate` events of JOURNAL_BATCH rows; the constant columns are made JSON-ready
    once, so encoding 100,000 rows stays in json's C fast path; columns that hold their default
    (null, "issued", 0...) are left out, since applying a row fills them in the same way —
    a third less journal for sync to store and send."""
    fields = Coupon._meta.fields
    plain = {key: value for key, value in json.loads(journal.dumps(base)).items()
             if base[key] != fields[key].default}
    for start in range(0, len(codes), JOURNAL_BATCH):
        rows = [{"code": code, **plain} for code in codes[start:start + JOURNAL_BATCH]]
        journal.append("coupons.generate", {"rows": {"coupon": rows}})


def _as_coupon(row: dict[str, Any]) -> Coupon:
    """The inserted row as a Coupon, filled the way peewee fills a selected row (no per-field
    setattr: 100,000 of them are a second of the wizard's budget)."""
    coupon = Coupon(__no_default__=1)
    coupon.__data__.update(row)
    return coupon


def _campaign(code: str) -> Campaign:
    # a query, not Campaign.get_or_none: the m_plus_n column `get` shadows Model.get
    found = Campaign.select().where((Campaign.code == code) & ~Campaign.deleted).first()
    if found is None:
        raise NotFound(N_("unknown campaign {code!r}"), code=code)
    if found.type in NO_COUPONS_FOR:
        raise PlaydeskError(N_("campaign {code} is of type {type}: it cannot have coupons"),
                            code=code, type=found.type)
    return found


def _quantity(quantity: Any) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise PlaydeskError(N_("quantity must be a whole number, not {quantity!r}"),
                            quantity=quantity)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise PlaydeskError(N_("quantity must be 1..{max_quantity}, not {quantity}"),
                            max_quantity=MAX_QUANTITY, quantity=quantity)
    return quantity


def _max_redemptions(validity: str, max_redemptions: int | None) -> int:
    if validity not in VALIDITIES:
        raise PlaydeskError(N_("validity must be one of {validities}, not {validity!r}"),
                            validities=", ".join(VALIDITIES), validity=validity)
    if validity == "one_time":
        if max_redemptions not in (None, 1):
            raise PlaydeskError(N_("one_time validity means max 1 redemption; "
                                   "use validity multiple for another maximum"))
        return 1
    if max_redemptions is None:
        raise PlaydeskError(N_("multiple validity needs max redemptions (0 = unlimited)"))
    if isinstance(max_redemptions, bool) or not isinstance(max_redemptions, int) \
            or max_redemptions < 0:
        raise PlaydeskError(N_("max redemptions must be a whole number ≥ 0, not "
                               "{max_redemptions!r}"), max_redemptions=max_redemptions)
    if max_redemptions > MAX_AMOUNT:
        raise PlaydeskError(N_("max redemptions must be at most {max_amount} (0 = unlimited), "
                               "not {max_redemptions}"),
                            max_amount=MAX_AMOUNT, max_redemptions=max_redemptions)
    return max_redemptions


def _customer(sales_type: str, sales_filter: str | None) -> str | None:
    """The sales code the coupons carry; the customer must exist."""
    if sales_type not in SALES_TYPES:
        raise PlaydeskError(
            N_("sales type must be one of {sales_types}, not {sales_type!r}"),
            sales_types=", ".join(SALES_TYPES), sales_type=sales_type)
    if sales_type == "all":
        if sales_filter:
            raise PlaydeskError(N_("sales type all takes no sales filter"))
        return None
    if not sales_filter:
        raise PlaydeskError(N_("sales type {sales_type} needs a sales filter (the {sales_type} "
                               "code)"), sales_type=sales_type)
    model = {"debtor": Debtor, "contact": Member, "segment": Segment}[sales_type]
    if not model.select().where((model.code == sales_filter) & ~model.deleted).exists():
        what = "member (contact)" if sales_type == "contact" else sales_type
        raise NotFound(N_("unknown {kind} {code!r}"), kind=what, code=sales_filter)
    return sales_filter


def _expiry(expires: str | dt.date | None, at: dt.datetime) -> dt.date | None:
    if expires is None or expires == "":
        return None
    day = expires if isinstance(expires, dt.date) else evaluate(str(expires), at.date())
    if isinstance(day, dt.datetime):
        day = day.date()
    if day < at.date():
        raise PlaydeskError(N_("coupons would expire on {day}, before today ({today})"),
                            day=day.isoformat(), today=at.date().isoformat())
    return day


def _discount(campaign: Campaign, discount_type: str | None,
              value: Decimal | int | str | None) -> tuple[str | None, Decimal | None]:
    if campaign.type != "couponing":
        if discount_type is not None or value is not None:
            raise PlaydeskError(N_("campaign {campaign} is {type}: only couponing "
                                   "campaigns' coupons carry a discount type and value"),
                                campaign=campaign.code, type=campaign.type)
        return None, None
    if discount_type not in COUPON_VALUE_TYPES or value is None:
        raise PlaydeskError(N_("couponing campaign {campaign} needs a discount type "
                               "({types}) and a value"),
                            campaign=campaign.code, types=" or ".join(COUPON_VALUE_TYPES))
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise PlaydeskError(N_("value must be a number, not {value!r}"), value=value) from None
    if not amount.is_finite() or amount <= 0:
        raise PlaydeskError(N_("value must be greater than 0, not {value}"), value=value)
    if discount_type == "discount" and amount > 100:
        raise PlaydeskError(N_("a discount is a percentage: at most 100, not {value}"), value=value)
    if discount_type == "reduce" and amount != amount.to_integral_value():
        raise PlaydeskError(N_("a reduce value is an amount in minor units (whole), not {value}"),
                            value=value)
    if discount_type == "reduce" and amount > MAX_AMOUNT:
        raise PlaydeskError(N_("a reduce value must be at most {max_amount}, not {value}"),
                            max_amount=MAX_AMOUNT, value=value)
    return discount_type, amount


def _has_coupon(campaign: str, sales_type: str, sales_code: str | None) -> bool:
    return Coupon.select().where(
        (Coupon.campaign == campaign) & (Coupon.sales_type == sales_type)
        & (Coupon.sales_code == sales_code) & Coupon.canceled_at.is_null()).exists()


def _fresh_codes(quantity: int) -> list[str]:
    """`quantity` new codes, none equal (normalized) to each other or to a stored code.

    With 54 random bits a clash is astronomically rare, but an imported code could be anything:
    the candidates go into a temporary table and one join against the lookup index finds any
    that are taken; those are drawn again.
    """
    fresh: dict[str, str] = {}  # normalized -> display form
    while len(fresh) < quantity:
        candidates: dict[str, str] = {}
        while len(fresh) + len(candidates) < quantity:
            code = new_code()
            key = normalize(code)
            if key not in fresh:
                candidates[key] = code
        for key in _stored_keys(candidates):
            del candidates[key]
        fresh.update(candidates)
    return list(fresh.values())


# each candidate probes the coupon_lookup_key index (CROSS JOIN fixes that loop order; the
# expression is lookup_key's, verbatim); tests check the plan
STORED_KEYS_SQL = ("SELECT candidate.key FROM temp.coupon_candidate AS candidate "
                   "CROSS JOIN coupon WHERE upper(replace(coupon.code, '-', '')) = candidate.key")


def _stored_keys(candidates: dict[str, str]) -> set[str]:
    cursor = database.cursor()
    # untyped on purpose: a TEXT column's affinity keeps SQLite from probing the expression index
    cursor.execute("CREATE TEMP TABLE IF NOT EXISTS coupon_candidate (key)")
    cursor.executemany("INSERT INTO temp.coupon_candidate (key) VALUES (?)",
                       [(key,) for key in candidates])
    taken = {row[0] for row in cursor.execute(STORED_KEYS_SQL)}
    cursor.execute("DELETE FROM temp.coupon_candidate")
    return taken
