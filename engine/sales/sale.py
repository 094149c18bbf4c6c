"""What a checkout recorded, as one typed value (`checkout` returns it; the CLI prints
`as_dict()`, the counter shows it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from engine.pricing import PricedReceipt


@dataclass(frozen=True)
class SalePayment:
    method: str
    amount: int
    tendered: int | None
    commission: int


@dataclass(frozen=True)
class IssuedCoupon:
    """A coupon the sale issued (a campaign with an active coupon issue)."""

    code: str
    campaign: str
    value: int
    expires_on: dt.date | None
    text: str | None
    image: str | None


@dataclass(frozen=True)
class Sale:
    receipt: str  # the receipt's id
    priced: PricedReceipt
    payments: tuple[SalePayment, ...]
    change: int
    issued_coupons: tuple[IssuedCoupon, ...]
    purchases: tuple[str, ...]  # the purchases its package lines made

    @property
    def total(self) -> int:
        return self.priced.total

    def as_dict(self) -> dict[str, Any]:
        """The price document plus what was recorded (cli.md `checkout`)."""
        document = self.priced.as_dict()
        document.update(
            receipt=self.receipt,
            payments=[{"method": p.method, "amount": p.amount, "tendered": p.tendered,
                       "commission": p.commission} for p in self.payments],
            change=self.change,
            issued_coupons=[{"code": c.code, "campaign": c.campaign, "value": c.value,
                             "expires_on": c.expires_on.isoformat() if c.expires_on else None,
                             "text": c.text, "image": c.image} for c in self.issued_coupons],
            purchases=list(self.purchases))
        return document
