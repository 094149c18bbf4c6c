"""What every command handler needs: the database, "now", and JSON output."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from typing import Any

from engine.clock import Clock, FixedClock, SystemClock, parse_datetime
from engine.db import open_database


def open_db(args) -> None:
    open_database(args.db)


def clock(args) -> Clock:
    """--at when given, else the wall clock in the site's time zone."""
    if getattr(args, "at", None):
        return FixedClock(parse_datetime(args.at))
    from engine.models import Site

    site = Site.select().first()
    return SystemClock(site.timezone if site else "UTC")


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
