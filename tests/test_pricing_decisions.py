"""Issue 22: the two coupon defects and the spec's "Decisions (2026-12)" (pricing.md), in the
pure pricing function. Site: tests/pricing_helpers.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pricing_helpers import AT, applied, campaign, coupon, line, price, reductions, site

from engine.pricing import FilterDef, TierDef


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


# ---------------------------------------------------------------- decisions 4–8

WELCOME = campaign("WELCOME", "couponing", automatic=False, priority=90)


def test_coupon_codes_match_ignoring_case_and_dashes_reported_as_written():
    definitions = site(WELCOME, coupons=[coupon("7KQ2-M9XD-4PA", "WELCOME", 100),
                                         coupon("OLD-ONE", "WELCOME", 100, status="canceled")])
    priced = price(definitions, line("HEADSET"), coupons=("7kq2m9xd4pa", "old-one", "NOPE"))
    assert applied(priced) == [("WELCOME", 100)]
    assert priced.entries[0].registration_code == "7KQ2-M9XD-4PA"  # the stored code
    assert priced.redeemed_coupons == ("7KQ2-M9XD-4PA",)
    assert rejected(priced) == [("old-one", "OLD-ONE", "canceled"), ("NOPE", None, "unknown")]
    assert [r.as_dict() for r in priced.rejected] == [
        {"code": "old-one", "reason": "canceled", "coupon": "OLD-ONE"},
        {"code": "NOPE", "reason": "unknown"}]


def test_two_stored_codes_alike_but_for_dashes_match_only_exactly():
    definitions = site(WELCOME, coupons=[coupon("AB-CD", "WELCOME", 10),
                                         coupon("ABCD", "WELCOME", 20)])
    assert applied(price(definitions, line("HEADSET"), coupons=("ABCD",))) == [("WELCOME", 20)]
    assert rejected(price(definitions, line("HEADSET"), coupons=("ab-cd",))) == [
        ("ab-cd", None, "unknown")]


def test_a_coupon_listed_twice_is_a_duplicate_the_second_time():
    definitions = site(WELCOME, coupons=[coupon("TWICE", "WELCOME", 100, max_redemptions=0)])
    priced = price(definitions, line("HEADSET"), coupons=("TWICE", "twice", "TWICE"))
    assert applied(priced) == [("WELCOME", 100)] and priced.redeemed_coupons == ("TWICE",)
    assert rejected(priced) == [("twice", "TWICE", "duplicate"), ("TWICE", "TWICE", "duplicate")]


def test_a_duplicate_of_a_refused_coupon_is_still_a_duplicate():
    # the first listing finds no drink (conditions not met); the second is a duplicate
    drinks = campaign("DRK", "couponing", filters=(FilterDef("item_category", "DRINKS"),))
    definitions = site(drinks, coupons=[coupon("D", "DRK", 100)])
    priced = price(definitions, line("HEADSET"), coupons=("D", "D"))
    assert rejected(priced) == [("D", "D", "conditions not met"), ("D", "D", "duplicate")]


def test_a_value_less_coupon_of_an_applying_campaign_is_already_applied_and_not_redeemed():
    auto = campaign("AUTO", "receipt_discount", 10)
    manual = campaign("BYCODE", "line_reduce", 20, automatic=False)
    definitions = site(auto, manual, combinations=[("AUTO", "BYCODE")], coupons=[
        coupon("A1", "AUTO", None, discount_type=None),
        coupon("B1", "BYCODE", None, discount_type=None)])
    priced = price(definitions, line("HEADSET"), campaigns=("BYCODE",), coupons=("A1", "B1"))
    # BYCODE (line-level) 20 first, then AUTO 10 % of 480 = 48
    assert applied(priced) == [("BYCODE", 20), ("AUTO", 48)]
    assert rejected(priced) == [("A1", "A1", "already applied"), ("B1", "B1", "already applied")]
    assert priced.redeemed_coupons == ()
    assert all(e.registration != "coupon" for e in priced.entries)


def test_a_coupon_with_its_own_value_is_one_more_application_of_an_applying_campaign():
    auto = campaign("AUTO", "receipt_discount", 10)
    definitions = site(auto, coupons=[coupon("EXTRA", "AUTO", 50)])
    priced = price(definitions, line("HEADSET"), coupons=("EXTRA",))
    # AUTO 10 % of 500 = 50 by itself, then the coupon's 50 as a second application
    assert [(e.campaign, e.registration, e.reduce_amount) for e in priced.entries] == [
        ("AUTO", "automatic", 50), ("AUTO", "coupon", 50)]
    assert priced.redeemed_coupons == ("EXTRA",) and priced.rejected == ()


def test_a_coupon_whose_campaign_has_no_eligible_line_is_conditions_not_met():
    # 1000 would exceed the open amount, but there is no drink at all to reduce
    drinks = campaign("DRK", "couponing", filters=(FilterDef("item_category", "DRINKS"),))
    definitions = site(drinks, coupons=[coupon("BIG", "DRK", 1000)])
    assert rejected(price(definitions, line("HEADSET"), coupons=("BIG",))) == [
        ("BIG", "BIG", "conditions not met")]
    # a receipt of only a package line: no eligible line either
    assert rejected(price(definitions, line("SUMMER/STD"), member="M1", coupons=("BIG",))) == [
        ("BIG", "BIG", "conditions not met")]
    # with a drink to reduce, the same coupon exceeds the open amount
    assert rejected(price(definitions, line("COLA"), coupons=("BIG",))) == [
        ("BIG", "BIG", "exceeds open amount")]


def test_a_value_less_coupon_of_an_automatic_campaign_that_fits_no_line_is_conditions_not_met():
    """Decisions 6 and 7 together (found by review): an automatic campaign that takes part but
    has no eligible line on this receipt does not 'already apply' — it gives nothing; the coupon
    is refused for its conditions, as when the campaign's time window fails."""
    drinks = campaign("DRK", "line_discount", 10, filters=(FilterDef("item_category", "DRINKS"),))
    definitions = site(drinks, coupons=[coupon("D1", "DRK", None, discount_type=None)])
    assert rejected(price(definitions, line("HEADSET"), coupons=("D1",))) == [
        ("D1", "D1", "conditions not met")]
    # with a drink on the receipt the campaign applies by itself: the coupon adds nothing
    assert rejected(price(definitions, line("COLA"), coupons=("D1",))) == [
        ("D1", "D1", "already applied")]


