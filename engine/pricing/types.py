"""What pricing reads: the receipt as scanned and a snapshot of the site's definitions.

Frozen dataclasses only, so `price_receipt` is a pure function of its arguments: no database, no
clock. `engine.pricing.definitions.load_definitions` builds a `Definitions` from the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

from engine.campaigns.types import (
    DISCOUNT_TYPES,
    LINE_LEVEL_TYPES,
)
from engine.coupons.codes import normalize
from engine.pricing.tax import INCLUSIVE, TaxRate

# ---------------------------------------------------------------- the receipt


@dataclass(frozen=True)
class LineInput:
    """One scanned line: exactly one of item, resource, package."""

    item: str | None = None
    resource: str | None = None
    package: str | None = None  # "CAMPAIGN/PACKAGE"
    quantity: int = 1
    unit_price: int | None = None  # None: the definition's price
    manual_discount: int = 0  # minor units off the whole line, before any campaign


@dataclass(frozen=True)
class ReceiptInput:
    location: str
    lines: tuple[LineInput, ...]
    member: str | None = None
    debtor: str | None = None  # overrides the member's debtor
    campaigns: tuple[str, ...] = ()  # manual registrations: campaign codes (barcodes resolved)
    coupons: tuple[str, ...] = ()  # coupon codes (barcodes stripped), in the order scanned


# ---------------------------------------------------------------- the site


@dataclass(frozen=True)
class ItemDef:
    code: str
    name: str
    price: int
    category: str | None = None
    vendor: str | None = None
    tax: str | None = None  # the tax rate's code (tax.md), None on a site without rates


@dataclass(frozen=True)
class ResourceDef:
    code: str
    name: str
    price: int
    tax: str | None = None


@dataclass(frozen=True)
class PackageDef:
    code: str  # "CAMPAIGN/PACKAGE"
    name: str
    price: int
    tax: str | None = None  # a minutes package's rate; a money package has none (a voucher)


@dataclass(frozen=True)
class LocationDef:
    code: str
    campaigns_allowed: bool = False


@dataclass(frozen=True)
class MemberDef:
    code: str
    debtor: str | None = None
    segments: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FilterDef:
    type: str
    code: str | None  # None: the whole group; "": blank
    excluded: bool = False


@dataclass(frozen=True)
class TriggerLineDef:
    type: str
    code: str | None
    quantity: int = 1


@dataclass(frozen=True)
class TriggerDef:
    kind: str  # pool | set
    lines: tuple[TriggerLineDef, ...]
    min_quantity: int = 0


@dataclass(frozen=True)
class TierDef:
    value: Decimal
    usage: str = "single"
    from_quantity: int = 0
    from_amount: int = 0


@dataclass(frozen=True)
class FreeLineDef:
    type: str  # item | resource | item_category
    code: str


@dataclass(frozen=True)
class CampaignDef:
    code: str
    type: str
    name: str = ""
    active: bool = True
    deleted: bool = False
    automatic: bool = True
    priority: int = 100
    category: str | None = None
    value: Decimal | None = None
    overpayment_allowed: bool = False
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    from_time: dt.time | None = None
    to_time: dt.time | None = None
    weekdays: frozenset[str] | None = None
    from_quantity: int = 0
    from_amount: int = 0
    item_validity: str = "all"
    buy: int | None = None
    pay: int | None = None
    get: int | None = None
    usage: str | None = None
    reduction_type: str | None = None
    gate_amount: int = 0
    filters: tuple[FilterDef, ...] = ()
    triggers: tuple[TriggerDef, ...] = ()
    tiers: tuple[TierDef, ...] = ()
    free: tuple[FreeLineDef, ...] = ()
    coupon_issue_active: bool = False
    coupon_issue_text: str | None = None
    coupon_issue_image: str | None = None
    coupon_issue_expiration: str | None = None

    @property
    def is_line_level(self) -> bool:
        return self.type in LINE_LEVEL_TYPES


@dataclass(frozen=True)
class CouponDef:
    code: str
    campaign: str
    sales_type: str = "all"
    sales_code: str | None = None
    max_redemptions: int = 1
    discount_type: str | None = None
    value: Decimal | None = None
    expires_on: dt.date | None = None
    without_restrictions: bool = False
    status: str = "issued"
    redemptions: int = 0
    canceled_at: dt.datetime | None = None


@dataclass(frozen=True, eq=False)
class Definitions:
    """A snapshot of everything pricing reads. Treat the mappings as read-only."""

    items: Mapping[str, ItemDef] = field(default_factory=dict)
    resources: Mapping[str, ResourceDef] = field(default_factory=dict)
    packages: Mapping[str, PackageDef] = field(default_factory=dict)
    locations: Mapping[str, LocationDef] = field(default_factory=dict)
    members: Mapping[str, MemberDef] = field(default_factory=dict)
    campaigns: Mapping[str, CampaignDef] = field(default_factory=dict)
    combinations: frozenset[frozenset[str]] = frozenset()  # pairs of campaign/category codes
    coupons: Mapping[str, CouponDef] = field(default_factory=dict)  # by stored code
    # a text as written or scanned → the stored code it names, where a lookup beyond case and
    # dashes found it (a coupon barcode's prefix: `load_definitions` resolves those)
    coupon_aliases: Mapping[str, str] = field(default_factory=dict)
    tax_rates: tuple[TaxRate, ...] = ()  # in the site file's order; none: the site prints no tax
    tax_mode: str = INCLUSIVE

    def coupon_for(self, written: str) -> CouponDef | None:
        """The coupon `written` names: matched ignoring case and dashes (decision 4). Two
        stored codes alike but for case or dashes: the exact spelling wins, else none."""
        alias = self.coupon_aliases.get(written)
        found = self.coupons.get(alias if alias is not None else written)
        if found is not None:
            return found
        key = normalize(written)
        alike = [c for c in self.coupons.values() if normalize(c.code) == key] if key else []
        return alike[0] if len(alike) == 1 else None

    @cached_property
    def scratch(self) -> dict:
        """Caches derived from this snapshot (compiled filters…); dropped with it."""
        return {}

    def with_coupons(self, coupons: Mapping[str, CouponDef],
                     coupon_aliases: Mapping[str, str] | None = None) -> Definitions:
        """This snapshot with other coupons (a receipt's, or some priced as used up), sharing
        its compiled caches: they derive from the campaigns, which stay the same."""
        snapshot = replace(self, coupons=coupons, coupon_aliases=(
            self.coupon_aliases if coupon_aliases is None else coupon_aliases))
        snapshot.__dict__["scratch"] = self.scratch
        return snapshot

    @cached_property
    def discount_campaigns(self) -> tuple[CampaignDef, ...]:
        return tuple(c for c in self.campaigns.values() if c.type in DISCOUNT_TYPES)

    def combines(self, first: str, second: str) -> bool:
        """(A, B), (A's category, B), (A, B's category) or both categories, in either order."""
        if first == second:
            return True
        return not self.combination_names(second).isdisjoint(self.partners(first))

    def combination_names(self, code: str) -> frozenset[str]:
        """The names a pair in `combinations` may join a campaign by: its code, its category."""
        campaign = self.campaigns.get(code)
        if campaign is None or not campaign.category:
            return frozenset((code,))
        return frozenset((code, campaign.category))

    def partners(self, code: str) -> frozenset[str]:
        """Every campaign or category name that a pair in `combinations` joins to `code`: a
        campaign combines with `code` when one of its combination names is among them."""
        memo = self._partner_memo
        found = memo.get(code)
        if found is None:
            index = self._pair_index
            found = frozenset().union(*(index.get(name, ())
                                        for name in self.combination_names(code)))
            memo[code] = found
        return found

    @cached_property
    def _pair_index(self) -> dict[str, set[str]]:
        index: dict[str, set[str]] = {}
        for pair in self.combinations:
            first, second = (tuple(pair) * 2)[:2]
            index.setdefault(first, set()).add(second)
            index.setdefault(second, set()).add(first)
        return index

    @cached_property
    def _partner_memo(self) -> dict[str, frozenset[str]]:
        return {}
