"""Is another device's day closing true? (spec/tax.md "Day closing"; checked as the others in
engine/sync/validate.py.)

A closing is the origin's own summary of its day, and every receipt it counts is the origin's
own fact, applied here before the closing (an origin's events arrive in order). So a closing is
refused when:

- its id is not `<origin>-Z<z>`, or its Z is not the origin's next (Z numbers have no gaps);
- the origin closed that day already, or the closing names another device or day in its report;
- whoever closed it was never a manager or owner of the site;
- its receipts (count, first and last id, what they were paid) or its tax per rate are not
  those of the origin's receipts of that day held here.

What the report says of facts other devices may send later (station time billed by a meter
elsewhere) is not judged: a judgement made before they arrive would split the site.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from engine.db import database
from engine.sync.verdict import Rejected

MANAGER_ROLES = ("manager", "owner")


def _false(name: Any, why: str) -> Rejected:
    return Rejected("false_closing", f"day closing {name!r}: {why}")


def _day(value: Any, name: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _false(name, f"{value!r} is not a day") from None


def _receipts(origin: str, day: dt.date) -> tuple[int, str | None, str | None, int, dict]:
    """The origin's receipts of the day held here: count, first and last id (in id order),
    Σ what was due, and Σ tax per rate of their stored tables."""
    start, end = f"{day.isoformat()} 00:00:00", f"{(day + dt.timedelta(days=1)).isoformat()}"
    rows = database.execute_sql(
        "SELECT id, COALESCE(total_due, total) FROM receipt WHERE device = ? AND at >= ? "
        "AND at < ?", (origin, start, end)).fetchall()
    ids = sorted((row[0] for row in rows), key=_id_number)
    taxes: dict[str, int] = {}
    if ids:
        marks = ",".join("?" * len(ids))
        for rate, tax in database.execute_sql(
                f"SELECT rate, SUM(tax) FROM receipt_tax WHERE receipt IN ({marks}) "
                "GROUP BY rate", ids).fetchall():
            taxes[rate] = tax
    return (len(ids), ids[0] if ids else None, ids[-1] if ids else None,
            sum(row[1] for row in rows), taxes)


def _id_number(receipt_id: str) -> tuple[int, str]:
    tail = receipt_id.rsplit("-R", 1)[-1]
    return (int(tail), receipt_id) if tail.isdigit() else (0, receipt_id)


def check_day_closings(origin: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    for closing in rows.get("day_closing", []):
        name = closing.get("id")
        z = closing.get("z")
        if not isinstance(z, int) or isinstance(z, bool) or name != f"{origin}-Z{z}":
            raise _false(name, f"Z {z!r} is not its id's")
        last = database.execute_sql("SELECT COALESCE(MAX(z), 0) FROM day_closing WHERE "
                                    "device = ?", (origin,)).fetchone()[0]
        if z != last + 1:
            raise _false(name, f"Z {z} does not follow {origin}'s Z {last}")
        day = _day(closing.get("day"), name)
        if database.execute_sql("SELECT 1 FROM day_closing WHERE device = ? AND day = ?",
                                (origin, day.isoformat())).fetchone():
            raise _false(name, f"{origin} closed {day} already")
        role = database.execute_sql("SELECT role FROM staff WHERE code = ?",
                                    (closing.get("staff"),)).fetchone()
        if role is None or role[0] not in MANAGER_ROLES:
            raise _false(name, f"closed by {closing.get('staff')!r}, not a manager")
        try:
            report = json.loads(closing.get("report") or "")
        except (TypeError, ValueError):
            report = None
        if not isinstance(report, dict) or report.get("device") != origin \
                or report.get("day") != day.isoformat():
            raise _false(name, "its report is not of this device and day")
        count, first, last_id, due, taxes = _receipts(origin, day)
        said = {rate.get("rate"): rate.get("tax") for rate in report.get("taxes") or []
                if isinstance(rate, dict)}
        if (report.get("receipts"), report.get("first_receipt"), report.get("last_receipt"),
                report.get("total_due"), said) != (count, first, last_id, due, taxes):
            raise _false(name, "its receipts or tax per rate are not the day's receipts")
