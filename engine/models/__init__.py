"""All tables, one module per concept. `ALL_MODELS` is what the schema is made of."""

from engine.models import (
    campaigns,
    conflicts,
    coupons,
    credits,
    days,
    journal,
    logins,
    member_facts,
    orders,
    quick_keys,
    reprints,
    sales,
    session_bills,
    shifts,
    site,
    stations,
    sync,
    tax,
    till,
)
from engine.models.base import BaseModel, Definition
from engine.models.campaigns import (
    Campaign,
    CampaignFilter,
    Combination,
    FreeLine,
    Package,
    Tier,
    Trigger,
    TriggerLine,
)
from engine.models.coupons import Coupon, CouponRedemption
from engine.models.credits import Consumption, Lot, Purchase, Refund
from engine.models.days import DayClosing
from engine.models.journal import Counter, Event, LocalState
from engine.models.sales import Entry, EntryAllocation, LineReduction, Payment, Receipt, ReceiptLine
from engine.models.session_bills import SessionBill
from engine.models.site import (
    BarcodeRule,
    Category,
    Debtor,
    Item,
    ItemBarcode,
    Location,
    Member,
    PaymentMethod,
    Resource,
    Segment,
    SegmentMember,
    Setting,
    Site,
    Staff,
    Vendor,
)
from engine.models.stations import PlaySession, SessionEvent, SessionMinute, Station, StationGroup
from engine.models.tax import ReceiptTax, TaxRate

ALL_MODELS = [
    *site.MODELS,
    *campaigns.MODELS,
    *coupons.MODELS,
    *sales.MODELS,
    *credits.MODELS,
    *journal.MODELS,
    *sync.MODELS,
    *orders.MODELS,
    *logins.MODELS,
    *shifts.MODELS,
    *conflicts.MODELS,
    *stations.MODELS,
    *session_bills.MODELS,
    *till.MODELS,
    *quick_keys.MODELS,
    *member_facts.MODELS,
    *tax.MODELS,
    *days.MODELS,
    *reprints.MODELS,
]

__all__ = [
    "ALL_MODELS", "BaseModel", "Definition", "BarcodeRule", "Campaign", "CampaignFilter",
    "Category", "Combination", "Consumption", "Counter", "Coupon", "CouponRedemption", "Debtor",
    "Entry", "EntryAllocation", "Event", "FreeLine", "Item", "ItemBarcode", "LineReduction",
    "LocalState", "Location", "Lot", "Member", "Package", "Payment", "PaymentMethod", "Purchase",
    "Receipt", "ReceiptLine", "Refund", "Resource", "Segment", "SegmentMember", "Setting", "Site",
    "SessionBill", "Staff", "Station", "StationGroup", "PlaySession", "SessionEvent",
    "SessionMinute", "Tier", "Trigger", "TriggerLine", "Vendor", "ReceiptTax", "TaxRate",
    "DayClosing",
]
