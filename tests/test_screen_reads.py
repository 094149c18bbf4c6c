"""The small engine reads the screens use instead of the ORM (issue 15: screens do not query the
models): a member's name, campaign names, the site's identity, what a purchase bought."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.entitlements import purchase
from engine.entitlements.purchase import PurchaseSummary, purchase_summary
from engine.errors import NotFound
from engine.people.members import member_name
from engine.sales.queries import campaign_names
from engine.settings import SiteIdentity, site_identity

AT = dt.datetime(2026, 7, 3, 12, 0)


def test_member_name(demo_site):
    assert member_name("M002") == "Linus"
    with pytest.raises(NotFound):
        member_name("M999")


def test_campaign_names_in_one_call(demo_site):
    assert campaign_names(["SUMMER", "NOPE"]) == {"SUMMER": "Summer Special"}
    assert campaign_names([]) == {}


def test_site_identity(db):
    assert site_identity() == SiteIdentity("playdesk", "EUR", 2, "UTC")  # no site loaded yet


def test_site_identity_of_the_demo_site(demo_site):
    assert site_identity() == SiteIdentity("Pixel Arena", "EUR", 2, "Europe/Berlin")


def test_purchase_summary(demo_site):
    bought = purchase("M001", "SUMMER/STD", "cash", "counter", AT, location="COUNTER1")
    assert purchase_summary(bought.id) == PurchaseSummary("SUMMER/STD", 900)
    with pytest.raises(NotFound):
        purchase_summary("nope")


def test_the_counters_member_card_is_typed(demo_site):
    from engine.sales.queries import CounterMember, counter_member

    purchase("M001", "SUMMER/STD", "cash", "counter", AT, location="COUNTER1")
    card = counter_member("M001", AT)
    assert isinstance(card, CounterMember) and card.code == "M001"
    assert (card.money, card.minutes) == (0, 150)  # SUMMER/STD: 150 minutes, no money
    with pytest.raises(NotFound):
        counter_member("M999", AT)
