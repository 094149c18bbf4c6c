"""Campaign edits from the manager's form go through the site engine (validation, lock, events)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from engine.campaigns.types import CAMPAIGN_TYPES
from engine.errors import PlaydeskError
from engine.models import Campaign, CampaignFilter, Event, Package, Staff, Tier
from engine.people.pins import hash_pin
from engine.pricing import LineInput, ReceiptInput, price_receipt
from engine.pricing.definitions import load_definitions
from engine.sitefile.campaign_form import (
    form_fields,
    form_values,
    record_from_form,
    save_campaign,
    set_campaign_state,
)

AT = dt.datetime(2026, 7, 3, 12, 0)

# One valid form per campaign type: what a manager types.
FORMS: dict[str, dict[str, str]] = {
    "packages": {"code": "AUTUMN", "name": "Autumn", "expires_at": "2026-12-01T00:00",
                 "packages": 'code=H2 name="Two hours" package_type=minutes base=120 price=800 tax=A\n'
                             "code=W10 name=Wallet10 package_type=money base=1000 "
                             "bonus_type=money bonus=100 price=1000 weekdays=sat,sun"},
    "category": {"code": "WEEKCAT", "name": "Weekday deals", "priority": "5"},
    "line_discount": {"code": "BAR10", "automatic": "yes", "name": "10% on bars", "value": "12.5",
                      "filters": "type=item code=BAR", "validity.weekdays": "mon,fri"},
    "line_reduce": {"code": "WATER50", "automatic": "yes", "name": "Water 50 off", "value": "50",
                    "filters": "type=item code=WATER"},
    "receipt_discount": {"code": "SCHOOL5", "name": "School 5%", "value": "5",
                         "filters": "type=debtor code=SCHOOL1", "automatic": "no"},
    "receipt_reduce": {"code": "BIG1", "automatic": "yes", "name": "1 off big", "value": "100",
                       "validity.from_amount": "1000"},
    "tiered_discount": {"code": "MORE", "automatic": "yes", "name": "Buy more", "tiers":
                        "from_quantity=3 value=5 usage=single\nfrom_quantity=6 value=10 "
                        "usage=single"},
    "tiered_reduce": {"code": "SPEND", "automatic": "yes", "name": "Spend", "tiers": "from_amount=1000 value=50"},
    "m_for_n": {"code": "WATER2FOR1", "automatic": "yes", "name": "2 waters for 1", "buy": "2", "pay": "1",
                "usage": "multiple", "filters": "type=item code=WATER"},
    "m_plus_n": {"code": "PCSNACK", "automatic": "yes", "name": "PC hour, free bar", "buy": "1", "get": "1",
                 "filters": "type=resource code=PC-HOUR", "free": "type=item code=BAR",
                 "triggers": "kind=set lines=resource:PC-HOUR"},
    "couponing": {"code": "BDAY", "name": "Birthday", "notification_type": "always",
                  "print_type": "coupon", "combinations": "HAPPYCAT, BIGSPEND"},
}


@pytest.fixture
def site(demo_site):
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    return demo_site


def test_every_type_has_a_form():
    assert set(FORMS) == set(CAMPAIGN_TYPES)
    for kind in CAMPAIGN_TYPES:
        assert [f.path for f in form_fields(kind)][:3] == ["code", "name", "description"]


@pytest.mark.parametrize("kind", CAMPAIGN_TYPES)
def test_create_every_kind_then_activate(site, kind):
    summary = save_campaign(kind, FORMS[kind], AT, "S02")
    code = FORMS[kind]["code"]
    assert summary["changed"] and summary["event"]
    campaign = Campaign.select().where(Campaign.code == code).first()
    assert (campaign.type, campaign.active) == (kind, False)  # created inactive
    state = set_campaign_state(code, "activate", AT, "S02")
    assert state["state"] == "active"
    again_type, again = form_values(code)
    assert again_type == kind
    # the form shows what was saved: saving it unchanged changes nothing, even while active
    assert save_campaign(kind, again, AT, "S02", code=code)["changed"] is False


def test_structured_fields_are_stored(site):
    save_campaign("packages", FORMS["packages"], AT, "S02")
    packages = {p.code: p for p in Package.select()}
    assert packages["W10"].weekdays == ["sat", "sun"] and packages["W10"].bonus == 100
    save_campaign("tiered_discount", FORMS["tiered_discount"], AT, "S02")
    more = Campaign.select().where(Campaign.code == "MORE").first()
    assert [str(t.value) for t in Tier.select().where(Tier.campaign == more.id)
            .order_by(Tier.position)] == ["5", "10"]
    save_campaign("line_discount", FORMS["line_discount"], AT, "S02")
    bar = Campaign.select().where(Campaign.code == "BAR10").first()
    assert str(bar.value) == "12.5" and bar.weekdays == ["mon", "fri"]
    assert CampaignFilter.select().where(CampaignFilter.campaign == bar.id).count() == 1
    save_campaign("couponing", FORMS["couponing"], AT, "S02")
    from engine.sitefile.campaign_form import combinations_of

    assert combinations_of("BDAY") == ["BIGSPEND", "HAPPYCAT"]


def test_a_saved_campaign_prices_receipts(site):
    save_campaign("m_for_n", FORMS["m_for_n"], AT, "S02")
    set_campaign_state("WATER2FOR1", "activate", AT, "S02")
    priced = price_receipt(ReceiptInput("COUNTER1", (LineInput(item="WATER", quantity=2),)),
                           load_definitions(), AT)
    assert priced.total == 150


def test_editing_an_active_discount_campaign_is_refused_with_the_reason(site):
    kind, values = form_values("HAPPY")
    values["value"] = "30"
    with pytest.raises(PlaydeskError, match="campaign HAPPY is active: deactivate it first"):
        save_campaign(kind, values, AT, "S02", code="HAPPY")
    assert str(Campaign.select().where(Campaign.code == "HAPPY").first().value) == "20"
    set_campaign_state("HAPPY", "deactivate", AT, "S02")
    save_campaign(kind, values, AT, "S02", code="HAPPY")
    assert str(Campaign.select().where(Campaign.code == "HAPPY").first().value) == "30"


def test_name_and_description_stay_editable_while_active(site):
    kind, values = form_values("HAPPY")
    values["name"] = "Happy hour!"
    assert save_campaign(kind, values, AT, "S02", code="HAPPY")["changed"]


def test_site_rules_reach_the_form(site):
    bad = dict(FORMS["m_for_n"], pay="3")  # pay must be less than buy
    with pytest.raises(PlaydeskError) as error:
        save_campaign("m_for_n", bad, AT, "S02")
    assert "pay" in str(error.value) and "campaigns[0]" not in str(error.value)
    with pytest.raises(PlaydeskError, match="unknown item"):
        save_campaign("line_reduce", dict(FORMS["line_reduce"], filters="type=item code=NOPE"),
                      AT, "S02")
    with pytest.raises(PlaydeskError, match="not a whole number"):
        save_campaign("m_for_n", dict(FORMS["m_for_n"], buy="two"), AT, "S02")
    with pytest.raises(PlaydeskError, match="exists already"):
        save_campaign("line_discount", dict(FORMS["line_discount"], code="HAPPY"), AT, "S02")


def test_only_managers_change_campaigns(site):
    with pytest.raises(PlaydeskError, match="needs a manager"):
        save_campaign("category", FORMS["category"], AT, "S01")
    with pytest.raises(PlaydeskError, match="needs a manager"):
        set_campaign_state("HAPPY", "deactivate", AT, "S01")
    assert Campaign.select().where(Campaign.code == "WEEKCAT").count() == 0


def test_changes_are_definitions_events_and_delete_is_soft(site):
    before = Event.select().where(Event.type == "definitions").count()
    save_campaign("category", FORMS["category"], AT, "S02")
    set_campaign_state("WEEKCAT", "delete", AT, "S02")
    events = list(Event.select().where(Event.type == "definitions").order_by(Event.seq))
    assert len(events) == before + 2
    payload = json.loads(events[-1].payload)
    assert payload["document"]["campaigns"][0]["deleted"] is True
    assert Campaign.select().where(Campaign.code == "WEEKCAT").first().deleted


def test_clearing_a_list_field_clears_it(site):
    record = record_from_form("line_discount", {"code": "X", "name": "X", "value": "5"})
    assert record["filters"] == [] and record["triggers"] == {"pool": [], "set": []}


def test_choices_and_defaults_come_from_the_site_schema():
    fields = {f.path: f for f in form_fields("m_plus_n")}
    assert fields["reduction_type"].choices == ("line_reduce", "receipt_reduce")
    assert fields["reduction_type"].default == "line_reduce"
    assert fields["usage"].choices == ("single", "multiple")
    assert fields["print_type"].choices == ("none", "code", "description", "coupon")
    assert fields["validity.item_validity"].choices == ("all", "reduced", "not_reduced")
    assert (fields["automatic"].choices, fields["automatic"].default) == (("yes", "no"), "yes")
    assert fields["buy"].choices == ()


def test_every_form_field_and_choice_has_a_counter_label():
    from counter.texts import has

    for kind in CAMPAIGN_TYPES:
        for spec in form_fields(kind):
            assert has(f"field_{spec.path}"), spec.path
            for choice in spec.choices:
                assert has(f"choice_{spec.path}_{choice}") or has(f"choice_{choice}"), \
                    (spec.path, choice)
