"""CLI commands: operations — backup, restore, clock-check (the appliance's maintenance)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from engine.cli.common import emit, now, open_db
from engine.errors import PlaydeskError


def register(commands) -> None:
    backup = commands.add_parser(
        "backup", help="copy the database consistently into a backup folder and rotate it")
    backup.add_argument("--to", metavar="DIR",
                        help="backup folder (default $PLAYDESK_BACKUP_DIR, else backups/ "
                             "next to the database)")
    backup.add_argument("--keep", type=int, metavar="N",
                        help="how many backups to keep (default $PLAYDESK_BACKUP_KEEP, else 14)")
    backup.set_defaults(handler=run_backup)

    restore = commands.add_parser(
        "restore", help="replace the database with a verified backup (stop playdesk-sync and "
                        "the apps first)")
    restore.add_argument("file", metavar="FILE", help="the backup to restore")
    restore.add_argument("--keep-dir", metavar="DIR",
                         help="where the current database is copied first (default: the "
                              "backup folder)")
    restore.set_defaults(handler=run_restore)

    clock_check = commands.add_parser(
        "clock-check", help="compare this device's clock with a reference time")
    clock_check.add_argument("--reference", "--broker-time", dest="reference", required=True,
                             metavar="TIME",
                             help="the reference: ISO datetime (site time zone unless it has "
                                  "an offset) or Unix time in ms")
    clock_check.add_argument("--tolerance", type=int, metavar="SECONDS",
                             help="allowed difference (default $PLAYDESK_CLOCK_TOLERANCE, "
                                  "else 120)")
    clock_check.set_defaults(handler=run_clock_check)


def whole_number_setting(name: str, default: int) -> int:
    """A number from /etc/playdesk/playdesk.conf (the units' environment), else the default."""
    configured = os.environ.get(name, "").strip()
    if not configured:
        return default
    if not configured.isdigit():
        raise PlaydeskError(f"{name} must be a whole number: {configured!r}")
    return int(configured)


def database_path(args) -> Path:
    from engine.db import default_path

    return Path(args.db) if args.db else default_path()


def run_backup(args) -> None:
    from engine.ops.backup import DEFAULT_KEEP, backup_database, default_backup_dir

    open_db(args)
    source = database_path(args)
    directory = Path(args.to) if args.to else default_backup_dir(source)
    keep = args.keep if args.keep is not None else whole_number_setting(
        "PLAYDESK_BACKUP_KEEP", DEFAULT_KEEP)
    try:
        result = backup_database(source, directory, at=now(args), keep=keep)
    except OSError as error:  # a backup folder that is a file, read-only, full, ...
        raise PlaydeskError(f"cannot write a backup to {directory}: "
                            f"{error.strerror or error}") from None
    emit({"backup": str(result.path), "size": result.size,
          "schema_version": result.schema_version,
          "removed": [str(p) for p in result.removed], "keep": keep})


def run_restore(args) -> None:
    # No open_db() first: the current database may be the broken file we are replacing, and
    # opening it would migrate it. It is opened (and migrated if older) after the restore.
    from engine.db import database, open_database
    from engine.migrations import latest_version, schema_version
    from engine.ops.backup import default_backup_dir
    from engine.ops.restore import restore_database

    target = database_path(args)
    candidate = Path(args.file)
    keep_dir = Path(args.keep_dir) if args.keep_dir else default_backup_dir(target)
    result = restore_database(candidate, target, keep_dir, at=restore_time(args, target, candidate),
                              latest_version=latest_version())
    open_database(target)
    emit({"database": str(result.database), "restored_from": str(result.restored_from),
          "schema_version": result.schema_version,
          "schema_version_now": schema_version(database),
          "previous_copy": str(result.previous_copy) if result.previous_copy else None,
          "method": result.method, "restore_pending": result.mark.pending,
          "learn_from": result.mark.learn_from, "note": restore_note(result.mark.pending)})


def restore_note(pending: bool) -> str:
    if pending:
        return ("sales, purchases and other new facts are refused until sync has caught up "
                "with the other devices (start playdesk-sync; playdesk sync status)")
    return ("no other device on this site to learn from: this device may sell at once, "
            "its ids continue from the backup")


def restore_time(args, *databases: Path) -> dt.datetime:
    """--at, else the wall clock in the site's zone, read from whichever file can tell it."""
    from engine.clock import SystemClock, parse_datetime

    if args.at:
        return parse_datetime(args.at)
    for path in databases:
        zone = site_timezone(path)
        if zone:
            return SystemClock(zone).now()
    return SystemClock("UTC").now()


def site_timezone(path: Path) -> str | None:
    import sqlite3  # here: registering the commands (`playdesk --help`) loads no database

    # immutable: no locks and no -wal/-shm created, so a refused restore leaves no trace; the
    # site's time zone is old, checkpointed data.
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            row = connection.execute("SELECT timezone FROM site LIMIT 1").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def run_clock_check(args) -> None:
    from zoneinfo import ZoneInfo

    from engine.models import Site
    from engine.ops.clockcheck import DEFAULT_TOLERANCE_SECONDS, check_clock, parse_reference

    open_db(args)
    site = Site.select().first()
    zone = ZoneInfo(site.timezone if site else "UTC")
    try:
        reference = parse_reference(args.reference)
    except (OverflowError, OSError, ValueError):  # Unix ms beyond any calendar
        raise PlaydeskError(f"not a reference time (ISO datetime or Unix ms): "
                            f"{args.reference!r}") from None
    if reference.tzinfo is not None:
        reference = reference.astimezone(zone).replace(tzinfo=None)
    tolerance = args.tolerance if args.tolerance is not None else whole_number_setting(
        "PLAYDESK_CLOCK_TOLERANCE", DEFAULT_TOLERANCE_SECONDS)
    result = check_clock(now(args), reference, tolerance_seconds=tolerance)
    emit({"local": result.local, "reference": result.reference,
          "offset_seconds": result.offset_seconds, "tolerance_seconds": tolerance,
          "ok": result.ok, "message": result.message})
