"""Moving a session to another station (engine/sessions/move.py, issue 17 item 4): a guest's
play goes on there as one bill, a member's pays at most one more started minute, a paused
session stays paused, and every target that is not free, usable and of the same terms is
refused with nothing written."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from engine.cli import main
from engine.db import write
from engine.entitlements import add_lot
from engine.errors import PlaydeskError
from engine.models import PlaySession, SessionEvent, SessionMinute, Staff
from engine.sales.station_time import station_bill
from engine.sessions import facts, lifecycle
from engine.sessions.move import move
from engine.sitefile import load_site_file

T0 = dt.datetime(2026, 7, 3, 12, 0)
SITE = """
site: {code: TEST, name: Test, currency: EUR}
resources:
  - {code: PS5-HOUR, name: PS5 hour, price: 600, device: console}
  - {code: PC-HOUR, name: PC hour, price: 300, device: pc}
station_groups:
  - {code: STANDARD, name: PCs, device: pc, rate_per_hour: 300, resource: PC-HOUR}
  - {code: STANDARD2, name: More PCs, device: pc, rate_per_hour: 300, resource: PC-HOUR}
  - {code: FAST, name: Fast PCs, device: pc, rate_per_hour: 600, resource: PC-HOUR}
  - {code: CONSOLE, name: Consoles, device: console, rate_per_hour: 600, minimum_minutes: 30,
     resource: PS5-HOUR}
stations:
  - {code: PC01, name: PC 1, group: STANDARD}
  - {code: PC02, name: PC 2, group: STANDARD}
  - {code: PC03, name: PC 3, group: STANDARD2}
  - {code: FAST1, name: Fast 1, group: FAST}
  - {code: OFF1, name: Closed PC, group: STANDARD, active: false}
  - {code: PS5-1, name: PS5 1, group: CONSOLE}
  - {code: PS5-2, name: PS5 2, group: CONSOLE}
members:
  - {code: M001, name: Ada}
