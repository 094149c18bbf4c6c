"""The site file: the demo loads, loads idempotently, exports and round-trips."""

from __future__ import annotations

from pathlib import Path

from engine.models import Campaign, Event, Item, Package
from engine.sitefile import export_site, load_site_file

DEMO_SITE = Path(__file__).parent / "data" / "site.yaml"


def test_demo_site_loads_every_section(demo_site):
    assert Item.select().count() == 7
    assert Campaign.select().where(Campaign.code == "HAPPY").first().category == "HAPPYCAT"
    assert Package.select().count() == 4
    assert [e.type for e in Event.select()] == ["definitions"]


def test_second_load_changes_nothing(demo_site, clock):
    summary = load_site_file(DEMO_SITE, at=clock.now())
    assert summary["changed"] is False and summary["event"] is None
    assert Event.select().count() == 1
    assert all(s["created"] == s["updated"] == 0 for s in summary["sections"].values())


def test_export_loads_back_unchanged(demo_site, clock, tmp_path):
    exported = tmp_path / "export.yaml"
    exported.write_text(export_site())
    assert load_site_file(exported, at=clock.now())["changed"] is False