def test_the_first_reason_of_the_precedence_order_is_reported():
    off = campaign("OFF", "couponing", active=False)
    auto = campaign("AUTO", "receipt_discount", 10)
    expired = dt.date(2026, 7, 1)
    definitions = site(WELCOME, off, auto, coupons=[
        # canceled and expired: canceled
        coupon("CE", "WELCOME", 10, status="canceled", canceled_at=AT, expires_on=expired),
        # expired and used up: expired
        coupon("EU", "WELCOME", 10, expires_on=expired, redemptions=1),
        # used up and wrong customer: used up
        coupon("UW", "WELCOME", 10, redemptions=1, sales_type="contact", sales_code="M2"),
        # wrong customer of an inactive campaign: wrong customer
        coupon("WI", "OFF", 10, sales_type="contact", sales_code="M2"),
        # inactive campaign, listed twice: campaign inactive both times
        coupon("ID", "OFF", 10),
        # value-less of an applying campaign, listed twice: already applied, then duplicate
        coupon("AD", "AUTO", None, discount_type=None),
    ])
    priced = price(definitions, line("HEADSET"), member="M1",
                   coupons=("CE", "EU", "UW", "WI", "ID", "ID", "AD", "AD"))
    assert [(r.code, r.reason) for r in priced.rejected] == [
        ("CE", "canceled"), ("EU", "expired"), ("UW", "used up"), ("WI", "wrong customer"),
        ("ID", "campaign inactive"), ("ID", "campaign inactive"), ("AD", "already applied"),
        ("AD", "duplicate")]


def test_the_precedence_order_is_written_once():
    from engine.coupons import reasons
    from engine.pricing.result import REASON_CODES

    assert reasons.PRECEDENCE == (
        "unknown", "canceled", "expired", "used up", "wrong customer", "campaign inactive",
        "duplicate", "already applied", "conditions not met", "exceeds open amount")
    assert list(REASON_CODES) == list(reasons.PRECEDENCE)
    assert REASON_CODES["already applied"] == "already_applied"
    assert reasons.first_reason({"duplicate": lambda: True, "unknown": lambda: True}) == "unknown"
    assert reasons.first_reason({"duplicate": lambda: False}) is None
