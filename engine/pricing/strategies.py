"""One strategy per campaign type: what reduction R a campaign grants on its eligible lines.

A strategy reads the eligible lines E (and, for m_plus_n, the free candidates) and returns a
`Grant`: the amount per line. It changes nothing; the engine applies or issues the grant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from engine.money import percent_of, round_half_up
from engine.pricing.allocation import pro_rata
from engine.pricing.state import WorkLine, by_unit_net
from engine.pricing.types import CampaignDef, CouponDef, FreeLineDef, TierDef


@dataclass
class Grant:
    allocations: dict[int, int]  # line no → amount (> 0 only)
    discount_type: str  # discount | reduce
    discount_value: Decimal | int | None
    exceeded: bool = False  # overpayment not allowed and the value exceeded what it reduces
    free_units: dict[int, int] = field(default_factory=dict)  # m_for_n / m_plus_n, for display

    @property
    def amount(self) -> int:
        return sum(self.allocations.values())


@dataclass(frozen=True)
class Context:
    eligible: list[WorkLine]
    # m_plus_n: lines matching one of the free lines and otherwise eligible
    free_candidates: Callable[[Sequence[FreeLineDef]], list[WorkLine]]


Strategy = Callable[[CampaignDef, Context], Grant]


def reduce_amount(value: Decimal | int | None) -> int:
    """A configured reduction (minor units) as an int, half-up if someone wrote a fraction."""
    return round_half_up(Fraction(value or 0))


def half_up(numerator: int, denominator: int) -> int:
    """round_half_up(numerator / denominator) (denominator > 0) in integers, for the loops
    over lines: money.round_half_up's rule, ⌊x + 1/2⌋ for x ≥ 0, without building a Fraction."""
    if numerator < 0:
        return round_half_up(Fraction(numerator, denominator))
    return (2 * numerator + denominator) // (2 * denominator)


def totals(lines: Sequence[WorkLine]) -> tuple[int, int]:
    """(U, S): units and net of `lines`."""
    return sum(line.quantity for line in lines), sum(line.net for line in lines)


def _nets(lines: Sequence[WorkLine]) -> list[tuple[int, int]]:
    return [(line.no, line.net) for line in lines]


def capped(amount: int, available: int, overpayment_allowed: bool) -> tuple[int, bool]:
    """(R, exceeded): R capped at what it reduces when overpayment is allowed, else refused."""
    if amount <= available:
        return amount, False
    return (available, False) if overpayment_allowed else (0, True)


def _spread(discount_type: str, value: Decimal | int | None, amount: int,
            lines: Sequence[WorkLine], overpayment_allowed: bool) -> Grant:
    """A receipt-level R (already computed) pro rata over `lines`, with overpayment."""
    _, available = totals(lines)
    amount, exceeded = capped(amount, available, overpayment_allowed)
    return Grant(pro_rata(amount, _nets(lines)), discount_type, value, exceeded)


def _per_line(discount_type: str, value: Decimal | int | None,
              shares: Sequence[tuple[WorkLine, int]], overpayment_allowed: bool) -> Grant:
    """Line-level reductions, overpayment judged per line (a refused line is left alone)."""
    allocations: dict[int, int] = {}
    exceeded = False
    for line, share in shares:
        if share > line.net:  # capped(share, line.net, overpayment_allowed), inline per line
            if not overpayment_allowed:
                exceeded = True
                continue
            share = line.net
        if share > 0:
            allocations[line.no] = share
    return Grant(allocations, discount_type, value, exceeded)


# ---------------------------------------------------------------- simple types


def _percent_shares(lines: Sequence[WorkLine], percent: Decimal | int
                    ) -> list[tuple[WorkLine, int]]:
    """round(net × v / 100) of each line, as money.percent_of does, with v / 100 made an
    exact fraction once instead of once per line."""
    ratio = Fraction(percent) / 100
    numerator, denominator = ratio.numerator, ratio.denominator
    return [(line, half_up(line.net * numerator, denominator)) for line in lines]


def line_discount(campaign: CampaignDef, context: Context) -> Grant:
    value = campaign.value or 0
    return _per_line("discount", value, _percent_shares(context.eligible, value), False)


def line_reduce(campaign: CampaignDef, context: Context) -> Grant:
    per_unit = reduce_amount(campaign.value)
    return _per_line("reduce", per_unit, [(line, per_unit * line.quantity)
                                          for line in context.eligible],
                     campaign.overpayment_allowed)


