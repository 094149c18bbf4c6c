"""Tax in the site file (issue 19 item 1, spec/tax.md "Site file"): rates, the mode, the rate
each item, resource, station group and minutes package names; validated FILE:LINE, stored,
exported, replayed elsewhere, and read by pricing."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from test_sitefile import dump_tables

from engine.db import close_database, open_database
from engine.errors import PlaydeskError
from engine.models import Event, Item, Package, StationGroup, TaxRate
from engine.pricing import LineInput, ReceiptInput, price_receipt
from engine.pricing.definitions import load_definitions
from engine.sitefile import apply_document, export_document, export_site, load_site_file


def write(tmp_path: Path, text: str, name: str = "tax.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def problems(tmp_path: Path, clock, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(PlaydeskError) as error:
        load_site_file(path, at=clock.now())
    return [line[len(str(path)) + 1:] for line in str(error.value).splitlines()]


def test_the_demo_site_has_german_rates_on_every_taxed_record(demo_site):
    assert [(r.code, r.name, r.percent) for r in TaxRate.select().order_by(TaxRate.id)] == [
        ("A", "VAT 19%", "19"), ("B", "VAT 7%", "7")]
    assert {i.code: i.tax for i in Item.select()}["CHIPS"] == "B"
    assert Item.select().where(Item.tax.is_null()).count() == 0
    assert StationGroup.select().where(StationGroup.tax.is_null()).count() == 0
    packages = {p.code: (p.package_type, p.tax) for p in Package.select()}
    assert packages["BASIC"] == ("minutes", "A") and packages["PREMIUM"] == ("money", None)


def test_pricing_reads_the_rates_and_the_demo_receipt_carries_its_table(demo_site, clock):
    definitions = load_definitions()
    assert definitions.tax_mode == "inclusive"
    assert [(r.code, r.percent) for r in definitions.tax_rates] == [
        ("A", Decimal(19)), ("B", Decimal(7))]
    priced = price_receipt(ReceiptInput(location="COUNTER1", lines=(
        LineInput(item="COLA"), LineInput(item="CHIPS"), LineInput(package="SUMMER/PREMIUM"))),
        definitions, clock.now())
    assert [line.tax for line in priced.lines] == ["A", "B", None]
    # 250 at 19 % contains 39.9 -> 40; 200 at 7 % contains 13.08 -> 13; the voucher none
    assert [(r.rate, r.net, r.tax, r.gross) for r in priced.tax.rows] == [
        ("A", 210, 40, 250), ("B", 187, 13, 200)]
    assert priced.total_due == priced.total


def test_with_rates_every_taxed_record_names_a_known_one(demo_site, tmp_path, clock, db_path):
    before = dump_tables(db_path)
    found = problems(tmp_path, clock, """\
        items:
          - {code: TEA, name: Tea, price: 200}
          - {code: NUTS, name: Nuts, price: 200, tax: C}
          - {code: OLD, name: Old, price: 1, deleted: true}
        resources:
          - {code: VR-HOUR, name: VR hour, price: 900}
        station_groups:
          - {code: VR, name: VR, device: pc, rate_per_hour: 900}
        campaigns:
          - code: WINTER
            type: packages
            name: Winter
            packages:
              - {code: M1, name: M, package_type: minutes, base: 60, price: 500}
              - {code: W1, name: W, package_type: money, base: 1000, price: 1000, tax: A}
        """)
    assert found == [
        "2: items[0].tax: an item needs a tax rate (the site has A, B)",
        "3: items[1].tax: unknown tax rate 'C' (the site has A, B)",
        "6: resources[0].tax: a resource needs a tax rate (the site has A, B)",
        "8: station_groups[0].tax: a station group needs a tax rate (the site has A, B)",
        "14: campaigns[0].packages[0].tax: a minutes package needs a tax rate (the site has A, B)",
        "15: campaigns[0].packages[1].tax: a money package is a voucher and names no tax rate: "
        "the tax falls due when the money is spent",
    ]
    assert dump_tables(db_path) == before


def test_a_rates_percent_never_changes_but_its_name_may(demo_site, tmp_path, clock, db_path):
    before = dump_tables(db_path)
    assert problems(tmp_path, clock, "tax_rates: [{code: A, name: VAT, percent: 16}]") == [
        "1: tax_rates[0].percent: rate A is 19 % since it was stored, and a rate's percent never "
        "changes (tax already computed at it): add a new rate code and name it on the records "
        "instead"]
    assert dump_tables(db_path) == before
    load_site_file(write(tmp_path, "tax_rates: [{code: A, name: MwSt 19 %, percent: 19.0}]"),
                   at=clock.now())
    assert TaxRate.get(TaxRate.code == "A").name == "MwSt 19 %"


def test_rates_added_later_must_cover_the_stored_records(db, tmp_path, clock):
    load_site_file(write(tmp_path, """\
        items: [{code: TEA, name: Tea, price: 200}, {code: CAKE, name: Cake, price: 300}]
        resources: [{code: PC-HOUR, name: PC hour, price: 400}]
        """, "first.yaml"), at=clock.now())
    found = problems(tmp_path, clock, """\
        tax_rates: [{code: A, name: VAT 19%, percent: 19}]
        items: [{code: TEA, name: Tea, price: 200, tax: A}]
        """)
    assert found == ["1: tax_rates: stored items CAKE name no tax rate: list them in this file "
                     "with `tax`",
                     "1: tax_rates: stored resources PC-HOUR name no tax rate: list them in this "
                     "file with `tax`"]
    assert TaxRate.select().count() == 0
    load_site_file(write(tmp_path, """\
        tax_rates: [{code: A, name: VAT 19%, percent: 19}, {code: B, name: VAT 7%, percent: 7}]
        items: [{code: TEA, name: Tea, price: 200, tax: B}, {code: CAKE, name: Cake, price: 300,
                 tax: B}]
        resources: [{code: PC-HOUR, name: PC hour, price: 400, tax: A}]
        """), at=clock.now())
    assert {i.code: i.tax for i in Item.select()} == {"TEA": "B", "CAKE": "B"}


def test_a_site_without_rates_needs_none_and_cannot_name_one(db, tmp_path, clock):
    load_site_file(write(tmp_path, "items: [{code: TEA, name: Tea, price: 200}]"),
                   at=clock.now())
    assert problems(tmp_path, clock, "items: [{code: TEA, name: Tea, price: 200, tax: A}]") == [
        "1: items[0].tax: unknown tax rate 'A' (the site has no tax_rates)"]
    assert load_definitions().tax_rates == ()


def test_a_bad_mode_or_percent_is_refused(db, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        site: {code: X, name: X, tax_mode: gross}
        tax_rates: [{code: A, name: A, percent: 101}, {code: B, name: B, percent: "7"}]
        """)
    assert found == ["1: site.tax_mode: must be one of inclusive, exclusive",
                     "2: tax_rates[0].percent: must be between 0 and 100",
                     "2: tax_rates[1].percent: must be a number (a percentage)"]


