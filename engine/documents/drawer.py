"""The slip printed when the drawer opens outside a sale: "no sale", cash in, cash out."""

from __future__ import annotations

import datetime as dt

from engine.documents.dressing import dressed, person
from engine.documents.types import DrawerSlip
from engine.models import Staff
from engine.models.till import CashMove, NoSale


def drawer_slip(record: NoSale | CashMove, at: dt.datetime,
                location: str | None = None) -> DrawerSlip:
    head, money = dressed(location, record.device)
    if isinstance(record, CashMove):
        return DrawerSlip(head, money, record.id, f"cash_{record.direction}", at,
                          person(Staff, record.staff), record.amount, record.reason)
    return DrawerSlip(head, money, record.id, "no_sale", at, person(Staff, record.staff),
                      reason=record.reason)
