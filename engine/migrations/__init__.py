"""Schema migrations with `playhouse.migrations`: numbered scripts in this folder.

The schema version is the number of the last applied script, kept in `PRAGMA user_version` (and
the runner's history table). Before an existing database is migrated, a backup copy is taken next
to it (`<db>.bak-v<old>-<timestamp>`), so an update can be rolled back.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

DIRECTORY = Path(__file__).parent


def latest_version() -> int:
    numbers = [int(m.group(1)) for p in DIRECTORY.glob("[0-9]*.py")
               if (m := re.match(r"(\d+)_", p.name))]
    return max(numbers, default=0)


def schema_version(database: SqliteDatabase) -> int:
    return database.execute_sql("PRAGMA user_version").fetchone()[0]


def backup_database(database: SqliteDatabase, path: Path, version: int) -> Path:
    """A consistent copy (SQLite's online backup), even while other processes use the file."""
    stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S")
    target = path.with_name(f"{path.name}.bak-v{version}-{stamp}")
    destination = sqlite3.connect(str(target))
    try:
        database.connection().backup(destination)
    finally:
        destination.close()
    return target


def migrate_database(database: SqliteDatabase, path: Path) -> list[str]:
    """Apply pending migrations; returns their names (empty when the schema is current)."""
    current = schema_version(database)
    latest = latest_version()
    if current == latest:
        return []
    if current > latest:
        from engine.errors import PlaydeskError

        raise PlaydeskError(
            f"database {path} has schema version {current}, newer than this playdesk ({latest})")
    if current > 0:
        backup_database(database, path, current)
    # Here, not at the top: a current schema (every start but the first after an update)
    # needs no runner, and every `playdesk` command would pay for its import.
    from playhouse.migrations import Runner

    runner = Runner(database, directory=str(DIRECTORY), table_name="schema_migration")
    applied = runner.up()
    database.execute_sql(f"PRAGMA user_version = {latest}")
    return applied
