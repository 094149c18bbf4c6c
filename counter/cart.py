"""The receipt being built at the counter (no Kivy): lines, member, coupons, registrations.

Every scan or typed code is interpreted through the engine (`engine.barcodes.resolve`, coupon
lookup, order lookup) and every change is priced by the engine (`price_receipt` over the cached
definitions). The cart only keeps what the cashier entered.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from engine.barcodes import resolve, strip_campaign_barcode
from engine.coupons.lookup import find_coupon
from engine.errors import PlaydeskError
from engine.models import Item, Member, Resource
from engine.orders import ORDER_PREFIX
from engine.pricing import LineInput, PricedReceipt, ReceiptInput, price_receipt
from engine.pricing.definitions import cached_definitions

# Refusals that no later change of the receipt can cure: such a coupon leaves the receipt.
FINAL_REFUSALS = ("unknown", "expired", "canceled", "used up", "wrong customer")
QUANTITY_PREFIX = re.compile(r"(\d{1,4})\s*[*xX]\s*(\S.*)")
MAX_QUANTITY = 9999


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
class ScanResult:
    kind: str  # item | resource | member | coupon | campaign | order | unknown
    code: str | None
    message: str = ""  # a refusal to show, empty when accepted


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

    # --- lines ---------------------------------------------------------------------------------

    def add_line(self, kind: str, code: str, name: str, quantity: int = 1) -> CartLine:
        """A line of `code`; scanning the same thing again adds to the last line of it."""
        if self.lines and self.lines[-1].kind == kind and self.lines[-1].code == code \
                and self.lines[-1].unit_price is None and not self.lines[-1].manual_discount:
            self.lines[-1].quantity += quantity
        else:
            self.lines.append(CartLine(kind, code, name, quantity))
        self.selected = len(self.lines) - 1
        return self.lines[-1]

    def set_quantity(self, index: int, quantity: int) -> None:
        if quantity < 1:
            raise PlaydeskError("a quantity is at least 1 (remove the line instead)")
        line = self.lines[index]
        if line.kind == "package" and quantity != 1:
            raise PlaydeskError("a package is sold one at a time")
        line.quantity = quantity
        self.selected = index

    def remove_line(self, index: int) -> CartLine:
        line = self.lines.pop(index)
        self.selected = min(index, len(self.lines) - 1) if self.lines else None
        return line

    def add_package(self, package: str, name: str) -> CartLine:
        if self.member is None:
            raise PlaydeskError("scan the member's card first: a package is sold to a member")
        self.lines.append(CartLine("package", package, name))
        self.selected = len(self.lines) - 1
        return self.lines[-1]

    def attach_member(self, member: str | None) -> None:
        if member is None and any(line.kind == "package" for line in self.lines):
            raise PlaydeskError("remove the package lines before removing the member")
        self.member = member

    # --- codes ---------------------------------------------------------------------------------

    def register_campaign(self, code: str) -> None:
        if code not in self.campaigns:  # registering twice applies once (pricing.md)
            self.campaigns.append(code)

    def add_coupon(self, code: str) -> None:
        if code in self.coupons:
            raise PlaydeskError(f"coupon {code} is already on this receipt")
        self.coupons.append(code)

    def remove_coupon(self, code: str) -> None:
        self.coupons = [c for c in self.coupons if c != code]

    def interpret(self, text: str) -> ScanResult:
        """What a scanned or typed code means here (nothing is added yet)."""
        code = text.strip()
        if not code:
            return ScanResult("unknown", None, "nothing was scanned")
        if code.upper().startswith(ORDER_PREFIX):
            return ScanResult("order", code)
        found = resolve(code)
        if found.kind in ("item", "member", "campaign"):
            return ScanResult(found.kind, found.code)
        if found.kind == "coupon":
            return ScanResult("coupon", found.code)
        # typed codes: an item or resource code, a member code, a campaign code, a coupon code
        for kind, model in (("item", Item), ("resource", Resource), ("member", Member)):
            row = model.get_or_none((model.code == code) & ~model.deleted) or \
                model.get_or_none((model.code == code.upper()) & ~model.deleted)
            if row is not None:
                return ScanResult(kind, row.code)
        campaign = strip_campaign_barcode(code)
        if campaign is not None:
            return ScanResult("campaign", campaign)
        coupon = find_coupon(code)
        if coupon is not None:
            return ScanResult("coupon", coupon.code)
        if found.kind == "invalid":
            return ScanResult("unknown", None, f"{code}: misread barcode (wrong check digit); "
                                               "scan it again")
        return ScanResult("unknown", None, f"{code}: not an item, member card, coupon or "
                                           "campaign code")

    def refusal_of(self, priced: PricedReceipt, coupon: str) -> str | None:
        for rejection in priced.rejected:
            if rejection.code == coupon:
                return rejection.reason
        return None
