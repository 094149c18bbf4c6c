"""The counter's cart in the engine: what scans and typed codes mean and do (apply_scan), lines,
packages, members, prices, coupon refusals by reason code."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.coupons.cancel import cancel
from engine.coupons.wizard import generate
from engine.errors import NotFound, PlaydeskError
from engine.models import Member
from engine.pricing.result import Rejection
from engine.sales.cart import (
    APPLY,
    CAMPAIGN_CATEGORY,
    COUPON_TWICE,
    MEMBER_INACTIVE,
    Cart,
    Outcome,
    apply_scan,
    rejection_of,
    split_quantity,
)
from engine.sales.orders import create_order
from engine.sales.scan import MISREAD, NOTHING_SCANNED, UNKNOWN_CODE, interpret

AT = dt.datetime(2026, 7, 3, 17, 0)  # happy hour


@pytest.fixture
def cart(demo_site):
    return Cart("COUNTER1")


def welcome_coupon() -> str:
    return generate("WELCOME", 1, AT, discount_type="reduce", value=100)[0].code


def test_codes_mean_what_the_engine_says(cart):
    coupon = welcome_coupon()
    order = create_order("M001", "SUMMER/BASIC", "KIOSK1", AT)
    cases = {"4006381333931": ("item", "COLA"), "CHIPS": ("item", "CHIPS"),
             "chips": ("item", "CHIPS"), "PC-HOUR": ("resource", "PC-HOUR"),
             "pc-hour": ("resource", "PC-HOUR"),
             "MEM0002": ("member", "M002"), "M003": ("member", "M003"),
             "CAMPSTAFF10": ("campaign", "STAFF10"), "STAFF10": ("campaign", "STAFF10"),
             coupon: ("coupon", coupon), coupon.replace("-", "").lower(): ("coupon", coupon),
             "ORD" + order.code: ("order", "ORD" + order.code)}
    for scanned, expected in cases.items():
        result = interpret(scanned)
        assert (result.kind, result.code) == expected, scanned
    assert interpret("4006381333932").reason_code == MISREAD
    assert interpret("NOTHING").reason_code == UNKNOWN_CODE
    assert interpret("  ").reason_code == NOTHING_SCANNED
    assert set(APPLY) == {"item", "resource", "member", "coupon", "campaign", "order"}


def test_quantity_prefix():
    assert split_quantity("3*4006381333931") == (3, "4006381333931")
    assert split_quantity("12 x CHIPS") == (12, "CHIPS")
    assert split_quantity("CHIPS") == (1, "CHIPS")
    assert split_quantity("0*CHIPS") == (1, "0*CHIPS")


def test_scans_add_lines_with_their_names_and_quantities(cart):
    assert apply_scan(cart, "3*4006381333931", AT) == Outcome("item", "COLA", "Cola 0.5 l")
    assert apply_scan(cart, "COLA", AT).accepted
    assert apply_scan(cart, "pc-hour", AT) == Outcome("resource", "PC-HOUR", "PC hour")
    assert [(line.kind, line.code, line.name, line.quantity) for line in cart.lines] == [
        ("item", "COLA", "Cola 0.5 l", 4), ("resource", "PC-HOUR", "PC hour", 1)]
    assert cart.selected == 1


def test_unknown_codes_change_nothing(cart):
    outcome = apply_scan(cart, "4006381333932", AT)
    assert (outcome.kind, outcome.accepted, outcome.reason_code) == ("unknown", False, MISREAD)
    assert "misread" in outcome.refusal
    assert apply_scan(cart, "NOTHING", AT).reason_code == UNKNOWN_CODE
    assert cart.empty


def test_members_inactive_members_are_refused(cart):
    assert apply_scan(cart, "MEM0001", AT) == Outcome("member", "M001", "Ada")
    Member.update(active=False).where(Member.code == "M002").execute()
    outcome = apply_scan(cart, "MEM0002", AT)
    assert (outcome.accepted, outcome.reason_code) == (False, MEMBER_INACTIVE)
    assert cart.member == "M001"
    with pytest.raises(PlaydeskError, match="inactive"):
        cart.attach_member("M002")


def test_campaign_codes_by_type(cart):
    assert apply_scan(cart, "CAMPSTAFF10", AT) == Outcome("campaign", "STAFF10", "Staff discount")
    assert cart.campaigns == ["STAFF10"]
    apply_scan(cart, "STAFF10", AT)
    assert cart.campaigns == ["STAFF10"]  # twice applies once
    packages = apply_scan(cart, "SUMMER", AT)
    assert (packages.kind, packages.code, packages.accepted) == ("packages", "SUMMER", True)
    category = apply_scan(cart, "HAPPYCAT", AT)
    assert (category.kind, category.accepted, category.reason_code) == (
        "campaign", False, CAMPAIGN_CATEGORY)
    assert cart.campaigns == ["STAFF10"]


def test_an_order_ticket_is_handed_on(cart):
    order = create_order("M001", "SUMMER/BASIC", "KIOSK1", AT)
    outcome = apply_scan(cart, "ORD" + order.code, AT)
    assert (outcome.kind, outcome.code) == ("order", "ORD" + order.code)
    assert cart.empty


def test_coupons_refused_for_good_leave_the_receipt(cart):
    canceled = welcome_coupon()
    cancel(canceled, AT)
    apply_scan(cart, "HEADSET", AT)
    outcome = apply_scan(cart, canceled, AT)
    assert (outcome.kind, outcome.accepted, outcome.reason_code, outcome.refusal) == (
        "coupon", False, "canceled", "canceled")
    assert cart.coupons == []


def test_a_code_that_looks_like_a_quantity_is_the_code_it_is(cart):
    """A generated coupon code starting with a digit and an X (9XMC-Y4MS-TVDZ) was read as
    9 × MC-Y4MS-TVDZ and refused as unknown (a flaky test found it: one code in ~25)."""
    from engine.models import Coupon

    Coupon.create(code="9XMC-Y4MS-TVDZ", campaign="WELCOME", discount_type="reduce", value=100,
                  status="issued")
    apply_scan(cart, "HEADSET", AT)
    outcome = apply_scan(cart, "9XMC-Y4MS-TVDZ", AT)
    assert (outcome.kind, outcome.code) == ("coupon", "9XMC-Y4MS-TVDZ")
    assert cart.coupons == ["9XMC-Y4MS-TVDZ"]
    # a real quantity still counts
    assert apply_scan(cart, "3x COLA", AT).accepted and cart.lines[-1].quantity == 3


def test_coupons_that_may_count_later_stay(cart):
    coupon = welcome_coupon()
    outcome = apply_scan(cart, coupon, AT)  # nothing on the receipt yet: nothing to reduce
    assert (outcome.accepted, outcome.reason_code) == (False, "conditions_not_met")
    assert cart.coupons == [coupon]
    assert apply_scan(cart, coupon, AT).reason_code == COUPON_TWICE
    apply_scan(cart, "HEADSET", AT)
    priced = cart.price(AT)
    assert rejection_of(priced, coupon) is None and priced.total == 400


def test_rejection_reason_codes():
    assert Rejection("X", "used up").reason_code == "used_up"
    assert Rejection("X", "used up").final
    assert Rejection("X", "wrong customer").final
    assert not Rejection("X", "conditions not met").final
    assert Rejection("X", "exceeds open amount").reason_code == "exceeds_open_amount"
    assert Rejection("X", "something new").reason_code == "other"


def test_lines_merge_change_and_price(cart):
    cart.add_line("item", "COLA", "Cola")
    cart.add_line("item", "COLA", "Cola", 2)
    cart.add_line("item", "CHIPS", "Chips")
    assert [(line.code, line.quantity) for line in cart.lines] == [("COLA", 3), ("CHIPS", 1)]
    cart.change_selected(+2)
    priced = cart.price(AT)
    assert priced.total == 600 + 400  # 3 colas −20 %, 3 chips for 2
    with pytest.raises(PlaydeskError, match="at least 1"):
        cart.set_quantity(0, 0)
    cart.selected = 0
    cart.change_selected(-3)  # below one: the line goes
    assert [line.code for line in cart.lines] == ["CHIPS"]
    assert cart.selected == 0 and cart.price(AT).total == 400


def test_packages_need_a_member_and_keep_it(cart):
    with pytest.raises(PlaydeskError, match="member's card first"):
        cart.add_package("SUMMER/BASIC")
    cart.attach_member("M001")
    line = cart.add_package("SUMMER/BASIC")
    assert (line.kind, line.name, line.quantity) == ("package", "Basic", 1)
    with pytest.raises(NotFound):
        cart.add_package("SUMMER/NOPE")
    with pytest.raises(PlaydeskError, match="remove the package lines"):
        cart.attach_member(None)
    with pytest.raises(PlaydeskError, match="one at a time"):
        cart.set_quantity(0, 2)
    with pytest.raises(PlaydeskError, match="one at a time"):
        cart.change_selected(+1)
    with pytest.raises(PlaydeskError, match="add_package"):
        cart.add_line("package", "SUMMER/STD", "Standard")
    cart.remove_line(0)
    cart.attach_member(None)
    assert cart.member is None


def test_manual_registration(cart):
    cart.add_line("item", "HEADSET", "Headset")
    cart.register_campaign("STAFF10")
    assert cart.price(AT).total == 450
    cart.remove_campaign("STAFF10")
    assert cart.price(AT).total == 500
