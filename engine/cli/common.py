"""What every command handler needs: the database, "now", and JSON output."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from typing import Any

from engine.clock import Clock, FixedClock, SystemClock, check_year
from engine.errors import PlaydeskError

# SQLite's answers that are about the file and the machine, not about our code: a read-only or
# full disk, a file that is not a database, a lock held too long by another process.
_DATABASE_PROBLEMS = {
    "readonly database": "the database {path} is read-only ({error}); check its permissions "
                         "and the disk",
    "database is locked": "the database {path} is busy: another process held it for too long "
                          "({error}); try again",
    "unable to open database file": "cannot open the database {path} ({error})",
    "disk i/o error": "the database {path} cannot be read or written ({error}); check the disk",
    "database or disk is full": "the disk holding the database {path} is full ({error})",
    "file is not a database": "{path} is not a database ({error}); restore a backup with "
                              "playdesk restore",
    "malformed": "the database {path} is damaged ({error}); restore a backup with "
                 "playdesk restore",
}


def database_problem(error: BaseException, path: str | None = None) -> str | None:
    """The message for a database error caused by the file or machine, or None (a bug)."""
    import sqlite3

    import peewee

    if not isinstance(error, (sqlite3.DatabaseError, peewee.DatabaseError)):
        return None
    from engine.db import database, storage_full

    if path is None:
        path = database.database
    full = storage_full(error) if database.database else None
    if full is not None:
        return str(full)
    text = str(error)
    for fragment, message in _DATABASE_PROBLEMS.items():
        if fragment in text.lower():
            return message.format(path=path, error=text)
    return None


def open_db(args) -> None:
    # Here, not at the top: registering the commands (and `playdesk --help`) loads no peewee.
    from engine.db import default_path, open_database

    path = args.db if args.db else str(default_path())
    try:
        open_database(path)
    except OSError as error:
        raise PlaydeskError(f"cannot open the database {path}: {error.strerror or error}") \
            from None
    except Exception as error:
        problem = database_problem(error, path)
        if problem is None:
            raise
        raise PlaydeskError(problem) from None


def clock(args) -> Clock:
    """--at when given, else the wall clock in the site's time zone."""
    from engine.models import Site

    at = getattr(args, "at", None)
    if at is not None:
        if not at.strip():
            raise PlaydeskError("--at is empty: give an ISO datetime such as 2026-07-03T17:30")
        return FixedClock(_site_time(at))
    site = Site.select().first()
    return SystemClock(site.timezone if site else "UTC")


def _site_time(text: str) -> dt.datetime:
    """--at in the site's time zone; a time with an offset is converted, not cut off."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise PlaydeskError(f"--at is not an ISO datetime: {text!r}") from None
    if value.tzinfo is not None:
        from zoneinfo import ZoneInfo

        from engine.models import Site

        site = Site.select().first()
        value = value.astimezone(ZoneInfo(site.timezone if site else "UTC")).replace(tzinfo=None)
    return check_year(value, "--at")


def now(args) -> dt.datetime:
    return clock(args).now()


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def emit(data: Any, args=None) -> None:
    """Print one JSON document (or, with --table, a plain table of a list of flat objects)."""
    if args is not None and getattr(args, "table", False) and isinstance(data, list) and data:
        keys = list(data[0])
        rows = [[str(row.get(k, "")) for k in keys] for row in data]
        widths = [max(len(k), *(len(r[i]) for r in rows)) for i, k in enumerate(keys)]
        print("  ".join(k.ljust(w) for k, w in zip(keys, widths, strict=True)))
        for row in rows:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        return
    json.dump(data, sys.stdout, default=_default, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
