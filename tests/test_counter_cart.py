"""The counter's cart (no Kivy): what scans and typed codes mean, lines, prices, refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from counter.cart import FINAL_REFUSALS, Cart, split_quantity
from engine.coupons.cancel import cancel
from engine.coupons.wizard import generate
from engine.errors import PlaydeskError
from engine.orders import create_order

AT = dt.datetime(2026, 7, 3, 17, 0)  # happy hour


@pytest.fixture
def cart(demo_site):
    return Cart("COUNTER1")


def test_codes_mean_what_the_engine_says(cart):
    coupon = generate("WELCOME", 1, AT, discount_type="reduce", value=100)[0].code
    order = create_order("M001", "SUMMER/BASIC", "KIOSK1", AT)
    cases = {"4006381333931": ("item", "COLA"), "CHIPS": ("item", "CHIPS"),
             "chips": ("item", "CHIPS"), "PC-HOUR": ("resource", "PC-HOUR"),
             "MEM0002": ("member", "M002"), "M003": ("member", "M003"),
             "CAMPSTAFF10": ("campaign", "STAFF10"), "STAFF10": ("campaign", "STAFF10"),
             coupon: ("coupon", coupon), coupon.replace("-", "").lower(): ("coupon", coupon),
             "ORD" + order.code: ("order", "ORD" + order.code)}
    for scanned, expected in cases.items():
        result = cart.interpret(scanned)
        assert (result.kind, result.code) == expected, scanned
    assert "misread" in cart.interpret("4006381333932").message
    assert cart.interpret("NOTHING").kind == "unknown"


def test_quantity_prefix():
    assert split_quantity("3*4006381333931") == (3, "4006381333931")
    assert split_quantity("12 x CHIPS") == (12, "CHIPS")
    assert split_quantity("CHIPS") == (1, "CHIPS")
    assert split_quantity("0*CHIPS") == (1, "0*CHIPS")


def test_lines_merge_change_and_price(cart):
    cart.add_line("item", "COLA", "Cola")
    cart.add_line("item", "COLA", "Cola", 2)
    cart.add_line("item", "CHIPS", "Chips")
    assert [(line.code, line.quantity) for line in cart.lines] == [("COLA", 3), ("CHIPS", 1)]
    cart.set_quantity(1, 3)
    priced = cart.price(AT)
    assert priced.total == 600 + 400  # 3 colas −20 %, 3 chips for 2
    with pytest.raises(PlaydeskError, match="at least 1"):
        cart.set_quantity(0, 0)
    cart.remove_line(0)
    assert cart.selected == 0 and cart.price(AT).total == 400


def test_packages_need_a_member_and_keep_it(cart):
    with pytest.raises(PlaydeskError, match="member's card first"):
        cart.add_package("SUMMER/BASIC", "Basic")
    cart.attach_member("M001")
    cart.add_package("SUMMER/BASIC", "Basic")
    with pytest.raises(PlaydeskError, match="remove the package lines"):
        cart.attach_member(None)
    with pytest.raises(PlaydeskError, match="one at a time"):
        cart.set_quantity(0, 2)


def test_coupon_refusals_and_manual_registration(cart):
    canceled = generate("WELCOME", 1, AT, discount_type="reduce", value=100)[0].code
    cancel(canceled, AT)
    cart.add_line("item", "HEADSET", "Headset")
    cart.add_coupon(canceled)
    reason = cart.refusal_of(cart.price(AT), canceled)
    assert reason == "canceled" and reason in FINAL_REFUSALS
    with pytest.raises(PlaydeskError, match="already on this receipt"):
        cart.add_coupon(canceled)
    cart.register_campaign("STAFF10")
    cart.register_campaign("STAFF10")  # twice applies once
    assert cart.campaigns == ["STAFF10"]
    assert cart.price(AT).total == 450
