"""Coupons in pricing: rejection reasons, without_restrictions, several coupons of a campaign,
coupon issue. Site: tests/pricing_helpers.py."""

from __future__ import annotations

import datetime as dt

from pricing_helpers import AT, applied, campaign, coupon, line, price, reductions, site

from engine.pricing import FilterDef

WELCOME = campaign("WELCOME", "couponing", automatic=False, priority=90)
DRINKS = (FilterDef("item_category", "DRINKS"),)


def rejected(priced) -> list[tuple[str, str]]:
    return [(r.code, r.reason) for r in priced.rejected]


def test_a_valid_reduce_coupon_is_applied_pro_rata_and_marked_redeemed():
    # 300 over COLA 250 / CHIPS 200 (Σ450): 166.7 → 166+1 = 167, 133.3 → 133
    definitions = site(WELCOME, coupons=[coupon("C1", "WELCOME", 300)])
    priced = price(definitions, line("COLA"), line("CHIPS"), coupons=("C1",))
    assert reductions(priced) == [[("WELCOME", 167)], [("WELCOME", 133)]]
    entry = priced.entries[0]
    assert (entry.registration, entry.registration_code, entry.discount_type,
            entry.discount_value, entry.reduce_amount) == ("coupon", "C1", "reduce", 300, 300)
    assert priced.redeemed_coupons == ("C1",) and priced.rejected == ()


def test_coupon_level_rejections():
    # every coupon below is refused for its own reason; the receipt is priced without them
    definitions = site(WELCOME, coupons=[
        coupon("OLD", "WELCOME", 100, expires_on=dt.date(2026, 7, 2)),
        coupon("GONE", "WELCOME", 100, status="canceled", canceled_at=AT),
        coupon("USED", "WELCOME", 100, max_redemptions=1, redemptions=1),
        coupon("ADA", "WELCOME", 100, sales_type="contact", sales_code="M1"),
        coupon("SCHOOL", "WELCOME", 100, sales_type="debtor", sales_code="D1"),
        coupon("VIPS", "WELCOME", 100, sales_type="segment", sales_code="VIP"),
    ])
    priced = price(definitions, line("COLA"), member="M2",
                   coupons=("NOPE", "OLD", "GONE", "USED", "ADA", "SCHOOL", "VIPS"))
    assert rejected(priced) == [("NOPE", "unknown"), ("OLD", "expired"), ("GONE", "canceled"),
                                ("USED", "used up"), ("ADA", "wrong customer"),
                                ("SCHOOL", "wrong customer"), ("VIPS", "wrong customer")]
    assert priced.entries == () and priced.total == 250
    # the same coupons for M1 (debtor D1, segment VIP): valid; expiry day itself is still valid
    ok = price(definitions, line("COLA", 4), member="M1", at=dt.datetime(2026, 7, 2, 23, 59),
               coupons=("OLD", "ADA", "SCHOOL", "VIPS"))
    assert ok.rejected == () and ok.redeemed_coupons == ("OLD", "ADA", "SCHOOL", "VIPS")


def test_unlimited_coupons_are_never_used_up():
    definitions = site(WELCOME, coupons=[coupon("MANY", "WELCOME", 10, max_redemptions=0,
                                                redemptions=500)])
    assert applied(price(definitions, line("COLA"), coupons=("MANY",))) == [("WELCOME", 10)]


def test_campaign_level_rejections():
    inactive = campaign("OFF", "couponing", active=False)
    evening = campaign("EVE", "couponing", from_time=dt.time(18), to_time=dt.time(22))
    drinks = campaign("DRK", "couponing", filters=DRINKS)
    strict = campaign("STRICT", "couponing", overpayment_allowed=False)
    definitions = site(inactive, evening, drinks, strict, coupons=[
        coupon("C-OFF", "OFF", 100), coupon("C-EVE", "EVE", 100), coupon("C-DRK", "DRK", 100),
        coupon("C-BIG", "STRICT", 1000)])
    priced = price(definitions, line("CHIPS"),
                   coupons=("C-OFF", "C-EVE", "C-DRK", "C-BIG"))
    # OFF is inactive; EVE is outside its hours; DRK finds no drink to reduce;
    # 1000 off a 200 receipt without overpayment exceeds the open amount
    assert rejected(priced) == [("C-OFF", "campaign inactive"), ("C-EVE", "conditions not met"),
                                ("C-DRK", "conditions not met"),
                                ("C-BIG", "exceeds open amount")]
    assert priced.redeemed_coupons == ()
    # a location that does not allow campaigns: conditions not met
    kiosk = price(site(WELCOME, coupons=[coupon("C1", "WELCOME", 10)]), line("COLA"),
                  location="K1", coupons=("C1",))
    assert rejected(kiosk) == [("C1", "conditions not met")]


def test_overpayment_allowed_caps_a_coupon_at_the_open_amount():
    generous = campaign("GEN", "couponing", overpayment_allowed=True)
    priced = price(site(generous, coupons=[coupon("C", "GEN", 1000)]), line("CHIPS"),
                   coupons=("C",))
    assert applied(priced) == [("GEN", 200)] and priced.total == 0


def test_discount_coupons_take_a_percentage_of_the_eligible_net():
    # 15 % of COLA×2 (500) = 75
    priced = price(site(WELCOME, coupons=[coupon("P15", "WELCOME", 15, "discount")]),
                   line("COLA", 2), coupons=("P15",))
    assert applied(priced) == [("WELCOME", 75)]
    assert priced.entries[0].discount_type == "discount"


