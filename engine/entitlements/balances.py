"""A member's balances: per kind the sum of remaining over active, unexpired lots, split into
paid, bonus and other, with the lots and their expiries (cli.md `balance`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from peewee import fn

from engine.db import database
from engine.entitlements.lots import KINDS, effective_status
from engine.entitlements.people import existing_member
from engine.models import Lot

SPLIT = ("paid", "bonus")  # every other type (manual, correction, refund, ...) is "other"
COLUMNS = (Lot.id, Lot.kind, Lot.type, Lot.total, Lot.remaining, Lot.device, Lot.status,
           Lot.expires_at, Lot.purchase, Lot.created_at, Lot.comment)
NAMES = tuple(column.name for column in COLUMNS)


def empty_split() -> dict[str, int]:
    return {"total": 0, "paid": 0, "bonus": 0, "other": 0}


def _datetime(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def member_lots(member: str, at: dt.datetime, include_spent: bool) -> list[dict[str, Any]]:
    """The member's lots as `lot_dict`s (status at `at`), earliest expiry first (none last),
    then oldest.

    Read straight from the cursor: a member with years of lots must still answer at once, and
    model instances cost ~50 µs a row.
    """
    query = (Lot.select(*COLUMNS).where(Lot.member == member)
             .order_by(Lot.expires_at.is_null(), Lot.expires_at, Lot.created_at,
                       fn.LENGTH(Lot.id), Lot.id))
    if not include_spent:
        query = query.where((Lot.remaining > 0) & (Lot.status == "active"))
    sql, params = query.sql()
    rows = []
    for values in database.execute_sql(sql, params):
        row = dict(zip(NAMES, values, strict=True))
        row["expires_at"] = expires_at = _datetime(row["expires_at"])
        row["created_at"] = _datetime(row["created_at"])
        row["status"] = effective_status(row["status"], row["remaining"], expires_at, at)
        rows.append(row)
    return rows


def balance(member: str, at: dt.datetime, include_spent: bool = False) -> dict[str, Any]:
    """The member's balance at `at`. Lots listed are those with something left (usable or
    expired, so the member sees what expired); `include_spent` adds depleted and refunded ones."""
    existing_member(member)
    totals = {kind: empty_split() for kind in KINDS}
    listed = member_lots(member, at, include_spent)
    for lot in listed:
        if lot["status"] == "active" and lot["remaining"] > 0:
            split = totals[lot["kind"]]
            split["total"] += lot["remaining"]
            split[lot["type"] if lot["type"] in SPLIT else "other"] += lot["remaining"]
    return {"member": member, **totals, "lots": listed}


def expiring_within(member: str, at: dt.datetime, days: int = 7) -> list[dict[str, Any]]:
    """Usable lots that expire within `days` from `at` (the kiosk home screen's warning)."""
    until = at + dt.timedelta(days=days)
    return [lot for lot in balance(member, at)["lots"]
            if lot["status"] == "active" and lot["expires_at"] is not None
            and lot["expires_at"] <= until]
