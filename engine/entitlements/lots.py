"""Credit lots: kinds, types, creation, the status at a moment, and manual/correction lots."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine import journal
from engine.db import write
from engine.errors import PlaydeskError
from engine.ids import device_id, next_id
from engine.models import Lot
from engine.money import MAX_AMOUNT

KINDS = ("money", "minutes")
DEVICES = ("pc", "console", "any")
# entitlements.md: a lot's type never changes, and each kind has its own types
LOT_TYPES = {
    "money": ("paid", "bonus", "manual", "correction", "migration", "reversed_refund", "refund"),
    "minutes": ("paid", "bonus", "manual"),
}
STAFF_LOT_TYPES = ("manual", "correction")


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise PlaydeskError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return kind


def check_device(device: str) -> str:
    if device not in DEVICES:
        raise PlaydeskError(f"device must be one of {', '.join(DEVICES)}, not {device!r}")
    return device


def is_expired(expires_at: dt.datetime | None, at: dt.datetime) -> bool:
    """A lot is expired from its `expires_at` on (the same rule as a campaign's expiry)."""
    return expires_at is not None and expires_at <= at


def effective_status(status: str, remaining: int, expires_at: dt.datetime | None,
                     at: dt.datetime) -> str:
    """The stored (derived) status, or `expired` for an active lot past its expiry."""
    if status == "active" and remaining > 0 and is_expired(expires_at, at):
        return "expired"
    return status


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
        raise PlaydeskError(f"a {kind} lot cannot be of type {lot_type!r} "
                            f"(one of {', '.join(LOT_TYPES[kind])})")
    return Lot(id=lot_id, member=member, kind=kind, type=lot_type, total=amount,
               remaining=amount, device=device, status="active", expires_at=expires_at,
               purchase=purchase, created_at=at, comment=comment, staff=staff, origin=origin)


def new_lot(member: str, kind: str, lot_type: str, amount: int, at: dt.datetime,
            **options: Any) -> Lot:
    """Insert one fresh lot of this device (inside a write transaction); options as make_lot."""
    origin = device_id()
    lot = make_lot(next_id("L"), member, kind, lot_type, amount, at, origin, **options)
    journal.insert_rows(lot)
    return lot


def add_lot(member: str, kind: str, type: str, amount: int, staff: str | None,
            comment: str | None, at: dt.datetime, device: str = "any",
            expires_at: dt.datetime | None = None) -> dict[str, Any]:
    """A manager's manual or correction lot (a manager and a comment are required).

    A positive amount adds a lot of that type (`correction` exists for money only, as the spec's
    type list says). A negative `correction` takes credit away without editing any row: it draws
    consumption records of kind `correction` from the member's usable lots of that kind (every
    device, by the consumption order) and fails with "insufficient balance" if they do not cover
    it. Returns the lot, or for a negative correction `{"lot": None, ..., "draws": [...]}`.
    """
    from engine.entitlements.consumption import draw_and_record
    from engine.entitlements.people import existing_member, manager

    check_kind(kind)
    check_device(device)
    if type not in STAFF_LOT_TYPES:
        raise PlaydeskError(f"type must be one of {', '.join(STAFF_LOT_TYPES)}, not {type!r}")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
        raise PlaydeskError("amount must be a non-zero whole number of minor units or minutes")
    if abs(amount) > MAX_AMOUNT:
        raise PlaydeskError(f"amount must be at most {MAX_AMOUNT} minor units or minutes")
    if amount < 0 and type != "correction":
        raise PlaydeskError("only a correction may be negative")
    if not comment or not comment.strip():
        raise PlaydeskError(f"a {type} lot needs a comment")
    existing_member(member)
    who = manager(staff, f"a {type} lot")
    with write():
        if amount > 0:
            lot = new_lot(member, kind, type, amount, at, device=device, expires_at=expires_at,
                          staff=who.code, comment=comment.strip())
            journal.append_rows("lot", lot)
            return lot_dict(lot, at)
        draws, records = draw_and_record(
            member, kind, -amount, None, at, reference=f"correction: {comment.strip()}",
            consumption_kind="correction")
        journal.append_rows("lot", *records, staff=who.code, comment=comment.strip())
        return {"lot": None, "member": member, "kind": kind, "type": type, "amount": amount,
                "comment": comment.strip(), "staff": who.code,
                "draws": [{"lot": lot_id, "amount": n} for lot_id, n in draws]}
