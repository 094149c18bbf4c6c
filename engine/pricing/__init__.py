"""Discount campaigns: the pure pricing function and the definitions it reads.

    priced = price_receipt(receipt, definitions, at)

`receipt` is a `ReceiptInput`, `definitions` a `Definitions` snapshot (see
`engine.pricing.definitions.load_definitions`), `at` the receipt's moment. Nothing here reads
the clock or writes the database.
"""

from engine.pricing.engine import price_receipt
from engine.pricing.result import (
    CouponToIssue,
    EntryResult,
    PricedLine,
    PricedReceipt,
    Reduction,
    Rejection,
)
from engine.pricing.types import (
    CampaignDef,
    CouponDef,
    Definitions,
    FilterDef,
    FreeLineDef,
    ItemDef,
    LineInput,
    LocationDef,
    MemberDef,
    PackageDef,
    ReceiptInput,
    ResourceDef,
    TierDef,
    TriggerDef,
    TriggerLineDef,
)

__all__ = [
    "CampaignDef", "CouponDef", "CouponToIssue", "Definitions", "EntryResult", "FilterDef",
    "FreeLineDef", "ItemDef", "LineInput", "LocationDef", "MemberDef", "PackageDef",
    "PricedLine", "PricedReceipt", "ReceiptInput", "Reduction", "Rejection", "ResourceDef",
    "TierDef", "TriggerDef", "TriggerLineDef", "price_receipt",
]
