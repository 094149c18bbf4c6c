"""The one vocabulary of campaigns: their types, which of them price lines or receipts, which
take a percentage, the filter and trigger kinds, weekdays, and the manager's actions on them.
The site file's schema, pricing, the campaign forms and the admin commands all read it here."""

from __future__ import annotations

PACKAGES = "packages"
CATEGORY = "category"
COUPONING = "couponing"

# discount campaigns (spec/pricing.md), in the order forms offer them
DISCOUNT_TYPES = ("line_discount", "line_reduce", "receipt_discount", "receipt_reduce",
                  "tiered_discount", "tiered_reduce", "m_for_n", "m_plus_n", COUPONING)
CAMPAIGN_TYPES = (PACKAGES, *DISCOUNT_TYPES, CATEGORY)
LINE_LEVEL_TYPES = frozenset({"line_discount", "line_reduce", "m_for_n", "m_plus_n"})
PERCENT_TYPES = ("line_discount", "receipt_discount", "tiered_discount")
# the types whose site record must say `automatic` (pricing.md decision 1: not couponing, whose
# coupons register it; category campaigns have no such key at all)
AUTOMATIC_REQUIRED = tuple(t for t in DISCOUNT_TYPES if t != COUPONING)
# the types whose validity may set a minimum quantity or amount of the eligible lines (decision 2)
MINIMUM_TYPES = ("receipt_discount", "receipt_reduce")

FILTER_TYPES = ("location", "item", "item_category", "vendor", "resource", "debtor", "contact")
LINE_FILTER_TYPES = ("item", "item_category", "vendor", "resource")
RECEIPT_FILTER_TYPES = ("location", "debtor", "contact")
TRIGGER_LINE_TYPES = ("item", "item_category", "vendor", "resource")
FREE_LINE_TYPES = ("item", "resource", "item_category")
TIER_USAGES = ("single", "multiple", "quantity_scale", "quantity_scale_total")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

ACTIONS = ("activate", "deactivate", "delete")  # what a manager does to a campaign
