"""A line's price changed at the till (issue 18 item 5), approved by a manager: the manager
types their PIN on the cashier's keypad (`approver_by_pin`) or, at the CLI, is named.

Each override is a `price_override` row (who asked, who approved, why, the old and the new unit
price) journaled as `till.price_override`; the cart line then carries the new unit price, which
pricing uses instead of the definition's (campaigns still apply to it)."""

from __future__ import annotations

import datetime as dt

from engine import journal
from engine.db import write
from engine.errors import N_, NotFound, PlaydeskError
from engine.ids import device_id, next_id
from engine.models import Item, Resource
from engine.models.till import PriceOverride
from engine.people.staff import (
    StaffLogin,
    StaffLoginRefused,
    lockout_until,
    login,
    require_role,
)
from engine.sales.cart import Cart
from engine.sales.till_checks import open_shift_or_none, price_amount, reason_text

KINDS = {"item": Item, "resource": Resource}


def listed_price(kind: str, code: str) -> int:
    model = KINDS.get(kind)
    if model is None:
        raise PlaydeskError(N_("only an item's or a resource's price can be changed, not a "
                               "{kind}'s"), kind=kind)
    row = model.get_or_none((model.code == code) & ~model.deleted)
    if row is None:
        raise NotFound(N_("unknown {kind} {code!r}"), kind=kind, code=code)
    return row.price


APPROVAL = "approval"  # the approval keypad's own place for counting wrong PINs


def approval_place(location: str | None) -> str:
    return f"{location}/{APPROVAL}" if location else APPROVAL


def approver_by_pin(pin: str, at: dt.datetime, location: str | None = None) -> StaffLogin:
    """The manager whose PIN this is. The approval keypad counts its wrong PINs apart from the
    login's, and only a manager's PIN can match there: a cashier typing their own PIN (or
    guessing) makes the keypad wait longer each time, and only a manager's approval resets it;
    a manager locked out at the login cannot approve either."""
    try:
        who = login(pin, at, approval_place(location), role="manager")
    except StaffLoginRefused as refusal:
        if refusal.until is not None and refusal.until > at:
            seconds = max(int((refusal.until - at).total_seconds() + 0.999), 1)
            raise StaffLoginRefused(N_("too many wrong PINs for an approval: the next in "
                                       "{seconds} s"), until=refusal.until,
                                    seconds=seconds) from None
        raise StaffLoginRefused(N_("not a manager's PIN: an approval needs a manager's own PIN"),
                                until=refusal.until) from None
    locked = lockout_until(who.code, location, at)
    if locked is not None:
        raise PlaydeskError(N_("{manager} is locked out after wrong PINs until {locked:%H:%M}"),
                            manager=who.name, locked=locked)
    require_role(who.code, "manager", "changing a price")
    return who


def record_override(kind: str, code: str, new_price: int, reason: str, staff: str,
                    approved_by: str, at: dt.datetime, shift: str | None = None,
                    old_price: int | None = None) -> PriceOverride:
    """Record a price override of `code`'s unit price (old: the listed price unless given)."""
    price_amount(new_price, "the new price")
    why = reason_text(reason, "a reason for the new price")
    require_role(staff, "cashier", "changing a price")
    require_role(approved_by, "manager", "approving a new price", nobody="a manager approves")
    with write():
        open_shift_or_none(shift)
        listed = listed_price(kind, code)  # an item or resource the site has, always
        before = listed if old_price is None else price_amount(old_price, "the old price")
        if before == new_price:
            raise PlaydeskError(N_("the price of {code} is {new_price} already"),
                                code=code, new_price=new_price)
        row = PriceOverride.create(id=next_id("PO"), shift=shift, kind=kind, code=code,
                                   old_price=before, new_price=new_price, reason=why,
                                   staff=staff, approved_by=approved_by, at=at,
                                   device=device_id())
        journal.append_rows("till.price_override", row)
    return row


def override_line(cart: Cart, index: int, new_price: int, reason: str, staff: str,
                  approved_by: str, at: dt.datetime, shift: str | None = None) -> PriceOverride:
    """The cart's line `index` sells at `new_price` from now on (recorded first)."""
    from engine.sales.station_time import StationTimeLine

    if not 0 <= index < len(cart.lines):
        raise PlaydeskError(N_("pick the line whose price changes first"))
    line = cart.lines[index]
    if isinstance(line, StationTimeLine):
        raise PlaydeskError(N_("a guest's station time is priced by its session: it cannot change"))
    old = line.unit_price if line.unit_price is not None else listed_price(line.kind, line.code)
    row = record_override(line.kind, line.code, new_price, reason, staff, approved_by, at,
                          shift, old_price=old)
    line.unit_price = new_price
    return row
