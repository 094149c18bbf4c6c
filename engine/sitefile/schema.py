"""The shape of a site file: every section, record and field, with defaults (site-file.md).

A `Record` lists its fields; a `Field` has a checker (a function from fields.py, a nested Record,
or a `ListOf`), whether it is required, its default, and whether it is a child list (omitted child
lists leave the stored ones alone; given ones replace them). Campaign fields depend on the type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.campaigns.types import (
    CAMPAIGN_TYPES,
    FILTER_TYPES,
    FREE_LINE_TYPES,
    TIER_USAGES,
    TRIGGER_LINE_TYPES,
)
from engine.sitefile import fields as f


@dataclass(frozen=True)
class Record:
    fields: dict[str, Field]

    def defaults(self) -> dict[str, Any]:
        return {name: spec.default_value() for name, spec in self.fields.items()
                if not spec.required and not spec.child}


@dataclass(frozen=True)
class ListOf:
    item: Any  # a Record or a checker


@dataclass(frozen=True)
class Field:
    check: Any  # a checker, a Record or a ListOf
    required: bool = False
    default: Any = None
    child: bool = False

    def default_value(self) -> Any:
        if isinstance(self.check, Record) and self.default is None:
            return self.check.defaults()
        if isinstance(self.default, list):
            return list(self.default)
        return self.default


def req(check: Any) -> Field:
    return Field(check, required=True)


def opt(check: Any, default: Any = None) -> Field:
    return Field(check, default=default)


def children(item: Any) -> Field:
    return Field(ListOf(item), default=[], child=True)


CODE = req(f.code)
NAME = req(f.nonempty_text)
DELETED = opt(f.boolean, False)

DEVICES = ("pc", "console", "any")
SETTINGS_CHECKS = {
    "consumption_order": f.enum("expiry_first", "bonus_first", "paid_first"),
    "kiosk_idle_seconds": f.int_range(5, 86400),
    "offline_policy": f.allow_or_deny,  # sync.md: strict operations without the authority
    "receipt_header": f.text_lines,  # engine.documents
    "receipt_footer": f.text_lines,
    "receipt_logo": f.text,
    "printer": f.mapping,  # the printer profile, checked by hardware.printing
    # sessions.md: the warning before a member's cover runs out, the station agent's heartbeat
    # and how long the meter waits for one before it pauses the station's session
    "session_warning_minutes": f.int_range(0, 1440),
    "agent_heartbeat_seconds": f.int_range(5, 3600),
    "agent_timeout_seconds": f.int_range(10, 86400),
    # issue 18: a wallet purchase at the kiosk asks for the PIN again after a card login; the
    # apps' short sound on every scan; the kiosk's visible countdown before its idle logout;
    # the done screen's time before the kiosk logs the member out
    "kiosk_wallet_pin": f.boolean,
    "scan_sounds": f.boolean,
    "kiosk_idle_warning_seconds": f.int_range(0, 600),
    "kiosk_done_seconds": f.int_range(1, 600),
}
SETTINGS_DEFAULTS = {"consumption_order": "expiry_first", "kiosk_idle_seconds": 60,
                     "session_warning_minutes": 5, "agent_heartbeat_seconds": 30,
                     "agent_timeout_seconds": 120, "kiosk_wallet_pin": True, "scan_sounds": True,
                     "kiosk_idle_warning_seconds": 10, "kiosk_done_seconds": 8}

SITE = Record({
    "code": CODE, "name": NAME, "currency": opt(f.currency, "EUR"),
    # the currency's own digits (CLDR: EUR 2, JPY 0) when omitted; another number is refused
    "minor_digits": opt(f.int_range(0, 4)), "timezone": opt(f.timezone, "UTC"),
    "locale": opt(f.locale, "en_US"),  # language and formats of the site's screens and paper
    "tax_mode": opt(f.enum("inclusive", "exclusive"), "inclusive"),  # tax.md: prices contain tax?
})
# tax.md: a rate's percent never changes once stored (a new percent is a new rate)
TAX_RATE = Record({"code": CODE, "name": NAME, "percent": req(f.percent), "deleted": DELETED})
TAX = opt(f.code)  # the tax rate an item, resource, station group or minutes package names
LOCATION = Record({
    "code": CODE, "kind": req(f.enum("counter", "kiosk")), "name": opt(f.text),
    "campaigns_allowed": opt(f.boolean, False), "deleted": DELETED,
})
NAMES = opt(f.names)  # the name in other languages: {de: ..., tr: ...} (issue 20)
NAMED = Record({"code": CODE, "name": NAME, "deleted": DELETED})
CATEGORY = Record({"code": CODE, "name": NAME, "names": NAMES, "deleted": DELETED})
ITEM = Record({
    "code": CODE, "name": NAME, "names": NAMES, "price": req(f.amount), "category": opt(f.code),
    "vendor": opt(f.code), "barcodes": Field(f.string_list, default=[], child=True),
    "tax": TAX, "deleted": DELETED,
})
RESOURCE = Record({
    "code": CODE, "name": NAME, "names": NAMES, "price": req(f.amount), "device": opt(f.enum(*DEVICES), "any"),
    "tax": TAX, "deleted": DELETED,
})
STATION_DEVICES = ("pc", "console")
STATION_GROUP = Record({
    "code": CODE, "name": NAME, "device": req(f.enum(*STATION_DEVICES)),
    "rate_per_hour": req(f.positive), "minimum_minutes": opt(f.int_range(0, 1440), 0),
    "resource": opt(f.code), "tax": TAX, "deleted": DELETED,
})
HOOKS = Record({"start": opt(f.nonempty_text), "stop": opt(f.nonempty_text)})
STATION = Record({
    "code": CODE, "name": NAME, "group": req(f.code), "agent": opt(f.boolean, False),
    "active": opt(f.boolean, True), "hooks": opt(HOOKS), "deleted": DELETED,
})
MEMBER = Record({
    "code": CODE, "name": NAME, "card": opt(f.nonempty_text), "debtor": opt(f.code),
    "pin_hash": opt(f.pin_hash), "can_login": opt(f.boolean, True), "active": opt(f.boolean, True),
    "deleted": DELETED,
})
SEGMENT = Record({
    "code": CODE, "name": NAME, "members": Field(f.code_list, default=[], child=True),
    "deleted": DELETED,
})
STAFF = Record({
    "code": CODE, "name": NAME, "role": req(f.enum("cashier", "manager", "owner")),
    "pin_hash": opt(f.pin_hash), "active": opt(f.boolean, True), "deleted": DELETED,
    "language": opt(f.language),  # the counter speaks it after this person logs in
})
PAYMENT_METHOD = Record({
    "code": CODE, "commission_percent": opt(f.percent, "0"), "fixed_fee": opt(f.amount, 0),
    "deleted": DELETED,
})
BARCODE_RULE = Record({
    "prefix": req(f.nonempty_text), "suffix": opt(f.text, ""),
    "type": req(f.enum("campaign", "coupon", "member", "item")), "deleted": DELETED,
})
# issue 18 item 5: the counter's quick keys, a tab (page) of tiles per category of things that
# have no barcode; a tile names exactly one item or resource (validate.py), label optional
QUICK_TILE = Record({"item": opt(f.code), "resource": opt(f.code), "label": opt(f.nonempty_text)})
MAX_QUICK_TILES = 48
QUICK_KEY_PAGE = Record({
    "code": CODE, "name": NAME, "position": opt(f.int_range(0, 999), 0),
    "tiles": opt(ListOf(QUICK_TILE), []), "deleted": DELETED,
})
COUPON = Record({
    "code": CODE, "campaign": req(f.code),
    "sales_type": opt(f.enum("all", "debtor", "contact", "segment"), "all"),
    "sales_code": opt(f.code_or_blank), "max_redemptions": opt(f.amount, 1),
    "discount_type": opt(f.enum("discount", "reduce")), "value": opt(lambda v: v),
    "expires_on": opt(f.date), "without_restrictions": opt(f.boolean, False),
    "text": opt(f.text), "image": opt(f.text),
})

PACKAGE = Record({
    "code": CODE, "name": NAME, "names": NAMES, "package_type": req(f.enum("minutes", "money")),
    "base": req(f.positive), "bonus_type": opt(f.enum("none", "minutes", "money"), "none"),
    "bonus": opt(f.positive), "price": req(f.amount), "device": opt(f.enum(*DEVICES), "any"),
    "validity_days": opt(f.int_range(1, f.MAX_VALIDITY_DAYS)), "weekdays": opt(f.weekdays),
    "max_per_member": opt(f.positive),
    "active": opt(f.boolean, True), "tax": TAX,
})
FILTER = Record({
    "type": req(f.enum(*FILTER_TYPES)), "code": opt(f.code_or_blank),
    "excluded": opt(f.boolean, False),
})
TRIGGER_LINE = Record({
    "type": req(f.enum(*TRIGGER_LINE_TYPES)), "code": opt(f.code_or_blank),
    "quantity": opt(f.positive, 1),
})
POOL_TRIGGER = Record({"min_quantity": req(f.positive), "lines": req(ListOf(TRIGGER_LINE))})
SET_TRIGGER = Record({"lines": req(ListOf(TRIGGER_LINE))})
TRIGGERS = Record({"pool": opt(ListOf(POOL_TRIGGER), []), "set": opt(ListOf(SET_TRIGGER), [])})
VALIDITY = Record({
    "from_date": opt(f.date), "to_date": opt(f.date), "from_time": opt(f.time_of_day),
    "to_time": opt(f.time_of_day), "weekdays": opt(f.weekdays), "from_quantity": opt(f.amount, 0),
    "from_amount": opt(f.amount, 0),
    "item_validity": opt(f.enum("all", "reduced", "not_reduced"), "all"),
})
COUPON_ISSUE = Record({
    "active": opt(f.boolean, False), "text": opt(f.text), "image": opt(f.text),
    "expiration": opt(f.date_formula_or_date),
})
TIER = Record({
    "from_quantity": opt(f.amount, 0), "from_amount": opt(f.amount, 0),
    "value": req(lambda v: v), "usage": opt(f.enum(*TIER_USAGES), "single"),
})
FREE_LINE = Record({"type": req(f.enum(*FREE_LINE_TYPES)), "code": req(f.code)})

_COMMON = {
    "code": CODE, "type": req(f.enum(*CAMPAIGN_TYPES)), "name": NAME, "names": NAMES,
    "description": opt(f.text, ""), "active": opt(f.boolean, False), "deleted": DELETED,
}
_DISCOUNT = {
    "automatic": opt(f.boolean, True), "priority": opt(f.integer, 100),
    "category": opt(f.code),
    "print_type": opt(f.enum("none", "code", "description", "coupon"), "description"),
    "notification_type": opt(f.enum("none", "always"), "none"),
    "overpayment_allowed": opt(f.boolean, False),
    "validity": opt(VALIDITY), "filters": children(FILTER), "triggers": Field(
        TRIGGERS, default=None, child=True),
    "coupon_issue": opt(COUPON_ISSUE),
}
_USAGE = opt(f.enum("single", "multiple"), "single")


def _campaign(**extra: Field) -> Record:
    return Record({**_COMMON, **extra})


def _discount(**extra: Field) -> Record:
    return Record({**_COMMON, **_DISCOUNT, **extra})


CAMPAIGNS: dict[str, Record] = {
    "packages": _campaign(starts_at=opt(f.datetime), expires_at=opt(f.datetime),
                          packages=children(PACKAGE)),
    "category": _campaign(priority=opt(f.integer, 100)),
    "line_discount": _discount(value=req(f.percent)),
    "receipt_discount": _discount(value=req(f.percent)),
    "line_reduce": _discount(value=req(f.amount)),
    "receipt_reduce": _discount(value=req(f.amount)),
    "tiered_discount": _discount(tiers=Field(ListOf(TIER), required=True, child=True)),
    "tiered_reduce": _discount(tiers=Field(ListOf(TIER), required=True, child=True)),
    "m_for_n": _discount(buy=req(f.positive), pay=req(f.amount), usage=_USAGE),
    "m_plus_n": _discount(
        buy=req(f.positive), get=req(f.positive), from_amount=opt(f.amount, 0), usage=_USAGE,
        reduction_type=opt(f.enum("line_reduce", "receipt_reduce"), "line_reduce"),
        set_usage=opt(f.boolean, False), free=children(FREE_LINE)),
    "couponing": _discount(),
}
CAMPAIGN_BASE = Record(dict(_COMMON))


@dataclass(frozen=True)
class Section:
    """A top-level list of records matched by `key` (a field name)."""

    name: str
    record: Record
    key: str = "code"
    extra: dict[str, Any] = field(default_factory=dict)


SECTIONS = {
    "tax_rates": Section("tax_rates", TAX_RATE),
    "locations": Section("locations", LOCATION),
    "categories": Section("categories", CATEGORY),
    "vendors": Section("vendors", NAMED),
    "items": Section("items", ITEM),
    "resources": Section("resources", RESOURCE),
    "station_groups": Section("station_groups", STATION_GROUP),
    "stations": Section("stations", STATION),
    "debtors": Section("debtors", NAMED),
    "members": Section("members", MEMBER),
    "segments": Section("segments", SEGMENT),
    "staff": Section("staff", STAFF),
    "payment_methods": Section("payment_methods", PAYMENT_METHOD),
    "quick_keys": Section("quick_keys", QUICK_KEY_PAGE),
    "campaigns": Section("campaigns", CAMPAIGN_BASE),
    "coupons": Section("coupons", COUPON),
}
# Every top-level key, in the order the file is applied and exported.
TOP_LEVEL = ("site", "settings", "tax_rates", "locations", "categories", "vendors", "items",
             "resources", "station_groups", "stations", "debtors", "members", "segments", "staff",
             "payment_methods", "quick_keys", "barcodes", "campaigns", "combinations", "coupons")


def campaign_record(campaign_type: str) -> Record:
    return CAMPAIGNS.get(campaign_type, CAMPAIGN_BASE)
