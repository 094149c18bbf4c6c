"""Loading a `Definitions` snapshot from the database (the only part of pricing that reads it).

A handful of whole-table queries; cheap enough per receipt. `cached_definitions()` keeps the
snapshot while nothing changed: SQLite's `PRAGMA data_version` moves when another connection
commits (the sync process applying a site update), and the connection's `total_changes` when
this one does. Coupons change with every redemption, so they are loaded per receipt
(`with_coupons`) and never cached.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from engine.coupons.lookup import find_coupon
from engine.db import database
from engine.models import (
    Campaign,
    CampaignFilter,
    Category,
    Combination,
    Coupon,
    Debtor,
    FreeLine,
    Item,
    Location,
    Member,
    Package,
    Resource,
    Segment,
    SegmentMember,
    Site,
    TaxRate,
    Tier,
    Trigger,
    TriggerLine,
    Vendor,
)
from engine.pricing.engine import prepare
from engine.pricing.tax import INCLUSIVE
from engine.pricing.tax import TaxRate as TaxRateDef
from engine.pricing.types import (
    CampaignDef,
    CouponDef,
    Definitions,
    FilterDef,
    FreeLineDef,
    ItemDef,
    LocationDef,
    MemberDef,
    PackageDef,
    ResourceDef,
    TierDef,
    TriggerDef,
    TriggerLineDef,
)


def load_definitions(coupon_codes: Iterable[str] = ()) -> Definitions:
    """Everything pricing reads, with the coupons the receipt lists included."""
    return with_coupons(_load_site(), coupon_codes)


def with_coupons(definitions: Definitions, coupon_codes: Iterable[str]) -> Definitions:
    """`definitions` with the coupons named by `coupon_codes` — codes as written or scanned:
    any case, with or without dashes, or a coupon barcode (`lookup.find_coupon`)."""
    written = list(dict.fromkeys(coupon_codes))
    if not written:
        return definitions
    coupons: dict[str, CouponDef] = {}
    aliases: dict[str, str] = {}
    exact = {row.code: row for row in Coupon.select().where(Coupon.code.in_(written))}
    for text in written:
        row = exact.get(text) or find_coupon(text)
        if row is not None:
            coupons[row.code] = coupon_def(row)
            if row.code != text:
                aliases[text] = row.code
    return definitions.with_coupons(coupons, aliases)


_cache: dict[str, object] = {}


def cached_definitions(coupon_codes: Iterable[str] = ()) -> Definitions:
    """`load_definitions`, reusing the last site snapshot while the database is unchanged."""
    connection = database.connection()
    stamp = (database.execute_sql("PRAGMA data_version").fetchone()[0],
             connection.total_changes)
    # the connection itself, not its id: a fresh connection (to another file, say) may get a
    # closed one's id, and a fresh connection's stamp is always the same
    if _cache.get("connection") is not connection or _cache.get("stamp") != stamp:
        _cache["site"] = _load_site()
        _cache["connection"] = connection
        _cache["stamp"] = (stamp[0], connection.total_changes)
    return with_coupons(_cache["site"], coupon_codes)  # type: ignore[arg-type]


def coupon_def(row: Coupon) -> CouponDef:
    return CouponDef(
        code=row.code, campaign=row.campaign, sales_type=row.sales_type,
        sales_code=row.sales_code, max_redemptions=row.max_redemptions,
        discount_type=row.discount_type,
        value=None if row.value is None else Decimal(row.value),
        expires_on=_date(row.expires_on), without_restrictions=bool(row.without_restrictions),
        status=row.status, redemptions=row.redemptions, canceled_at=row.canceled_at)


# ---------------------------------------------------------------- the site


def _load_site() -> Definitions:
    categories = {row.id: row.code for row in Category.select(Category.id, Category.code)}
    vendors = {row.id: row.code for row in Vendor.select(Vendor.id, Vendor.code)}
    items = {row.code: ItemDef(row.code, row.name, row.price,
                               categories.get(row.category_id), vendors.get(row.vendor_id),
                               row.tax)
             for row in Item.select().where(~Item.deleted)}
    resources = {row.code: ResourceDef(row.code, row.name, row.price, row.tax)
                 for row in Resource.select().where(~Resource.deleted)}
    packages = {f"{row.campaign.code}/{row.code}": PackageDef(
                    f"{row.campaign.code}/{row.code}", row.name, row.price,
                    row.tax if row.package_type == "minutes" else None)
                for row in Package.select(Package, Campaign).join(Campaign)
                .where(~Campaign.deleted)}
    site = Site.select(Site.tax_mode).first()
    locations = {row.code: LocationDef(row.code, bool(row.campaigns_allowed))
                 for row in Location.select().where(~Location.deleted)}
    # the campaign index is built here, once per snapshot, not on the first receipt priced
    return prepare(Definitions(
        items=items, resources=resources, packages=packages, locations=locations,
        members=_members(), campaigns=_campaigns(),
        combinations=frozenset(frozenset((row.first, row.second))
                               for row in Combination.select()),
        tax_rates=tuple(TaxRateDef(row.code, row.name, Decimal(row.percent))
                        for row in TaxRate.select().where(~TaxRate.deleted).order_by(TaxRate.id)),
        tax_mode=site.tax_mode if site is not None else INCLUSIVE))


def _members() -> dict[str, MemberDef]:
    debtors = {row.id: row.code for row in Debtor.select(Debtor.id, Debtor.code)}
    segments: dict[int, set[str]] = defaultdict(set)
    for row in (SegmentMember.select(SegmentMember.member, Segment.code).join(Segment)
                .where(~Segment.deleted)):
        segments[row.member_id].add(row.segment.code)
    return {row.code: MemberDef(row.code, debtors.get(row.debtor_id),
                                frozenset(segments.get(row.id, ())))
            for row in Member.select().where(~Member.deleted)}


def _campaigns() -> dict[str, CampaignDef]:
    rows = list(Campaign.select().where(Campaign.type != "packages"))
    filters: dict[int, list[FilterDef]] = defaultdict(list)
    for row in CampaignFilter.select().order_by(CampaignFilter.position, CampaignFilter.id):
        filters[row.campaign_id].append(FilterDef(row.type, row.code, bool(row.excluded)))
    tiers: dict[int, list[TierDef]] = defaultdict(list)
    for row in Tier.select().order_by(Tier.position, Tier.id):
        tiers[row.campaign_id].append(TierDef(Decimal(row.value), row.usage or "single",
                                              row.from_quantity or 0, row.from_amount or 0))
    free: dict[int, list[FreeLineDef]] = defaultdict(list)
    for row in FreeLine.select().order_by(FreeLine.position, FreeLine.id):
        free[row.campaign_id].append(FreeLineDef(row.type, row.code))
    trigger_lines: dict[int, list[TriggerLineDef]] = defaultdict(list)
    for row in TriggerLine.select().order_by(TriggerLine.position, TriggerLine.id):
        trigger_lines[row.trigger_id].append(TriggerLineDef(row.type, row.code,
                                                            row.quantity or 1))
    triggers: dict[int, list[TriggerDef]] = defaultdict(list)
    for row in Trigger.select().order_by(Trigger.position, Trigger.id):
        triggers[row.campaign_id].append(TriggerDef(row.kind, tuple(trigger_lines[row.id]),
                                                    row.min_quantity or 0))
    return {row.code: _campaign_def(row, filters[row.id], triggers[row.id], tiers[row.id],
                                    free[row.id]) for row in rows}


def _campaign_def(row: Campaign, filters, triggers, tiers, free) -> CampaignDef:
    return CampaignDef(
        code=row.code, type=row.type, name=row.name, active=bool(row.active),
        deleted=bool(row.deleted), automatic=bool(row.automatic), priority=row.priority,
        category=row.category or None,
        value=None if row.value is None else Decimal(row.value),
        overpayment_allowed=bool(row.overpayment_allowed),
        from_date=_date(row.from_date), to_date=_date(row.to_date),
        from_time=_time(row.from_time), to_time=_time(row.to_time),
        weekdays=frozenset(row.weekdays) if row.weekdays else None,
        from_quantity=row.from_quantity or 0, from_amount=row.from_amount or 0,
        item_validity=row.item_validity or "all", buy=row.buy, pay=row.pay, get=row.get_quantity,
        usage=row.usage, reduction_type=row.reduction_type, gate_amount=row.gate_amount or 0,
        filters=tuple(filters), triggers=tuple(triggers), tiers=tuple(tiers), free=tuple(free),
        coupon_issue_active=bool(row.coupon_issue_active),
        coupon_issue_text=row.coupon_issue_text, coupon_issue_image=row.coupon_issue_image,
        coupon_issue_expiration=row.coupon_issue_expiration)


def _date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _time(value) -> dt.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(str(value))
