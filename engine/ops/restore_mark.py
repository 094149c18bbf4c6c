"""What `playdesk restore` writes into the verified copy before it is installed (so the restored
content and its marks arrive in one transaction: no app ever sees the one without the other).

- `restore.pending` (engine.ids.RESTORE_PENDING): no fact id is handed out until the sync
  process has learned from the other devices how far this device's journal and ids went
  (engine.sync.reconciled clears it). Not set when the site has no other device to learn from.
- `db.incarnation`: a new random token. A running sync process compares it with the one it
  started with and exits when it changes (engine.sync.main), so it never writes its view of the
  old database into the restored one.
- The other devices' presence is marked as not heard since (`last_seen` NULL): what the backup
  remembers of them is old, and the sync process must hear each of them again.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from engine.ids import DEFAULT_DEVICE
from engine.localstate import DEVICE_ID, INCARNATION, RESTORE_PENDING

_SET = "INSERT OR REPLACE INTO local_state (key, value) VALUES (?, ?)"


@dataclass(frozen=True)
class RestoreMark:
    pending: bool
    device: str
    learn_from: list[str]  # the other devices of the site (counters, kiosks) it must hear


def devices_to_learn_from(connection: sqlite3.Connection, device: str) -> list[str]:
    """Every other device of the installed device list that runs sync (the owner key signs and
    pushes, it holds no journal of ours)."""
    rows = connection.execute("SELECT device FROM sync_device WHERE role IS NOT NULL "
                              "AND role != 'owner' AND device != ? ORDER BY device", (device,))
    return [row[0] for row in rows]


def mark_restored(staging: Path, source: Path, at: dt.datetime) -> RestoreMark:
    connection = sqlite3.connect(str(staging))
    try:
        with connection:
            row = connection.execute(  # the staging copy: not the bound database
                "SELECT value FROM local_state WHERE key = ?", (DEVICE_ID,)).fetchone()
            device = row[0] if row else DEFAULT_DEVICE
            others = devices_to_learn_from(connection, device)
            connection.execute(_SET, (INCARNATION, secrets.token_hex(16)))
            connection.execute("UPDATE sync_device SET last_seen = NULL, online = 0")
            if others:
                mark = {"at": at.isoformat(timespec="seconds"), "from": str(source),
                        "learn_from": others}
                connection.execute(_SET, (RESTORE_PENDING, json.dumps(mark)))
            else:
                connection.execute("DELETE FROM local_state WHERE key = ?", (RESTORE_PENDING,))
    finally:
        connection.close()
    return RestoreMark(pending=bool(others), device=device, learn_from=others)
