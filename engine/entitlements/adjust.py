"""A manager's manual or correction lot: credit added by hand, or taken away by drawing
`correction` consumption (never by editing a lot)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine import journal
from engine.db import write
from engine.entitlements.consumption import draw_and_record
from engine.entitlements.lots import lot_dict, new_lot
from engine.errors import N_, PlaydeskError
from engine.lots.rules import STAFF_LOT_TYPES, check_device, check_kind
from engine.money import MAX_AMOUNT
from engine.people.members import existing_member
from engine.people.staff import manager


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
    check_kind(kind)
    check_device(device)
    if type not in STAFF_LOT_TYPES:
        raise PlaydeskError(N_("type must be one of {types}, not {type!r}"),
                            types=", ".join(STAFF_LOT_TYPES), type=type)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
        raise PlaydeskError(N_("amount must be a non-zero whole number of minor units or minutes"))
    if abs(amount) > MAX_AMOUNT:
        raise PlaydeskError(N_("amount must be at most {max_amount} minor units or minutes"),
                            max_amount=MAX_AMOUNT)
    if amount < 0 and type != "correction":
        raise PlaydeskError(N_("only a correction may be negative"))
    if not comment or not comment.strip():
        raise PlaydeskError(N_("a {type} lot needs a comment"), type=type)
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
