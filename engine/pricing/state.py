"""The receipt while it is being priced: lines whose net shrinks as campaigns run.

Internal to `engine.pricing`: `price_receipt` builds these from a `ReceiptInput`, the strategies
read them, and only the engine changes them (`_Pricing.reduce`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from engine.pricing.result import Reduction


@dataclass(eq=False, slots=True)
class WorkLine:
    no: int
    quantity: int
    unit_price: int
    manual_discount: int
    net: int
    is_package: bool
    # filter values: item, item_category, vendor, resource ("" when blank)
    values: dict[str, str]
    reductions: list[Reduction] = field(default_factory=list)
    # campaigns that reduced the line: a later campaign must combine with each of them (an
    # unrestricted coupon's campaign too). A frozenset, replaced on change: it keys the groups
    # of lines by reducers (_Pricing.by_reducers).
    reducers: frozenset[str] = frozenset()

    @property
    def gross(self) -> int:
        return self.unit_price * self.quantity

    @property
    def reduced(self) -> bool:
        return self.manual_discount > 0 or bool(self.reductions)


def by_unit_net(lines: list[WorkLine], dearest_first: bool = False) -> list[WorkLine]:
    """`lines` sorted by unit net (cheapest first, or dearest first), ties by lower line number.

    Unit nets are compared exactly as integers over the common denominator lcm(quantities).
    """
    if not lines:
        return []
    common = math.lcm(*[line.quantity for line in lines])
    sign = -1 if dearest_first else 1
    # line numbers are unique, so the lines themselves are never compared
    ordered = sorted([(sign * line.net * (common // line.quantity), line.no, line)
                      for line in lines])
    return [line for _, _, line in ordered]


def units_of(lines: list[WorkLine], dearest_first: bool = False) -> list[tuple[int, int]]:
    """Every unit of `lines` as (line no, index within the line), sorted by unit net (cheapest
    first, or dearest first), ties by lower line number then index: the units of one line
    share its unit net, so the lines are sorted (`by_unit_net`) and then expanded."""
    return [(line.no, index) for line in by_unit_net(lines, dearest_first)
            for index in range(line.quantity)]
