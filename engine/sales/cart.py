"""The receipt being built at the counter, and what a scanned or typed code does to it.

`apply_scan(cart, text, at)` is the one way a scan changes a cart: the till and "try a receipt"
both call it, so both price the same receipt the same way. The cart keeps only what the cashier
entered (lines, member, coupons, campaign registrations); prices always come from
`price_receipt` over the cached definitions.

What a code means is `engine.sales.scan.interpret` (the one place that knows the order); a scan
reads one snapshot of the site's codes (`engine.sales.scan_index`) for its meaning and the names
on the lines, so only a coupon (its redemptions) and pricing's own check read the database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from engine.entitlements.sellable import find_package
from engine.errors import N_, PlaydeskError
from engine.i18n.names import local_name
from engine.people.members import existing_member
from engine.pricing import LineInput, PricedReceipt, ReceiptInput, price_receipt
from engine.pricing.definitions import cached_definitions
from engine.pricing.result import Rejection
from engine.sales.scan import UNKNOWN_CODE, interpret
from engine.sales.scan_index import ScanIndex, current
from engine.settings import site_language

QUANTITY_PREFIX = re.compile(r"(\d{1,4})\s*[*xX]\s*(\S.*)")

# Outcome reason codes besides the pricing rejections' and engine.sales.scan's
MEMBER_INACTIVE = "member_inactive"
CAMPAIGN_CATEGORY = "campaign_category"
COUPON_TWICE = "coupon_twice"


def split_quantity(text: str) -> tuple[int, str]:
    """"3*4006381333931" (typed, then scanned) → (3, "4006381333931"); otherwise (1, text)."""
    match = QUANTITY_PREFIX.fullmatch(text.strip())
    if match is None or int(match.group(1)) < 1:
        return 1, text.strip()
    return int(match.group(1)), match.group(2).strip()


@dataclass
class CartLine:
    kind: str  # item | resource | package
    code: str  # item/resource code, or "CAMPAIGN/PACKAGE"
    name: str
    quantity: int = 1
    unit_price: int | None = None
    manual_discount: int = 0

    def as_input(self) -> LineInput:
        return LineInput(**{self.kind: self.code}, quantity=self.quantity,
                         unit_price=self.unit_price, manual_discount=self.manual_discount)


@dataclass(frozen=True)
class Outcome:
    """What a scan did. `kind` is what the code was; `accepted` False with a `reason_code` and a
    plain-words `refusal` when the cart refused it (a coupon pricing refuses for a reason that a
    later change may cure stays on the cart, refused). Kinds "packages" (a package campaign: pick
    a package) and "order" (a kiosk ticket: take its payment) change nothing: the app goes on."""

    kind: str  # item | resource | member | coupon | campaign | packages | order | unknown
    code: str | None
    name: str = ""
    accepted: bool = True
    reason_code: str | None = None
    refusal: str = ""
    priced: PricedReceipt | None = None  # the cart as priced after the scan, when it was


@dataclass
class Cart:
    location: str
    lines: list[CartLine] = field(default_factory=list)
    member: str | None = None
    campaigns: list[str] = field(default_factory=list)
    coupons: list[str] = field(default_factory=list)
    selected: int | None = None  # index of the line the quantity keys change

    def receipt_input(self) -> ReceiptInput:
        return ReceiptInput(location=self.location, lines=tuple(line.as_input() for line in self.lines),
                            member=self.member, campaigns=tuple(self.campaigns),
                            coupons=tuple(self.coupons))

    def price(self, at: dt.datetime) -> PricedReceipt:
        return price_receipt(self.receipt_input(), cached_definitions(self.coupons), at)

    @property
    def empty(self) -> bool:
        return not (self.lines or self.member or self.campaigns or self.coupons)

    @property
    def has_codes(self) -> bool:
        """Something to price (a receipt of only a member prices nothing)."""
        return bool(self.lines or self.coupons or self.campaigns)

    # --- lines ---------------------------------------------------------------------------------

    def add_line(self, kind: str, code: str, name: str, quantity: int = 1) -> CartLine:
        """A line of `code`; scanning the same thing again adds to the last line of it."""
        if kind == "package":
            raise PlaydeskError(N_("a package is added with add_package (one at a time, to a "
                                   "member)"))
        last = self.lines[-1] if self.lines else None
        if last is not None and (last.kind, last.code) == (kind, code) \
                and last.unit_price is None and not last.manual_discount:
            last.quantity += quantity
        else:
            self.lines.append(CartLine(kind, code, name, quantity))
        self.selected = len(self.lines) - 1
        return self.lines[-1]

    def set_quantity(self, index: int, quantity: int) -> None:
        if quantity < 1:
            raise PlaydeskError(N_("a quantity is at least 1 (remove the line instead)"))
        line = self.lines[index]
        if line.kind == "package" and quantity != 1:
            raise PlaydeskError(N_("a package is sold one at a time"))
        line.quantity = quantity
        self.selected = index

    def change_selected(self, delta: int) -> None:
        """The quantity keys: the selected line's quantity by `delta`; below 1 removes it."""
        index = self.selected
        if index is None or index >= len(self.lines):
            return
        quantity = self.lines[index].quantity + delta
        if quantity < 1:
            self.remove_line(index)
        else:
            self.set_quantity(index, quantity)

    def remove_line(self, index: int) -> CartLine:
        line = self.lines.pop(index)
        self.selected = min(index, len(self.lines) - 1) if self.lines else None
        return line

    def add_package(self, package: str) -> CartLine:
        """A package line ("CAMPAIGN/PACKAGE"), sold to the cart's member, one at a time."""
        if self.member is None:
            raise PlaydeskError(N_("scan the member's card first: a package is sold to a member"))
        row = find_package(package)
        self.lines.append(CartLine("package", package, local_name(row.name, row.names,
                                                                  site_language())))
        self.selected = len(self.lines) - 1
        return self.lines[-1]

    # --- member and codes ----------------------------------------------------------------------

    def attach_member(self, member: str | None) -> None:
        """The receipt's member (None removes it, unless package lines are sold to them)."""
        if member is None:
            if any(line.kind == "package" for line in self.lines):
                raise PlaydeskError(N_("remove the package lines before removing the member"))
        elif not existing_member(member).active:
            raise PlaydeskError(N_("member {member} is inactive"), member=member)
        self.member = member

    def register_campaign(self, code: str) -> None:
        if code not in self.campaigns:  # registering twice applies once (pricing.md)
            self.campaigns.append(code)

    def remove_campaign(self, code: str) -> None:
        self.campaigns = [c for c in self.campaigns if c != code]

    def add_coupon(self, code: str) -> None:
        if code in self.coupons:
            raise PlaydeskError(N_("coupon {code} is already on this receipt"), code=code)
        self.coupons.append(code)

    def remove_coupon(self, code: str) -> None:
        self.coupons = [c for c in self.coupons if c != code]


