"""Languages in the site file and the engine (issue 20): the site's locale and its currency's
own minor digits, names in other languages (`names: {de:, tr:}`), a staff member's language,
and the member's language choice as a synced, fact-checked row."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sync_helpers import provision, using
from test_sessions_sync import journal_of
from test_sync_fact_checks import apply_on, conflicts_of, forged, with_site

from engine.entitlements import campaigns_on_offer, sellable_packages
from engine.errors import NotFound, PlaydeskError
from engine.models import Event, Item, Site
from engine.models.member_facts import MemberLanguage
from engine.people.languages import member_language, remember_member_language, staff_language
from engine.sales import scan_index
from engine.sales.cart import Cart, apply_scan
from engine.sales.search import search_items
from engine.sitefile import load_site_file
from engine.sitefile.export import export_document, to_site_file

AT = dt.datetime(2026, 7, 3, 12, 0)


def write(tmp_path, text: str):
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_sites_locale_and_its_currencys_digits(demo_site, tmp_path):
    load_site_file(write(tmp_path, "site: {code: DEMO, name: Pixel Arena, locale: de_DE}"), at=AT)
    site = Site.get()
    assert (site.locale, site.currency, site.minor_digits) == ("de_DE", "EUR", 2)
    load_site_file(write(tmp_path, "site: {code: DEMO, name: Pixel Arena, currency: JPY}"), at=AT)
    assert (Site.get().currency, Site.get().minor_digits) == ("JPY", 0)  # from CLDR


@pytest.mark.parametrize(("site", "message"), [
    ("{code: DEMO, name: X, locale: xx_QQ}", "site.locale: 'xx_QQ' is not a known locale"),
    ("{code: DEMO, name: X, locale: de-DE}",
     "site.locale: write the locale as language_COUNTRY, e.g. de_DE"),
    ("{code: DEMO, name: X, locale: tr_TR.UTF-8}",
     "site.locale: write the locale as language_COUNTRY, e.g. tr_TR"),
    ("{code: DEMO, name: X, currency: XYZ}", "site.currency: XYZ is not an ISO 4217 currency"),
])
def test_a_bad_locale_or_currency_is_refused_and_nothing_changes(demo_site, tmp_path, site,
                                                                  message):
    before = (Site.get().locale, Site.get().currency, Event.select().count())
    with pytest.raises(PlaydeskError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_site_file(write(tmp_path, f"site: {site}"), at=AT)
    assert (Site.get().locale, Site.get().currency, Event.select().count()) == before


def test_a_site_keeps_the_digits_its_amounts_were_stored_in(demo_site, tmp_path):
    """An older HUF site stored minor_digits 2 (CLDR says 0): reloading its file without them
    keeps 2, and money is written with 2, so no price is read 100 times too high."""
    load_site_file(write(tmp_path, "site: {code: DEMO, name: X, currency: HUF, minor_digits: 2}"),
                   at=AT)
    load_site_file(write(tmp_path, "site: {code: DEMO, name: X, currency: HUF}"), at=AT)
    assert Site.get().minor_digits == 2
    from engine.documents.dressing import site_currency

    assert site_currency().format(50000, symbol=True) == "HUF500.00"
    # a new currency without digits takes its own
    load_site_file(write(tmp_path, "site: {code: DEMO, name: X, currency: JPY}"), at=AT)
    assert Site.get().minor_digits == 0


def test_a_name_with_a_control_character_is_refused(demo_site, tmp_path):
    with pytest.raises(PlaydeskError, match=r"items\[0\].name: must not contain control "
                                            r"characters \(found U\+000D\)"):
        load_site_file(write(tmp_path, 'items: [{code: WATER, name: "Water\\r", price: 150}]'),
                       at=AT)
    assert Item.get(Item.code == "WATER").name == "Water 0.5 l"


NAMED = """\
site: {code: DEMO, name: Pixel Arena, locale: de_DE}
items:
  - {code: WATER, name: Water 0.5 l, names: {de: Wasser 0.5 l, tr: Su 0.5 l}, price: 150,
     category: DRINKS, tax: A}
