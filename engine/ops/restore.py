"""Restore the database from a backup: verify first, keep a copy of the current one, then replace.

The candidate is copied to a staging file beside the database and every check runs on that copy
(exactly the bytes that will be installed): SQLite opens it, `PRAGMA integrity_check` says "ok",
it has playdesk's tables, and its schema version is not newer than this build. Anything else is
refused before the current database is touched.

The replacement goes through SQLite's backup API *into* the live database: one write
transaction, so other connections see either the old or the restored content, the -wal/-shm files
stay consistent, and a power cut rolls it back. Only when the current file is not a usable
database at all (the usual reason to restore) is the staging file renamed over it, which is
atomic too but needs the apps and the sync process stopped.

Before it is installed the copy is marked (engine.ops.restore_mark): "restore pending" (no fact
id until sync has caught up with the other devices) and a new incarnation token. A restore is
refused while `playdesk-sync` runs on the database (engine.ops.synclock).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from engine.errors import PlaydeskError
from engine.ops.backup import copy_database, fsync_directory, fsync_file, unique_path
from engine.ops.restore_mark import RestoreMark, mark_restored
from engine.ops.synclock import no_sync_running

REQUIRED_TABLES = {"schema_migration", "site", "event"}
SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    restored_from: Path
    schema_version: int
    previous_copy: Path | None
    method: str  # "online" (backup API into the live file) or "replace" (rename over a broken one)
    mark: RestoreMark


def verify_database(path: Path, latest_version: int) -> int:
    """Refuse (PlaydeskError) a file that is not a sound playdesk database this build can use;
    returns its schema version."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            version = connection.execute("PRAGMA user_version").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise PlaydeskError(f"{path} is not a readable SQLite database: {error}") from None
    if problems != ["ok"]:
        raise PlaydeskError(f"{path} failed the integrity check: {'; '.join(problems[:5])}")
    missing = REQUIRED_TABLES - tables
    if missing or version < 1:
        raise PlaydeskError(f"{path} is not a playdesk database "
                            f"(missing tables: {', '.join(sorted(missing)) or 'none'}, "
                            f"schema version {version})")
    if version > latest_version:
        raise PlaydeskError(f"{path} has schema version {version}, newer than this playdesk "
                            f"({latest_version}); install the newer release first")
    return version


def restore_database(candidate: Path, database: Path, keep_dir: Path, at: dt.datetime,
                     latest_version: int) -> RestoreResult:
    """Replace `database` with the backup `candidate` after verifying it; the current database
    is first copied to `keep_dir` as `playdesk-pre-restore-<at>.db`."""
    candidate, database = candidate.resolve(), database.resolve()
    if not candidate.is_file():
        raise PlaydeskError(f"no backup file at {candidate}")
    if candidate == database:
        raise PlaydeskError(f"{candidate} is the database itself")
    database.parent.mkdir(parents=True, exist_ok=True)
    staging = database.with_name(f".{database.name}.restore")
    with no_sync_running(database):
        discard(staging)
        try:
            stage(candidate, staging)
            version = verify_database(staging, latest_version)
            mark = mark_restored(staging, candidate, at)
            previous = keep_current(database, keep_dir, at)
            method = "online" if usable(database) else "replace"
            if method == "online":
                copy_into(staging, database)
            else:
                replace_file(staging, database)
        finally:
            discard(staging)
    return RestoreResult(database=database, restored_from=candidate, schema_version=version,
                         previous_copy=previous, method=method, mark=mark)


def stage(candidate: Path, staging: Path) -> None:
    """A private copy of the candidate (with its -wal, if a live file was copied with one)."""
    shutil.copyfile(candidate, staging)
    wal = candidate.with_name(candidate.name + "-wal")
    if wal.is_file():
        shutil.copyfile(wal, staging.with_name(staging.name + "-wal"))
    # Fold any WAL into the staging file so it is one self-contained file.
    try:
        connection = sqlite3.connect(str(staging))
        try:
            connection.execute("PRAGMA journal_mode=DELETE")
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise PlaydeskError(f"{candidate} is not a readable SQLite database: {error}") from None


def usable(database: Path) -> bool:
    if not database.is_file():
        return False
    try:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            return connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return False


def keep_current(database: Path, keep_dir: Path, at: dt.datetime) -> Path | None:
    """Copy the current database aside before it is overwritten (raw bytes when it is broken)."""
    if not database.is_file():
        return None
    keep_dir.mkdir(parents=True, exist_ok=True)
    target = unique_path(keep_dir / f"playdesk-pre-restore-{at:%Y%m%d-%H%M%S}.db")
    if usable(database):
        copy_database(database, target)
        return target
    shutil.copyfile(database, target)
    for suffix in SIDE_FILES:
        side = database.with_name(database.name + suffix)
        if side.is_file():
            shutil.copyfile(side, target.with_name(target.name + suffix))
    fsync_file(target)
    return target


def copy_into(staging: Path, database: Path) -> None:
    """Overwrite the live database's content in one transaction (SQLite backup API)."""
    try:
        source = sqlite3.connect(f"file:{staging}?mode=ro", uri=True)
        try:
            destination = sqlite3.connect(str(database), timeout=30)
            try:
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
    except sqlite3.DatabaseError as error:
        raise PlaydeskError(f"cannot restore into {database}: {error}") from None


def replace_file(staging: Path, database: Path) -> None:
    """Rename the verified file over a broken database; its stale -wal/-shm must go with it,
    or SQLite would replay the broken file's log into the restored one."""
    fsync_file(staging)
    for suffix in SIDE_FILES:
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(staging, database)
    fsync_directory(database.parent)


def discard(path: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
