"""The SQLite database every process of a device shares, through peewee.

WAL so readers never block the writer, foreign keys on, `synchronous=FULL` so a committed sale
survives a power cut, a busy timeout so two processes queue instead of failing, and every write in
`write()` — a `BEGIN IMMEDIATE` transaction that takes the write lock up front (no deadlocks on
lock upgrade between the UI and the sync process).
"""

from __future__ import annotations

import os
from pathlib import Path

from peewee import SqliteDatabase

BUSY_TIMEOUT_SECONDS = 10

database = SqliteDatabase(None)

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL
    "busy_timeout": BUSY_TIMEOUT_SECONDS * 1000,
}


def default_path() -> Path:
    return Path(os.environ.get("PLAYDESK_DB", "var/playdesk.db"))


def open_database(path: str | os.PathLike[str] | None = None, migrate: bool = True) -> SqliteDatabase:
    """Open (creating and migrating when needed) the database at `path` and bind the models."""
    target = Path(path) if path is not None else default_path()
    if not database.is_closed():
        database.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    database.init(str(target), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_SECONDS)
    database.connect()
    if migrate:
        from engine.migrations import migrate_database

        migrate_database(database, target)
    return database


def close_database() -> None:
    if not database.is_closed():
        database.close()


def write():
    """The transaction for every change: BEGIN IMMEDIATE, nested calls become savepoints."""
    return database.atomic("IMMEDIATE")
