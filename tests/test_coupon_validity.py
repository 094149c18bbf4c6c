"""Coupon-level validity reasons and finding a coupon from a typed or scanned text."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.coupons.codes import new_code
from engine.coupons.lookup import find_coupon
from engine.coupons.queries import segments_of
from engine.coupons.validity import coupon_rejection
from engine.db import write
from engine.derived import refresh_coupons
from engine.models import (
    BarcodeRule,
    Coupon,
    CouponRedemption,
    Debtor,
    Member,
    Segment,
    SegmentMember,
)

AT = dt.datetime(2026, 7, 3, 12, 0)
ANYONE = {"debtor": None, "contact": None, "member_segments": set()}


@pytest.fixture
def people(db):
    with write():
        school = Debtor.create(code="SCHOOL1", name="Lincoln High")
        ada = Member.create(code="M001", name="Ada", debtor=school)
        Member.create(code="M002", name="Bob")
        vip = Segment.create(code="VIP", name="VIP members")
        Segment.create(code="OLD", name="Gone", deleted=True)
        SegmentMember.create(segment=vip, member=ada)
        SegmentMember.create(segment=Segment.get(Segment.code == "OLD"), member=ada)
        BarcodeRule.create(prefix="CPN", type="coupon")
    return db


def coupon(**fields) -> Coupon:
    values = {"code": new_code(), "campaign": "WELCOME", "max_redemptions": 1,
              "discount_type": "reduce", "value": 500, **fields}
    with write():
        return Coupon.create(**values)


def redeem(code: str, receipt: str) -> None:
    with write():
        CouponRedemption.create(id=f"DEV1-CR{receipt}", coupon=code, receipt=receipt, at=AT,
                                device="DEV1")
        refresh_coupons([code])


def test_none_is_unknown(db):
    assert coupon_rejection(None, AT, **ANYONE) == "unknown"


def test_a_plain_coupon_is_valid(people):
    assert coupon_rejection(coupon(), AT, **ANYONE) is None


def test_canceled(people):
    item = coupon(canceled_at=AT - dt.timedelta(days=1), status="canceled")
    assert coupon_rejection(item, AT, **ANYONE) == "canceled"


def test_expiry_is_inclusive(people):
    assert coupon_rejection(coupon(expires_on=AT.date()), AT, **ANYONE) is None
    late = AT.replace(hour=23, minute=59)
    assert coupon_rejection(coupon(expires_on=AT.date()), late, **ANYONE) is None
    yesterday = AT.date() - dt.timedelta(days=1)
    assert coupon_rejection(coupon(expires_on=yesterday), AT, **ANYONE) == "expired"


def test_used_up_counts_redemptions(people):
    twice = coupon(max_redemptions=2)
    redeem(twice.code, "R1")
    assert coupon_rejection(Coupon.get(Coupon.code == twice.code), AT, **ANYONE) is None
    redeem(twice.code, "R2")
    again = Coupon.get(Coupon.code == twice.code)
    assert (again.redemptions, again.status) == (2, "redeemed")
    assert coupon_rejection(again, AT, **ANYONE) == "used up"


def test_unlimited_is_never_used_up(people):
    unlimited = coupon(max_redemptions=0)
    for receipt in ("R1", "R2", "R3"):
        redeem(unlimited.code, receipt)
    assert coupon_rejection(Coupon.get(Coupon.code == unlimited.code), AT, **ANYONE) is None


def test_canceled_wins_over_expired_and_used_up(people):
    item = coupon(canceled_at=AT, status="canceled", expires_on=dt.date(2020, 1, 1))
    assert coupon_rejection(item, AT, **ANYONE) == "canceled"


@pytest.mark.parametrize(("sales_type", "sales_code", "customer", "expected"), [
    ("debtor", "SCHOOL1", {"debtor": "SCHOOL1"}, None),
    ("debtor", "SCHOOL1", {"debtor": "OTHER"}, "wrong customer"),
    ("debtor", "SCHOOL1", {}, "wrong customer"),
    ("contact", "M001", {"contact": "M001"}, None),
    ("contact", "M001", {"contact": "M002"}, "wrong customer"),
    ("contact", "M001", {}, "wrong customer"),
    ("segment", "VIP", {"member_segments": {"VIP"}}, None),
    ("segment", "VIP", {"member_segments": {"KIDS"}}, "wrong customer"),
    ("segment", "VIP", {}, "wrong customer"),
    ("all", None, {"debtor": "X", "contact": "Y", "member_segments": {"Z"}}, None),
])
def test_sales_type(people, sales_type, sales_code, customer, expected):
    item = coupon(sales_type=sales_type, sales_code=sales_code)
    assert coupon_rejection(item, AT, **{**ANYONE, **customer}) == expected


def test_segments_of_skips_deleted_segments(people):
    assert segments_of("M001") == {"VIP"}
    assert segments_of("M002") == set()
    assert segments_of(None) == set()


def test_find_by_code_typed_in_any_form(people):
    item = coupon()
    bare = item.code.replace("-", "")
    for typed in (item.code, bare, bare.lower(), " " + item.code.lower().replace("-", " ") + " "):
        assert find_coupon(typed).code == item.code


def test_find_through_the_barcode_setup(people):
    item = coupon()
    assert find_coupon("CPN" + item.code).code == item.code
    assert find_coupon("CPN" + item.code.replace("-", "")).code == item.code


def test_a_code_that_starts_with_the_prefix_is_found_as_typed(people):
    item = coupon(code="CPN7-KQ2M-9XDA")
    assert find_coupon("CPN7-KQ2M-9XDA").code == item.code
    assert find_coupon("CPNCPN7KQ2M9XDA").code == item.code


def test_imported_codes_without_a_check_character_are_found(people):
    coupon(code="7KQ2-M9XD-4PA")
    assert find_coupon("7kq2m9xd4pa").code == "7KQ2-M9XD-4PA"


def test_a_mistyped_code_is_unknown(people):
    item = coupon()
    text = item.code.replace("-", "")
    wrong = ("2" if text[3] != "2" else "3")
    assert find_coupon(text[:3] + wrong + text[4:]) is None
    assert coupon_rejection(find_coupon(text[:3] + wrong + text[4:]), AT, **ANYONE) == "unknown"
    assert find_coupon("") is None
    assert find_coupon(" - ") is None


def test_two_codes_that_normalize_alike_need_the_exact_spelling(people):
    coupon(code="ab-cd")
    coupon(code="AB-CD")
    assert find_coupon("ab-cd").code == "ab-cd"
    assert find_coupon("AB-CD").code == "AB-CD"
    assert find_coupon("ABCD") is None  # ambiguous: never one of the two by chance


def test_lookup_uses_the_index(people):
    from engine.db import database
    from engine.models.coupons import lookup_key

    query = Coupon.select().where(lookup_key(Coupon.code) == "X")
    sql, params = query.sql()
    plan = " ".join(str(row) for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "coupon_lookup_key" in plan