"""


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.fixture
def site(db, tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text(SITE)
    load_site_file(path, at=T0)
    with write():
        Staff.create(code="MGR", name="Mia", role="manager")
    add_lot("M001", "minutes", "manual", 100, "MGR", "test", T0 - minutes(60), device="pc")
    return db


def counts() -> tuple[int, int, int]:
    return PlaySession.select().count(), SessionEvent.select().count(), \
        SessionMinute.select().count()


def test_a_guest_moved_plays_on_as_one_bill(site):
    first = lifecycle.start("PS5-1", T0, guest=True, staff="MGR")
    moved = move(T0 + minutes(10.5), "PS5-2", station="PS5-1", staff="MGR")
    assert moved.station == "PS5-2" and moved.state == "running" and moved.guest
    old = facts.session(first.id)
    assert old.state == "ended" and old.timeline.stop_reason == "moved to PS5-2"
    assert facts.open_on_station("PS5-1") is None
    lifecycle.stop(T0 + minutes(40), station="PS5-2", staff="MGR")
    bill = station_bill(moved.id)
    # 10:30 + 29:30 = 40:00 of play: 40 started minutes, billed once (not 11 + 30 minimum)
    assert (bill.sessions, bill.minutes, bill.unit_price) == ((first.id, moved.id), 40, 400)
    with pytest.raises(PlaydeskError, match="moved to PS5-2: bill the session there"):
        station_bill(first.id)


def test_a_paused_session_moves_paused(site):
    lifecycle.start("PS5-1", T0, guest=True, staff="MGR")
    lifecycle.pause(T0 + minutes(5), station="PS5-1", staff="MGR")
    moved = move(T0 + minutes(20), "PS5-2", station="PS5-1", staff="MGR")
    assert moved.state == "paused"
    assert moved.timeline.running_time(T0 + minutes(30)) == dt.timedelta()


def lot_left() -> int:
    from engine.models import Lot

    return sum(lot.remaining for lot in Lot.select().where(Lot.member == "M001"))


def test_a_member_moved_in_the_middle_of_a_minute_pays_each_started_minute_once(site):
    """Moved at 10:30 into minute 11 and stopped at 20:36: 20:36 of play is 21 started minutes,
    and 21 are drawn. The old station charged minute 11 (10:00 to 11:00); the new session's
    minute 1 is that minute carried over (nothing drawn) and its minute 2 falls at 11:00, where
    the old station's minute 12 would have. Before, the new station charged its own minute 1
    at the move and every minute after it fell 30 s later: 22 drawn, the half minute twice."""
    first = lifecycle.start("PC01", T0, member="M001", staff="MGR")
    moved = move(T0 + minutes(10.5), "PC02", station="PC01", staff="MGR")
    assert moved.member == "M001" and moved.station == "PC02"
    assert facts.session(first.id).charged == 11  # minutes 1..11 started before the move
    assert facts.open_for_member("M001").id == moved.id
    assert [(m.minute, m.source, m.amount) for m in moved.minutes] == [(1, "carried", 0)]
    assert moved.started_at == T0 + minutes(10)  # the part of minute 11 played on PC01
    assert moved.timeline.boundary(2) == T0 + minutes(11)
    lifecycle.stop(T0 + minutes(20.6), station="PC02", staff="MGR")
    done = facts.session(moved.id)
    assert done.charged == 11 and done.minutes_used == 10
    assert 100 - lot_left() == 21


def test_a_paused_member_moved_carries_the_part_of_the_minute_it_played(site):
    """Paused at 2:15 (minute 3 charged, a quarter of it played), moved paused, resumed and
    played 1:30 more: 3:45 of play, 4 started minutes (before: 5, the new station's minute 1
    started afresh at the resume)."""
    lifecycle.start("PC01", T0, member="M001", staff="MGR")
    lifecycle.pause(T0 + minutes(2.25), station="PC01", staff="MGR")
    moved = move(T0 + minutes(5), "PC02", station="PC01", staff="MGR")
    assert moved.state == "paused" and moved.minutes[0].source == "carried"
    lifecycle.resume(T0 + minutes(8), station="PC02", staff="MGR")
    lifecycle.stop(T0 + minutes(9.5), station="PC02", staff="MGR")
    assert 100 - lot_left() == 4


def test_a_member_moved_on_a_minute_s_boundary_starts_afresh(site):
    """Moved at exactly 10:00: minute 11 is the new station's minute 1, charged there at once
    (nothing to carry, nothing charged twice)."""
    first = lifecycle.start("PC01", T0, member="M001", staff="MGR")
    moved = move(T0 + minutes(10), "PC02", station="PC01", staff="MGR")
    assert facts.session(first.id).charged == 10
    assert [(m.minute, m.source) for m in moved.minutes] == [(1, "minutes")]
    assert moved.started_at == T0 + minutes(10)
    assert 100 - lot_left() == 11


def test_targets_that_cannot_take_the_session_are_refused_and_nothing_is_written(site):
    lifecycle.start("PC01", T0, member="M001", staff="MGR")
    lifecycle.start("PC02", T0, guest=True, staff="MGR")
    before = counts()
    at = T0 + minutes(3)
    for target, message in (("PC02", "station PC02 is in use"),
                            ("PC01", "is on PC01 already"),
                            ("OFF1", "inactive"),
                            ("FAST1", "plays on other terms"),
                            ("PS5-1", "plays on other terms"),
                            ("NOPE", "unknown station")):
        with pytest.raises(PlaydeskError, match=message):
            move(at, target, station="PC01", staff="MGR")
    with pytest.raises(PlaydeskError, match="no session on station PS5-1"):
        move(at, "PS5-2", station="PS5-1", staff="MGR")
    with pytest.raises(PlaydeskError, match="moved by staff"):
        move(at, "PC03", station="PC02")
    assert counts() == before
    from engine.sessions.move import refusal

    guest = facts.open_on_station("PC02").id
    assert "plays on other terms" in refusal(guest, "PS5-1")
    assert refusal(guest, "PC03") is None
    # another group of the same terms takes it
    assert move(at, "PC03", station="PC02", staff="MGR").station == "PC03"


def test_an_ended_session_does_not_move(site):
    done = lifecycle.start("PS5-1", T0, guest=True, staff="MGR")
    lifecycle.stop(T0 + minutes(1), session_id=done.id, staff="MGR")
    with pytest.raises(PlaydeskError, match="has ended"):
        move(T0 + minutes(2), "PS5-2", session_id=done.id, staff="MGR")


def test_session_move_on_the_command_line(site, tmp_path, capsys):
    from engine.db import close_database, database

    path = database.database
    lifecycle.start("PS5-1", T0, guest=True, staff="MGR")
    close_database()

    def run(*argv):
        try:
            code = main(["--db", str(path), "--at", "2026-07-03T12:05", *argv])
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        return code, json.loads(out) if out.strip() else None, err

    code, shown, _ = run("session", "move", "--station", "PS5-1", "--to", "PS5-2",
                         "--staff", "MGR")
    assert code == 0 and shown["station"] == "PS5-2" and shown["state"] == "running"
    code, _, err = run("session", "move", "--station", "PS5-2", "--to", "PC01", "--staff", "MGR")
    assert code == 2 and "plays on other terms" in err


def test_the_move_reason_is_kept_for_moves(site):
    """A stop with the reason a move gives would make the guest's play look moved on, and so
    unbillable and gone from the shift report (found by review)."""
    played = lifecycle.start("PS5-1", T0, guest=True, staff="MGR")
    with pytest.raises(PlaydeskError, match="kept for moves"):
        lifecycle.stop(T0 + dt.timedelta(minutes=10), station="PS5-1", staff="MGR",
                       reason="Moved to PS5-2")
    assert facts.session(played.id).state == "running"


def test_a_moved_guest_play_is_priced_once_in_the_report_and_on_its_stop(site):
    """10:30 on PS5-1, then 29:30 on PS5-2: one play of 40 minutes billed 400 (600/h, the
    30-minute minimum once), as its receipt line. Before, the report priced each piece: 11 + 30
    minutes and 300 + 300 (the minimum and the started minute twice), and the moved piece's
    `session show` carried a bill of its own."""
    from engine.sessions.queries import report_stations, summary

    first = lifecycle.start("PS5-1", T0, guest=True, staff="MGR")
    moved = move(T0 + minutes(10.5), "PS5-2", station="PS5-1", staff="MGR")
    end = T0 + minutes(40)
    stopped = lifecycle.stop(end, station="PS5-2", staff="MGR")
    report = report_stations(T0, T0 + minutes(60), end)
    (group,) = report["groups"]
    assert (group["sessions"], group["guests"]) == (2, 2)
    assert group["minutes"]["guest"] == 40 and group["money"]["guest"] == 400
    by_station = {s["station"]: s for s in report["stations"]}
    assert (by_station["PS5-1"]["minutes"]["guest"], by_station["PS5-1"]["money"]["guest"]) \
        == (0, 0)
    assert (by_station["PS5-2"]["minutes"]["guest"], by_station["PS5-2"]["money"]["guest"]) \
        == (40, 400)
    assert by_station["PS5-1"]["running_seconds"] == 630
    assert by_station["PS5-2"]["running_seconds"] == 1770
    shown = summary(stopped, end)
    bill = station_bill(moved.id)
    assert (shown["bill"]["minutes"], shown["bill"]["unit_price"]) == \
        (bill.minutes, bill.unit_price) == (40, 400)
    assert shown["charged_minutes"] == 40
    assert summary(facts.session(first.id), end)["bill"] is None
