"""Is another device's till fact true by the rules? (issue 18 item 5; checked as the others in
engine/sync/validate.py: ids in the origin's namespace, whole non-negative amounts there.)

A till event is refused when:

- a cash move is neither `in` nor `out`, moves nothing (amount 0), gives no reason, or is
  booked to a shift that is not the origin's;
- a price override is of something else than an item or a resource, gives no reason, changes
  nothing, or its approver is not a manager or owner of the site (or is unknown);
- a parked receipt's cart is not a cart (JSON with a list of lines) or its reason is not park
  or logout, or a resume names a park this device does not hold from the origin, or is made by
  someone else than its cashier or a manager;
- any of them is booked to a shift the origin did not open (a cash move: or one closed
  already), or is made by staff the site never had;
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
    """The role of a staff member the site has (or had: a fact made before someone was deleted
    arrives late and must be judged as its device judged it, or the devices disagree)."""
    row = database.execute_sql("SELECT role FROM staff WHERE code = ?", (code,)).fetchone()
    return row[0] if row else None


def _check_shift(table: str, row: dict[str, Any], origin: str, required: bool = False,
                 open_only: bool = False) -> None:
    """The fact's shift is one the origin opened (its events come in order, so the shift is
    here before anything booked to it), and still open when `open_only`."""
    shift = row.get("shift")
    name = row.get("id") or row.get("parked")
    if shift is None and not required:
        return
    found = database.execute_sql("SELECT device FROM shift WHERE id = ?", (shift,)).fetchone()
    if found is None or found[0] != origin:
        raise Rejected("wrong_shift", f"{table} {name!r} is booked to shift {shift!r}, not a "
                                      f"shift {origin} opened")
    if open_only and database.execute_sql("SELECT 1 FROM shift_close WHERE shift = ?",
                                          (shift,)).fetchone():
        raise Rejected("wrong_shift", f"{table} {name!r} is booked to shift {shift!r}, which "
                                      "was closed before it")


def _check_staff(table: str, row: dict[str, Any], column: str = "staff") -> None:
    if _staff_role(row.get(column)) is None:
        raise Rejected("unknown_staff", f"{table} {row.get('id') or row.get('parked')!r} by "
                                        f"unknown staff {row.get(column)!r}")


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
        _check_shift("cash move", move, origin, required=True, open_only=True)
        _check_staff("cash move", move)
    for no_sale in rows.get("no_sale", []):
        _check_shift("no sale", no_sale, origin)
        _check_staff("no sale", no_sale)
    for override in rows.get("price_override", []):
        name = override.get("id")
        if override.get("kind") not in ("item", "resource"):
            raise Rejected("bad_override", f"price override {name!r} of a "
                                           f"{override.get('kind')!r}")
        if not _said(override.get("reason")):
            raise Rejected("bad_override", f"price override {name!r} gives no reason")
        if override.get("old_price") == override.get("new_price"):
            raise Rejected("bad_override", f"price override {name!r} changes nothing")
        _check_shift("price override", override, origin)
        _check_staff("price override", override)
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
        if parked.get("reason") not in ("park", "logout"):
            raise Rejected("bad_park", f"parked receipt {parked.get('id')!r}: reason "
                                       f"{parked.get('reason')!r}")
        _check_shift("parked receipt", parked, origin)
        _check_staff("parked receipt", parked)
    for resume in rows.get("parked_resume", []):
        park = database.execute_sql("SELECT device, staff FROM parked_receipt WHERE id = ?",
                                    (resume.get("parked"),)).fetchone()
        if park is None or park[0] != origin:
            raise Rejected("bad_resume", f"resume of {resume.get('parked')!r}: not a receipt "
                                         f"{origin} parked")
        if resume.get("staff") != park[1] and _staff_role(resume.get("staff")) \
                not in MANAGER_ROLES:
            raise Rejected("bad_resume", f"resume of {resume.get('parked')!r} by "
                                         f"{resume.get('staff')!r}: only its cashier or a "
                                         "manager resumes it")
    for reprint in rows.get("reprint", []):
        name = reprint.get("id")
        if not str(name or "").startswith(f"{prefix}RP"):
            raise Rejected("id_namespace", f"reprint {name!r} is not one of {origin}")
        if not _said(reprint.get("kind")) or not _said(reprint.get("document")):
            raise Rejected("bad_reprint", f"reprint {name!r} names no document")
        staff = reprint.get("staff")
        if staff is not None and _staff_role(staff) is None:
            raise Rejected("bad_reprint", f"reprint {name!r} by unknown staff {staff!r}")
