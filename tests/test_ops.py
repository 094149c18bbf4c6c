"""Backup, restore and the clock check: real SQLite files, through the engine and the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from engine.cli import main
from engine.db import close_database, write
from engine.errors import PlaydeskError
from engine.migrations import latest_version
from engine.models import Item, Site
from engine.ops.backup import backup_database, list_backups
from engine.ops.clockcheck import check_clock, clock_warning, parse_reference
from engine.ops.restore import restore_database, verify_database

AT = dt.datetime(2026, 7, 3, 3, 30)


@pytest.fixture
def shop(db, db_path: Path) -> Path:
    """A database with a site and two items (built directly: only the rows matter here)."""
    with write():
        Site.create(code="GC1", name="Game Center", timezone="Europe/Berlin")
        Item.create(code="COLA", name="Cola", price=250)
        Item.create(code="CHIPS", name="Chips", price=180)
    return db_path


def content(path: Path) -> list[str]:
    """Every row of every table, as SQL text: equal content gives equal lists."""
    connection = sqlite3.connect(path)
    try:
        return [line for line in connection.iterdump() if line.startswith("INSERT")]
    finally:
        connection.close()


def without_incarnation(rows: list[str]) -> list[str]:
    """The content but the token a restore writes (engine.ops.restore_mark)."""
    return [line for line in rows if "db.incarnation" not in line]


def file_state(directory: Path) -> dict[str, str]:
    """Names and content hashes of every file in a folder (to prove nothing changed); the
    test's own connection is closed first, so its checkpoint cannot change the files."""
    close_database()
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def run(capsys, *argv: str) -> tuple[int, dict | None, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out.strip() else None), captured.err


def corrupt_copy(good: Path, target: Path) -> Path:
    """A copy of a valid database whose header claims 7 free pages that do not exist: every
    row still reads fine, only `PRAGMA integrity_check` notices (silent corruption)."""
    data = bytearray(good.read_bytes())
    data[36:40] = (7).to_bytes(4, "big")  # header: total number of freelist pages
    target.write_bytes(bytes(data))
    return target


