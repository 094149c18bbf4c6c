"""What a scanned code means, through the site's barcode setup.

Order: an item barcode, then a member card, then a barcode rule (prefix/suffix stripped, then
looked up by the rule's type), then a bare coupon code, then a kiosk order ticket ("ORD…"). A code that looks like an EAN/UPC but has
a wrong check digit is "invalid" (a misread), not "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.models import BarcodeRule, Campaign, Coupon, Item, ItemBarcode, Member

KINDS = ("item", "member", "coupon", "campaign", "order", "unknown", "invalid")


@dataclass(frozen=True)
class Resolved:
    kind: str  # one of KINDS
    code: str | None  # the item/member/coupon/campaign code
    scanned: str

    def as_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "code": self.code, "scanned": self.scanned}


def gtin_check_digit_ok(code: str) -> bool:
    """EAN-8, UPC-A (12), EAN-13, GTIN-14: the mod-10 check digit."""
    digits = [int(c) for c in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def looks_like_gtin(code: str) -> bool:
    return code.isdigit() and len(code) in (8, 12, 13, 14)


def strip_rule(code: str, rule: BarcodeRule) -> str | None:
    """The code inside `code` when it matches the rule's prefix and suffix, else None."""
    if not code.startswith(rule.prefix):
        return None
    if rule.suffix and not code.endswith(rule.suffix):
        return None
    inner = code[len(rule.prefix): len(code) - len(rule.suffix) if rule.suffix else None]
    return inner or None


def matching_rules(code: str, kind: str | None = None) -> list[tuple[BarcodeRule, str]]:
    """Rules that match `code`, the longest prefix first, with the stripped code."""
    query = BarcodeRule.select()
    if kind is not None:
        query = query.where(BarcodeRule.type == kind)
    rules = sorted(query, key=lambda r: (-len(r.prefix), -len(r.suffix), r.position))
    return [(rule, inner) for rule in rules if (inner := strip_rule(code, rule)) is not None]


def live_campaign(code: str) -> Campaign | None:
    return Campaign.get_or_none((Campaign.code == code) & ~Campaign.deleted)


def _find_coupon(scanned: str) -> Coupon | None:
    """Coupons are matched ignoring case and dashes, barcode prefix or not (engine.coupons)."""
    from engine.coupons.lookup import find_coupon

    return find_coupon(scanned)


def _lookup(kind: str, inner: str, scanned: str) -> Resolved | None:
    if kind == "campaign":
        campaign = live_campaign(inner)
        return Resolved("campaign", campaign.code, scanned) if campaign else None
    if kind == "coupon":
        coupon = _find_coupon(scanned)
        return Resolved("coupon", coupon.code, scanned) if coupon else None
    if kind == "member":
        member = (Member.get_or_none((Member.card == scanned) & ~Member.deleted)
                  or Member.get_or_none((Member.card == inner) & ~Member.deleted)
                  or Member.get_or_none((Member.code == inner) & ~Member.deleted))
        return Resolved("member", member.code, scanned) if member else None
    if kind == "item":
        item = Item.get_or_none((Item.code == inner) & ~Item.deleted)
        return Resolved("item", item.code, scanned) if item else None
    return None


def _pending_order(code: str) -> str | None:
    """A kiosk's pay-at-counter ticket ("ORD" + order code)."""
    from engine.models.orders import PendingOrder
    from engine.orders import order_code

    if not code.upper().startswith("ORD"):
        return None
    order = PendingOrder.get_or_none(PendingOrder.code == order_code(code))
    return order.code if order else None


def resolve(scanned: str) -> Resolved:
    code = scanned.strip()
    barcode = (ItemBarcode.select(ItemBarcode, Item).join(Item)
               .where((ItemBarcode.barcode == code) & ~Item.deleted).first())
    if barcode is not None:
        return Resolved("item", barcode.item.code, code)
    member = Member.get_or_none((Member.card == code) & ~Member.deleted)
    if member is not None:
        return Resolved("member", member.code, code)
    for rule, inner in matching_rules(code):
        found = _lookup(rule.type, inner, code)
        if found is not None:
            return found
    coupon = _find_coupon(code)
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
    coupon = _find_coupon(code)
    if coupon is not None:
        return coupon.code
    for _rule, inner in matching_rules(code, "coupon"):
        return inner
    return code


def strip_campaign_barcode(scanned: str) -> str | None:
    """The campaign code a registration names: a campaign code or a campaign barcode."""
    code = scanned.strip()
    if live_campaign(code):
        return code
    for _rule, inner in matching_rules(code, "campaign"):
        if live_campaign(inner):
            return inner
    return None
