"""What a scanned or typed code means at the counter — the one place that knows the order.

`resolve(scanned)` goes through the site's barcode setup: an item barcode, a member card, a
barcode rule (prefix/suffix stripped, then looked up by the rule's type, the longest prefix
first), a bare coupon code, a kiosk order ticket ("ORD…"). A code that looks like an EAN/UPC
but has a wrong check digit is "invalid" (a misread), not "unknown".

`interpret(text)` is what the till does with it: `resolve` first, then the code as typed — an
item, resource or member code (as typed, then upper-cased), a campaign code, a coupon code.
Every lookup but a coupon's and a kiosk order's is in memory (`engine.sales.scan_index`, one
snapshot per scan, rebuilt when the database changed): a scanned item costs one PRAGMA.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.codes.rules import gtin_check_digit_ok, looks_like_gtin, matching_rules
from engine.coupons.lookup import find_coupon
from engine.models import Coupon
from engine.models.orders import PendingOrder
from engine.sales.orders import ORDER_PREFIX, order_code
from engine.sales.scan_index import ScanIndex, current

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


def _by_rule(kind: str, inner: str, scanned: str, index: ScanIndex,
             coupon: Callable[[], Coupon | None]) -> Resolved | None:
    if kind == "campaign":
        campaign = index.campaigns.get(inner)
        return Resolved("campaign", campaign.code, scanned) if campaign else None
    if kind == "coupon":
        found = coupon()
        return Resolved("coupon", found.code, scanned) if found else None
    if kind == "member":
        member = index.member_for_rule(scanned, inner)
        return Resolved("member", member.code, scanned) if member else None
    if kind == "item":
        item = index.items.get(inner)
        return Resolved("item", item.code, scanned) if item else None
    return None


def _coupon_lookup(code: str, index: ScanIndex) -> Callable[[], Coupon | None]:
    """find_coupon(code) read once, when first asked: coupons are read from the database (they
    are issued and redeemed all day), and every coupon rule asks the same question."""
    found: list[Coupon | None] = []

    def lookup() -> Coupon | None:
        if not found:
            found.append(find_coupon(code, index.rules))
        return found[0]
    return lookup


def _pending_order(code: str) -> str | None:
    """A kiosk's pay-at-counter ticket ("ORD" + order code)."""
    if not code.upper().startswith(ORDER_PREFIX):
        return None
    order = PendingOrder.get_or_none(PendingOrder.code == order_code(code))
    return order.code if order else None


def resolve(scanned: str, index: ScanIndex | None = None) -> Resolved:
    """What `scanned` names through the barcode setup (see the module's order); `index` the
    snapshot the caller holds (the current one when not given)."""
    code = scanned.strip()
    index = current() if index is None else index
    item = index.barcodes.get(code)
    if item is not None:
        return Resolved("item", item.code, code)
    member = index.cards.get(code)
    if member is not None:
        return Resolved("member", member.code, code)
    coupon = _coupon_lookup(code, index)
    for rule, inner in matching_rules(code, rules=index.rules):
        found = _by_rule(rule.type, inner, code, index, coupon)
        if found is not None:
            return found
    if (row := coupon()) is not None:
        return Resolved("coupon", row.code, code)
    order = _pending_order(code)
    if order is not None:
        return Resolved("order", order, code)
    if looks_like_gtin(code) and not gtin_check_digit_ok(code):
        return Resolved("invalid", None, code)
    return Resolved("unknown", None, code)


def strip_coupon_barcode(scanned: str) -> str:
    """A coupon code from a coupon barcode (prefix/suffix removed), or the text as typed."""
    code = scanned.strip()
    rules = current().rules
    coupon = find_coupon(code, rules)
    if coupon is not None:
        return coupon.code
    for _rule, inner in matching_rules(code, "coupon", rules):
        return inner
    return code


def strip_campaign_barcode(scanned: str, index: ScanIndex | None = None) -> str | None:
    """The campaign code a registration names: a campaign code or a campaign barcode."""
    code = scanned.strip()
    index = current() if index is None else index
    if code in index.campaigns:
        return code
    for _rule, inner in matching_rules(code, "campaign", index.rules):
        if inner in index.campaigns:
            return inner
    return None


def interpret(text: str, index: ScanIndex | None = None) -> Interpretation:
    """What a scanned or typed code means at the till (nothing is added); `index` as resolve's."""
    code = text.strip()
    if not code:
        return Interpretation("unknown", None, NOTHING_SCANNED, "nothing was scanned")
    if code.upper().startswith(ORDER_PREFIX):
        return Interpretation("order", code)
    index = current() if index is None else index
    found = resolve(code, index)
    if found.kind in ("item", "member", "campaign", "coupon"):
        return Interpretation(found.kind, found.code)
    # typed codes: an item or resource code, a member code, a campaign code, a coupon code
    for kind, table in (("item", index.items), ("resource", index.resources)):
        row = table.get(code) or table.get(code.upper())
        if row is not None:
            return Interpretation(kind, row.code)
    member = index.member_by_code(code)  # a card or member barcode: resolve tried those
    if member is not None:
        return Interpretation("member", member.code)
    campaign = strip_campaign_barcode(code, index)
    if campaign is not None:
        return Interpretation("campaign", campaign)
    if found.kind == "invalid":
        return Interpretation("unknown", None, MISREAD,
                              f"{code}: misread barcode (wrong check digit); scan it again")
    return Interpretation("unknown", None, UNKNOWN_CODE,
                          f"{code}: not an item, member card, coupon or campaign code")
