"""Is another device's till fact true by the rules? (issue 18 item 5; checked as the others in
engine/sync/validate.py: ids in the origin's namespace, whole non-negative amounts there.)

A till event is refused when:

- a cash move is neither `in` nor `out`, moves nothing (amount 0), gives no reason, or is
  booked to a shift that is not the origin's;
- a price override is of something else than an item or a resource, gives no reason, changes
  nothing, or its approver is not a manager or owner of the site (or is unknown);
- a parked receipt's cart is not a cart (JSON with a list of lines), or a resume names a park
  of another device (a park is resumed on the device that parked it);
- a reprint (engine/documents/copies.py) has an id outside the origin's namespace, names no
  document or kind, or names a staff member the site does not know.
"""

from __future__ import annotations

import json
from typing import Any

from engine.db import database
from engine.sync.verdict import Rejected

MANAGER_ROLES = ("manager", "owner")


def _staff_role(code: Any) -> str | None:
    row = database.execute_sql("SELECT role FROM staff WHERE code = ? AND NOT deleted",
                               (code,)).fetchone()
    return row[0] if row else None


def _said(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def check_till(origin: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    prefix = f"{origin}-"
    for move in rows.get("cash_move", []):
        name = move.get("id")
        if move.get("direction") not in ("in", "out"):
            raise Rejected("bad_cash_move", f"cash move {name!r}: direction "
                                            f"{move.get('direction')!r} is not in or out")
        if not move.get("amount"):
            raise Rejected("bad_amount", f"cash move {name!r} moves no cash")
        if not _said(move.get("reason")):
            raise Rejected("bad_cash_move", f"cash move {name!r} gives no reason")
        if not str(move.get("shift", "")).startswith(prefix):
            raise Rejected("id_namespace", f"cash move {name!r} is booked to shift "
                                           f"{move.get('shift')!r}, not one of {origin}")
    for override in rows.get("price_override", []):
        name = override.get("id")
        if override.get("kind") not in ("item", "resource"):
            raise Rejected("bad_override", f"price override {name!r} of a "
                                           f"{override.get('kind')!r}")
        if not _said(override.get("reason")):
            raise Rejected("bad_override", f"price override {name!r} gives no reason")
        if override.get("old_price") == override.get("new_price"):
            raise Rejected("bad_override", f"price override {name!r} changes nothing")
        if _staff_role(override.get("approved_by")) not in MANAGER_ROLES:
            raise Rejected("not_approved", f"price override {name!r} was approved by "
                                           f"{override.get('approved_by')!r}, not a manager")
    for parked in rows.get("parked_receipt", []):
        try:
            cart = json.loads(parked.get("cart") or "")
        except (TypeError, ValueError):
            cart = None
        if not isinstance(cart, dict) or not isinstance(cart.get("lines"), list):
            raise Rejected("bad_park", f"parked receipt {parked.get('id')!r} holds no cart")
    for reprint in rows.get("reprint", []):
        name = reprint.get("id")
        if not str(name or "").startswith(f"{prefix}RP"):
            raise Rejected("id_namespace", f"reprint {name!r} is not one of {origin}")
        if not _said(reprint.get("kind")) or not _said(reprint.get("document")):
            raise Rejected("bad_reprint", f"reprint {name!r} names no document")
        staff = reprint.get("staff")
        if staff is not None and _staff_role(staff) is None:
            raise Rejected("bad_reprint", f"reprint {name!r} by unknown staff {staff!r}")
