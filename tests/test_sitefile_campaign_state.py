"""Campaign states (entitlements.md for package campaigns; active/inactive/deleted/expired else)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from engine.campaigns.state import campaign_state

AT = dt.datetime(2026, 7, 3, 12, 0)


def packages(**fields):
    values = {"type": "packages", "active": True, "deleted": False, "starts_at": None,
              "expires_at": None, **fields}
    return SimpleNamespace(**values)


def discount(**fields):
    values = {"type": "line_discount", "active": True, "deleted": False, "to_date": None, **fields}
    return SimpleNamespace(**values)


@pytest.mark.parametrize(("fields", "state"), [
    ({}, "active"),
    ({"deleted": True, "active": False}, "deleted"),
    ({"active": False, "expires_at": dt.datetime(2026, 1, 1)}, "inactive"),
    ({"expires_at": AT}, "expired"),  # expires_at ≤ t
    ({"expires_at": AT + dt.timedelta(seconds=1)}, "active"),
    ({"starts_at": AT + dt.timedelta(minutes=1)}, "scheduled"),
    ({"starts_at": AT}, "active"),
    ({"starts_at": AT + dt.timedelta(days=1), "expires_at": AT}, "expired"),  # first match wins
])
def test_package_campaign_states(fields, state):
    assert campaign_state(packages(**fields), AT) == state


@pytest.mark.parametrize(("fields", "state"), [
    ({}, "active"),
    ({"to_date": dt.date(2026, 7, 3)}, "active"),  # to_date is the last valid day
    ({"to_date": dt.date(2026, 7, 2)}, "expired"),
    ({"active": False, "to_date": dt.date(2026, 7, 2)}, "inactive"),
    ({"deleted": True}, "deleted"),
])
def test_discount_campaign_states(fields, state):
    assert campaign_state(discount(**fields), AT) == state


def test_category_campaigns_are_active_inactive_or_deleted():
    category = SimpleNamespace(type="category", active=True, deleted=False, to_date=None)
    assert campaign_state(category, AT) == "active"
    category.active = False
    assert campaign_state(category, AT) == "inactive"


def test_states_of_the_demo_campaigns(demo_site):
    from engine.models import Campaign

    summer = Campaign.select().where(Campaign.code == "SUMMER").first()
    assert campaign_state(summer, dt.datetime(2026, 5, 31, 23, 59)) == "scheduled"
    assert campaign_state(summer, AT) == "active"
    assert campaign_state(summer, dt.datetime(2026, 9, 1)) == "expired"
