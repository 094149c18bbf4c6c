"""What a scanned or typed code means at the counter — the one place that knows the order.

`resolve(scanned)` goes through the site's barcode setup: an item barcode, a member card, a
barcode rule (prefix/suffix stripped, then looked up by the rule's type, the longest prefix
first), a bare coupon code, a kiosk order ticket ("ORD…"). A code that looks like an EAN/UPC
but has a wrong check digit is "invalid" (a misread), not "unknown".

`interpret(text)` is what the till does with it: `resolve` first, then the code as typed — an
item, resource or member code (as typed, then upper-cased), a campaign code, a coupon code.
The barcode rules are read once per scan and handed to every lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.codes.rules import barcode_rules, gtin_check_digit_ok, looks_like_gtin, matching_rules
from engine.coupons.lookup import find_coupon
from engine.models import BarcodeRule, Campaign, Item, ItemBarcode, Resource
from engine.models.orders import PendingOrder
from engine.people.members import member_by_card, member_by_code, member_for_rule
from engine.sales.orders import ORDER_PREFIX, order_code

KINDS = ("item", "member", "coupon", "campaign", "order", "unknown", "invalid")

# Interpretation reason codes (why a code means nothing)
NOTHING_SCANNED = "nothing_scanned"
MISREAD = "misread"
UNKNOWN_CODE = "unknown_code"


@dataclass(frozen=True)
class Resolved:
    kind: str  # one of KINDS
    code: str | None  # the item/member/coupon/campaign code
    scanned: str

    def as_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "code": self.code, "scanned": self.scanned}


@dataclass(frozen=True)
class Interpretation:
    """What a code means here, before anything is added."""

    kind: str  # item | resource | member | coupon | campaign | order | unknown
    code: str | None
    reason_code: str | None = None  # why it means nothing (unknown)
    message: str = ""


def live_campaign(code: str) -> Campaign | None:
    return Campaign.get_or_none((Campaign.code == code) & ~Campaign.deleted)


def _by_rule(kind: str, inner: str, scanned: str, rules: list[BarcodeRule]) -> Resolved | None:
    if kind == "campaign":
        campaign = live_campaign(inner)
        return Resolved("campaign", campaign.code, scanned) if campaign else None
    if kind == "coupon":
        coupon = find_coupon(scanned, rules)
        return Resolved("coupon", coupon.code, scanned) if coupon else None
    if kind == "member":
        member = member_for_rule(scanned, inner)
        return Resolved("member", member.code, scanned) if member else None
    if kind == "item":
        item = Item.get_or_none((Item.code == inner) & ~Item.deleted)
        return Resolved("item", item.code, scanned) if item else None
    return None


def _pending_order(code: str) -> str | None:
    """A kiosk's pay-at-counter ticket ("ORD" + order code)."""
    if not code.upper().startswith(ORDER_PREFIX):
        return None
    order = PendingOrder.get_or_none(PendingOrder.code == order_code(code))
    return order.code if order else None


def resolve(scanned: str, rules: list[BarcodeRule] | None = None) -> Resolved:
    """What `scanned` names through the barcode setup (see the module's order)."""
    code = scanned.strip()
    barcode = (ItemBarcode.select(ItemBarcode, Item).join(Item)
               .where((ItemBarcode.barcode == code) & ~Item.deleted).first())
    if barcode is not None:
        return Resolved("item", barcode.item.code, code)
    member = member_by_card(code)
    if member is not None:
        return Resolved("member", member.code, code)
    rules = barcode_rules() if rules is None else rules
    for rule, inner in matching_rules(code, rules=rules):
        found = _by_rule(rule.type, inner, code, rules)
        if found is not None:
            return found
    coupon = find_coupon(code, rules)
    if coupon is not None:
        return Resolved("coupon", coupon.code, code)
    order = _pending_order(code)
    if order is not None:
        return Resolved("order", order, code)
    if looks_like_gtin(code) and not gtin_check_digit_ok(code):
        return Resolved("invalid", None, code)
    return Resolved("unknown", None, code)


def strip_coupon_barcode(scanned: str) -> str:
    """A coupon code from a coupon barcode (prefix/suffix removed), or the text as typed."""
    code = scanned.strip()
    rules = barcode_rules()
    coupon = find_coupon(code, rules)
    if coupon is not None:
        return coupon.code
    for _rule, inner in matching_rules(code, "coupon", rules):
        return inner
    return code


def strip_campaign_barcode(scanned: str, rules: list[BarcodeRule] | None = None) -> str | None:
    """The campaign code a registration names: a campaign code or a campaign barcode."""
    code = scanned.strip()
    if live_campaign(code):
        return code
    for _rule, inner in matching_rules(code, "campaign", rules):
        if live_campaign(inner):
            return inner
    return None


def interpret(text: str) -> Interpretation:
    """What a scanned or typed code means at the till (nothing is added)."""
    code = text.strip()
    if not code:
        return Interpretation("unknown", None, NOTHING_SCANNED, "nothing was scanned")
    if code.upper().startswith(ORDER_PREFIX):
        return Interpretation("order", code)
    rules = barcode_rules()
    found = resolve(code, rules)
    if found.kind in ("item", "member", "campaign", "coupon"):
        return Interpretation(found.kind, found.code)
    # typed codes: an item or resource code, a member code, a campaign code, a coupon code
    for kind, model in (("item", Item), ("resource", Resource)):
        row = model.get_or_none((model.code == code) & ~model.deleted) or \
            model.get_or_none((model.code == code.upper()) & ~model.deleted)
        if row is not None:
            return Interpretation(kind, row.code)
    member = member_by_code(code)  # a card or member barcode: resolve tried those
    if member is not None:
        return Interpretation("member", member.code)
    campaign = strip_campaign_barcode(code, rules)
    if campaign is not None:
        return Interpretation("campaign", campaign)
    if found.kind == "invalid":
        return Interpretation("unknown", None, MISREAD,
                              f"{code}: misread barcode (wrong check digit); scan it again")
    return Interpretation("unknown", None, UNKNOWN_CODE,
                          f"{code}: not an item, member card, coupon or campaign code")