def receipt_discount(campaign: CampaignDef, context: Context) -> Grant:
    _, net = totals(context.eligible)
    value = campaign.value or 0
    return _spread("discount", value, percent_of(net, value), context.eligible,
                   campaign.overpayment_allowed)


def receipt_reduce(campaign: CampaignDef, context: Context) -> Grant:
    amount = reduce_amount(campaign.value)
    return _spread("reduce", amount, amount, context.eligible, campaign.overpayment_allowed)


def couponing(campaign: CampaignDef, context: Context) -> Grant:
    """A couponing campaign grants nothing by itself: its coupons carry the value."""
    return Grant({}, "reduce", None)


def coupon(campaign: CampaignDef, voucher: CouponDef, context: Context) -> Grant:
    """One coupon: discount → round(S × v / 100), reduce → v (overpayment against S)."""
    _, net = totals(context.eligible)
    value = voucher.value or 0
    if voucher.discount_type == "discount":
        return _spread("discount", value, percent_of(net, value), context.eligible,
                       campaign.overpayment_allowed)
    amount = reduce_amount(value)
    return _spread("reduce", amount, amount, context.eligible, campaign.overpayment_allowed)


# ---------------------------------------------------------------- tiered


def reached_tier(tiers: Sequence[TierDef], units: int, net: int) -> TierDef | None:
    """The last tier in the list whose thresholds are reached."""
    found = None
    for tier in tiers:
        if units >= tier.from_quantity and net >= tier.from_amount:
            found = tier
    return found


def _tier_share(discount: bool, tier: TierDef, line: WorkLine) -> int:
    if discount:
        return percent_of(line.net, tier.value)
    return reduce_amount(tier.value) * line.quantity


def tiered(campaign: CampaignDef, context: Context) -> Grant:
    discount = campaign.type == "tiered_discount"
    kind = "discount" if discount else "reduce"
    lines = context.eligible
    usage = campaign.tiers[0].usage if campaign.tiers else "single"
    if usage == "quantity_scale":
        chosen = [(line, reached_tier(campaign.tiers, line.quantity, line.net)) for line in lines]
        shares = [(line, _tier_share(discount, tier, line)) for line, tier in chosen if tier]
        grant = _per_line(kind, None, shares, campaign.overpayment_allowed)
        applied = [tier.value for line, tier in chosen if tier and line.no in grant.allocations]
        grant.discount_value = max(applied, default=None)
        return grant
    units, net = totals(lines)
    tier = reached_tier(campaign.tiers, units, net)
    if tier is None:
        return Grant({}, kind, None)
    if usage == "quantity_scale_total":
        if discount:
            shares = _percent_shares(lines, tier.value)
        else:
            per_unit = reduce_amount(tier.value)
            shares = [(line, per_unit * line.quantity) for line in lines]
        return _per_line(kind, tier.value, shares, campaign.overpayment_allowed)
    if discount:
        amount = percent_of(net, tier.value)
    else:
        times = _tier_times(tier, units, net) if usage == "multiple" else 1
        amount = reduce_amount(tier.value) * times
    return _spread(kind, tier.value, amount, lines, campaign.overpayment_allowed)


