"""Pruning by the campaign index changes nothing: indexed and unindexed pricing agree (hypothesis).

The random sites of test_pricing_properties, with header filters (location, debtor, contact),
whole-group and excluded filters, triggers on other kinds, time windows, manual registrations,
other members and locations mixed in; each receipt priced with `prune=True` and `prune=False` (the plain path: every campaign judged in
full, combinations pair by pair, every line tested). The strategies' and the result's fast
paths are compared with the plain way of computing them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import replace
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pricing_helpers import AT, ITEMS, campaign, line, receipt, site
from test_pricing_properties import receipts, sites, unrestricted_cases

from engine.money import round_half_up
from engine.pricing import (
    CampaignDef,
    Definitions,
    FilterDef,
    PricedLine,
    ReceiptInput,
    Reduction,
    TriggerDef,
    TriggerLineDef,
    price_receipt,
    strategies,
)
from engine.pricing.allocation import pro_rata
from engine.pricing.engine import _campaign_index, _customer, _reachable, _runnable, _work_lines
from engine.pricing.result import priced_line
from engine.pricing.state import WorkLine, units_of

HEADER_VALUES = {"location": ["C1", "K1", ""], "debtor": ["D1", "D2", ""],
                 "contact": ["M1", "M2", ""]}
LINE_VALUES = {"item": [*ITEMS, "", None], "item_category": ["DRINKS", "SNACKS", "", None],
               "vendor": ["COLACO", "CRUNCH", "", None], "resource": ["PS5", "", None]}

extra_filter = st.one_of(
    *(st.builds(FilterDef, st.just(kind), st.sampled_from([*codes, None]), st.booleans())
      for kind, codes in HEADER_VALUES.items()),
    *(st.builds(FilterDef, st.just(kind), st.sampled_from(codes), st.booleans())
      for kind, codes in LINE_VALUES.items()),
)
trigger = st.builds(
    TriggerDef, st.sampled_from(["pool", "set"]),
    st.lists(st.builds(TriggerLineDef, st.sampled_from(["item", "item_category", "vendor",
                                                        "resource"]),
                       st.sampled_from([None, "COLA", "DRINKS", "CRUNCH", "PS5", "BAR"]),
                       st.integers(1, 3)), min_size=1, max_size=2).map(tuple),
    st.integers(0, 4))


@st.composite
def varied(draw, original: CampaignDef) -> CampaignDef:
    """`original` with more filters, triggers, a time window or another registration."""
    changes: dict = {}
    if draw(st.booleans()):
        changes["filters"] = (*original.filters, *draw(st.lists(extra_filter, max_size=3)))
    if draw(st.integers(0, 3)) == 0:
        changes["triggers"] = tuple(draw(st.lists(trigger, min_size=1, max_size=2)))
    if draw(st.integers(0, 4)) == 0:
        changes.update(from_time=dt.time(draw(st.integers(10, 13))), to_time=dt.time(14))
    if original.type != "couponing" and draw(st.integers(0, 4)) == 0:
        changes["automatic"] = False
    if draw(st.integers(0, 6)) == 0:
        changes["active"] = False
    return replace(original, **changes) if changes else original


@st.composite
def cases(draw, base=None):
    if base is None:
        definitions, coupon_codes = draw(sites())
        scanned = draw(receipts(coupon_codes))
    else:
        definitions, scanned = draw(base)
    campaigns = {code: draw(varied(found)) if found.type != "category" else found
                 for code, found in definitions.campaigns.items()}
    rebuilt = Definitions(
        items=definitions.items, resources=definitions.resources,
        packages=definitions.packages, locations=definitions.locations,
        members=definitions.members, campaigns=campaigns,
        combinations=definitions.combinations, coupons=definitions.coupons)
    discount = [code for code, found in campaigns.items() if found.type != "category"]
    scanned = replace(
        scanned, location=draw(st.sampled_from(["C1", "C1", "K1"])),
        member=draw(st.sampled_from(["M1", "M2", None])),
        debtor=draw(st.sampled_from([None, None, "D2"])),
        campaigns=tuple(draw(st.lists(st.sampled_from([*discount, "NOSUCH"]), max_size=2))))
    return rebuilt, scanned


def assert_same(definitions: Definitions, scanned) -> None:
    indexed = price_receipt(scanned, definitions, AT)
    assert indexed == price_receipt(scanned, definitions, AT, prune=False)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_indexed_pricing_equals_unindexed_pricing(case):
    assert_same(*case)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(unrestricted_cases()))
def test_indexed_pricing_equals_unindexed_with_unrestricted_coupons(case):
    assert_same(*case)


def line_values(scanned: ReceiptInput, definitions: Definitions) -> set[tuple[str, str]]:
    return {(kind, value) for found in _work_lines(scanned, definitions)
            for kind, value in found.values.items()}


def test_the_index_leaves_out_campaigns_no_value_of_the_receipt_reaches():
    definitions = site(
        campaign("BARS", "line_discount", 10, filters=(FilterDef("item", "BAR"),)),
        campaign("SNACKS", "line_discount", 10, filters=(FilterDef("item_category", "SNACKS"),)),
        campaign("AWAY", "line_discount", 10, filters=(FilterDef("location", "K1"),)),
        campaign("NOT_BARS", "line_discount", 10,
                 filters=(FilterDef("item", "BAR", excluded=True),)),
        campaign("ALL", "receipt_discount", 5))
    scanned = receipt(line("COLA"), line("PS5"), member="M1")
    reached = [run.campaign.code for run in _reachable(
        definitions, line_values(scanned, definitions), _customer(scanned, definitions), True)]
    assert reached == ["NOT_BARS", "ALL"]
    assert len(_runnable(definitions)) == 5
    (position,) = _campaign_index(definitions).by_value[("item", "BAR")]
    assert _runnable(definitions)[position].campaign.code == "BARS"
    assert_same(definitions, scanned)
    # a BAR line reaches both of its campaigns again
    with_bar = receipt(line("COLA"), line("BAR"), member="M1")
    assert [run.campaign.code for run in _reachable(
        definitions, line_values(with_bar, definitions), _customer(with_bar, definitions),
        True)] == ["BARS", "NOT_BARS", "SNACKS", "ALL"]  # in order of application
    assert_same(definitions, with_bar)


# ---------------------------------------------------------------- fast paths of the strategies


def m_for_n_by_units(campaign: CampaignDef, lines: list[WorkLine]) -> dict[int, int]:
    """m_for_n's free units as first written: every unit listed cheapest first, the first
    times × (buy − pay) counted per line."""
    buy, pay = campaign.buy or 0, campaign.pay or 0
    units = units_of(lines)
    if buy <= pay or len(units) < buy:
        return {}
    times = len(units) // buy if campaign.usage == "multiple" else 1
    return dict(Counter(line_no for line_no, _ in units[:times * (buy - pay)]))


work_lines = st.lists(st.tuples(st.integers(1, 6), st.integers(0, 3000)), min_size=0,
                      max_size=12)


@settings(max_examples=300, deadline=None)
@given(work_lines, st.integers(0, 5), st.integers(0, 5), st.sampled_from(["single", "multiple"]))
def test_m_for_n_takes_the_free_units_an_expansion_of_every_unit_takes(shapes, buy, pay, usage):
    lines = [WorkLine(no=no, quantity=quantity, unit_price=net // quantity + 1,
                      manual_discount=0, net=net, is_package=False, values={})
             for no, (quantity, net) in enumerate(shapes, start=1)]
    deal = CampaignDef("MFN", "m_for_n", buy=buy, pay=pay, usage=usage)
    grant = strategies.m_for_n(deal, strategies.Context(lines, lambda rules: []))
    assert grant.free_units == m_for_n_by_units(deal, lines)
    assert grant.allocations == strategies._free_unit_shares(
        m_for_n_by_units(deal, lines), {line.no: line for line in lines})


def m_plus_n_by_units(campaign: CampaignDef, lines: list[WorkLine],
                      candidates: list[WorkLine]) -> strategies.Grant:
    """m_plus_n as first written: every unit of the eligible lines listed dearest first and of
    the free candidates cheapest first, a set of the units used."""
    buy, get = campaign.buy or 0, campaign.get or 0
    if buy <= 0 or get <= 0 or sum(line.net for line in lines) < campaign.gate_amount:
        return strategies.Grant({}, "reduce", None)
    buy_units, free_units = units_of(lines, dearest_first=True), units_of(candidates)
    used: set[tuple[int, int]] = set()
    buyers: set[int] = set()
    free: Counter[int] = Counter()
    next_buy = next_free = 0
    while True:
        taken: list[tuple[int, int]] = []
        while len(taken) < buy and next_buy < len(buy_units):
            unit = buy_units[next_buy]
            next_buy += 1
            if unit not in used:
                taken.append(unit)
        if len(taken) < buy:
            break
        used.update(taken)
        given: list[tuple[int, int]] = []
        while len(given) < get and next_free < len(free_units):
            unit = free_units[next_free]
            next_free += 1
            if unit not in used:
                given.append(unit)
        if not given:
            break
        buyers.update(line_no for line_no, _ in taken)
        for unit in given:
            used.add(unit)
            free[unit[0]] += 1
        if campaign.usage != "multiple":
            break
    if not free:
        return strategies.Grant({}, "reduce", None)
    by_no = {line.no: line for line in [*lines, *candidates]}
    if campaign.reduction_type == "receipt_reduce":
        amount = round_half_up(sum((Fraction(by_no[no].net * count, by_no[no].quantity)
                                    for no, count in free.items()), Fraction(0)))
        touched = [(no, by_no[no].net) for no in sorted(buyers | set(free))]
        grant = strategies.Grant(pro_rata(amount, touched), "reduce", None,
                                 free_units=dict(free))
    else:
        grant = strategies.Grant(strategies._free_unit_shares(free, by_no), "reduce", None,
                                 free_units=dict(free))
    grant.discount_value = grant.amount
    return grant


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 9), st.integers(0, 3000), st.booleans(),
                          st.booleans()), max_size=8),
       st.integers(0, 4), st.integers(0, 3), st.sampled_from(["single", "multiple"]),
       st.sampled_from(["line_reduce", "receipt_reduce"]))
def test_m_plus_n_counts_units_per_line_as_the_unit_by_unit_rounds(shapes, buy, get, usage,
                                                                   reduction):
    lines = [WorkLine(no=no, quantity=quantity, unit_price=net // quantity + 1,
                      manual_discount=0, net=net, is_package=False, values={})
             for no, (quantity, net, _, _) in enumerate(shapes, start=1)]
    eligible = [line for line, shape in zip(lines, shapes, strict=True) if shape[2]]
    candidates = [line for line, shape in zip(lines, shapes, strict=True) if shape[3]]
    deal = CampaignDef("MPN", "m_plus_n", buy=buy, get=get, usage=usage,
                       reduction_type=reduction)
    grant = strategies.m_plus_n(deal, strategies.Context(eligible, lambda rules: candidates))
    assert grant == m_plus_n_by_units(deal, eligible, candidates)


def test_m_plus_n_on_a_million_units_takes_whole_rounds_at_once():
    drinks = WorkLine(no=1, quantity=1_000_000, unit_price=100, manual_discount=0,
                      net=100_000_000, is_package=False, values={})
    deal = CampaignDef("MPN", "m_plus_n", buy=2, get=1, usage="multiple",
                       reduction_type="line_reduce")
    grant = strategies.m_plus_n(deal, strategies.Context([drinks], lambda rules: [drinks]))
    assert grant.free_units == {1: 333_333}  # 333,333 rounds of 3 units, one unit left
    assert grant.allocations == {1: 33_333_300}


def test_priced_line_builds_the_same_line_as_the_dataclass():
    fields = dict(no=3, item="COLA", resource=None, package=None, quantity=2, unit_price=250,
                  gross=500, manual_discount=10, discount=60, net=440,
                  reductions=(Reduction("ALL", 50),))
    built, plain = priced_line(**fields), PricedLine(**fields)
    assert type(built) is PricedLine
    assert built == plain and hash(built) == hash(plain) and repr(built) == repr(plain)
    # every field is set: one added to PricedLine must be added to priced_line too
    assert set(vars(built)) == {field.name for field in dataclasses.fields(PricedLine)}
