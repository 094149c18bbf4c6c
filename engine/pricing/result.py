"""What pricing returns: the priced receipt, ready for the screen, the CLI and checkout."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.coupons.reasons import PRECEDENCE
from engine.pricing.tax import EXCLUSIVE, INCLUSIVE, TaxTable

NO_TAX = TaxTable(INCLUSIVE, (), 0)


@dataclass(frozen=True)
class Reduction:
    campaign: str
    amount: int


@dataclass(frozen=True)
class PricedLine:
    no: int
    item: str | None
    resource: str | None
    package: str | None
    quantity: int
    unit_price: int
    gross: int
    manual_discount: int
    discount: int  # manual discount + every campaign reduction
    net: int
    reductions: tuple[Reduction, ...]
    tax: str | None = None  # the line's tax rate code (tax.md); None: untaxed or no rates

    def as_dict(self) -> dict[str, Any]:
        return {"no": self.no, "item": self.item, "resource": self.resource,
                "package": self.package, "quantity": self.quantity,
                "unit_price": self.unit_price, "gross": self.gross,
                "manual_discount": self.manual_discount, "discount": self.discount,
                "net": self.net,
                "reductions": [{"campaign": r.campaign, "amount": r.amount}
                               for r in self.reductions],
                "tax": self.tax}


_new = object.__new__


def priced_line(no: int, item: str | None, resource: str | None, package: str | None,
                quantity: int, unit_price: int, gross: int, manual_discount: int,
                discount: int, net: int, reductions: tuple[Reduction, ...],
                tax: str | None = None) -> PricedLine:
    """`PricedLine(...)`, built for pricing's loop over lines: a frozen dataclass's __init__
    sets each of the eleven fields through object.__setattr__, three times the cost of filling
    the new instance's dict at once. The instance is the same (fields, ==, hash, repr)."""
    line = _new(PricedLine)
    line.__dict__.update(no=no, item=item, resource=resource, package=package,
                         quantity=quantity, unit_price=unit_price, gross=gross,
                         manual_discount=manual_discount, discount=discount, net=net,
                         reductions=reductions, tax=tax)
    return line


@dataclass(frozen=True)
class EntryResult:
    """One application or issue of a campaign (recorded as an Entry at checkout)."""

    campaign: str
    campaign_type: str
    registration: str  # automatic | manual | coupon
    registration_code: str | None  # the coupon code
    discount_type: str  # discount | reduce
    discount_value: Decimal | int | None
    reduce_amount: int
    process: str  # application | issue
    allocations: tuple[tuple[int, int], ...]  # (line no, amount)

    def as_dict(self) -> dict[str, Any]:
        return {"campaign": self.campaign, "campaign_type": self.campaign_type,
                "registration": self.registration, "registration_code": self.registration_code,
                "discount_type": self.discount_type, "discount_value": self.discount_value,
                "reduce_amount": self.reduce_amount, "process": self.process,
                "allocations": [{"line": no, "amount": amount}
                                for no, amount in self.allocations]}


@dataclass(frozen=True)
class CouponToIssue:
    campaign: str
    value: int
    expires_on: dt.date | None
    text: str | None = None
    image: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"campaign": self.campaign, "value": self.value,
                "expires_on": self.expires_on.isoformat() if self.expires_on else None}


# The reasons pricing refuses a coupon with (engine/coupons/reasons.py, in their order of
# precedence) as codes an app can act on without comparing texts: "used up" → "used_up".
REASON_CODES = {reason: reason.replace(" ", "_") for reason in PRECEDENCE}
# Refusals no later change of the receipt can cure: such a coupon leaves the receipt.
FINAL_REASON_CODES = frozenset({"unknown", "expired", "canceled", "used_up", "wrong_customer"})


@dataclass(frozen=True)
class Rejection:
    code: str  # the coupon as written or scanned on the receipt (prefix, case, dashes kept)
    reason: str  # in plain words
    coupon: str | None = None  # the stored code of the coupon it names, when one was found

    @property
    def reason_code(self) -> str:
        return REASON_CODES.get(self.reason, "other")

    @property
    def final(self) -> bool:
        """No change of the receipt would make this coupon count."""
        return self.reason_code in FINAL_REASON_CODES

    def as_dict(self) -> dict[str, str]:
        found = {"coupon": self.coupon} if self.coupon is not None else {}
        return {"code": self.code, "reason": self.reason, **found}


@dataclass(frozen=True)
class PricedReceipt:
    at: dt.datetime
    location: str
    member: str | None
    debtor: str | None
    contact: str | None
    lines: tuple[PricedLine, ...]
    entries: tuple[EntryResult, ...]
    coupons_to_issue: tuple[CouponToIssue, ...]
    rejected: tuple[Rejection, ...]
    redeemed_coupons: tuple[str, ...]  # coupons that granted something (redeemed at checkout)
    tax: TaxTable = NO_TAX  # per rate, once per receipt (tax.md); empty on a site without rates

    @property
    def subtotal(self) -> int:
        return sum(line.gross for line in self.lines)

    @property
    def discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def total(self) -> int:
        return sum(line.net for line in self.lines)

    @property
    def total_due(self) -> int:
        """What the payments must cover: `total`, plus the tax in exclusive mode."""
        return self.total + (self.tax.tax if self.tax.mode == EXCLUSIVE else 0)

    def as_dict(self) -> dict[str, Any]:
        """The `playdesk price` document (cli.md)."""
        return {"at": self.at.isoformat(timespec="seconds"), "location": self.location,
                "member": self.member, "debtor": self.debtor, "contact": self.contact,
                "lines": [line.as_dict() for line in self.lines],
                "subtotal": self.subtotal, "discount": self.discount, "total": self.total,
                "tax": self.tax.as_list(), "total_due": self.total_due,
                "entries": [entry.as_dict() for entry in self.entries],
                "coupons_to_issue": [c.as_dict() for c in self.coupons_to_issue],
                "rejected": [r.as_dict() for r in self.rejected]}
