"""What the kiosk screens ask the engine: expiring lots from one balance read, the campaigns on
offer (from what is sellable), package names, and the typed shortage a wallet purchase raises."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.entitlements import (
    add_lot,
    balance,
    campaigns_on_offer,
    consume,
    expiring_lots,
    expiring_within,
    package_name,
    purchase,
)
from engine.errors import InsufficientBalance, PlaydeskError
from engine.models import Campaign, Package, Staff

FRIDAY = dt.datetime(2026, 7, 3, 12, 0)


def test_expiring_lots_from_one_read(demo_site):
    Staff.create(code="MGR", name="Mia", role="manager")
    purchase("M001", "SUMMER/PREMIUM", "cash", "counter", FRIDAY)  # 90 days
    add_lot("M001", "money", "manual", 300, "MGR", "goodwill", FRIDAY,
            expires_at=FRIDAY + dt.timedelta(days=5))
    add_lot("M001", "money", "manual", 100, "MGR", "spent", FRIDAY,
            expires_at=FRIDAY + dt.timedelta(days=3))
    consume("M001", "money", 100, "any", FRIDAY)  # the lot expiring first is drawn first
    lots = balance("M001", FRIDAY, include_spent=True).lots
    soon = expiring_lots(lots, FRIDAY)
    assert [(lot["kind"], lot["remaining"]) for lot in soon] == [("money", 300)]
    assert soon == expiring_within("M001", FRIDAY)
    assert len(expiring_lots(lots, FRIDAY, days=90)) == 3  # the premium's money and minutes too
    later = FRIDAY + dt.timedelta(days=6)
    assert expiring_lots(balance("M001", later).lots, later) == []  # expired: not expiring


def test_campaigns_on_offer_follow_what_is_sellable(demo_site):
    friday = campaigns_on_offer(FRIDAY)
    assert [c["campaign"] for c in friday] == ["SUMMER"]  # WEEKEND sells on sat/sun only
    summer = Campaign.get(Campaign.code == "SUMMER")
    assert friday[0] == {"campaign": "SUMMER", "name": summer.name,
                         "description": summer.description}
    saturday = FRIDAY + dt.timedelta(days=1)
    assert [c["campaign"] for c in campaigns_on_offer(saturday)] == ["SUMMER", "WEEKEND"]
    assert [c["campaign"] for c in campaigns_on_offer(saturday, device="pc")] == ["SUMMER"]
    Package.update(active=False).where(Package.campaign == summer.id).execute()
    assert campaigns_on_offer(FRIDAY) == []  # an active campaign with nothing to sell


def test_package_names(demo_site):
    assert package_name("SUMMER/STD") == "Standard"
    assert package_name("SUMMER/GONE") == "SUMMER/GONE"


def test_a_wallet_short_of_money_raises_the_typed_error(demo_site):
    with pytest.raises(InsufficientBalance) as raised:
        purchase("M001", "SUMMER/BASIC", "wallet", "kiosk", FRIDAY, key="k1")
    error = raised.value
    assert isinstance(error, PlaydeskError)
    assert (error.member, error.kind, error.needed, error.available) == ("M001", "money", 500, 0)
    assert str(error).startswith("insufficient wallet balance")
    with pytest.raises(InsufficientBalance, match="insufficient balance"):
        consume("M001", "minutes", 10, "pc", FRIDAY)
