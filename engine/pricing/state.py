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
    # (a frozenset, replaced on change: it keys the combination memo)
    reducers: frozenset[str] = frozenset()

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
            self.reducers = self.reducers | {campaign}


def units_of(lines: list[WorkLine], dearest_first: bool = False
             ) -> list[tuple[Fraction, int, int]]:
    """Every unit of `lines` as (unit net, line no, index within the line), sorted by unit net
    (cheapest first, or dearest first), ties by lower line number then index.

    The units of one line share its unit net, so the lines are sorted and then expanded.
    """
    keyed = sorted(((line.unit_net, line.no, line.quantity) for line in lines),
                   key=lambda k: (-k[0] if dearest_first else k[0], k[1]))
    return [(unit_net, no, index) for unit_net, no, quantity in keyed
            for index in range(quantity)]
