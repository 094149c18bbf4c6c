"""Making lots (a fresh lot of this device) and showing one; what a lot is lives in
`engine.lots.rules`, a manager's manual or correction lot in `adjust`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.bulk import insert_instances
from engine.errors import N_, PlaydeskError
from engine.ids import device_id, next_id
from engine.lots.rules import LOT_TYPES, effective_status
from engine.models import Lot


def lot_dict(lot: Lot, at: dt.datetime) -> dict[str, Any]:
    """A lot as the CLI shows it (cli.md), with its status at `at` (the keys of
    `balances.member_lots` rows)."""
    row = lot.__data__
    return {
        "id": row["id"], "kind": row["kind"], "type": row["type"], "total": row["total"],
        "remaining": row["remaining"], "device": row["device"],
        "status": effective_status(row["status"], row["remaining"], row["expires_at"], at),
        "expires_at": row["expires_at"], "purchase": row["purchase"],
        "created_at": row["created_at"], "comment": row["comment"],
    }


def make_lot(lot_id: str, member: str, kind: str, lot_type: str, amount: int,
             at: dt.datetime, origin: str, *, device: str = "any",
             expires_at: dt.datetime | None = None, purchase: str | None = None,
             staff: str | None = None, comment: str | None = None) -> Lot:
    """A fresh lot (remaining = total), not yet inserted."""
    if lot_type not in LOT_TYPES[kind]:
        raise PlaydeskError(N_("a {kind} lot cannot be of type {lot_type!r} "
                               "(one of {types})"),
                            kind=kind, lot_type=lot_type, types=", ".join(LOT_TYPES[kind]))
    return Lot(id=lot_id, member=member, kind=kind, type=lot_type, total=amount,
               remaining=amount, device=device, status="active", expires_at=expires_at,
               purchase=purchase, created_at=at, comment=comment, staff=staff, origin=origin)


def new_lot(member: str, kind: str, lot_type: str, amount: int, at: dt.datetime,
            **options: Any) -> Lot:
    """Insert one fresh lot of this device (inside a write transaction); options as make_lot."""
    origin = device_id()
    lot = make_lot(next_id("L"), member, kind, lot_type, amount, at, origin, **options)
    insert_instances(lot)
    return lot
