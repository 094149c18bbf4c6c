"""The coupon wizard, cancel, list, show and the redeemable notification."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from engine.coupons.cancel import cancel
from engine.coupons.codes import is_well_formed
from engine.coupons.notification import redeemable
from engine.coupons.queries import coupon_view, list_coupons, show
from engine.coupons.wizard import JOURNAL_BATCH, generate
from engine.db import write
from engine.derived import refresh_coupons
from engine.errors import NotFound, PlaydeskError
from engine.models import (
    Campaign,
    Coupon,
    CouponRedemption,
    Debtor,
    Event,
    Member,
    Segment,
    SegmentMember,
)

AT = dt.datetime(2026, 7, 3, 12, 0)


@pytest.fixture
def site(db):
    with write():
        school = Debtor.create(code="SCHOOL1", name="Lincoln High")
        ada = Member.create(code="M001", name="Ada", debtor=school)
        bob = Member.create(code="M002", name="Bob")
        vip = Segment.create(code="VIP", name="VIP members")
        SegmentMember.create(segment=vip, member=ada)
        SegmentMember.create(segment=vip, member=bob)
        Campaign.create(code="WELCOME", type="couponing", name="Welcome voucher", active=True,
                        automatic=False, notification_type="always")
        Campaign.create(code="QUIET", type="couponing", name="No notification", active=True)
        Campaign.create(code="OFF", type="couponing", name="Off", active=False,
                        notification_type="always")
        Campaign.create(code="LATER", type="couponing", name="Later", active=True,
                        notification_type="always", from_date=dt.date(2026, 8, 1))
        Campaign.create(code="HAPPY", type="line_discount", name="Happy hour", value=10,
                        active=True)
        Campaign.create(code="SUMMER", type="packages", name="Summer", active=True)
        Campaign.create(code="GONE", type="couponing", name="Gone", deleted=True)
    return db


def welcome(**options):
    values = {"discount_type": "reduce", "value": 500, **options}
    return generate("WELCOME", values.pop("quantity", 1), AT, **values)


def events(kind: str) -> list[dict]:
    return [json.loads(e.payload) for e in Event.select().where(Event.type == kind).order_by(Event.seq)]


def redeem(code: str, receipt: str) -> None:
    with write():
        CouponRedemption.create(id=f"DEV1-CR{receipt}", coupon=code, receipt=receipt, at=AT,
                                device="DEV1")
        refresh_coupons([code])


# ------------------------------------------------------------------ the wizard


def test_generate_one_time_coupons(site):
    made = welcome(quantity=3, created_by="S01", expires="+3M")
    assert len(made) == 3 == Coupon.select().count()
    for coupon in Coupon.select():
        assert is_well_formed(coupon.code)
        assert (coupon.campaign, coupon.sales_type, coupon.sales_code) == ("WELCOME", "all", None)
        assert (coupon.max_redemptions, coupon.status, coupon.redemptions) == (1, "issued", 0)
        assert (coupon.discount_type, coupon.value) == ("reduce", Decimal(500))
        assert coupon.expires_on == dt.date(2026, 10, 3)
        assert (coupon.created_on, coupon.created_by, coupon.origin) == (AT, "S01", "generated")
        assert coupon.text == "Welcome voucher"
    assert {c.code for c in made} == {c.code for c in Coupon.select()}


def test_generate_journals_the_rows_in_batches(site):
    made = welcome(quantity=JOURNAL_BATCH + 5)
    payloads = events("coupons.generate")
    assert [len(p["rows"]["coupon"]) for p in payloads] == [JOURNAL_BATCH, 5]
    journaled = [row["code"] for p in payloads for row in p["rows"]["coupon"]]
    assert journaled == [c.code for c in made]
    row = payloads[0]["rows"]["coupon"][0]
    assert row["created_on"] == "2026-07-03T12:00:00" and row["value"] == "500"


def test_multiple_validity_takes_max_redemptions(site):
    assert welcome(validity="multiple", max_redemptions=5)[0].max_redemptions == 5
    assert welcome(validity="multiple", max_redemptions=0)[0].max_redemptions == 0


@pytest.mark.parametrize("options", [
    {"validity": "multiple"},                          # needs a maximum
    {"validity": "one_time", "max_redemptions": 3},
    {"validity": "multiple", "max_redemptions": -1},
    {"validity": "twice"},
    {"quantity": 0}, {"quantity": -2}, {"quantity": "3"},
    {"sales_type": "debtor"},                          # needs a filter
    {"sales_type": "debtor", "sales_filter": "NOPE"},
    {"sales_type": "contact", "sales_filter": "M999"},
    {"sales_type": "segment", "sales_filter": "KIDS"},
    {"sales_type": "all", "sales_filter": "M001"},
    {"sales_type": "friends", "sales_filter": "M001"},
    {"expires": "3X"}, {"expires": "-1D"}, {"expires": "2026-07-02"},
    {"discount_type": None}, {"value": None}, {"value": 0}, {"value": -5}, {"value": "abc"},
    {"discount_type": "discount", "value": 101}, {"discount_type": "reduce", "value": "2.5"},
    {"discount_type": "gift"},
])
def test_bad_input_writes_nothing(site, options):
    with pytest.raises(PlaydeskError):
        welcome(**options)
    assert Coupon.select().count() == 0
    assert events("coupons.generate") == []


def test_discount_percent_may_be_fractional_up_to_100(site):
    assert welcome(discount_type="discount", value="12.5")[0].value == Decimal("12.5")
    assert welcome(discount_type="discount", value=100)[0].value == Decimal(100)


def test_expiry_as_date_and_today_is_allowed(site):
    assert welcome(expires="2026-12-31")[0].expires_on == dt.date(2026, 12, 31)
    assert welcome(expires=dt.date(2026, 7, 3))[0].expires_on == dt.date(2026, 7, 3)
    assert welcome(expires="CM")[0].expires_on == dt.date(2026, 7, 31)
    assert welcome()[0].expires_on is None


@pytest.mark.parametrize("campaign", ["NOPE", "GONE", "SUMMER"])
def test_campaign_must_take_coupons(site, campaign):
    with pytest.raises(PlaydeskError):
        generate(campaign, 1, AT, discount_type="reduce", value=100)


def test_other_discount_campaigns_get_value_free_coupons(site):
    (coupon,) = generate("HAPPY", 1, AT)
    assert (coupon.discount_type, coupon.value) == (None, None)
    with pytest.raises(PlaydeskError, match="only couponing"):
        generate("HAPPY", 1, AT, discount_type="reduce", value=100)


def test_inactive_campaigns_may_get_coupons_in_advance(site):
    assert len(generate("OFF", 2, AT, discount_type="reduce", value=100)) == 2


@pytest.mark.parametrize(("sales_type", "code"), [
    ("contact", "M001"), ("debtor", "SCHOOL1"), ("segment", "VIP")])
def test_quantity_is_per_customer_and_once_per_campaign(site, sales_type, code):
    made = welcome(quantity=2, sales_type=sales_type, sales_filter=code)
    assert [(c.sales_type, c.sales_code) for c in made] == [(sales_type, code)] * 2
    assert welcome(quantity=2, sales_type=sales_type, sales_filter=code) == []
    assert Coupon.select().count() == 2
    assert len(welcome(quantity=2, sales_type=sales_type, sales_filter=code,
                       multiple_per_customer=True)) == 2
    assert Coupon.select().count() == 4


def test_another_customer_or_campaign_is_not_blocked(site):
    welcome(sales_type="contact", sales_filter="M001")
    assert len(welcome(sales_type="contact", sales_filter="M002")) == 1
    assert len(generate("QUIET", 1, AT, sales_type="contact", sales_filter="M001",
                        discount_type="reduce", value=1)) == 1


def test_a_canceled_coupon_does_not_count_as_having_one(site):
    (first,) = welcome(sales_type="contact", sales_filter="M001")
    cancel(first.code, AT)
    assert len(welcome(sales_type="contact", sales_filter="M001")) == 1


def test_generate_inside_a_callers_transaction_rolls_back_with_it(site):
    with pytest.raises(RuntimeError), write():
        welcome(quantity=3)
        raise RuntimeError("caller failed")
    assert Coupon.select().count() == 0
    assert events("coupons.generate") == []


# ------------------------------------------------------------------ cancel, list, show


def test_cancel(site):
    (coupon,) = welcome()
    canceled = cancel(coupon.code.lower().replace("-", ""), AT, staff="S01")
    assert (canceled.status, canceled.canceled_at, canceled.canceled_by) == ("canceled", AT, "S01")
    assert events("coupon.cancel") == [{"code": coupon.code, "at": "2026-07-03T12:00:00",
                                        "staff": "S01"}]


def test_cancel_twice_or_unknown_is_an_error(site):
    (coupon,) = welcome()
    cancel(coupon.code, AT)
    with pytest.raises(PlaydeskError, match="already canceled"):
        cancel(coupon.code, AT + dt.timedelta(hours=1))
    with pytest.raises(NotFound):
        cancel("ZZZZ-ZZZZ-ZZZZ", AT)
    assert len(events("coupon.cancel")) == 1


def test_a_redeemed_coupon_canceled_stays_canceled(site):
    (coupon,) = welcome()
    redeem(coupon.code, "R1")
    assert Coupon.get(Coupon.code == coupon.code).status == "redeemed"
    assert cancel(coupon.code, AT).status == "canceled"


def test_list_by_campaign_and_status(site):
    first, second = welcome(quantity=2)
    generate("HAPPY", 1, AT)
    redeem(first.code, "R1")
    cancel(second.code, AT)
    assert [c.code for c in list_coupons(campaign="WELCOME")] == [first.code, second.code]
    assert [c.code for c in list_coupons(status="redeemed")] == [first.code]
    assert [c.code for c in list_coupons(campaign="WELCOME", status="canceled")] == [second.code]
    assert len(list_coupons()) == 3
    assert [c.campaign for c in list_coupons(status="issued")] == ["HAPPY"]
    with pytest.raises(PlaydeskError):
        list_coupons(status="lost")


def test_show_has_redemptions_and_status(site):
    (coupon,) = welcome(validity="multiple", max_redemptions=2, expires="2026-08-01")
    redeem(coupon.code, "R1")
    shown = show(coupon.code.replace("-", ""), AT)
    assert (shown["code"], shown["redemptions"], shown["status"]) == (coupon.code, 1, "issued")
    assert shown["expired"] is False
    assert [(r["receipt"], r["at"]) for r in shown["redeemed_on"]] == [("R1", AT)]
    redeem(coupon.code, "R2")
    assert show(coupon.code)["status"] == "redeemed"
    assert show(coupon.code, dt.datetime(2026, 8, 2))["expired"] is True
    with pytest.raises(NotFound):
        show("NOPE")


def test_view_keeps_what_a_printed_coupon_needs(site):
    (coupon,) = welcome(expires="+3M", text="5.00 off", image="logo.png")
    view = coupon_view(Coupon.get(Coupon.code == coupon.code))
    assert {k: view[k] for k in ("code", "text", "image", "value", "expires_on")} == {
        "code": coupon.code, "text": "5.00 off", "image": "logo.png", "value": Decimal(500),
        "expires_on": dt.date(2026, 10, 3)}


# ------------------------------------------------------------------ redeemable


def test_redeemable_lists_the_members_valid_coupons(site):
    (mine,) = welcome(sales_type="contact", sales_filter="M001", expires="+1M")
    (school,) = welcome(sales_type="debtor", sales_filter="SCHOOL1")
    (vip,) = welcome(sales_type="segment", sales_filter="VIP")
    (bobs,) = welcome(sales_type="contact", sales_filter="M002")
    welcome()  # a bearer coupon is nobody's in particular
    offers = redeemable("M001", AT)
    assert [o["code"] for o in offers] == [mine.code, school.code, vip.code]
    assert offers[0]["campaign_name"] == "Welcome voucher"
    assert offers[0]["expires_on"] == dt.date(2026, 8, 3)
    assert [o["code"] for o in redeemable("M002", AT)] == [vip.code, bobs.code]


def test_redeemable_leaves_out_invalid_coupons(site):
    (used,) = welcome(sales_type="contact", sales_filter="M001", multiple_per_customer=True)
    (gone,) = welcome(sales_type="contact", sales_filter="M001", multiple_per_customer=True)
    (old,) = welcome(sales_type="contact", sales_filter="M001", multiple_per_customer=True,
                     expires="2026-07-03")
    redeem(used.code, "R1")
    cancel(gone.code, AT)
    assert [o["code"] for o in redeemable("M001", AT)] == [old.code]
    assert redeemable("M001", AT + dt.timedelta(days=1)) == []


@pytest.mark.parametrize("campaign", ["QUIET", "OFF", "LATER"])
def test_redeemable_only_for_active_notifying_campaigns(site, campaign):
    generate(campaign, 1, AT, sales_type="contact", sales_filter="M001",
             discount_type="reduce", value=100)
    assert redeemable("M001", AT) == []


def test_redeemable_unknown_member(site):
    with pytest.raises(NotFound):
        redeemable("M999", AT)


def test_stored_code_check_probes_the_lookup_index(site):
    from engine.coupons.wizard import STORED_KEYS_SQL
    from engine.db import database

    with write():
        welcome()  # creates the temporary candidate table
        plan = " ".join(str(row) for row in database.execute_sql(
            "EXPLAIN QUERY PLAN " + STORED_KEYS_SQL).fetchall())
    assert "coupon_lookup_key" in plan


def test_a_fresh_code_never_equals_a_stored_one(site, monkeypatch):
    """The first draws collide with stored codes (one exactly, one only when normalized)."""
    from engine.coupons import wizard

    with write():
        Coupon.create(code="AAAA-AAAA-AAAA", campaign="WELCOME")
        Coupon.create(code="bbbbbbbbbbbb", campaign="WELCOME")
    draws = iter(["AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB", "CCCC-CCCC-CCCC", "DDDD-DDDD-DDDD"])
    monkeypatch.setattr(wizard, "new_code", lambda: next(draws))
    made = welcome(quantity=2)
    assert sorted(c.code for c in made) == ["CCCC-CCCC-CCCC", "DDDD-DDDD-DDDD"]


def test_journaled_rows_rebuild_the_coupons_on_another_device(site, tmp_path):
    """What sync does with coupons.generate and coupon.cancel: the replica ends up equal."""
    from engine.db import open_database
    from engine.sync.apply import apply_batch

    made = welcome(quantity=3, expires="+3M", created_by="S01")
    cancel(made[0].code, AT, staff="S01")
    fields = [f for f in Coupon._meta.sorted_fields if f.name != "id"]
    original = sorted(Coupon.select(*fields).tuples())
    shipped = [{"device": e.device, "seq": e.seq, "hlc": e.hlc, "type": e.type,
                "payload": e.payload} for e in Event.select().order_by(Event.seq)]

    open_database(tmp_path / "replica.db")
    apply_batch([dict(event, device="COUNTER9") for event in shipped])
    assert sorted(Coupon.select(*fields).tuples()) == original
