"""A member's balances: per kind the sum of remaining over active, unexpired lots, split into
paid, bonus and other, with the lots and their expiries (cli.md `balance`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.entitlements.consumption import id_key
from engine.entitlements.lots import KINDS, effective_status, lot_dict
from engine.entitlements.people import existing_member
from engine.models import Lot

SPLIT = ("paid", "bonus")  # every other type (manual, correction, refund, ...) is "other"


def empty_split() -> dict[str, int]:
    return {"total": 0, "paid": 0, "bonus": 0, "other": 0}


def _member_lots(member: str) -> list[dict[str, Any]]:
    return list(Lot.select().where(Lot.member == member).dicts())


def balance(member: str, at: dt.datetime, include_spent: bool = False) -> dict[str, Any]:
    """The member's balance at `at`. Lots listed are those with something left (usable or
    expired, so the member sees what expired); `include_spent` adds depleted and refunded ones."""
    existing_member(member)
    totals = {kind: empty_split() for kind in KINDS}
    listed = []
    for row in _member_lots(member):
        status = effective_status(row["status"], row["remaining"], row["expires_at"], at)
        if status == "active" and row["remaining"] > 0:
            split = totals[row["kind"]]
            split["total"] += row["remaining"]
            split[row["type"] if row["type"] in SPLIT else "other"] += row["remaining"]
        if include_spent or row["remaining"] > 0 and status in ("active", "expired"):
            listed.append(lot_dict(row, at))
    listed.sort(key=lambda lot: (lot["expires_at"] is None, lot["expires_at"] or dt.datetime.max,
                                 lot["created_at"], id_key(lot["id"])))
    return {"member": member, **totals, "lots": listed}


def expiring_within(member: str, at: dt.datetime, days: int = 7) -> list[dict[str, Any]]:
    """Usable lots that expire within `days` from `at` (the kiosk home screen's warning)."""
    until = at + dt.timedelta(days=days)
    return [lot for lot in balance(member, at)["lots"]
            if lot["status"] == "active" and lot["expires_at"] is not None
            and lot["expires_at"] <= until]
