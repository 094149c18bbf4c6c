"""The SQLite database every process of a device shares, through peewee.

WAL so readers never block the writer, foreign keys on, `synchronous=FULL` so a committed sale
survives a power cut, a busy timeout so two processes queue instead of failing, and every write in
`write()` — a `BEGIN IMMEDIATE` transaction that takes the write lock up front (no deadlocks on
lock upgrade between the UI and the sync process).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from peewee import DatabaseError, SqliteDatabase

from engine.errors import N_, StorageFull
from engine.migrations import migrate_database

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
        migrate_database(database, target)
    return database


def close_database() -> None:
    if not database.is_closed():
        database.close()


SQLITE_FULL = 13
MIN_FREE_BYTES = 64 * 1024  # less than this beside the database: a failed write is a full disk


def _sqlite_code(error: BaseException | None) -> int | None:
    """SQLite's error code of `error` (peewee wraps sqlite3's exception as its first arg)."""
    for candidate in (error, *(getattr(error, "args", ()) or ())[:1],
                      getattr(error, "__context__", None)):
        code = getattr(candidate, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF  # the primary code of an extended one
    return None


def _disk_full() -> bool:
    try:
        stats = os.statvfs(Path(database.database).parent)
    except (OSError, TypeError):
        return False
    return stats.f_bavail * stats.f_frsize < MIN_FREE_BYTES


def storage_full(error: BaseException | None) -> StorageFull | None:
    """A StorageFull for a database error that a full disk caused, else None.

    SQLite says SQLITE_FULL, or (when the WAL or its index cannot grow) a disk I/O error; the
    free space beside the database tells the second kind apart from a failing disk.
    """
    if not isinstance(error, (sqlite3.DatabaseError, DatabaseError)):
        return None
    if _sqlite_code(error) != SQLITE_FULL and not _disk_full():
        return None
    return StorageFull(N_("storage full: the disk holding the database {path} has no room left; "
                          "nothing was saved (free some space, then try again)"),
                       path=database.database)


class _Write:
    """`database.atomic("IMMEDIATE")`, with a full disk reported as StorageFull.

    On SQLITE_FULL SQLite rolls the whole transaction back itself; peewee's rollback then fails
    with "no transaction is active", hiding why. Here the cause wins: StorageFull (exit 2, the
    apps show it) when the disk is full, else the body's own error.
    """

    def __init__(self) -> None:
        self._atomic = database.atomic("IMMEDIATE")

    def __enter__(self):
        try:
            return self._atomic.__enter__()
        except DatabaseError as error:
            raise (storage_full(error) or error) from None

    def __exit__(self, kind, error, traceback) -> bool:
        try:
            self._atomic.__exit__(kind, error, traceback)
        except DatabaseError as failed:
            full = storage_full(error) or storage_full(failed)
            if full is not None:
                raise full from None
            if error is not None and not database.connection().in_transaction:
                raise error from None  # SQLite ended the transaction: its reason, not peewee's
            raise
        full = storage_full(error)
        if full is not None:
            raise full from None
        return False


def write() -> _Write:
    """The transaction for every change: BEGIN IMMEDIATE, nested calls become savepoints; a full
    disk is StorageFull, with nothing written."""
    return _Write()