def _tier_times(tier: TierDef, units: int, net: int) -> int:
    """`multiple`: how often the tier's threshold fits (the smaller count when both are set)."""
    counts = []
    if tier.from_quantity > 0:
        counts.append(units // tier.from_quantity)
    if tier.from_amount > 0:
        counts.append(net // tier.from_amount)
    return min(counts) if counts else 1


# ---------------------------------------------------------------- M for N, M plus N


def _free_unit_shares(free: dict[int, int], by_no: dict[int, WorkLine]) -> dict[int, int]:
    """What the free units of each line are worth: its net × free units / quantity, half-up
    (lines whose share rounds to nothing get no allocation)."""
    shares = {}
    for line_no, count in free.items():
        line = by_no[line_no]
        share = half_up(line.net * count, line.quantity)
        if share > 0:
            shares[line_no] = share
    return shares


def m_for_n(campaign: CampaignDef, context: Context) -> Grant:
    buy, pay = campaign.buy or 0, campaign.pay or 0
    lines = context.eligible
    units = sum(line.quantity for line in lines)
    if buy <= pay or units < buy:
        return Grant({}, "reduce", None)
    times = units // buy if campaign.usage == "multiple" else 1
    # the cheapest times × (buy − pay) units go free (ties: lower line number): the units of
    # a line are next to each other in that order, so whole lines are taken, the last in part
    left = times * (buy - pay)
    free: dict[int, int] = {}
    for line in by_unit_net(lines):
        if left <= 0:
            break
        free[line.no] = taken = min(line.quantity, left)
        left -= taken
    allocations = _free_unit_shares(free, {line.no: line for line in lines})
    amount = sum(allocations.values())
    return Grant(allocations, "reduce", amount, free_units=free)


def _rounds(buyers_first: list[WorkLine], free_first: list[WorkLine], buy: int, get: int,
            multiple: bool) -> tuple[dict[int, int], set[int]]:
    """m_plus_n's rounds (buy ≥ 1, get ≥ 1): each takes the `buy` dearest units not used yet
    (from `buyers_first`, the eligible lines dearest first), then gives up to `get` of the
    cheapest unused units (`free_first`, the free candidates cheapest first); no unit serves
    twice. Returns the free units per line (in the order given) and the buying lines.

    Counted per line, not per unit: both sides take a line's units from its first one, so the
    units a line has lost to either side are always its first `used[no]`. Rounds that stay on
    one line each side are done at once (a 1,000,000-unit line is a few steps, not a million)."""
    used: dict[int, int] = {}
    free: dict[int, int] = {}
    buyers: set[int] = set()
    at_buy = at_free = 0  # each side's position in its lines: the lines before are used up

    def left(line: WorkLine) -> int:
        return line.quantity - used.get(line.no, 0)

    while True:
        while at_buy < len(buyers_first) and not left(buyers_first[at_buy]):
            at_buy += 1
        while at_free < len(free_first) and not left(free_first[at_free]):
            at_free += 1
        if multiple and at_buy < len(buyers_first) and at_free < len(free_first):
            buyer, giver = buyers_first[at_buy], free_first[at_free]
            times = (left(buyer) // (buy + get) if buyer.no == giver.no
                     else min(left(buyer) // buy, left(giver) // get))
            if times:  # whole rounds on these two lines
                used[buyer.no] = used.get(buyer.no, 0) + times * buy
                used[giver.no] = used.get(giver.no, 0) + times * get
                free[giver.no] = free.get(giver.no, 0) + times * get
                buyers.add(buyer.no)
                continue
        taken: list[int] = []
        wanted, position = buy, at_buy
        while wanted and position < len(buyers_first):
            line = buyers_first[position]
            count = min(left(line), wanted)
            if count:
                used[line.no] = used.get(line.no, 0) + count
                wanted -= count
                taken.append(line.no)
            else:
                position += 1
        if wanted:
            break  # fewer than `buy` units left
        wanted, position = get, at_free
        while wanted and position < len(free_first):
            line = free_first[position]
            count = min(left(line), wanted)
            if count:
                used[line.no] = used.get(line.no, 0) + count
                free[line.no] = free.get(line.no, 0) + count
                wanted -= count
            else:
                position += 1
        if wanted == get:
            break  # nothing left to give
        buyers.update(taken)
        if not multiple:
            break
    return free, buyers


def m_plus_n(campaign: CampaignDef, context: Context) -> Grant:
    buy, get = campaign.buy or 0, campaign.get or 0
    lines = context.eligible
    _, net = totals(lines)
    if buy <= 0 or get <= 0 or net < campaign.gate_amount:
        return Grant({}, "reduce", None)
    candidates = context.free_candidates(campaign.free)
    free, buyers = _rounds(by_unit_net(lines, dearest_first=True), by_unit_net(candidates),
                           buy, get, campaign.usage == "multiple")
    if not free:
        return Grant({}, "reduce", None)
    by_no = {line.no: line for line in [*lines, *candidates]}
    if campaign.reduction_type == "receipt_reduce":
        # the free units' unit nets, summed exactly, rounded once
        amount = round_half_up(sum((Fraction(by_no[no].net * count, by_no[no].quantity)
                                    for no, count in free.items()), Fraction(0)))
        touched = [by_no[no] for no in sorted(buyers | set(free))]
        grant = Grant(pro_rata(amount, _nets(touched)), "reduce", None, free_units=dict(free))
    else:
        grant = Grant(_free_unit_shares(free, by_no), "reduce", None, free_units=dict(free))
    grant.discount_value = grant.amount
    return grant


STRATEGIES: dict[str, Strategy] = {
    "line_discount": line_discount,
    "line_reduce": line_reduce,
    "receipt_discount": receipt_discount,
    "receipt_reduce": receipt_reduce,
    "tiered_discount": tiered,
    "tiered_reduce": tiered,
    "m_for_n": m_for_n,
    "m_plus_n": m_plus_n,
    "couponing": couponing,
}
