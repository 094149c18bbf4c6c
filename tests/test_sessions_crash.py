"""The meter killed at random points (issue 17 Proof, "Crash"): real `playdesk meter --once`
processes SIGKILLed while they charge, then run to the end; every session's charges are then
exactly its started minutes (1..N, each once, each paid exactly by the rule) and every lot's
total − remaining is Σ its consumption."""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import time
from pathlib import Path

from conftest import DEMO_SITE

from engine.db import close_database, open_database, write

ROOT = Path(__file__).resolve().parent.parent
T0 = dt.datetime(2026, 7, 3, 12, 0)
MEMBERS = {"M001": "PC01", "M002": "PC02", "M003": "PC03"}


def setup(path: Path) -> None:
    from engine.entitlements import add_lot
    from engine.models import Member, Staff
    from engine.sessions import lifecycle
    from engine.sitefile import load_site_file

    open_database(path)
    try:
        load_site_file(DEMO_SITE, at=T0)
        with write():
            Staff.create(code="MGR", name="Mia", role="manager")
            Member.create(code="M004", name="Ken")
        for member in MEMBERS:  # minutes, some expiring inside the session, then the wallet
            add_lot(member, "minutes", "manual", 40, "MGR", "x", T0, device="pc",
                    expires_at=T0 + dt.timedelta(minutes=25))
            add_lot(member, "minutes", "manual", 20, "MGR", "x", T0, device="pc")
            add_lot(member, "money", "manual", 337, "MGR", "x", T0)
        add_lot("M004", "money", "manual", 10_000, "MGR", "x", T0, device="console")
        for member, station in MEMBERS.items():
            lifecycle.start(station, T0, member=member)
        lifecycle.start("PS5-1", T0, member="M004")
    finally:
        close_database()


def meter(path: Path, at: dt.datetime, kill_after_minutes: int | None) -> bool:
    """One meter process; with `kill_after_minutes`, SIGKILLed as soon as it has charged that
    many more minutes (by the database, not by a delay: a fast machine finishes a run before any
    fixed delay is up). True if it was killed running."""
    process = subprocess.Popen([sys.executable, "-m", "engine.cli", "--db", str(path), "--at",
                                at.isoformat(), "meter", "--once"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if kill_after_minutes is None:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        return False
    target = minutes_charged(path) + kill_after_minutes
    while process.poll() is None and minutes_charged(path) < target:
        time.sleep(0.001)
    running = process.poll() is None
    process.kill()
    process.communicate(timeout=60)
    return running


def minutes_charged(path: Path) -> int:
    import sqlite3

    connection = sqlite3.connect(path, timeout=10)
    try:
        return connection.execute("SELECT COUNT(*) FROM session_minute").fetchone()[0]
    finally:
        connection.close()


def test_a_meter_killed_at_random_points_charges_each_started_minute_once(tmp_path):
    from engine.models import Consumption, Lot
    from engine.sessions import facts
    from engine.sessions.charging import wallet_total

    path = tmp_path / "counter.db"
    setup(path)
    chance = random.Random(17)
    kills, at, charged_before = 0, T0, []
    for step in range(8):  # 15 minutes of four sessions per step, each run killed mid-way
        at = T0 + dt.timedelta(minutes=15 * (step + 1))
        for _ in range(2):
            kills += meter(path, at, kill_after_minutes=chance.randint(1, 40))
            charged_before.append(minutes_charged(path))
    final = at + dt.timedelta(seconds=30)
    meter(path, final, kill_after_minutes=None)
    open_database(path)
    try:
        sessions = facts.sessions_between()
        charged = 0
        for session in sessions:
            due = session.timeline.due(session.timeline.ended_at or final,
                                       inclusive=session.state != "ended")
            numbers = [m.minute for m in session.minutes]
            assert numbers == list(range(1, due + 1)), session.id
            charged += len(numbers)
            k = 0
            for minute in session.minutes:
                draws = list(Consumption.select().where(
                    Consumption.reference == f"{session.id}:{minute.minute}"))
                assert sum(d.amount for d in draws) == minute.amount
                if minute.source == "money":
                    k += 1
                    assert minute.wallet_minute == k
                    assert minute.amount == wallet_total(session.rate_per_hour, k) - \
                        wallet_total(session.rate_per_hour, k - 1)
            if session.member != "M004":  # 25 + 20 minutes (15 expired), 337 at 5 a minute
                assert (due, session.minutes_used, session.money_used) == (112, 45, 335)
                assert session.timeline.stop_reason == "no credit"  # at minute 113's boundary
                assert session.timeline.ended_at == T0 + dt.timedelta(minutes=112)
        assert charged >= 200, charged
        assert {s.state for s in sessions if s.member != "M004"} == {"ended"}
        for lot in Lot.select():
            used = sum(c.amount for c in Consumption.select().where(Consumption.lot == lot.id))
            assert lot.total - lot.remaining == used, lot.id
        references = [c.reference for c in Consumption.select()]
        assert len(references) == len(set(references))  # one draw per minute here
    finally:
        close_database()
    print(f"{kills} meters killed while running, minutes charged after each: {charged_before}, "
          f"{charged} in the end")
    assert kills >= 8  # most runs are cut off, not finished (16 runs of up to 60 minutes)