"""


def test_names_in_other_languages_are_stored_exported_and_shown_where_the_language_matches(
        demo_site, tmp_path):
    load_site_file(write(tmp_path, NAMED), at=AT)
    assert Item.get(Item.code == "WATER").names == {"de": "Wasser 0.5 l", "tr": "Su 0.5 l"}
    exported = to_site_file(export_document())
    water = next(item for item in exported["items"] if item["code"] == "WATER")
    assert water["name"] == "Water 0.5 l" and water["names"] == {"de": "Wasser 0.5 l",
                                                                 "tr": "Su 0.5 l"}
    load_site_file(write(tmp_path, NAMED), at=AT)  # the same again changes nothing
    # the counter's receipt says the site language's name (de_DE here), found by it too
    scan_index.forget()
    cart = Cart("COUNTER1")
    apply_scan(cart, "WATER", AT)
    assert cart.lines[-1].name == "Wasser 0.5 l"
    assert [found.name for found in search_items("Wasser")] == ["Wasser 0.5 l"]
    # a record without names keeps the owner's name in every language
    apply_scan(cart, "CHIPS", AT)
    assert cart.lines[-1].name == "Chips"


def test_a_name_in_a_language_the_apps_do_not_speak_is_refused(demo_site, tmp_path):
    with pytest.raises(PlaydeskError, match=r"items\[0\].names: 'fr' is not a language"):
        load_site_file(write(tmp_path, "items: [{code: WATER, name: Water, price: 150, "
                                       "names: {fr: Eau}}]"), at=AT)
    with pytest.raises(PlaydeskError, match="the de name must be a text"):
        load_site_file(write(tmp_path, "items: [{code: WATER, name: Water, price: 150, "
                                       "names: {de: ''}}]"), at=AT)
    assert Item.get(Item.code == "WATER").names is None


def test_the_kiosk_lists_packages_in_the_members_language(demo_site, tmp_path):
    exported = to_site_file(export_document())
    summer = next(c for c in exported["campaigns"] if c["code"] == "SUMMER")
    summer["names"] = {"tr": "Yaz Kampanyası"}
    summer["packages"][0]["names"] = {"tr": "Temel"}
    path = tmp_path / "summer.json"
    path.write_text(json.dumps({"campaigns": [summer]}), encoding="utf-8")
    load_site_file(path, at=AT)
    turkish = sellable_packages(None, AT, language="tr")
    assert (turkish[0]["name"], turkish[0]["campaign_name"]) == ("Temel", "Yaz Kampanyası")
    english = sellable_packages(None, AT)
    assert (english[0]["name"], english[0]["campaign_name"]) == (summer["packages"][0]["name"],
                                                                 summer["name"])
    assert campaigns_on_offer(AT, language="tr")[0]["name"] == "Yaz Kampanyası"


def test_a_staff_members_language(demo_site, tmp_path):
    load_site_file(write(tmp_path, "staff: [{code: S9, name: Elif, role: cashier, "
                                   "language: tr}]"), at=AT)
    assert staff_language("S9") == "tr" and staff_language("NOPE") is None
    with pytest.raises(PlaydeskError, match=r"staff\[0\].language: must be one of en, de, tr"):
        load_site_file(write(tmp_path, "staff: [{code: S9, name: Elif, role: cashier, "
                                       "language: fr}]"), at=AT)
    assert staff_language("S9") == "tr"


def test_the_members_choice_is_one_fact_and_the_latest_counts(demo_site):
    assert member_language("M001") is None
    assert remember_member_language("M001", "tr", AT) is True
    assert remember_member_language("M001", "tr", AT) is False  # the same again: nothing
    assert remember_member_language("M001", "de", AT + dt.timedelta(minutes=1)) is True
    assert member_language("M001") == "de"
    assert MemberLanguage.select().count() == 2
    assert [e.type for e in Event.select().where(Event.type == "member.language")] == [
        "member.language"] * 2
    with pytest.raises(NotFound):
        remember_member_language("NOPE", "de", AT)
    with pytest.raises(PlaydeskError, match="no words for language fr"):
        remember_member_language("M001", "fr", AT)
    assert MemberLanguage.select().count() == 2


def test_a_kiosks_language_choice_reaches_the_counter_and_forgeries_are_refused(tmp_path):
    c1, k1 = provision(tmp_path, {"C1": "counter", "K1": "kiosk"})
    for device in (c1, k1):
        with_site(device)
    with using(k1.db):
        remember_member_language("M002", "tr", AT)
    # the kiosk's one fact (its site was loaded here, not synced: that event is left out)
    chosen = [{**event, "seq": 1} for event in journal_of(k1) if event["type"] == "member.language"]
    assert len(chosen) == 1 and apply_on(c1, chosen).rejected == []
    with using(c1.db):
        assert member_language("M002") == "tr"
    choice = {"id": "K1-ML9", "member": "M001", "language": "tr", "at": AT.isoformat(),
              "device": "K1"}
    events = [forged(2, "member.language", {"member_language": [{**choice, "language": "xx"}]}),
              forged(3, "member.language", {"member_language": [{**choice, "id": "C1-ML3"}]}),
              forged(4, "member.language", {"member_language": [{**choice, "id": "K1-ML11",
                                                                   "at": "soon"}]}),
              # a member this counter does not know yet (registered on another counter whose
              # event is on its way): it waits, judged when the member is here
              forged(5, "member.language", {"member_language": [{**choice, "id": "K1-ML10",
                                                                   "member": "M777"}]})]
    result = apply_on(c1, events)
    assert [row[1:] for row in conflicts_of(c1)] == [
        ("K1", 2, "bad_language"), ("K1", 3, "id_namespace"), ("K1", 4, "bad_time")]
    assert len(result.rejected) == 3 and [w[:2] for w in result.waiting] == [("K1", 5)]
    assert c1.sql("SELECT COUNT(*) FROM member_language") == [(1,)]


def test_search_reads_the_other_names_not_their_keys(demo_site, tmp_path):
    load_site_file(write(tmp_path, NAMED), at=AT)
    # found by its Turkish name, shown in the site's (de_DE) language
    assert [found.name for found in search_items("Su 0")] == ["Wasser 0.5 l"]
    for noise in ("tr", '"', ":", "{"):
        assert "Wasser 0.5 l" not in [found.name for found in search_items(noise)], noise
