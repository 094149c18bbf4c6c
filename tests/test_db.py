"""The database: pragmas, migrations, schema version, backup before migrating."""

from __future__ import annotations

from playhouse.schema_diff import diff_models

from engine.db import open_database, write
from engine.migrations import latest_version, schema_version
from engine.models import ALL_MODELS, Counter


def test_pragmas_are_set(db):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_migrated_schema_is_exactly_the_models(db):
    assert schema_version(db) == latest_version() >= 1
    assert not diff_models(db, ALL_MODELS)


def test_reopening_a_current_database_takes_no_backup(db_path, db):
    open_database(db_path)
    assert list(db_path.parent.glob("*.bak-*")) == []


def test_an_older_database_is_backed_up_before_migrating(db_path, db, tmp_path, monkeypatch):
    """A release with a second migration: the old file is copied first, then migrated."""
    from engine import migrations

    with write():
        Counter.create(name="x", value=7)
    folder = tmp_path / "migrations"
    folder.mkdir()
    for script in migrations.DIRECTORY.glob("[0-9]*.py"):
        (folder / script.name).write_text(script.read_text())
    (folder / "9999_add_note.py").write_text(
        "from peewee import TextField\n"
        "def up(migrator, db):\n"
        "    migrator.migrate(migrator.add_column('counter', 'note', TextField(null=True)))\n")
    monkeypatch.setattr(migrations, "DIRECTORY", folder)
    old_version = schema_version(db)

    open_database(db_path)

    assert schema_version(db) == 9999
    columns = [c.name for c in db.get_columns("counter")]
    assert "note" in columns
    (backup,) = db_path.parent.glob("playdesk.db.bak-v*")
    assert backup.name.startswith(f"playdesk.db.bak-v{old_version}-")
    import sqlite3

    old = sqlite3.connect(backup)
    assert old.execute("SELECT value FROM counter WHERE name = 'x'").fetchone() == (7,)
    assert "note" not in [row[1] for row in old.execute("PRAGMA table_info(counter)")]
    old.close()


def test_write_is_immediate_and_rolls_back_on_error(db):
    try:
        with write():
            Counter.create(name="y", value=1)
            raise RuntimeError("power cut")
    except RuntimeError:
        pass
    assert Counter.get_or_none(Counter.name == "y") is None


def test_the_frozen_first_migration_creates_what_the_models_declare(db, tmp_path):
    """Every table, column type, constraint and index: the SQL of both schemas is the same."""
    from peewee import SqliteDatabase

    def schema(database) -> set[str]:
        return {row[0] for row in database.execute_sql(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'schema_%'")}

    direct = SqliteDatabase(str(tmp_path / "direct.db"))
    with direct.bind_ctx(ALL_MODELS):
        direct.create_tables(ALL_MODELS)
    assert schema(db) == schema(direct)
    direct.close()
