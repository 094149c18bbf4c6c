""""No sale": the drawer opened without a sale (change for a banknote, a receipt checked). Any
cashier may, but never unseen: each opening is a `no_sale` row (who, when, the shift, why if
said), journaled as `till.no_sale` and counted on the shift report. The app kicks the drawer
through the printer once the row is written."""

from __future__ import annotations

import datetime as dt

from engine import journal
from engine.db import write
from engine.errors import N_, PlaydeskError
from engine.ids import device_id, next_id
from engine.models.till import NoSale
from engine.people.staff import require_role
from engine.sales.till_checks import open_shift_or_none, reason_text


def record_no_sale(staff: str, at: dt.datetime, shift: str | None = None,
                   reason: str | None = None) -> NoSale:
    why = reason_text(reason, "the reason", required=False)
    require_role(staff, "cashier", "opening the drawer")
    if shift is None:  # else the opening would be on no shift's report: unseen
        raise PlaydeskError(N_("a no sale needs an open shift (its drawer is the one opened)"))
    with write():
        open_shift_or_none(shift)
        row = NoSale.create(id=next_id("NS"), shift=shift, staff=staff, reason=why, at=at,
                            device=device_id())
        journal.append_rows("till.no_sale", row)
    return row
