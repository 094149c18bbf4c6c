"""The session commands (spec/sessions.md "Command line", cli.md conventions): a whole session
played with --at, the JSON keys, guests' bills, the report, and exit 2 with nothing written on
bad input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from engine.cli import main

DEMO_SITE = Path(__file__).parent / "data" / "site.yaml"
STAFF = """
staff:
  - {code: S01, name: Sam, role: cashier}
  - {code: MGR, name: Mia, role: manager}
"""
SHOW_KEYS = {"session", "station", "member", "state", "started_at", "running_seconds",
             "charged_minutes", "minutes_used", "money_used", "left_minutes", "warning", "draws"}


@pytest.fixture
def cli(tmp_path, capsys):
    database = tmp_path / "playdesk.db"

    def run(*argv: str, at: str = "2026-07-03T12:00"):
        try:
            code = main(["--db", str(database), "--at", at, *argv])
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        return code, json.loads(out) if out.strip() else None, err

    site = tmp_path / "site.yaml"
    site.write_text(DEMO_SITE.read_text() + STAFF)
    assert run("load", str(site))[0] == 0
    run.database = database
    return run


def rows(database: Path) -> dict[str, list]:
    connection = sqlite3.connect(database)
    try:
        return {table: connection.execute(f"SELECT * FROM {table}").fetchall()
                for table in ("play_session", "session_event", "session_minute", "consumption",
                              "event")}
    finally:
        connection.close()


def test_a_whole_member_session_plays_from_the_command_line(cli):
    for kind, amount, device in (("minutes", "3", "pc"), ("money", "50", "any")):
        assert cli("lot", "add", "--member", "M001", "--kind", kind, "--type", "manual",
                   "--amount", amount, "--staff", "MGR", "--comment", "x", "--device",
                   device)[0] == 0
    code, started, _ = cli("session", "start", "--station", "PC01", "--member", "M001",
                           "--staff", "S01")
    assert code == 0 and set(started) >= SHOW_KEYS
    assert (started["state"], started["charged_minutes"], started["left_minutes"]) == \
        ("running", 1, 12)
    assert cli("meter", "--once", at="2026-07-03T12:05")[1]["charged"] == 5
    code, shown, _ = cli("session", "show", "--station", "PC01", at="2026-07-03T12:05:30")
    assert (shown["running_seconds"], shown["charged_minutes"], shown["minutes_used"],
            shown["money_used"]) == (330, 6, 3, 15)
    assert [d["minute"] for d in shown["draws"]] == [1, 2, 3, 4, 5, 6]
    assert {d["kind"] for d in shown["draws"]} == {"minutes", "money"}
    paused = cli("session", "pause", "--station", "PC01", at="2026-07-03T12:06:30")[1]
    assert (paused["state"], paused["charged_minutes"]) == ("paused", 7)  # minute 7 began 12:06
    assert cli("meter", "--once", at="2026-07-03T13:00")[1]["charged"] == 0
    assert cli("session", "resume", "--station", "PC01", at="2026-07-03T13:00")[0] == 0
    run = cli("meter", "--once", at="2026-07-03T13:30")[1]
    assert run["stopped"] == [started["session"]]
    code, ended, _ = cli("session", "show", "--session", started["session"],
                         at="2026-07-03T13:30")
    assert (ended["state"], ended["stop_reason"], ended["charged_minutes"], ended["money_used"]) \
        == ("ended", "no credit", 13, 50)
    listed = cli("sessions", "--member", "M001", "--from", "2026-07-03", "--to", "2026-07-03",
                 at="2026-07-03T14:00")[1]
    assert [s["session"] for s in listed] == [started["session"]]


def test_a_guest_session_stops_with_its_receipt_line(cli):
    code, guest, _ = cli("session", "start", "--station", "PS5-1", "--guest", "--staff", "S01")
    assert code == 0 and guest["member"] is None and guest["left_minutes"] is None
    code, stopped, _ = cli("session", "stop", "--station", "PS5-1", "--staff", "S01",
                           at="2026-07-03T12:47:10")
    assert stopped["bill"] == {"resource": "PS5-HOUR", "quantity": 1, "unit_price": 480,
                               "minutes": 48, "session": guest["session"]}
    report = cli("report", "stations", "--from", "2026-07-03", at="2026-07-03T13:00")[1]
    [console] = [g for g in report["groups"] if g["group"] == "CONSOLE"]
    assert (console["sessions"], console["minutes"], console["money"]) == \
        (1, {"minutes_lots": 0, "wallet": 0, "guest": 48}, {"wallet": 0, "guest": 480})
    [station] = [s for s in report["stations"] if s["station"] == "PS5-1"]
    assert station["occupancy"] == [{"hour": 12, "seconds": 2830, "percent": 79}]


@pytest.mark.parametrize("argv, message", [
    (("session", "start", "--station", "PC99", "--guest", "--staff", "S01"), "unknown station"),
    (("session", "start", "--station", "PC01", "--guest"), "staff"),
    (("session", "start", "--station", "PC01", "--member", "M001"), "no credit"),
    (("session", "start", "--station", "PC01", "--member", "NOPE"), "unknown member"),
    (("session", "stop", "--station", "PC01"), "no session on station PC01"),
    (("session", "show", "--session", "X-S1"), "unknown session"),
    (("sessions", "--from", "yesterday"), "--from is not an ISO date"),
    (("meter", "--every", "nan"), "--every must be"),
    (("meter", "--every", "inf"), "--every must be"),
    (("session", "stop", "--station", "PS5-1", "--reason", "moved to PS5-2"), "kept for moves"),
])
def test_bad_input_exits_2_and_writes_nothing(cli, argv, message):
    before = rows(cli.database)
    code, out, err = cli(*argv)
    assert (code, out) == (2, None)
    assert err.startswith("playdesk: error: ") and message in err
    assert rows(cli.database) == before


def test_a_busy_station_refuses_a_second_session(cli):
    assert cli("session", "start", "--station", "PC01", "--guest", "--staff", "S01")[0] == 0
    before = rows(cli.database)
    code, _, err = cli("session", "start", "--station", "PC01", "--guest", "--staff", "S01")
    assert code == 2 and "in use" in err
    assert rows(cli.database) == before
