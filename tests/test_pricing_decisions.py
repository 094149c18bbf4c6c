"""Issue 22: the two coupon defects and the spec's "Decisions (2026-12)" (pricing.md), in the
pure pricing function. Site: tests/pricing_helpers.py."""

from __future__ import annotations

from decimal import Decimal

from pricing_helpers import applied, campaign, coupon, line, price, reductions, site

from engine.pricing import TierDef


def rejected(priced) -> list[tuple[str, str | None, str]]:
    return [(r.code, r.coupon, r.reason) for r in priced.rejected]


# ---------------------------------------------------------------- defect 1 (decision 9)


def test_an_unrestricted_coupon_keeps_non_combining_campaigns_off_its_lines():
    # the issue's case: I1 (COLA here) ×10; TR3 tiered_reduce, not automatic, priority −5;
    # RD5 1 % receipt discount, automatic; an unrestricted coupon of TR3 reducing 50.
    # TR3 and RD5 do not combine: only TR3's 50 applies.
    tr3 = campaign("TR3", "tiered_reduce", automatic=False, priority=-5,
                   tiers=(TierDef(Decimal(50), "quantity_scale_total", 5, 0),))
    rd5 = campaign("RD5", "receipt_discount", 1)
    definitions = site(tr3, rd5, coupons=[coupon("FREE", "TR3", 50, without_restrictions=True)])
    priced = price(definitions, line("COLA", 10), coupons=("FREE",))
    assert applied(priced) == [("TR3", 50)]
    assert reductions(priced) == [[("TR3", 50)]]
    assert priced.total == 2450 and priced.redeemed_coupons == ("FREE",)


def test_a_campaign_that_combines_with_the_coupons_campaign_still_reduces_its_lines():
    tr3 = campaign("TR3", "couponing", priority=-5)
    rd5 = campaign("RD5", "receipt_discount", 1)
    definitions = site(tr3, rd5, combinations=[("TR3", "RD5")],
                       coupons=[coupon("FREE", "TR3", 50, without_restrictions=True)])
    # 2500 − 50 = 2450; 1 % of 2450 = 24.5 → 25
    priced = price(definitions, line("COLA", 10), coupons=("FREE",))
    assert applied(priced) == [("TR3", 50), ("RD5", 25)]


def test_an_unrestricted_coupon_itself_still_ignores_combinations():
    # HAPPY (combines with nothing) reduced COLA first; the unrestricted coupon still reduces it,
    # and then LATER (combines with the coupon's campaign, not with HAPPY) may not
    happy = campaign("HAPPY", "line_discount", 10, priority=1)
    free = campaign("FREECAMP", "couponing", priority=2)
    later = campaign("LATER", "line_reduce", 10, priority=3)
    definitions = site(happy, free, later, combinations=[("FREECAMP", "LATER")],
                       coupons=[coupon("X", "FREECAMP", 50, without_restrictions=True)])
    priced = price(definitions, line("COLA"), coupons=("X",))
    assert reductions(priced) == [[("HAPPY", 25), ("FREECAMP", 50)]]


# ---------------------------------------------------------------- defect 2 (decision 10)


def test_a_value_less_coupon_of_an_issuing_campaign_issues_and_reduces_nothing():
    # a tiered_discount with coupon issue, not automatic, registered by its own coupon:
    # 25 % of 1000 = 250 is issued as a coupon, the receipt is not reduced
    back = campaign("BACK", "tiered_discount", automatic=False,
                    tiers=(TierDef(Decimal(25), "single", 1, 0),),
                    coupon_issue_active=True, coupon_issue_expiration="+3M")
    definitions = site(back, coupons=[coupon("REG", "BACK", None, discount_type=None)])
    priced = price(definitions, line("HEADSET", 2), coupons=("REG",))
    assert priced.total == 1000 and reductions(priced) == [[]]
    assert [(c.campaign, c.value) for c in priced.coupons_to_issue] == [("BACK", 250)]
    (entry,) = priced.entries
    assert (entry.process, entry.registration, entry.registration_code,
            entry.reduce_amount) == ("issue", "coupon", "REG", 250)
    assert priced.rejected == ()


def test_a_coupon_with_its_own_value_of_an_issuing_campaign_reduces():
    # an issued coupon is such a coupon: it reduces by its value and issues nothing
    back = campaign("BACK", "tiered_discount", automatic=False,
                    tiers=(TierDef(Decimal(25), "single", 1, 0),),
                    coupon_issue_active=True, coupon_issue_expiration="+3M")
    definitions = site(back, coupons=[coupon("VAL", "BACK", 100, without_restrictions=True)])
    priced = price(definitions, line("HEADSET", 2), coupons=("VAL",))
    assert applied(priced) == [("BACK", 100)] and priced.coupons_to_issue == ()
