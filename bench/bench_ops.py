"""Backup and restore figures on a database the size of a busy site's year.

    .venv/bin/python -m bench.bench_ops

The nightly backup runs at 03:30 at idle I/O priority; the figure that matters is that it ends
in seconds, and that a restore (verify + copy into the live file) is quick enough to do while
a cashier waits.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from pathlib import Path

EVENTS = 200_000  # about a year of journal events for a busy site


def build(path: Path) -> None:
    from engine.db import open_database, write
    from engine.models import Event, Site

    open_database(path)
    payload = json.dumps({"receipt": "COUNTER1-R1", "lines": [{"item": "COLA", "quantity": 2,
                                                               "net": 500}] * 3})
    with write():
        Site.create(code="GC1", name="Game Center")
        rows = ({"device": "COUNTER1", "seq": n, "hlc": f"{n:015d}.00000", "type": "sale",
                 "payload": payload} for n in range(1, EVENTS + 1))
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                Event.insert_many(batch).execute()
                batch.clear()


def main() -> None:
    from engine.db import close_database
    from engine.migrations import latest_version
    from engine.ops.backup import backup_database
    from engine.ops.restore import restore_database

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "playdesk.db"
        build(database)
        close_database()
        size_mb = database.stat().st_size / 1e6

        started = time.perf_counter()
        saved = backup_database(database, Path(folder) / "backups", dt.datetime(2026, 7, 3, 3, 30))
        backup_s = time.perf_counter() - started

        started = time.perf_counter()
        restore_database(saved.path, database, Path(folder) / "backups",
                         dt.datetime(2026, 7, 3, 9, 0), latest_version())
        restore_s = time.perf_counter() - started

    print(f"database {size_mb:.0f} MB ({EVENTS} journal events)")
    print(f"backup (online copy + quick_check + fsync) {backup_s:.2f} s (own target < 30 s on a Pi; the issue sets none)")
    print(f"restore (integrity_check + safety copy + copy into the live file) {restore_s:.2f} s "
          f"(own target < 60 s on a Pi)")


if __name__ == "__main__":
    main()