def mangled_copy(good: Path, target: Path) -> Path:
    """A copy of a valid database with garbage over a table page (SQLite reports it malformed)."""
    data = bytearray(good.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[2 * page_size + 8: 3 * page_size] = b"\xa5" * (page_size - 8)
    target.write_bytes(bytes(data))
    return target


# --- backup -----------------------------------------------------------------------------------


def test_backup_is_a_consistent_standalone_copy(shop, tmp_path):
    result = backup_database(shop, tmp_path / "backups", at=AT, keep=3)

    assert result.path == tmp_path / "backups" / "playdesk-20260703-033000.db"
    assert result.schema_version == latest_version()
    assert content(result.path) == content(shop)
    assert not (tmp_path / "backups" / "playdesk-20260703-033000.db-wal").exists()
    connection = sqlite3.connect(result.path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    connection.close()


def test_backup_leaves_out_an_uncommitted_write(shop, tmp_path):
    writer = sqlite3.connect(shop, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO item (code, name, price, deleted) VALUES ('TEA', 'Tea', 200, 0)")
    try:
        result = backup_database(shop, tmp_path / "backups", at=AT)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    codes = {row[0] for row in sqlite3.connect(result.path).execute("SELECT code FROM item")}
    assert codes == {"COLA", "CHIPS"}


def test_rotation_keeps_the_newest_and_touches_nothing_else(shop, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    (folder / "playdesk-pre-restore-20260101-000000.db").write_text("kept by restore")
    for day in range(1, 6):
        result = backup_database(shop, folder, at=AT.replace(day=day), keep=3)

    assert [p.name for p in list_backups(folder)] == [
        "playdesk-20260703-033000.db", "playdesk-20260704-033000.db",
        "playdesk-20260705-033000.db"]
    assert [p.name for p in result.removed] == ["playdesk-20260702-033000.db"]
    assert (folder / "notes.txt").read_text() == "mine"
    assert (folder / "playdesk-pre-restore-20260101-000000.db").exists()


def test_two_backups_in_the_same_second_both_survive(shop, tmp_path):
    first = backup_database(shop, tmp_path, at=AT)
    second = backup_database(shop, tmp_path, at=AT)
    assert first.path != second.path
    assert second.path.name == "playdesk-20260703-033000-2.db"
    assert len(list_backups(tmp_path)) == 2


def test_backup_refuses_keep_zero_and_a_missing_database(tmp_path):
    with pytest.raises(PlaydeskError, match="at least 1"):
        backup_database(tmp_path / "x.db", tmp_path, at=AT, keep=0)
    with pytest.raises(PlaydeskError, match="no database"):
        backup_database(tmp_path / "missing.db", tmp_path, at=AT)


def test_backup_command(shop, tmp_path, capsys):
    folder = tmp_path / "nightly"
    code, out, _ = run(capsys, "--db", str(shop), "--at", "2026-07-03T03:30:00",
                       "backup", "--to", str(folder), "--keep", "2")
    assert code == 0
    assert out == {"backup": str(folder / "playdesk-20260703-033000.db"),
                   "size": (folder / "playdesk-20260703-033000.db").stat().st_size,
                   "schema_version": latest_version(), "removed": [], "keep": 2}

    code, _, err = run(capsys, "--db", str(shop), "backup", "--to", str(folder), "--keep", "0")
    assert code == 2
    assert err == "playdesk: error: --keep must be at least 1 (got 0)\n"


def test_backup_folder_defaults_to_the_environment(shop, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PLAYDESK_BACKUP_DIR", str(tmp_path / "env-backups"))
    code, out, _ = run(capsys, "--db", str(shop), "--at", "2026-07-03T03:30:00", "backup")
    assert code == 0
    assert out["backup"] == str(tmp_path / "env-backups" / "playdesk-20260703-033000.db")


# --- restore ----------------------------------------------------------------------------------


def test_restore_of_a_backup_gives_the_same_data(shop, tmp_path, capsys):
    saved = backup_database(shop, tmp_path / "backups", at=AT)
    before = content(shop)
    with write():
        Item.create(code="TEA", name="Tea", price=200)
        Item.delete().where(Item.code == "COLA").execute()
    assert content(shop) != before

    code, out, err = run(capsys, "--db", str(shop), "--at", "2026-07-03T09:00:00",
                         "restore", str(saved.path))

    assert (code, err) == (0, "")
    restored = content(shop)
    # the one row a restore adds: a new incarnation token (a running sync process notices it)
    assert [line for line in restored if "db.incarnation" in line]
    assert without_incarnation(restored) == before
    assert out["method"] == "online"
    assert out["restore_pending"] is False  # a site of one device: nothing to learn from
    assert out["note"].startswith("no other device on this site to learn from")
    assert out["schema_version"] == out["schema_version_now"] == latest_version()
    kept = tmp_path / "backups" / "playdesk-pre-restore-20260703-090000.db"
    assert out["previous_copy"] == str(kept)
    assert {"TEA"} <= {row[0] for row in sqlite3.connect(kept).execute("SELECT code FROM item")}
    # The live file stays in WAL mode and leaves no staging file behind.
    assert sqlite3.connect(shop).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert not [p for p in shop.parent.iterdir() if ".restore" in p.name]


def test_restore_is_seen_by_an_open_connection(shop, tmp_path):
    """The apps and the sync process keep their connections: they see the restored content."""
    saved = backup_database(shop, tmp_path / "backups", at=AT)
    with write():
        Item.create(code="TEA", name="Tea", price=200)
    reader = sqlite3.connect(shop)
    assert reader.execute("SELECT count(*) FROM item").fetchone()[0] == 3

    restore_database(saved.path, shop, tmp_path / "backups", at=AT, latest_version=latest_version())

    assert reader.execute("SELECT count(*) FROM item").fetchone()[0] == 2
    reader.close()


def test_a_corrupt_backup_is_refused_with_exit_2_and_nothing_changes(shop, tmp_path, capsys):
    saved = backup_database(shop, tmp_path / "backups", at=AT)
    bad = corrupt_copy(saved.path, tmp_path / "bad.db")
    assert len(content(bad)) == len(content(saved.path))  # reads fine, yet...
    with pytest.raises(PlaydeskError, match="integrity check"):
        verify_database(bad, latest_version())
    before = file_state(tmp_path)

    code, out, err = run(capsys, "--db", str(shop), "restore", str(bad))

    assert (code, out) == (2, None)
    assert err.startswith("playdesk: error: ")
    assert "failed the integrity check" in err
    assert "Traceback" not in err
    assert file_state(tmp_path) == before


@pytest.mark.parametrize("kind", ["garbage", "mangled", "foreign", "newer", "missing"])
def test_a_file_that_is_not_a_usable_playdesk_database_is_refused(shop, tmp_path, capsys, kind):
    candidate = tmp_path / f"{kind}.db"
    if kind == "garbage":
        candidate.write_bytes(b"this is not a database at all" * 200)
    elif kind == "mangled":
        mangled_copy(backup_database(shop, tmp_path / "backups", at=AT).path, candidate)
    elif kind == "foreign":
        other = sqlite3.connect(candidate)
        other.execute("CREATE TABLE notes (text TEXT)")
        other.execute("PRAGMA user_version = 1")
        other.close()
    elif kind == "newer":
        saved = backup_database(shop, tmp_path / "backups", at=AT)
        candidate.write_bytes(saved.path.read_bytes())
        newer = sqlite3.connect(candidate)
        newer.execute(f"PRAGMA user_version = {latest_version() + 1}")
        newer.close()
    before = file_state(tmp_path)

    code, _, err = run(capsys, "--db", str(shop), "restore", str(candidate))

    assert code == 2
    expected = {"garbage": "not a readable SQLite database",
                "mangled": "malformed", "foreign": "not a playdesk database",
                "newer": "newer than this playdesk", "missing": "no backup file"}[kind]
    assert expected in err
    assert file_state(tmp_path) == before


def test_restore_over_a_broken_database_replaces_the_file(shop, tmp_path, capsys):
    saved = backup_database(shop, tmp_path / "backups", at=AT)
    expected = content(saved.path)
    close_database()
    for suffix in ("-wal", "-shm"):
        shop.with_name(shop.name + suffix).unlink(missing_ok=True)
    broken = b"\x00disk full\x00" * 1000
    shop.write_bytes(broken)

    code, out, _ = run(capsys, "--db", str(shop), "--at", "2026-07-03T09:00:00",
                       "restore", str(saved.path))

    assert code == 0
    assert out["method"] == "replace"
    assert without_incarnation(content(shop)) == expected
    assert Path(out["previous_copy"]).read_bytes() == broken


def test_restore_refuses_the_database_itself(shop, tmp_path):
    with pytest.raises(PlaydeskError, match="the database itself"):
        restore_database(shop, shop, tmp_path, at=AT, latest_version=latest_version())


# --- clock check ------------------------------------------------------------------------------


def test_clock_within_tolerance_is_ok():
    result = check_clock(AT, AT + dt.timedelta(seconds=90), tolerance_seconds=120)
    assert (result.ok, result.offset_seconds, result.message) == (True, -90, "the clock is right")


def test_clock_far_behind_warns_in_words():
    result = check_clock(dt.datetime(2026, 7, 1, 12, 0), dt.datetime(2026, 7, 3, 12, 30))
    assert not result.ok
    assert result.offset_seconds == -(2 * 86400 + 1800)
    assert result.message.startswith("this device's clock is 2 days behind the broker's "
                                     "(2026-07-01 12:00 here, 2026-07-03 12:30 there)")


def test_the_apps_warning_at_start():
    assert clock_warning(AT, None) is None  # broker not reached yet: nothing to say
    assert clock_warning(AT, AT + dt.timedelta(seconds=60)) is None
    warning = clock_warning(AT, AT + dt.timedelta(hours=3), tolerance_seconds=120)
    assert warning is not None and warning.startswith("this device's clock is 3 hours behind")


def test_clock_check_refuses_mixed_zones_and_negative_tolerance():
    with pytest.raises(PlaydeskError, match="time zone"):
        check_clock(AT, AT.replace(tzinfo=dt.UTC))
    with pytest.raises(PlaydeskError, match="negative"):
        check_clock(AT, AT, tolerance_seconds=-1)


def test_reference_formats():
    assert parse_reference("2026-07-03T10:00:00+00:00") == dt.datetime(2026, 7, 3, 10,
                                                                       tzinfo=dt.UTC)
    assert parse_reference(1783072800000) == dt.datetime(2026, 7, 3, 10, tzinfo=dt.UTC)
    assert parse_reference("2026-07-03T10:00") == dt.datetime(2026, 7, 3, 10)
    with pytest.raises(PlaydeskError, match="not a reference time"):
        parse_reference("yesterday")


def test_clock_check_command_converts_to_the_site_zone(shop, capsys):
    # 10:00 UTC is 12:00 in Berlin (summer); the device says 12:05 site time: 5 minutes ahead.
    code, out, _ = run(capsys, "--db", str(shop), "--at", "2026-07-03T12:05:00", "clock-check",
                       "--reference", "2026-07-03T10:00:00Z", "--tolerance", "60")
    assert code == 0
    assert out["local"] == "2026-07-03T12:05:00"
    assert out["reference"] == "2026-07-03T12:00:00"
    assert (out["offset_seconds"], out["tolerance_seconds"], out["ok"]) == (300, 60, False)
    assert out["message"].startswith("this device's clock is 5 minutes ahead of the broker's")

    code, out, _ = run(capsys, "--db", str(shop), "--at", "2026-07-03T12:00:30", "clock-check",
                       "--broker-time", "2026-07-03T12:00:00")
    assert (code, out["ok"], out["tolerance_seconds"]) == (0, True, 120)

    code, _, err = run(capsys, "--db", str(shop), "clock-check", "--reference", "soon")
    assert code == 2
    assert "not a reference time" in err


def test_numbers_from_the_device_configuration(shop, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PLAYDESK_BACKUP_KEEP", "1")
    for hour in (1, 2):
        code, out, _ = run(capsys, "--db", str(shop), "--at", f"2026-07-03T0{hour}:00:00",
                           "backup", "--to", str(tmp_path / "b"))
    assert (code, out["keep"], len(out["removed"])) == (0, 1, 1)

    monkeypatch.setenv("PLAYDESK_CLOCK_TOLERANCE", "ten")
    code, _, err = run(capsys, "--db", str(shop), "clock-check", "--reference", "2026-07-03T12:00")
    assert code == 2
    assert err == "playdesk: error: PLAYDESK_CLOCK_TOLERANCE must be a whole number: 'ten'\n"


def test_a_new_device_can_start_from_a_backup(shop, tmp_path, capsys):
    saved = backup_database(shop, tmp_path / "backups", at=AT)
    fresh = tmp_path / "new-device" / "playdesk.db"

    code, out, _ = run(capsys, "--db", str(fresh), "restore", str(saved.path))

    assert code == 0
    assert (out["method"], out["previous_copy"]) == ("replace", None)
    assert without_incarnation(content(fresh)) == content(saved.path)
