"""Parked receipts (issue 18 items 4 and 5): an open receipt put aside, to serve the next
customer or because its cashier logged out, and taken up again later, on this device.

A park is a `parked_receipt` row holding the cart as JSON (what the cashier entered: lines with
their prices, member, coupons, registered campaigns) and journaled as `till.park`; it survives a
restart. Resuming appends a `parked_resume` row (`till.resume`): a parked receipt is resumed
once, by the cashier who parked it or by a manager, on the device that parked it, and priced
anew then (prices and campaigns may have changed meanwhile)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

from engine import journal
from engine.db import write
from engine.errors import N_, NotFound, PlaydeskError
from engine.ids import device_id, next_id
from engine.models import Item, Resource
from engine.models.till import ParkedReceipt, ParkedResume
from engine.people.staff import has_role, require_role
from engine.pricing import ReceiptInput
from engine.sales.cart import Cart, CartLine
from engine.sales.station_time import StationTimeLine
from engine.sales.till_checks import open_shift_or_none, price_amount

REASONS = ("park", "logout")


def cart_json(cart: Cart) -> str:
    lines = [{**asdict(line), "station_time": isinstance(line, StationTimeLine)}
             for line in cart.lines]
    return json.dumps({"lines": lines, "member": cart.member, "campaigns": list(cart.campaigns),
                       "coupons": list(cart.coupons)}, sort_keys=True)


def cart_from_json(text: str, location: str) -> Cart:
    """The parked cart; a cart this build cannot read (made by another version, or damaged) is
    a clear refusal, never a crash that loses the receipt."""
    try:
        data = json.loads(text)
        cart = Cart(location, member=data.get("member"),
                    campaigns=list(data.get("campaigns", [])),
                    coupons=list(data.get("coupons", [])))
        for entry in data.get("lines", []):
            fields = {k: v for k, v in entry.items() if k != "station_time"}
            if entry.get("station_time"):
                cart.lines.append(StationTimeLine(**fields))
            else:
                cart.lines.append(CartLine(**{k: fields[k] for k in CartLine.__dataclass_fields__
                                              if k in fields}))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise PlaydeskError(N_("the parked receipt cannot be read ({error}); it stays parked"),
                            error=error) from None
    cart.selected = len(cart.lines) - 1 if cart.lines else None
    return cart


def cart_of_receipt(receipt: ReceiptInput) -> Cart:
    """A cart holding a receipt file's lines (the CLI parks a receipt file)."""
    cart = Cart(receipt.location, member=receipt.member, campaigns=list(receipt.campaigns),
                coupons=list(receipt.coupons))
    for line in receipt.lines:
        kind = "item" if line.item else "resource" if line.resource else "package"
        code = line.item or line.resource or line.package or ""
        model = {"item": Item, "resource": Resource}.get(kind)
        row = model.get_or_none(model.code == code) if model else None
        if model is not None and row is None:
            raise NotFound(N_("unknown {kind} {code!r}"), kind=kind, code=code)
        cart.lines.append(CartLine(kind, code, row.name if row else code, line.quantity,
                                   line.unit_price, line.manual_discount))
    return cart


def park_receipt(cart: Cart, staff: str, at: dt.datetime, shift: str | None = None,
                 total: int = 0, reason: str = "park") -> ParkedReceipt:
    """Park the cart (refused when it is empty); the caller then starts a new one."""
    if reason not in REASONS:
        raise PlaydeskError(N_("a park's reason is one of {reasons}, not {reason!r}"),
                            reasons=", ".join(REASONS), reason=reason)
    if cart.empty:
        raise PlaydeskError(N_("the receipt is empty: there is nothing to park"))
    require_role(staff, "cashier", "parking a receipt")
    with write():
        open_shift_or_none(shift)
        row = ParkedReceipt.create(id=next_id("PK"), shift=shift, staff=staff,
                                   location=cart.location, cart=cart_json(cart),
                                   lines=len(cart.lines),
                                   total=price_amount(total, "the parked total"),
                                   reason=reason, at=at, device=device_id())
        journal.append_rows("till.park", row)
    return row


def parked_receipts(staff: str | None = None) -> list[ParkedReceipt]:
    """This device's parked receipts not resumed yet, oldest first; `staff` given: those they
    may resume (their own, or every one for a manager)."""
    resumed = ParkedResume.select(ParkedResume.parked)
    query = ParkedReceipt.select().where((ParkedReceipt.device == device_id())
                                         & ParkedReceipt.id.not_in(resumed))
    if staff is not None:
        who = require_role(staff, "cashier", "listing parked receipts")
        if not has_role(who.role, "manager"):
            query = query.where(ParkedReceipt.staff == staff)
    return list(query.order_by(ParkedReceipt.at, ParkedReceipt.id))


def resume_receipt(parked: str, staff: str, at: dt.datetime) -> Cart:
    """The parked receipt's cart, taken up by `staff` (refused for another cashier's park)."""
    who = require_role(staff, "cashier", "resuming a receipt")
    with write():
        row = ParkedReceipt.get_or_none(ParkedReceipt.id == parked)
        if row is None:
            raise NotFound(N_("unknown parked receipt {parked!r}"), parked=parked)
        if row.device != device_id():
            raise PlaydeskError(N_("{parked} was parked on {device}: resume it there"),
                                parked=parked, device=row.device)
        done = ParkedResume.get_or_none(ParkedResume.parked == parked)
        if done is not None:
            raise PlaydeskError(N_("{parked} was resumed already at {resumed_at:%H:%M} by {staff}"),
                                parked=parked, resumed_at=done.at, staff=done.staff)
        if row.staff != staff and not has_role(who.role, "manager"):
            raise PlaydeskError(N_("{parked} was parked by {staff}: only they or a manager "
                                   "may resume it"), parked=parked, staff=row.staff)
        # read before the resume is written: a cart that cannot be read stays parked
        cart = cart_from_json(row.cart, row.location or "")
        resume = ParkedResume.create(parked=parked, staff=staff, at=at, device=device_id())
        journal.append_rows("till.resume", resume)
    return cart


def parked_dict(row: ParkedReceipt) -> dict[str, Any]:
    cart = json.loads(row.cart)
    return {"id": row.id, "staff": row.staff, "shift": row.shift, "location": row.location,
            "lines": row.lines, "total": row.total, "reason": row.reason,
            "at": row.at.isoformat(timespec="seconds") if isinstance(row.at, dt.datetime)
            else row.at, "member": cart.get("member"),
            "names": [line["name"] for line in cart.get("lines", [])]}
