"""A small site built directly as `Definitions` (no database): the pricing tests' fixture.

Items: COLA 250 and WATER 150 (DRINKS, vendor COLACO for COLA), CHIPS 200 and BAR 120 (SNACKS,
vendor CRUNCH), HEADSET 500 (no category); resource PS5 600; package SUMMER/STD 900.
Locations C1 (campaigns allowed) and K1 (not). Members M1 (debtor D1, segment VIP) and M2.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.pricing import (
    CampaignDef,
    CouponDef,
    Definitions,
    ItemDef,
    LineInput,
    LocationDef,
    MemberDef,
    PackageDef,
    PricedReceipt,
    ReceiptInput,
    ResourceDef,
    price_receipt,
)

AT = dt.datetime(2026, 7, 3, 12, 0)  # a Friday, noon

ITEMS = {
    "COLA": ItemDef("COLA", "Cola", 250, "DRINKS", "COLACO"),
    "WATER": ItemDef("WATER", "Water", 150, "DRINKS", None),
    "CHIPS": ItemDef("CHIPS", "Chips", 200, "SNACKS", "CRUNCH"),
    "BAR": ItemDef("BAR", "Bar", 120, "SNACKS", "CRUNCH"),
    "HEADSET": ItemDef("HEADSET", "Headset", 500),
}
RESOURCES = {"PS5": ResourceDef("PS5", "PS5 hour", 600)}
PACKAGES = {"SUMMER/STD": PackageDef("SUMMER/STD", "Standard", 900)}
LOCATIONS = {"C1": LocationDef("C1", True), "K1": LocationDef("K1", False)}
MEMBERS = {"M1": MemberDef("M1", "D1", frozenset({"VIP"})), "M2": MemberDef("M2")}


def campaign(code: str, type: str, value: int | str | None = None, **fields) -> CampaignDef:
    return CampaignDef(code=code, type=type,
                       value=None if value is None else Decimal(str(value)), **fields)


def site(*campaigns: CampaignDef, combinations=(), coupons=()) -> Definitions:
    return Definitions(
        items=ITEMS, resources=RESOURCES, packages=PACKAGES, locations=LOCATIONS,
        members=MEMBERS, campaigns={c.code: c for c in campaigns},
        combinations=frozenset(frozenset(pair) for pair in combinations),
        coupons={c.code: c for c in coupons})


def coupon(code: str, campaign: str, value: int | str | None = None,
           discount_type: str | None = "reduce", **fields) -> CouponDef:
    return CouponDef(code=code, campaign=campaign, discount_type=discount_type,
                     value=None if value is None else Decimal(str(value)), **fields)


def line(code: str, quantity: int = 1, **fields) -> LineInput:
    if code in RESOURCES:
        return LineInput(resource=code, quantity=quantity, **fields)
    if code in PACKAGES:
        return LineInput(package=code, quantity=quantity, **fields)
    return LineInput(item=code, quantity=quantity, **fields)


def receipt(*lines: LineInput, location: str = "C1", **fields) -> ReceiptInput:
    return ReceiptInput(location=location, lines=tuple(lines), **fields)


def price(definitions: Definitions, *lines: LineInput, at: dt.datetime = AT,
          **fields) -> PricedReceipt:
    return price_receipt(receipt(*lines, **fields), definitions, at)


def reductions(priced: PricedReceipt) -> list[list[tuple[str, int]]]:
    """Per line, the (campaign, amount) reductions in the order applied."""
    return [[(r.campaign, r.amount) for r in line.reductions] for line in priced.lines]


def applied(priced: PricedReceipt) -> list[tuple[str, int]]:
    """(campaign, R) of every entry, in order."""
    return [(entry.campaign, entry.reduce_amount) for entry in priced.entries]
