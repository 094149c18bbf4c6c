"""Notice, in a running sync process, that its database was replaced under it (a restore).

Three signs, each a few microseconds, checked every turn of the loop:
- a new inode at the path: a file renamed over it (`playdesk restore` over a broken database,
  `mv`); our connection still reads the old, unlinked file, so nothing in it would change;
- the incarnation token (LocalState `db.incarnation`) changed: `playdesk restore` writes a new
  one into the content it installs through SQLite's backup API (same inode, new content);
- this device's journal went back: content copied in by hand (`sqlite3 .restore`), whose token
  is the one the live file had when the backup was taken.
The last two are read only when another connection committed (PRAGMA data_version).
The process then exits without storing anything (its view is of the old database), and systemd
starts it again on the restored one, where the reconcile of engine.sync.restore runs.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

from peewee import OperationalError

from engine import localstate
from engine.db import database, write
from engine.sync import outbox


def incarnation() -> str | None:
    return localstate.get(localstate.INCARNATION)


def ensure_incarnation() -> str:
    """The token, created for a database that was never restored."""
    token = incarnation()
    if token is None:
        with write():
            localstate.put_if_missing(localstate.INCARNATION, secrets.token_hex(16))
        token = incarnation()
    assert token is not None
    return token


def _data_version() -> int:
    return database.execute_sql("PRAGMA data_version").fetchone()[0]


class DatabaseWatch:
    def __init__(self, path: Path, device: str) -> None:
        self.path = path
        self.device = device
        self.inode = os.stat(path).st_ino
        self.token = ensure_incarnation()
        self.journal_seq = outbox.journal_seq(device)
        self.version = _data_version()

    def replaced(self) -> str | None:
        """Why the database is not the one this process opened, or None."""
        try:
            inode = os.stat(self.path).st_ino
        except FileNotFoundError:
            return f"{self.path} was removed"
        if inode != self.inode:
            return f"{self.path} was replaced by another file"
        try:
            return self._content_replaced()
        except (OperationalError, sqlite3.DatabaseError) as error:
            # mid-replacement or gone bad: leaving is harmless (systemd starts it again),
            # storing this process's view into whatever the file now holds is not
            return f"{self.path} cannot be read ({error})"

    def _content_replaced(self) -> str | None:
        version = _data_version()
        if version == self.version:
            return None
        self.version = version
        if incarnation() != self.token:
            return f"{self.path} was restored (its incarnation token changed)"
        seq = outbox.journal_seq(self.device)
        if seq < self.journal_seq:
            return (f"{self.path} was replaced: this device's journal went back from seq "
                    f"{self.journal_seq} to {seq}")
        self.journal_seq = seq
        return None