def test_export_writes_the_rates_and_loading_it_back_changes_nothing(demo_site, clock, tmp_path,
                                                                     db_path):
    text = export_site()
    document = yaml.safe_load(text)
    assert document["site"]["tax_mode"] == "inclusive"
    assert document["tax_rates"][:2] == [
        {"code": "A", "name": "VAT 19%", "percent": 19},
        {"code": "B", "name": "VAT 7%", "percent": 7}]
    assert {i["code"]: i["tax"] for i in document["items"]}["CHIPS"] == "B"
    before = dump_tables(db_path, local_state=False)
    summary = load_site_file(write(tmp_path, text, "export.yaml"), at=clock.now())
    assert summary["changed"] is False, summary
    assert summary["sections"]["tax_rates"]["unchanged"] == 2
    assert dump_tables(db_path, local_state=False) == before


def test_the_rates_replay_on_another_device(demo_site, clock, tmp_path):
    load_site_file(write(tmp_path, "tax_rates: [{code: Z, name: no VAT, percent: 0}]\n"
                                   "items: [{code: GIFT, name: Gift card sleeve, price: 0, "
                                   "tax: Z}]"), at=clock.now())
    documents = [json.loads(e.payload)["document"]
                 for e in Event.select().order_by(Event.id)]
    assert documents[-1]["tax_rates"] == [
        {"code": "Z", "name": "no VAT", "percent": "0", "deleted": False}]
    close_database()
    open_database(tmp_path / "other.db")
    for number, document in enumerate(documents, 1):
        apply_document(document, clock.now(), source="sync",
                       version=f"00000000000000{number}.00000/DEV1")
    assert [r.code for r in TaxRate.select().order_by(TaxRate.id)] == ["A", "B", "Z"]
    assert Item.get(Item.code == "GIFT").tax == "Z"
    assert export_document()["tax_rates"][2]["percent"] == "0"
