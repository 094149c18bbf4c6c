"""Pricing rules, one test per rule, on receipts small enough to check by hand.

The site is tests/pricing_helpers.py (COLA 250, WATER 150 in DRINKS; CHIPS 200, BAR 120 in
SNACKS; HEADSET 500; resource PS5 600; location C1 allows campaigns, K1 does not).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from pricing_helpers import (
    AT,
    applied,
    campaign,
    line,
    price,
    reductions,
    site,
)

from engine.errors import NotFound
from engine.money import round_half_up
from engine.pricing import FilterDef, FreeLineDef, TierDef, TriggerDef, TriggerLineDef
from engine.pricing.allocation import pro_rata
from engine.pricing.strategies import half_up

DRINKS = (FilterDef("item_category", "DRINKS"),)
SNACKS = (FilterDef("item_category", "SNACKS"),)

# ---------------------------------------------------------------- allocation and rounding


def test_pro_rata_gives_leftovers_to_largest_fractions_then_larger_net_then_lower_line():
    # 100 over 100/100/100: 33⅓ each → 33, 33, 33; one left, all fractions and nets tie → line 1
    assert pro_rata(100, [(1, 100), (2, 100), (3, 100)]) == {1: 34, 2: 33, 3: 33}
    # 10 over 50/30/20 (Σ100): exactly 5, 3, 2
    assert pro_rata(10, [(1, 50), (2, 30), (3, 20)]) == {1: 5, 2: 3, 3: 2}
    # 5 over 3/3/4 (Σ10): 1.5, 1.5, 2 → 1, 1, 2; one left: fractions .5/.5 tie, nets tie → line 1
    assert pro_rata(5, [(1, 3), (2, 3), (3, 4)]) == {1: 2, 2: 1, 3: 2}
    # 1 over 1/2 (Σ3): ⅓, ⅔ → 0, 0; the larger fraction (line 2) gets it
    assert pro_rata(1, [(1, 1), (2, 2)]) == {2: 1}
    # equal fractions, different nets: 2 over 5/5/10 → .5/.5/1 → 0,0,1; tie of .5 → lower line 1
    assert pro_rata(2, [(1, 5), (2, 5), (3, 10)]) == {1: 1, 3: 1}


def test_pro_rata_never_exceeds_the_nets():
    assert pro_rata(500, [(1, 100), (2, 50)]) == {1: 100, 2: 50}
    assert pro_rata(10, [(1, 0)]) == {}


def test_line_discount_rounds_half_up_once():
    # COLA 250 × 10.2 % = 25.5 → 26
    priced = price(site(campaign("P", "line_discount", "10.2")), line("COLA"))
    assert reductions(priced) == [[("P", 26)]]
    assert priced.total == 224


# ---------------------------------------------------------------- the types


def test_line_discount_per_line():
    # COLA×2: 500 × 20 % = 100; WATER: 150 × 20 % = 30; CHIPS not a drink
    priced = price(site(campaign("P", "line_discount", 20, filters=DRINKS)),
                   line("COLA", 2), line("WATER"), line("CHIPS"))
    assert reductions(priced) == [[("P", 100)], [("P", 30)], []]
    assert applied(priced) == [("P", 130)]
    assert priced.entries[0].discount_value == 20
    assert priced.entries[0].allocations == ((1, 100), (2, 30))


def test_line_reduce_per_unit_with_overpayment_per_line():
    # 150 per unit: CHIPS×2 → 300 (net 400); BAR 120 < 150 → not applied to that line
    refused = price(site(campaign("P", "line_reduce", 150, filters=SNACKS)),
                    line("CHIPS", 2), line("BAR"))
    assert reductions(refused) == [[("P", 300)], []]
    # overpayment allowed: BAR capped at its net 120
    capped = price(site(campaign("P", "line_reduce", 150, filters=SNACKS,
                                 overpayment_allowed=True)), line("CHIPS", 2), line("BAR"))
    assert reductions(capped) == [[("P", 300)], [("P", 120)]]
    assert capped.lines[1].net == 0


def test_receipt_discount_pro_rata():
    # S = 250 + 200 + 120 = 570; 10 % = 57; 57·250/570 = 25, 57·200/570 = 20, 57·120/570 = 12
    priced = price(site(campaign("P", "receipt_discount", 10)),
                   line("COLA"), line("CHIPS"), line("BAR"))
    assert reductions(priced) == [[("P", 25)], [("P", 20)], [("P", 12)]]
    assert applied(priced) == [("P", 57)]


def test_receipt_reduce_with_and_without_overpayment():
    # 100 over 250/200 (Σ450): 55.5→55, 44.4→44, one left to line 1 (.55 > .44) → 56, 44
    priced = price(site(campaign("P", "receipt_reduce", 100)), line("COLA"), line("CHIPS"))
    assert reductions(priced) == [[("P", 56)], [("P", 44)]]
    # 1000 > S = 450: refused without overpayment, capped to 450 with it
    assert price(site(campaign("P", "receipt_reduce", 1000)), line("COLA"),
                 line("CHIPS")).entries == ()
    capped = price(site(campaign("P", "receipt_reduce", 1000, overpayment_allowed=True)),
                   line("COLA"), line("CHIPS"))
    assert capped.total == 0 and applied(capped) == [("P", 450)]


def tiers(usage: str, *rows: tuple[int, int, int]) -> tuple[TierDef, ...]:
    return tuple(TierDef(Decimal(v), usage, q, a) for q, a, v in rows)


def test_tiered_single_takes_the_last_reached_tier():
    # tiers by amount: ≥ 500 → 50, ≥ 1000 → 150. S = 4 × 250 = 1000 → 150
    definitions = site(campaign("T", "tiered_reduce", tiers=tiers("single", (0, 500, 50),
                                                                  (0, 1000, 150))))
    assert applied(price(definitions, line("COLA", 4))) == [("T", 150)]
    # S = 750 → 50; S = 250 → nothing
    assert applied(price(definitions, line("COLA", 3))) == [("T", 50)]
    assert applied(price(definitions, line("COLA"))) == []


def test_tiered_discount_single_and_its_entry_value():
    # ≥ 2 units → 5 %, ≥ 4 units → 10 %; COLA×4 = 1000 → 10 % = 100
    definitions = site(campaign("T", "tiered_discount", tiers=tiers("single", (2, 0, 5),
                                                                    (4, 0, 10))))
    priced = price(definitions, line("COLA", 4))
    assert applied(priced) == [("T", 100)]
    assert priced.entries[0].discount_value == 10 and priced.entries[0].discount_type == "discount"


def test_tiered_multiple_counts_how_often_the_threshold_fits():
    # per 3 units 40 off: 7 units → ⌊7/3⌋ = 2 → 80
    by_quantity = site(campaign("T", "tiered_reduce", tiers=tiers("multiple", (3, 0, 40))))
    assert applied(price(by_quantity, line("BAR", 7))) == [("T", 80)]
    # per 300 spent 25 off: S = 5 × 200 = 1000 → ⌊1000/300⌋ = 3 → 75
    by_amount = site(campaign("T", "tiered_reduce", tiers=tiers("multiple", (0, 300, 25))))
    assert applied(price(by_amount, line("CHIPS", 5))) == [("T", 75)]
    # both set: the smaller count: ⌊5/2⌋ = 2 vs ⌊1000/300⌋ = 3 → 2 × 25 = 50
    both = site(campaign("T", "tiered_reduce", tiers=tiers("multiple", (2, 300, 25))))
    assert applied(price(both, line("CHIPS", 5))) == [("T", 50)]


def test_tiered_quantity_scale_chooses_the_tier_per_line():
    # ≥ 2 units: 10 off per unit, ≥ 5 units: 30 off per unit
    # CHIPS×5 → 5 × 30 = 150; BAR×2 → 2 × 10 = 20; COLA×1 → no tier
    definitions = site(campaign("T", "tiered_reduce", tiers=tiers("quantity_scale", (2, 0, 10),
                                                                  (5, 0, 30))))
    priced = price(definitions, line("CHIPS", 5), line("BAR", 2), line("COLA"))
    assert reductions(priced) == [[("T", 150)], [("T", 20)], []]
    assert priced.entries[0].discount_value == 30  # the largest tier value applied


def test_tiered_quantity_scale_total_chooses_the_tier_from_all_lines():
    # U = 5 + 2 + 1 = 8 ≥ 5 → 10 % on every line: 1000→100, 240→24, 250→25
    definitions = site(campaign("T", "tiered_discount",
                                tiers=tiers("quantity_scale_total", (2, 0, 5), (5, 0, 10))))
    priced = price(definitions, line("CHIPS", 5), line("BAR", 2), line("COLA"))
    assert reductions(priced) == [[("T", 100)], [("T", 24)], [("T", 25)]]


def test_m_for_n_single_and_multiple():
    # 3 for 2 on snacks: units 120, 200, 200, 200, 200 sorted ascending.
    # single: 1 free unit, the cheapest (BAR 120)
    single = site(campaign("X", "m_for_n", buy=3, pay=2, usage="single", filters=SNACKS))
    assert reductions(price(single, line("CHIPS", 4), line("BAR"))) == [[], [("X", 120)]]
    # multiple: ⌊5/3⌋ = 1 → still 1 free; with 6 units: 2 free (BAR 120, one CHIPS 200)
    multiple = site(campaign("X", "m_for_n", buy=3, pay=2, usage="multiple", filters=SNACKS))
    priced = price(multiple, line("CHIPS", 5), line("BAR"))
    assert reductions(priced) == [[("X", 200)], [("X", 120)]]
    assert priced.entries[0].discount_value == 320  # for m_for_n the granted R
    # fewer units than M: nothing
    assert price(multiple, line("CHIPS", 2)).entries == ()


def test_m_for_n_uses_unit_nets_and_rounds_per_line():
    # CHIPS×3 with a manual discount of 1 → net 599, unit net 199.67; one free → round(199.67) = 200
    definitions = site(campaign("X", "m_for_n", buy=3, pay=2, usage="single"))
    priced = price(definitions, line("CHIPS", 3, manual_discount=1))
    assert reductions(priced) == [[("X", 200)]]
    assert priced.lines[0].discount == 201 and priced.lines[0].net == 399


def test_m_plus_n_line_reduce_gives_the_cheapest_free_candidate():
    # buy 2 PS5 hours, get 1 drink: candidates COLA 250, WATER 150 → WATER free
    definitions = site(campaign("Y", "m_plus_n", buy=2, get=1, usage="single",
                                reduction_type="line_reduce",
                                filters=(FilterDef("resource", "PS5"),),
                                free=(FreeLineDef("item_category", "DRINKS"),)))
    priced = price(definitions, line("PS5", 2), line("COLA"), line("WATER"))
    assert reductions(priced) == [[], [], [("Y", 150)]]
    assert priced.entries[0].discount_value == 150
    # only one PS5 hour: no application
    assert price(definitions, line("PS5"), line("COLA")).entries == ()
    # no free candidate: no application
    assert price(definitions, line("PS5", 2), line("CHIPS")).entries == ()


def test_m_plus_n_multiple_by_item_and_by_resource():
    # buy 1 CHIPS get 1 BAR (free by item), multiple: CHIPS×3, BAR×2 → 2 rounds → 240
    by_item = site(campaign("Y", "m_plus_n", buy=1, get=1, usage="multiple",
                            reduction_type="line_reduce", filters=(FilterDef("item", "CHIPS"),),
                            free=(FreeLineDef("item", "BAR"),)))
    assert reductions(price(by_item, line("CHIPS", 3), line("BAR", 2))) == [[], [("Y", 240)]]
    # buy 2 headsets, get a PS5 hour (free by resource)
    by_resource = site(campaign("Y", "m_plus_n", buy=2, get=1, usage="single",
                                reduction_type="line_reduce",
                                filters=(FilterDef("item", "HEADSET"),),
                                free=(FreeLineDef("resource", "PS5"),)))
    assert reductions(price(by_resource, line("HEADSET", 2), line("PS5", 2))) == [[], [("Y", 600)]]


def test_m_plus_n_buy_and_free_units_are_not_shared():
    # buy 2 get 1, all drinks: COLA×3 → the 2 dearest are bought, the third is free (250)
    definitions = site(campaign("Y", "m_plus_n", buy=2, get=1, usage="multiple",
                                reduction_type="line_reduce", filters=DRINKS,
                                free=(FreeLineDef("item_category", "DRINKS"),)))
    assert applied(price(definitions, line("COLA", 3))) == [("Y", 250)]
    # COLA×2 only: both are bought, no free candidate left → nothing
    assert price(definitions, line("COLA", 2)).entries == ()


def test_m_plus_n_receipt_reduce_spreads_over_buy_and_free_lines():
    # buy 2 PS5 (1200), get the WATER (150) free: R = 150 over the PS5 and WATER lines
    # (Σnet 1350): 150·1200/1350 = 133.3 → 133, 150·150/1350 = 16.7 → 16+1 = 17
    definitions = site(campaign("Y", "m_plus_n", buy=2, get=1, usage="single",
                                reduction_type="receipt_reduce",
                                filters=(FilterDef("resource", "PS5"),),
                                free=(FreeLineDef("item", "WATER"),)))
    priced = price(definitions, line("PS5", 2), line("COLA"), line("WATER"))
    assert reductions(priced) == [[("Y", 133)], [], [("Y", 17)]]


def test_m_plus_n_gate_amount():
    # from_amount 1500 on the buy lines: PS5×2 = 1200 < 1500 → nothing
    definitions = site(campaign("Y", "m_plus_n", buy=2, get=1, usage="single", gate_amount=1500,
                                reduction_type="line_reduce",
                                filters=(FilterDef("resource", "PS5"),),
                                free=(FreeLineDef("item", "WATER"),)))
    assert price(definitions, line("PS5", 2), line("WATER")).entries == ()
    assert applied(price(definitions, line("PS5", 3), line("WATER"))) == [("Y", 150)]


# ---------------------------------------------------------------- taking part


def test_inactive_deleted_or_inactive_category_campaigns_do_not_take_part():
    base = {"value": Decimal(10)}
    cases = [campaign("P", "receipt_discount", active=False, **base),
             campaign("P", "receipt_discount", deleted=True, **base),
             campaign("P", "receipt_discount", category="CAT", **base)]
    for case in cases:
        assert price(site(case, campaign("CAT", "category", active=False)),
                     line("COLA")).entries == ()


def test_dates_weekdays_and_time_windows():
    def applies(at: dt.datetime, **validity) -> bool:
        return bool(price(site(campaign("P", "receipt_discount", 10, **validity)),
                          line("COLA"), at=at).entries)

    friday = dt.datetime(2026, 7, 3, 12, 0)
    assert applies(friday, from_date=dt.date(2026, 7, 3), to_date=dt.date(2026, 7, 3))
    assert not applies(friday, from_date=dt.date(2026, 7, 4))
    assert not applies(friday, to_date=dt.date(2026, 7, 2))
    assert applies(friday, weekdays=frozenset({"fri"}))
    assert not applies(friday, weekdays=frozenset({"sat", "sun"}))
    window = {"from_time": dt.time(16), "to_time": dt.time(18)}
    assert applies(friday.replace(hour=16), **window)  # start inclusive
    assert not applies(friday.replace(hour=18), **window)  # end exclusive
    assert not applies(friday.replace(hour=15, minute=59), **window)
    night = {"from_time": dt.time(22), "to_time": dt.time(2)}  # wraps midnight
    assert applies(friday.replace(hour=23), **night)
    assert applies(friday.replace(hour=1, minute=59), **night)
    assert not applies(friday.replace(hour=2), **night)
    assert not applies(friday.replace(hour=12), **night)


def test_from_quantity_and_from_amount_are_measured_on_eligible_lines():
    # drinks only: COLA×2 = 500 (2 units); CHIPS does not count
    def applies(**validity) -> bool:
        return bool(price(site(campaign("P", "receipt_discount", 10, filters=DRINKS,
                                        **validity)), line("COLA", 2), line("CHIPS", 5)).entries)

    assert applies(from_quantity=2) and not applies(from_quantity=3)
    assert applies(from_amount=500) and not applies(from_amount=501)


def test_from_amount_is_measured_after_earlier_campaigns():
    # A takes 100 off COLA×4 (1000 → 900); B needs S ≥ 950 on the lines it may reduce → no
    definitions = site(campaign("A", "receipt_reduce", 100, priority=1),
                       campaign("B", "receipt_reduce", 50, priority=2, from_amount=950),
                       combinations=[("A", "B")])
    assert applied(price(definitions, line("COLA", 4))) == [("A", 100)]


def test_item_validity_reduced_and_not_reduced():
    # A: 20 % on drinks first; then B (all lines) with item_validity reduced / not_reduced
    def second(validity: str) -> list:
        definitions = site(campaign("A", "line_discount", 20, priority=1, filters=DRINKS),
                           campaign("B", "line_reduce", 10, priority=2, item_validity=validity),
                           combinations=[("A", "B")])
        return reductions(price(definitions, line("COLA"), line("CHIPS")))

    assert second("reduced") == [[("A", 50), ("B", 10)], []]
    assert second("not_reduced") == [[("A", 50)], [("B", 10)]]
    assert second("all") == [[("A", 50), ("B", 10)], [("B", 10)]]


def test_a_manual_discount_makes_a_line_reduced_and_comes_off_first():
    # COLA 250 − manual 50 = 200; 10 % of the net → 20 (item_validity reduced holds)
    definitions = site(campaign("P", "line_discount", 10, item_validity="reduced"))
    priced = price(definitions, line("COLA", manual_discount=50), line("WATER"))
    assert reductions(priced) == [[("P", 20)], []]
    assert priced.lines[0].discount == 70 and priced.lines[0].net == 180


def test_manual_registration_applies_once():
    definitions = site(campaign("STAFF", "receipt_discount", 10, automatic=False))
    assert price(definitions, line("COLA")).entries == ()
    priced = price(definitions, line("COLA"), campaigns=("STAFF", "STAFF"))
    assert applied(priced) == [("STAFF", 25)]
    assert priced.entries[0].registration == "manual"


def test_location_must_allow_campaigns():
    definitions = site(campaign("P", "receipt_discount", 10))
    assert price(definitions, line("COLA"), location="K1").entries == ()
    assert price(definitions, line("COLA"), location="C1").entries != ()


def test_line_filter_groups_exclusions_blank_and_whole_group():
    def lines_reduced(*filters: FilterDef) -> list[int]:
        priced = price(site(campaign("P", "line_discount", 10, filters=filters)),
                       line("COLA"), line("WATER"), line("CHIPS"), line("HEADSET"), line("PS5"))
        return [ln.no for ln in priced.lines if ln.reductions]

    # lines: 1 COLA (DRINKS, COLACO), 2 WATER (DRINKS, no vendor), 3 CHIPS, 4 HEADSET, 5 PS5
    assert lines_reduced() == [1, 2, 3, 4, 5]
    assert lines_reduced(FilterDef("item_category", "DRINKS"),
                         FilterDef("item", "WATER", excluded=True)) == [1]
    # blank category excluded: everything with a category (and no resource line has one)
    assert lines_reduced(FilterDef("item_category", "", excluded=True)) == [1, 2, 3]
    # "" included: only lines without a vendor
    assert lines_reduced(FilterDef("vendor", "")) == [2, 4, 5]
    # whole group excluded: every value, blank or not, fails
    assert lines_reduced(FilterDef("resource", None, excluded=True)) == []
    # groups combine: drinks AND vendor COLACO
    assert lines_reduced(FilterDef("item_category", "DRINKS"), FilterDef("vendor", "COLACO")) == [1]


def test_receipt_filter_groups_debtor_contact_location():
    def applies(*filters: FilterDef, **receipt) -> bool:
        return bool(price(site(campaign("P", "receipt_discount", 10, filters=filters)),
                          line("COLA"), **receipt).entries)

    no_debtor = FilterDef("debtor", "", excluded=True)
    assert not applies(no_debtor)
    assert applies(no_debtor, member="M1")  # M1's debtor is D1
    assert not applies(no_debtor, member="M2")
    assert applies(no_debtor, member="M2", debtor="D9")  # the receipt's debtor overrides
    assert applies(FilterDef("contact", "M1"), member="M1")
    assert not applies(FilterDef("contact", "M1"), member="M2")
    assert not applies(FilterDef("location", "C1", excluded=True))


def test_pool_and_set_triggers_look_at_the_receipt_as_scanned():
    pool = TriggerDef("pool", (TriggerLineDef("item_category", "SNACKS"),), min_quantity=2)
    with_pool = site(campaign("P", "line_discount", 10, filters=DRINKS, triggers=(pool,)))
    assert price(with_pool, line("COLA"), line("CHIPS")).entries == ()
    # the snacks trigger but are not reduced (drinks only): 250 × 10 % = 25
    assert reductions(price(with_pool, line("COLA"), line("CHIPS"), line("BAR"))) == [
        [("P", 25)], [], []]
    set_a = TriggerDef("set", (TriggerLineDef("resource", "PS5", 2),))
    set_b = TriggerDef("set", (TriggerLineDef("item", "HEADSET"), TriggerLineDef("item", "BAR")))
    with_sets = site(campaign("P", "line_discount", 10, filters=DRINKS, triggers=(set_a, set_b)))
    assert price(with_sets, line("COLA"), line("PS5")).entries == ()
    assert price(with_sets, line("COLA"), line("PS5", 2)).entries != ()  # set a holds
    assert price(with_sets, line("COLA"), line("HEADSET")).entries == ()
    assert price(with_sets, line("COLA"), line("HEADSET"), line("BAR")).entries != ()


# ---------------------------------------------------------------- order and combination


def test_order_category_priority_then_own_priority_then_level_then_code():
    # every campaign combines with every other; each takes 10 % of what is left
    codes = ["A", "B", "C", "D", "E"]
    definitions = site(
        campaign("CAT", "category", priority=1),
        campaign("E", "receipt_discount", 10, priority=50, category="CAT"),  # category 1 first
        campaign("D", "receipt_discount", 10, priority=5),
        campaign("C", "line_discount", 10, priority=5),  # same priority, line level first
        campaign("B", "receipt_discount", 10, priority=7),
        campaign("A", "receipt_discount", 10, priority=7),  # same priority and level: code
        combinations=[(a, b) for a in [*codes, "CAT"] for b in [*codes, "CAT"] if a < b])
    order = [entry.campaign for entry in price(definitions, line("HEADSET", 2)).entries]
    assert order == ["E", "C", "D", "A", "B"]


def test_a_line_gets_one_campaign_unless_they_combine():
    a = campaign("A", "line_discount", 10, priority=1)
    b = campaign("B", "receipt_reduce", 50, priority=2)
    # B may only reduce lines A did not reduce: CHIPS (A is drinks only)
    definitions = site(campaign("A", "line_discount", 10, priority=1, filters=DRINKS), b)
    assert reductions(price(definitions, line("COLA"), line("CHIPS"))) == [[("A", 25)],
                                                                          [("B", 50)]]
    # A reduced everything: B has no line left
    assert applied(price(site(a, b), line("COLA"))) == [("A", 25)]
    # combined directly, through A's category, through both categories
    cats = [campaign("CA", "category", priority=1), campaign("CB", "category", priority=2)]
    a_in, b_in = (campaign("A", "line_discount", 10, priority=1, category="CA"),
                  campaign("B", "receipt_reduce", 50, priority=2, category="CB"))
    for definitions in (site(a, b, combinations=[("B", "A")]),
                        site(a_in, b, *cats, combinations=[("CA", "B")]),
                        site(a, b_in, *cats, combinations=[("A", "CB")]),
                        site(a_in, b_in, *cats, combinations=[("CB", "CA")])):
        assert applied(price(definitions, line("COLA"))) == [("A", 25), ("B", 50)]


def test_package_lines_are_never_discounted_but_count_in_the_total():
    definitions = site(campaign("P", "receipt_discount", 10))
    priced = price(definitions, line("COLA"), line("SUMMER/STD"), member="M1")
    assert reductions(priced) == [[("P", 25)], []]
    assert priced.subtotal == 1150 and priced.total == 1125


def test_a_campaign_granting_zero_writes_no_entry():
    # 1 % of WATER 150 = 1.5 → 2; 0.1 % → 0.15 → 0: not applied
    assert applied(price(site(campaign("P", "line_discount", 1)), line("WATER"))) == [("P", 2)]
    assert price(site(campaign("P", "line_discount", "0.1")), line("WATER")).entries == ()


def test_unknown_codes_are_refused():
    with pytest.raises(NotFound, match="unknown item"):
        price(site(), line("NOPE"))


def test_pricing_is_deterministic_and_reads_no_clock():
    definitions = site(campaign("P", "receipt_discount", 10))
    first = price(definitions, line("COLA", 3), line("CHIPS"))
    assert first == price(definitions, line("COLA", 3), line("CHIPS"))
    assert first.at == AT


def test_the_strategies_integer_rounding_is_money_round_half_up():
    """half_up(n, d) rounds the loops' shares without a Fraction: exactly round_half_up(n / d),
    halves up (2.5 -> 3), negatives as money rounds them (-2.5 -> -3)."""
    for denominator in (1, 2, 3, 4, 7, 100, 300, 1000):
        for numerator in range(-1050, 1051):
            assert half_up(numerator, denominator) == round_half_up(
                Fraction(numerator, denominator)), (numerator, denominator)
    assert (half_up(5, 2), half_up(-5, 2), half_up(149, 100), half_up(150, 100)) == (3, -3, 1, 2)
