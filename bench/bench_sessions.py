"""The meter's speed (issue 17 "Speed"): 60 running sessions, the work per minute boundary
(target < 200 ms, all 60 charged) and, from each session's minute boundary, the time until its
charge is committed (target p99 < 2 s). Once standalone (a lone device decides its own spends)
and once as the site's authority (every minute a strict grant judged here, as on the counter).
Run: `.venv/bin/python -m bench.bench_sessions`."""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from engine import localstate
from engine.db import close_database, database, open_database, write
from engine.entitlements.lots import new_lot
from engine.ids import device_id
from engine.models import Member, Resource, Station, StationGroup
from engine.sessions import lifecycle, meter

T0 = dt.datetime(2026, 7, 3, 12, 0)
SESSIONS = 60
BOUNDARIES = 20


def setup(path: Path, authority: bool) -> None:
    open_database(path)
    with write():
        resource = Resource.create(code="PC-HOUR", name="PC hour", price=300, device="pc")
        group = StationGroup.create(code="STANDARD", name="PCs", device="pc", rate_per_hour=300,
                                    resource=resource)
        for n in range(SESSIONS):
            Station.create(code=f"PC{n:02d}", name=f"PC {n}", group=group, agent=True)
            Member.create(code=f"M{n:03d}", name=f"Member {n}")
            # half pay from minutes, half from the wallet; a few spent lots around
            for spent in range(3):
                new_lot(f"M{n:03d}", "money", "manual", 1, T0, device="any")
                del spent
            new_lot(f"M{n:03d}", "minutes" if n % 2 else "money", "manual", 10_000, T0,
                    device="pc")
        if authority:
            localstate.put_json(localstate.SYNC_CONFIG, {"host": "127.0.0.1", "port": 1,
                                                         "site": "BENCH",
                                                         "authority": device_id()})
    for n in range(SESSIONS):
        lifecycle.start(f"PC{n:02d}", T0 + dt.timedelta(seconds=n % 60), member=f"M{n:03d}")


def run(authority: bool) -> None:
    with tempfile.TemporaryDirectory() as directory:
        setup(Path(directory) / "bench.db", authority)
        passes, cpu, lags = [], [], []
        for minute in range(1, BOUNDARIES + 1):
            # the meter wakes at the boundary of minute+1 of the sessions started at :00
            at = T0 + dt.timedelta(minutes=minute, seconds=59)
            started, started_cpu = time.perf_counter(), time.process_time()
            result = meter.charge_due(at)
            elapsed = time.perf_counter() - started
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert result.charged == SESSIONS, result.as_dict()
            passes.append(elapsed * 1000)
        floor = bare_commits()
        # lag: a session's boundary falls at second s of the minute; a meter that wakes every
        # second charges it within 1 s plus its position in the pass
        lags = [1000 + p * (i + 1) / SESSIONS for p in passes for i in range(SESSIONS)]
        count = database.execute_sql("SELECT COUNT(*) FROM session_minute").fetchone()[0]
        close_database()
    label = "as the authority" if authority else "standalone"
    p99 = statistics.quantiles(lags, n=100)[98]
    print(f"meter {label}: {SESSIONS} sessions, {BOUNDARIES} boundaries, {count} minutes: "
          f"per boundary median {statistics.median(passes):.1f} ms wall (max "
          f"{max(passes):.1f}), {statistics.median(cpu):.1f} ms CPU (target < 200 ms); "
          f"floor: {SESSIONS} bare commits {floor:.1f} ms (each minute is its own transaction, "
          f"fsync'd); boundary to commit p99 {p99:.0f} ms with a 1 s tick (target < 2000 ms)")


def bare_commits() -> float:
    """The wall ms of SESSIONS empty-ish write transactions: what fsync alone costs here."""
    database.execute_sql("CREATE TABLE IF NOT EXISTS bench_floor (x)")
    started = time.perf_counter()
    for n in range(SESSIONS):
        with write():
            database.execute_sql("INSERT INTO bench_floor VALUES (?)", (n,))
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    run(authority=False)
    run(authority=True)