def rejection_of(priced: PricedReceipt | None, coupon: str) -> Rejection | None:
    """Pricing's refusal of `coupon` on the priced cart, if it refused it."""
    if priced is None:
        return None
    return next((r for r in priced.rejected if r.code == coupon), None)


def refused(kind: str, code: str | None, reason_code: str, refusal: str) -> Outcome:
    return Outcome(kind, code, accepted=False, reason_code=reason_code, refusal=refusal)


def _item(cart: Cart, code: str, quantity: int, _at: dt.datetime, index: ScanIndex) -> Outcome:
    item = index.items[code]
    cart.add_line("item", code, item.name, quantity)
    return Outcome("item", code, item.name)


def _resource(cart: Cart, code: str, quantity: int, _at: dt.datetime,
              index: ScanIndex) -> Outcome:
    resource = index.resources[code]
    cart.add_line("resource", code, resource.name, quantity)
    return Outcome("resource", code, resource.name)


def _member(cart: Cart, code: str, _quantity: int, _at: dt.datetime, index: ScanIndex) -> Outcome:
    member = index.members[code]
    if not member.active:
        return refused("member", code, MEMBER_INACTIVE, f"member {code} is inactive")
    cart.member = code  # attach_member's check, made on the same snapshot
    return Outcome("member", code, member.name)


def _coupon(cart: Cart, code: str, _quantity: int, at: dt.datetime, _index: ScanIndex) -> Outcome:
    """On the cart unless pricing refuses it for good (unknown, expired, used up...); a refusal
    a later change can cure (conditions not met yet) keeps it there, refused. Pricing reads the
    coupon from the database (engine.pricing.definitions.with_coupons): a redemption made
    anywhere since the snapshot was built counts."""
    if code in cart.coupons:
        return refused("coupon", code, COUPON_TWICE, f"coupon {code} is already on this receipt")
    cart.add_coupon(code)
    priced = cart.price(at)
    rejection = rejection_of(priced, code)
    if rejection is None:
        return Outcome("coupon", code, code, priced=priced)
    if rejection.final:  # the cart changed after pricing: whoever shows it prices again
        cart.remove_coupon(code)
        return refused("coupon", code, rejection.reason_code, rejection.reason)
    return Outcome("coupon", code, accepted=False, reason_code=rejection.reason_code,
                   refusal=rejection.reason, priced=priced)


def _campaign(cart: Cart, code: str, _quantity: int, _at: dt.datetime,
              index: ScanIndex) -> Outcome:
    campaign = index.campaigns[code]
    if campaign.type == "packages":
        return Outcome("packages", code, campaign.name)
    if campaign.type == "category":
        return refused("campaign", code, CAMPAIGN_CATEGORY,
                       f"{code} is a campaign category, not a campaign")
    cart.register_campaign(code)
    return Outcome("campaign", code, campaign.name)


def _order(_cart: Cart, code: str, _quantity: int, _at: dt.datetime, _index: ScanIndex) -> Outcome:
    return Outcome("order", code, code)


APPLY: dict[str, Callable[[Cart, str, int, dt.datetime, ScanIndex], Outcome]] = {
    "item": _item, "resource": _resource, "member": _member, "coupon": _coupon,
    "campaign": _campaign, "order": _order,
}


def apply_scan(cart: Cart, text: str, at: dt.datetime) -> Outcome:
    """Apply a scanned or typed code (`N*code`: N of it) to the cart; what it did.

    The text as a whole is understood first: a coupon code such as `9XMC-Y4MS-TVDZ` is not
    9 × `MC-Y4MS-TVDZ` (one in every few dozen generated codes starts with a digit and an X)."""
    quantity, code = 1, text.strip()
    index = current()
    meaning = interpret(code, index)
    if meaning.kind == "unknown":
        quantity, counted = split_quantity(text)
        if quantity > 1 or counted != code:
            counted_meaning = interpret(counted, index)
            if counted_meaning.kind != "unknown":
                code, meaning = counted, counted_meaning
            else:
                quantity = 1
    if meaning.kind == "unknown" or meaning.code is None:
        return refused("unknown", None, meaning.reason_code or UNKNOWN_CODE, meaning.message)
    return APPLY[meaning.kind](cart, meaning.code, quantity, at, index)
