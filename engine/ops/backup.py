"""Consistent database backups with rotation (the nightly timer, `install.sh --upgrade`).

A copy is taken with SQLite's online backup API, so it is consistent even while the apps and the
sync process keep writing (WAL). It is written to a hidden temporary name, checked, flushed to
disk and only then renamed into place: a power cut never leaves a half-written file that looks
like a backup. Rotation only ever deletes files this module named (`playdesk-<stamp>.db`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from engine.errors import PlaydeskError

BACKUP_PATTERN = re.compile(r"^playdesk-(\d{8}-\d{6})(?:-\d+)?\.db$")
DEFAULT_KEEP = 14


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    schema_version: int
    removed: list[Path]


def default_backup_dir(database_path: Path) -> Path:
    """$PLAYDESK_BACKUP_DIR, else `backups/` next to the database."""
    configured = os.environ.get("PLAYDESK_BACKUP_DIR")
    return Path(configured) if configured else database_path.parent / "backups"


def backup_name(at: dt.datetime) -> str:
    return f"playdesk-{at:%Y%m%d-%H%M%S}.db"


def list_backups(directory: Path) -> list[Path]:
    """The backups this module made, oldest first (the stamp in the name sorts by time)."""
    if not directory.is_dir():
        return []
    return sorted((p for p in directory.iterdir() if BACKUP_PATTERN.match(p.name)),
                  key=lambda p: p.name)


def copy_database(source: Path, target: Path) -> None:
    """Online-backup `source` into a new file `target` (which must not exist), fsynced."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            destination = sqlite3.connect(str(partial))
            try:
                origin.backup(destination)
                # A backup is a standalone file: no -wal beside it to lose when it is copied away.
                destination.execute("PRAGMA journal_mode=DELETE")
                check = destination.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                destination.close()
        finally:
            origin.close()
        if check != "ok":
            raise PlaydeskError(f"the copy of {source} failed its check: {check}")
        fsync_file(partial)
        os.replace(partial, target)
        fsync_directory(target.parent)
    except sqlite3.DatabaseError as error:
        raise PlaydeskError(f"cannot back up {source}: {error}") from None
    finally:
        partial.unlink(missing_ok=True)


def backup_database(source: Path, directory: Path, at: dt.datetime,
                    keep: int = DEFAULT_KEEP) -> BackupResult:
    """Copy the database at `source` into `directory` as `playdesk-<at>.db`, keep the newest
    `keep` backups there and delete the older ones."""
    if keep < 1:
        raise PlaydeskError(f"--keep must be at least 1 (got {keep})")
    if not source.is_file():
        raise PlaydeskError(f"no database at {source}")
    directory.mkdir(parents=True, exist_ok=True)
    target = unique_path(directory / backup_name(at))
    copy_database(source, target)
    removed = rotate(directory, keep)
    return BackupResult(path=target, size=target.stat().st_size,
                        schema_version=read_schema_version(target), removed=removed)


def rotate(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; returns what was deleted."""
    backups = list_backups(directory)
    doomed = backups[:-keep] if len(backups) > keep else []
    for path in doomed:
        path.unlink()
    return doomed


def unique_path(path: Path) -> Path:
    """`path`, or `<stem>-2<suffix>`, ... when two backups fall in the same second."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def read_schema_version(path: Path) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA user_version").fetchone()[0]
    finally:
        connection.close()


def fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_directory(path: Path) -> None:
    """Make a rename durable: flush the directory entry too."""
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
