"""Loading site files: atomic, idempotent, partial, soft delete, the active-campaign lock, export."""

from __future__ import annotations

import json
import sqlite3
import textwrap
from pathlib import Path

import pytest

from engine.db import close_database, open_database
from engine.errors import PlaydeskError
from engine.models import Campaign, Event, Item, ItemBarcode, Member, Package, Segment
from engine.sitefile import apply_document, export_document, export_site, load_site_file

DEMO_SITE = Path(__file__).parent / "data" / "site.yaml"


def write(tmp_path: Path, text: str, name: str = "change.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def dump_tables(db_path: Path, local_state: bool = True) -> dict[str, list[tuple]]:
    """Every row of every table, read with a separate connection."""
    connection = sqlite3.connect(db_path)
    try:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        if not local_state:  # the last loaded file's fingerprint is local bookkeeping
            tables.remove("local_state")
        return {t: sorted(connection.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables}
    finally:
        connection.close()


def campaign(code: str) -> Campaign:
    return Campaign.select().where(Campaign.code == code).first()


def test_demo_site_loads_every_section(demo_site):
    assert Item.select().count() == 7
    assert campaign("HAPPY").category == "HAPPYCAT"
    assert Package.select().count() == 4
    assert [e.type for e in Event.select()] == ["definitions"]


def test_second_load_changes_nothing(demo_site, clock, db_path):
    before = dump_tables(db_path)
    summary = load_site_file(DEMO_SITE, at=clock.now())
    assert summary["changed"] is False and summary["event"] is None
    assert all(s["created"] == s["updated"] == 0 for s in summary["sections"].values())
    assert summary["sections"]["items"]["unchanged"] == 7
    assert dump_tables(db_path) == before


def test_second_load_after_other_events_still_changes_nothing(demo_site, clock, tmp_path, db_path):
    load_site_file(write(tmp_path, "categories: [{code: TOYS, name: Toys}]"), at=clock.now())
    before = dump_tables(db_path, local_state=False)
    summary = load_site_file(DEMO_SITE, at=clock.now())  # full validation and diff this time
    assert summary["changed"] is False
    assert dump_tables(db_path, local_state=False) == before


def test_a_file_with_one_bad_record_changes_nothing(demo_site, clock, tmp_path, db_path):
    before = dump_tables(db_path)
    path = write(tmp_path, """\
        items:
          - {code: COLA, name: Cola, price: 999, tax: A}
          - {code: NEW, name: New item, price: 100, tax: A}
          - {code: BAD, name: Bad, price: 100, category: NOWHERE}
        """)
    with pytest.raises(PlaydeskError, match="items\\[2\\].category: unknown category"):
        load_site_file(path, at=clock.now())
    assert dump_tables(db_path) == before


def test_a_failing_write_rolls_everything_back(demo_site, clock, tmp_path, db_path, monkeypatch):
    from engine.sitefile import store

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    before = dump_tables(db_path)
    monkeypatch.setattr(store, "write_combinations", broken)
    path = write(tmp_path, """\
        items: [{code: NEW, name: New, price: 1, tax: A}]
        combinations: [[HAPPY, STAFF10]]
        """)
    with pytest.raises(RuntimeError):
        load_site_file(path, at=clock.now())
    assert dump_tables(db_path) == before


def test_dry_run_reports_and_writes_nothing(demo_site, clock, tmp_path, db_path):
    before = dump_tables(db_path)
    summary = load_site_file(write(tmp_path, "items: [{code: COLA, name: Cola, price: 270, tax: A}]"),
                             at=clock.now(), dry_run=True)
    assert summary["dry_run"] is True and summary["changed"] is True
    assert summary["sections"]["items"] == {"created": 0, "updated": 1, "deleted": 0, "unchanged": 0}
    assert dump_tables(db_path) == before


def test_partial_files_leave_other_records_alone(demo_site, clock, tmp_path):
    summary = load_site_file(write(tmp_path, """\
        items:
          - {code: COLA, name: Cola 0.5 l, price: 270, category: DRINKS, vendor: COLACO, tax: A}
        """), at=clock.now())
    assert summary["sections"] == {"items": {"created": 0, "updated": 1, "deleted": 0, "unchanged": 0}}
    cola = Item.get_or_none(Item.code == "COLA")
    assert cola.price == 270
    # the barcodes list was not given: it is kept; the other items are untouched
    assert [b.barcode for b in ItemBarcode.select().where(ItemBarcode.item == cola)] == ["4006381333931"]
    assert Item.select().count() == 7 and Item.get_or_none(Item.code == "WATER").price == 150


def test_child_lists_given_replace_the_old_ones(demo_site, clock, tmp_path):
    load_site_file(write(tmp_path, """\
        segments: [{code: VIP, name: VIP members, members: [M002, M003]}]
        campaigns:
          - code: SUMMER
            type: packages
            name: Summer Special
            description: Extra gaming time all summer long.
            active: true
            starts_at: 2026-06-01T00:00
            expires_at: 2026-09-01T00:00
            packages:
              - {code: MEGA, name: Mega, package_type: minutes, base: 600, price: 3000, tax: A}
        """), at=clock.now())
    vip = Segment.get_or_none(Segment.code == "VIP")
    assert sorted(m.member.code for m in vip.memberships) == ["M002", "M003"]
    assert [p.code for p in campaign("SUMMER").packages] == ["MEGA"]


def test_omitted_fields_take_their_defaults(demo_site, clock, tmp_path):
    load_site_file(write(tmp_path, "members: [{code: M002, name: Linus, card: MEM0002}]"),
                   at=clock.now())
    assert Member.get_or_none(Member.code == "M002").debtor is None


def test_soft_delete_keeps_the_row(demo_site, clock, tmp_path):
    summary = load_site_file(write(tmp_path, """\
        items: [{code: BAR, name: Chocolate bar, price: 120, deleted: true}]
        campaigns: [{code: STAFF10, type: receipt_discount, name: Staff discount, value: 10,
                     automatic: false, priority: 90, deleted: true}]
        """), at=clock.now())
    assert summary["sections"]["items"]["deleted"] == 1
    assert summary["sections"]["campaigns"]["deleted"] == 1
    assert Item.get_or_none(Item.code == "BAR").deleted is True
    assert campaign("STAFF10").deleted is True
    assert "deleted: true" in export_site()


def test_one_definitions_event_with_the_changed_records_and_versions(demo_site, clock, tmp_path):
    summary = load_site_file(write(tmp_path, """\
        items: [{code: COLA, name: Cola, price: 260, category: DRINKS, vendor: COLACO, tax: A},
                {code: WATER, name: Water 0.5 l, price: 150, category: DRINKS, tax: A}]
        """), at=clock.now())
    events = list(Event.select().order_by(Event.id))
    assert [e.type for e in events] == ["definitions", "definitions"]
    payload = json.loads(events[-1].payload)
    assert list(payload["document"]) == ["items"]
    assert payload["document"]["items"] == [
        {"code": "COLA", "name": "Cola", "names": None, "price": 260, "category": "DRINKS", "vendor": "COLACO",
         "barcodes": ["4006381333931"], "tax": "A", "deleted": False}]
    assert summary["event"]["seq"] == events[-1].seq
    stamp = f"{events[-1].hlc}/{events[-1].device}"
    assert Item.get_or_none(Item.code == "COLA").version == stamp
    assert Item.get_or_none(Item.code == "WATER").version == f"{events[0].hlc}/{events[0].device}"


def test_apply_document_replays_an_event_on_another_database(demo_site, clock, tmp_path):
    load_site_file(write(tmp_path, "items: [{code: COLA, name: Cola, price: 260, category: DRINKS, tax: A}]"),
                   at=clock.now())
    first, last = (json.loads(e.payload)["document"] for e in Event.select().order_by(Event.id))
    close_database()
    open_database(tmp_path / "other.db")
    apply_document(first, clock.now(), source="sync", version="000000000000001.00000/DEV1")
    apply_document(last, clock.now(), source="sync", version="000000000000002.00000/DEV1")
    assert Item.get_or_none(Item.code == "COLA").price == 260
    assert Item.get_or_none(Item.code == "COLA").version == "000000000000002.00000/DEV1"
    assert Event.select().count() == 0  # sync stores the origin's events itself


def test_round_trip_through_export(demo_site, clock, tmp_path, db_path):
    load_site_file(write(tmp_path, """\
        members: [{code: M004, name: Alan, pin_hash: "scrypt$16384$8$1$00ff$aabb", can_login: false}]
        staff: [{code: S01, name: Sam, role: manager}]
        campaigns:
          - {code: TIER, type: tiered_discount, automatic: true, name: Tiers, priority: 40, print_type: code,
             validity: {from_date: 2026-07-01, to_date: 2026-08-31, weekdays: [mon, fri],
                        item_validity: not_reduced},
             triggers: {pool: [{min_quantity: 2, lines: [{type: item_category, code: SNACKS}]}],
                        set: [{lines: [{type: resource, code: PS5-HOUR, quantity: 2}]}]},
             filters: [{type: debtor, code: "", excluded: true}, {type: contact}],
             tiers: [{from_quantity: 2, value: 5.5, usage: multiple}, {from_quantity: 4, value: 10, usage: multiple}]}
        coupons:
          - {code: "7KQ2-M9XD-4PA", campaign: WELCOME, sales_type: contact, sales_code: M001,
             max_redemptions: 1, discount_type: reduce, value: 500, expires_on: 2026-12-31}
        """), at=clock.now())
    exported = export_site()
    before = dump_tables(db_path, local_state=False)
    again = write(tmp_path, exported, "export.yaml")
    assert load_site_file(again, at=clock.now())["changed"] is False
    assert dump_tables(db_path, local_state=False) == before
    document = export_document()
    close_database()
    open_database(tmp_path / "fresh.db")
    load_site_file(again, at=clock.now())
    assert export_site() == exported
    assert export_document() == document


def test_the_lock_refuses_rule_changes_of_an_active_campaign(demo_site, clock, tmp_path, db_path):
    before = dump_tables(db_path)
    path = write(tmp_path, """\
        campaigns:
          - {code: STAFF10, type: receipt_discount, name: Staff discount, active: true,
             automatic: false, priority: 90, value: 15}
        """)
    with pytest.raises(PlaydeskError, match="campaign STAFF10 is active: deactivate it first"):
        load_site_file(path, at=clock.now())
    assert dump_tables(db_path) == before


def test_the_lock_allows_name_description_and_deactivation(demo_site, clock, tmp_path):
    load_site_file(write(tmp_path, """\
        campaigns:
          - {code: STAFF10, type: receipt_discount, name: Team discount, description: For the team,
             active: true, automatic: false, priority: 90, value: 10}
        """), at=clock.now())
    assert campaign("STAFF10").name == "Team discount"
    load_site_file(write(tmp_path, """\
        campaigns:
          - {code: STAFF10, type: receipt_discount, name: Team discount, active: false,
             automatic: false, priority: 90, value: 15}
        """), at=clock.now())
    assert (campaign("STAFF10").active, str(campaign("STAFF10").value)) == (False, "15")


def test_package_campaigns_are_not_locked(demo_site, clock, tmp_path):
    load_site_file(write(tmp_path, """\
        campaigns:
          - code: WEEKEND
            type: packages
            name: Weekend Console Bundle
            active: true
            packages:
              - {code: CONSOLE3H, name: 3 console hours, package_type: minutes, base: 180, price: 1400, tax: A}
        """), at=clock.now())
    assert campaign("WEEKEND").packages[0].price == 1400


def test_a_coupon_not_imported_cannot_be_overwritten(demo_site, clock, tmp_path):
    from engine.models import Coupon

    Coupon.create(code="GEN1", campaign="WELCOME", origin="generated")
    with pytest.raises(PlaydeskError, match="GEN1 were generated or issued here"):
        load_site_file(write(tmp_path, "coupons: [{code: GEN1, campaign: WELCOME}]"), at=clock.now())


def test_settings_and_barcode_rules(demo_site, clock, tmp_path):
    from engine.models import BarcodeRule, Setting

    summary = load_site_file(write(tmp_path, """\
        settings: {consumption_order: bonus_first, offline_policy: {coupon: deny, default: allow},
                   receipt_footer: [Thanks!, See you soon]}
        barcodes: [{prefix: MEM, type: member, deleted: true}, {prefix: "99", suffix: X, type: item}]
        """), at=clock.now())
    assert summary["sections"]["barcodes"] == {"created": 1, "updated": 1, "deleted": 1, "unchanged": 0}
    assert json.loads(Setting.get_or_none(Setting.key == "consumption_order").value) == "bonus_first"
    assert json.loads(Setting.get_or_none(Setting.key == "offline_policy").value) == {
        "coupon": "deny", "default": "allow"}
    assert "receipt_footer: [Thanks!, See you soon]" in export_site()
    assert sorted((r.prefix, r.suffix) for r in BarcodeRule.select()) == [
        ("99", "X"), ("CAMP", ""), ("CPN", "")]
