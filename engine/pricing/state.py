"""The receipt while it is being priced: lines whose net shrinks as campaigns run.

Internal to `engine.pricing`: `price_receipt` builds these from a `ReceiptInput`, the strategies
read them, and only the engine changes them (through `apply`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(eq=False)
class WorkLine:
    no: int
    quantity: int
    unit_price: int
    manual_discount: int
    net: int
    is_package: bool
    # filter values: item, item_category, vendor, resource ("" when blank)
    values: dict[str, str]
    reductions: list[tuple[str, int]] = field(default_factory=list)
    # campaigns whose reduction limits what may run after them (not unrestricted coupons)
    reducers: set[str] = field(default_factory=set)

    @property
    def gross(self) -> int:
        return self.unit_price * self.quantity

    @property
    def reduced(self) -> bool:
        return self.manual_discount > 0 or bool(self.reductions)

    @property
    def unit_net(self) -> Fraction:
        return Fraction(self.net, self.quantity)

    def apply(self, campaign: str, amount: int, restricts: bool) -> None:
        assert 0 < amount <= self.net, (campaign, amount, self.net)
        self.net -= amount
        self.reductions.append((campaign, amount))
        if restricts:
            self.reducers.add(campaign)


def units_of(lines: list[WorkLine]) -> list[tuple[Fraction, int, int]]:
    """Every unit of `lines` as (unit net, line no, index within the line)."""
    return [(line.unit_net, line.no, index) for line in lines for index in range(line.quantity)]
