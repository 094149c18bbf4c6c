"""Properties of pricing on random sites and receipts (hypothesis).

total = subtotal − discount; no line net below zero; every entry's reduce_amount equals the sum
of its allocations, and the applied allocations are exactly the lines' reductions; pricing twice
gives the same document; no campaign reduces a line that a campaign it may not combine with
already reduced — an unrestricted coupon itself ignores combinations, but the lines it reduced are
closed to every later campaign that does not combine with the coupon's campaign (decision 9).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pricing_helpers import AT, ITEMS, RESOURCES, campaign, coupon, line, receipt, site

from engine.pricing import (
    CampaignDef,
    Definitions,
    FilterDef,
    FreeLineDef,
    TierDef,
    TriggerDef,
    TriggerLineDef,
    price_receipt,
)

TYPES = ["line_discount", "line_reduce", "receipt_discount", "receipt_reduce", "tiered_discount",
         "tiered_reduce", "m_for_n", "m_plus_n", "couponing"]
CATEGORIES = ["CAT1", "CAT2"]
CODES = [*ITEMS, *RESOURCES, "SUMMER/STD"]

filters = st.lists(st.one_of(
    st.builds(FilterDef, st.just("item_category"), st.sampled_from(["DRINKS", "SNACKS", ""]),
              st.booleans()),
    st.builds(FilterDef, st.just("item"), st.sampled_from([*ITEMS, None]), st.booleans()),
    st.builds(FilterDef, st.just("resource"), st.sampled_from(["PS5", ""]), st.booleans()),
    st.builds(FilterDef, st.just("vendor"), st.sampled_from(["COLACO", "CRUNCH", ""]),
              st.booleans()),
), max_size=2)


@st.composite
def campaigns(draw, code: str) -> CampaignDef:
    kind = draw(st.sampled_from(TYPES))
    percent = kind.endswith("discount")
    value = draw(st.integers(1, 100) if percent else st.integers(1, 800))
    fields = {
        "priority": draw(st.integers(1, 5)),
        "category": draw(st.sampled_from([None, *CATEGORIES])),
        "filters": tuple(draw(filters)),
        "overpayment_allowed": draw(st.booleans()),
        "item_validity": draw(st.sampled_from(["all", "all", "reduced", "not_reduced"])),
        "automatic": kind != "couponing",
        "coupon_issue_active": kind == "receipt_reduce" and draw(st.booleans()),
        "coupon_issue_expiration": "+1M",
    }
    if draw(st.booleans()):
        fields["triggers"] = (TriggerDef("pool", (TriggerLineDef("item_category", "SNACKS"),),
                                         draw(st.integers(0, 3))),)
    if kind.startswith("tiered"):
        usage = draw(st.sampled_from(["single", "multiple", "quantity_scale",
                                      "quantity_scale_total"]))
        first, second = sorted(draw(st.lists(st.integers(0, 6), min_size=2, max_size=2)))
        amount = draw(st.integers(0, 1500))
        fields["tiers"] = (TierDef(Decimal(value), usage, first, amount),
                           TierDef(Decimal(value + 5), usage, second, amount))
    if kind == "m_for_n":
        fields.update(buy=draw(st.integers(2, 4)), pay=1, usage=draw(st.sampled_from(
            ["single", "multiple"])))
    if kind == "m_plus_n":
        fields.update(buy=draw(st.integers(1, 3)), get=draw(st.integers(1, 2)),
                      usage=draw(st.sampled_from(["single", "multiple"])),
                      reduction_type=draw(st.sampled_from(["line_reduce", "receipt_reduce"])),
                      free=(FreeLineDef(*draw(st.sampled_from(
                          [("item_category", "DRINKS"), ("item", "BAR"), ("resource", "PS5")]))),))
    return campaign(code, kind, None if kind == "couponing" else value, **fields)


@st.composite
def sites(draw) -> tuple[Definitions, tuple[str, ...]]:
    count = draw(st.integers(1, 6))
    drawn = [draw(campaigns(f"K{i}")) for i in range(count)]
    names = [c.code for c in drawn] + CATEGORIES
    pairs = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)),
                          max_size=6))
    vouchers = []
    for c in drawn:
        if c.type == "couponing":
            for n in range(draw(st.integers(0, 2))):
                vouchers.append(coupon(
                    f"{c.code}-C{n}", c.code, draw(st.integers(1, 600)),
                    draw(st.sampled_from(["reduce", "discount"])),
                    without_restrictions=draw(st.booleans())))
    categories = [campaign(code, "category", priority=p) for p, code in enumerate(CATEGORIES)]
    definitions = site(*drawn, *categories, combinations=pairs, coupons=vouchers)
    return definitions, tuple(v.code for v in vouchers)


@st.composite
def receipts(draw, coupon_codes: tuple[str, ...]):
    lines = []
    for _ in range(draw(st.integers(1, 7))):
        code = draw(st.sampled_from(CODES))
        quantity = draw(st.integers(1, 5))
        unit_price = draw(st.one_of(st.none(), st.integers(0, 700)))
        price = unit_price if unit_price is not None else (
            ITEMS[code].price if code in ITEMS else RESOURCES[code].price if code in RESOURCES
            else 900)
        manual = draw(st.integers(0, price * quantity)) if draw(st.booleans()) else 0
        lines.append(line(code, quantity, unit_price=unit_price, manual_discount=manual))
    scanned = tuple(draw(st.lists(st.sampled_from(coupon_codes), max_size=3))
                    ) if coupon_codes else ()
    return receipt(*lines, member="M1", coupons=scanned)


@st.composite
def cases(draw):
    definitions, coupon_codes = draw(sites())
    return definitions, draw(receipts(coupon_codes))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_pricing_properties(case):
    definitions, scanned = case
    priced = price_receipt(scanned, definitions, AT)

    assert priced.total == priced.subtotal - priced.discount
    for priced_line in priced.lines:
        assert priced_line.net >= 0
        assert priced_line.discount == priced_line.manual_discount + sum(
            r.amount for r in priced_line.reductions)
        if priced_line.package:
            assert priced_line.reductions == ()

    applied_per_line: dict[int, list[tuple[str, int]]] = {n.no: [] for n in priced.lines}
    for entry in priced.entries:
        assert entry.reduce_amount == sum(amount for _, amount in entry.allocations) > 0
        if entry.process == "application":
            for no, amount in entry.allocations:
                applied_per_line[no].append((entry.campaign, amount))
    assert applied_per_line == {n.no: [(r.campaign, r.amount) for r in n.reductions]
                                for n in priced.lines}

    assert price_receipt(scanned, definitions, AT) == priced

    assert_combinations_respected(definitions, priced)


def assert_combinations_respected(definitions: Definitions, priced) -> None:
    """Every application combines with every campaign that reduced its lines before it; only
    an unrestricted coupon's own application is exempt — its campaign still counts as having
    reduced the lines for everything after it."""
    unrestricted = {c.code for c in definitions.coupons.values() if c.without_restrictions}
    reducers: dict[int, list[str]] = {n.no: [] for n in priced.lines}
    for entry in priced.entries:
        if entry.process != "application":
            continue
        free = entry.registration_code in unrestricted
        for no, _ in entry.allocations:
            if not free:
                assert all(definitions.combines(other, entry.campaign)
                           for other in reducers[no]), (entry.campaign, reducers[no])
            reducers[no].append(entry.campaign)


@st.composite
def unrestricted_cases(draw):
    """Sites where most coupons are unrestricted (some value-less, registering their campaign),
    every campaign automatic, and few combinations: the coupons' lines are contested."""
    definitions, _ = draw(sites())
    campaigns_by_code = dict(definitions.campaigns)
    discount = [c for c in campaigns_by_code.values() if c.type != "category"]
    vouchers = []
    for index in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(discount))
        valued = target.type == "couponing" or draw(st.booleans())
        vouchers.append(coupon(
            f"U{index}", target.code, draw(st.integers(1, 600)) if valued else None,
            draw(st.sampled_from(["reduce", "discount"])) if valued else None,
            without_restrictions=draw(st.integers(0, 3)) > 0, max_redemptions=0))
    rebuilt = Definitions(
        items=definitions.items, resources=definitions.resources,
        packages=definitions.packages, locations=definitions.locations,
        members=definitions.members, campaigns=campaigns_by_code,
        combinations=definitions.combinations, coupons={v.code: v for v in vouchers})
    scanned = draw(receipts(tuple(v.code for v in vouchers)))
    return rebuilt, scanned


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unrestricted_cases())
def test_an_unrestricted_coupon_never_lets_a_non_combining_campaign_onto_its_lines(case):
    definitions, scanned = case
    priced = price_receipt(scanned, definitions, AT)
    assert_combinations_respected(definitions, priced)
    # directly: after an unrestricted coupon's application, every later reduction of one of
    # its lines is by a campaign that combines with the coupon's campaign (or by another
    # unrestricted coupon: it ignores combinations itself)
    unrestricted = {c.code for c in definitions.coupons.values() if c.without_restrictions}
    for position, entry in enumerate(priced.entries):
        if entry.process != "application" or entry.registration_code not in unrestricted:
            continue
        lines = {no for no, _ in entry.allocations}
        for later in priced.entries[position + 1:]:
            if (later.process == "application" and later.registration_code not in unrestricted
                    and lines & {no for no, _ in later.allocations}):
                assert definitions.combines(entry.campaign, later.campaign), (entry, later)
