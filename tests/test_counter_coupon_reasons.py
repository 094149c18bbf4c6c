"""The counter's words for a refused coupon (counter.texts.coupon_reason): one text per pricing
reason, and what a cashier sees when scanning coupons the new reasons refuse (issue 22)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from counter import texts
from counter.texts import coupon_reason
from engine.coupons.reasons import PRECEDENCE
from engine.db import write
from engine.i18n import catalogs
from engine.models import Coupon
from engine.pricing.result import REASON_CODES
from engine.sales.cart import Cart, apply_scan

AT = dt.datetime(2026, 7, 3, 12, 0)


def test_every_reason_has_plain_words_that_start_with_the_reason():
    for reason in PRECEDENCE:
        words = coupon_reason(REASON_CODES[reason], reason)
        assert words.startswith(f"{reason} — ") and len(words) > len(reason) + 5, words
    assert coupon_reason("already_applied", "already applied") == (
        "already applied — the customer keeps the coupon")
    assert coupon_reason("duplicate", "duplicate") == (
        "duplicate — this coupon is already on the receipt")


def test_a_reason_without_a_text_keeps_the_engine_words():
    assert coupon_reason("coupon_twice", "coupon X is already on this receipt") == (
        "coupon X is already on this receipt")
    assert coupon_reason(None, "something new") == "something new"
    assert coupon_reason("other", "odd") == "odd"


def test_a_translation_replaces_the_words():
    german = catalogs.translate("de", "coupon_reason_already_applied",
                                texts.TEXTS["coupon_reason_already_applied"])
    assert german != texts.TEXTS["coupon_reason_already_applied"]
    try:
        texts.use("de")
        assert coupon_reason("already_applied", "already applied") == german
    finally:
        texts.use(None)


def test_scanning_a_value_less_coupon_of_an_applying_campaign_at_the_counter(demo_site):
    # BIGSPEND runs by itself from 2000: its value-less coupon is refused "already applied",
    # stays on the receipt (not final) and is not redeemed; the cashier reads plain words
    with write():
        Coupon.create(code="BIG-C", campaign="BIGSPEND", origin="imported")
        Coupon.create(code="LATE-1", campaign="WELCOME", discount_type="reduce",
                      value=Decimal(100), expires_on=dt.date(2026, 7, 1), origin="imported")
    cart = Cart("COUNTER1")
    assert apply_scan(cart, "5*HEADSET", AT).accepted
    outcome = apply_scan(cart, "big-c", AT)
    assert (outcome.accepted, outcome.reason_code) == (False, "already_applied")
    assert coupon_reason(outcome.reason_code, outcome.refusal) == (
        "already applied — the customer keeps the coupon")
    assert cart.coupons == ["BIG-C"]
    priced = cart.price(AT)
    assert priced.redeemed_coupons == () and [e.campaign for e in priced.entries] == ["BIGSPEND"]
    # an expired one leaves the receipt, in words too
    expired = apply_scan(cart, "LATE-1", AT)
    assert coupon_reason(expired.reason_code, expired.refusal) == (
        "expired — its last day has passed")
    assert cart.coupons == ["BIG-C"]
