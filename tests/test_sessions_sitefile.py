"""Stations and station groups in the site file (issue 17 item 1, sessions.md "Site file"):
validated with FILE:LINE, loaded idempotently, exported so that the export loads back the same,
and synced as definitions (last writer wins) to another device."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
import yaml
from conftest import DEMO_SITE
from test_sitefile_validation import problems
from test_sync_definitions import apply_on, device_db, edit, own_events, record, using, wall  # noqa: F401

from engine.sitefile import export_site, load_site_file

STATIONS = """
site: {code: T, name: Test}
resources:
  - {code: PS5-HOUR, name: PS5 hour, price: 600, device: console}
station_groups:
  - {code: STANDARD, name: PCs, device: pc, rate_per_hour: 300}
  - {code: CONSOLE, name: Consoles, device: console, rate_per_hour: 600, minimum_minutes: 30,
     resource: PS5-HOUR}
stations:
  - {code: PC01, name: PC 1, group: STANDARD, agent: true,
     hooks: {start: "loginctl unlock-session", stop: "loginctl lock-session"}}
  - {code: PS5-1, name: PS5 lounge 1, group: CONSOLE}
settings: {session_warning_minutes: 3, agent_heartbeat_seconds: 15, agent_timeout_seconds: 60}
"""


def test_bad_stations_are_reported_with_file_and_line(db, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        station_groups:
          - {code: STANDARD, name: PCs, device: tablet, rate_per_hour: 300}
          - {code: CONSOLE, name: Consoles, device: console, rate_per_hour: 0, resource: NOPE}
          - {code: FREE, name: Free, device: pc}
        stations:
          - {code: PC01, name: PC 1, group: MISSING}
          - {code: PC02, name: PC 2, group: STANDARD, agent: maybe, hooks: {start: 1, exec: x}}
          - {code: PC03, name: PC 3}
        settings: {session_warning_minutes: -1, agent_timeout_seconds: 5}
        """)
    assert found == [
        "2: station_groups[0].device: must be one of pc, console",
        "3: station_groups[1].rate_per_hour: must be at least 1",
        "3: station_groups[1].resource: unknown resource 'NOPE'",
        "4: station_groups[2].rate_per_hour: is required",
        "6: stations[0].group: unknown station group 'MISSING'",
        "7: stations[1].agent: must be true or false",
        "7: stations[1].hooks.exec: unknown key (expected one of start, stop)",
        "7: stations[1].hooks.start: must be a string",
        "8: stations[2].group: is required",
        "9: settings.session_warning_minutes: must be at least 0",
        "9: settings.agent_timeout_seconds: must be at least 10",
    ]


def test_stations_load_once_and_export_round_trips(db, tmp_path, clock):
    path = tmp_path / "site.yaml"
    path.write_text(textwrap.dedent(STATIONS))
    first = load_site_file(path, at=clock.now())
    assert first["sections"]["stations"]["created"] == 2
    assert load_site_file(path, at=clock.now())["changed"] is False
    exported = export_site()
    document = yaml.safe_load(exported)
    assert document["stations"][0] == {
        "code": "PC01", "name": "PC 1", "group": "STANDARD", "agent": True,
        "hooks": {"start": "loginctl unlock-session", "stop": "loginctl lock-session"}}
    assert document["station_groups"][1]["resource"] == "PS5-HOUR"
    again = tmp_path / "again.yaml"
    again.write_text(exported)
    assert load_site_file(again, at=clock.now())["changed"] is False


def test_a_referenced_group_may_come_from_the_database(demo_site, tmp_path, clock):
    path = tmp_path / "more.yaml"
    path.write_text("stations:\n  - {code: PC09, name: PC 9, group: STANDARD}\n")
    assert load_site_file(path, at=clock.now())["sections"]["stations"]["created"] == 1


def test_the_demo_site_has_four_pcs_and_two_consoles(demo_site):
    from engine.sessions.terms import all_stations

    stations = all_stations()
    assert [(s.code, s.device, s.agent) for s in stations] == [
        ("PC01", "pc", True), ("PC02", "pc", True), ("PC03", "pc", True), ("PC04", "pc", True),
        ("PS5-1", "console", False), ("PS5-2", "console", False)]
    assert {s.resource for s in stations if s.device == "console"} == {"PS5-HOUR"}
    assert {s.minimum_minutes for s in stations if s.device == "console"} == {30}


@pytest.mark.parametrize("change", [
    ("station_groups", "STANDARD", {"rate_per_hour": 350}),
    ("stations", "PC02", {"active": False, "hooks": {"start": "unlock", "stop": None}}),
])
def test_station_definitions_sync_last_writer_wins(tmp_path, change):
    section, code, values = change
    c1, c2 = device_db(tmp_path, "C1"), device_db(tmp_path, "C2")
    with using(c1):
        load_site_file(DEMO_SITE, at=dt.datetime(2026, 7, 3, 12))
    apply_on(c2, own_events(c1))
    assert record(c2, section, code) == record(c1, section, code)
    edit(c1, section, code, **values)
    touched = apply_on(c2, own_events(c1)[1:])
    assert touched.rejected == []
    assert record(c2, section, code) == record(c1, section, code)
    assert {k: record(c2, section, code)[k] for k in values} == values