def test_several_coupons_of_one_campaign_run_in_the_order_scanned():
    definitions = site(WELCOME, coupons=[coupon("TEN", "WELCOME", 10, "discount"),
                                         coupon("HUNDRED", "WELCOME", 100)])
    # 10 % of 1000 = 100, then 100: total 800
    first = price(definitions, line("HEADSET", 2), coupons=("TEN", "HUNDRED"))
    assert applied(first) == [("WELCOME", 100), ("WELCOME", 100)]
    # 100 first, then 10 % of 900 = 90: total 810
    second = price(definitions, line("HEADSET", 2), coupons=("HUNDRED", "TEN"))
    assert applied(second) == [("WELCOME", 100), ("WELCOME", 90)]
    assert second.total == 810


def test_a_coupon_scanned_twice_counts_once():
    # decision 5: the second listing is rejected as a duplicate and changes nothing else
    definitions = site(WELCOME, coupons=[coupon("MANY", "WELCOME", 50, max_redemptions=0)])
    priced = price(definitions, line("HEADSET"), coupons=("MANY", "MANY"))
    assert applied(priced) == [("WELCOME", 50)] and priced.redeemed_coupons == ("MANY",)
    assert rejected(priced) == [("MANY", "duplicate")]


def test_without_restrictions_ignores_filters_validity_and_combinations():
    # HAPPY (drinks only, combines with nothing) reduces COLA first; the unrestricted coupon of
    # DRK (drinks only, evenings only) still reduces every line, including the reduced COLA:
    # 100 over COLA 225 / CHIPS 200 (Σ425): 52.9 → 52+1 = 53, 47.1 → 47
    happy = campaign("HAPPY", "line_discount", 10, priority=1, filters=DRINKS)
    drinks = campaign("DRK", "couponing", filters=DRINKS, from_time=dt.time(18),
                      to_time=dt.time(22))
    definitions = site(happy, drinks, coupons=[
        coupon("FREE", "DRK", 100, without_restrictions=True), coupon("BOUND", "DRK", 100)])
    priced = price(definitions, line("COLA"), line("CHIPS"), coupons=("FREE", "BOUND"))
    assert reductions(priced) == [[("HAPPY", 25), ("DRK", 53)], [("DRK", 47)]]
    assert rejected(priced) == [("BOUND", "conditions not met")]


def test_an_unrestricted_coupon_blocks_later_campaigns_that_do_not_combine_with_it():
    # decision 9: the coupon's campaign runs first (priority 1); LATE (priority 2) does not
    # combine with FIRST, so it may not reduce the line the coupon reduced — unless it combines
    first = campaign("FIRST", "couponing", priority=1)
    late = campaign("LATE", "line_reduce", 10, priority=2)
    vouchers = [coupon("X", "FIRST", 50, without_restrictions=True)]
    definitions = site(first, late, coupons=vouchers)
    assert applied(price(definitions, line("COLA"), coupons=("X",))) == [("FIRST", 50)]
    combining = site(first, late, combinations=[("FIRST", "LATE")], coupons=vouchers)
    assert applied(price(combining, line("COLA"), coupons=("X",))) == [("FIRST", 50),
                                                                       ("LATE", 10)]


def test_a_coupon_without_a_value_registers_its_campaign():
    # STAFF (10 % receipt discount, manual) registered by a coupon: 10 % of 500 = 50
    staff = campaign("STAFF", "receipt_discount", 10, automatic=False)
    definitions = site(staff, coupons=[coupon("S1", "STAFF", None, discount_type=None),
                                       coupon("S2", "STAFF", None, discount_type=None)])
    priced = price(definitions, line("COLA", 2), coupons=("S1", "S2"))
    assert applied(priced) == [("STAFF", 50)]
    assert priced.entries[0].registration == "coupon"
    assert priced.entries[0].registration_code == "S1"
    # S2 would add nothing: already applied, not redeemed (decision 6)
    assert rejected(priced) == [("S2", "already applied")]
    assert priced.redeemed_coupons == ("S1",)


def test_coupon_issue_does_not_reduce_and_expires_by_its_formula():
    # BACK: 150 off from 3000 — instead a coupon worth 150, expiring 3 months later
    back = campaign("BACK", "receipt_reduce", 150, from_amount=3000, coupon_issue_active=True,
                    coupon_issue_text="Thanks", coupon_issue_expiration="+3M")
    priced = price(site(back), line("HEADSET", 7))
    assert priced.total == 3500 and reductions(priced) == [[]]
    (offer,) = priced.coupons_to_issue
    assert (offer.campaign, offer.value, offer.expires_on, offer.text) == (
        "BACK", 150, dt.date(2026, 10, 3), "Thanks")
    entry = priced.entries[0]
    assert (entry.process, entry.reduce_amount, entry.allocations) == ("issue", 150, ((1, 150),))
    # below the threshold: nothing to issue, no entry
    assert price(site(back), line("HEADSET", 5)).coupons_to_issue == ()


def test_a_coupon_issue_with_a_date_and_without_expiry():
    dated = campaign("D", "receipt_reduce", 100, coupon_issue_active=True,
                     coupon_issue_expiration="2026-12-31")
    endless = campaign("E", "receipt_reduce", 100, coupon_issue_active=True)
    assert price(site(dated), line("HEADSET")).coupons_to_issue[0].expires_on == dt.date(
        2026, 12, 31)
    assert price(site(endless), line("HEADSET")).coupons_to_issue[0].expires_on is None


def test_an_issued_coupon_redeemed_later_applies_its_value_without_issuing_again():
    back = campaign("BACK", "receipt_reduce", 150, from_amount=3000, coupon_issue_active=True,
                    coupon_issue_expiration="+3M")
    issued = coupon("ISSUED", "BACK", 150, without_restrictions=True)
    priced = price(site(back, coupons=[issued]), line("COLA"), coupons=("ISSUED",))
    assert applied(priced) == [("BACK", 150)] and priced.coupons_to_issue == ()
    assert priced.entries[0].process == "application"
