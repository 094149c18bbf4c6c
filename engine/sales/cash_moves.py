"""Cash in and cash out during a shift (issue 18 item 5): change brought to the drawer, a safe
drop, a supplier paid from the till. Each is a `cash_move` row with a reason, journaled as a
`till.cash_move` event; the shift's expected cash counts it and its report lists it. Cash out
can never take more than the drawer should hold."""

from __future__ import annotations

import datetime as dt

from engine import journal
from engine.db import write
from engine.errors import N_, PlaydeskError
from engine.ids import device_id, next_id
from engine.models.till import CashMove
from engine.people.staff import require_role
from engine.sales.shiftcheck import require_open_shift
from engine.sales.till_checks import positive_amount, reason_text

DIRECTIONS = ("in", "out")
ALL_OF_IT = dt.datetime(9999, 1, 1)  # "now" for the drawer guard: every fact of the shift


def move_cash(direction: str, amount: int, reason: str, staff: str, at: dt.datetime,
              shift: str | None) -> CashMove:
    """Put cash into (`in`) or take it out of (`out`) the open shift's drawer."""
    if direction not in DIRECTIONS:
        raise PlaydeskError(N_("a cash move is 'in' or 'out', not {direction!r}"),
                            direction=direction)
    positive_amount(amount, f"the cash {direction} amount")
    why = reason_text(reason, f"a reason for the cash {direction}")
    require_role(staff, "cashier", f"cash {direction}")
    if shift is None:
        raise PlaydeskError(N_("cash {direction} needs an open shift (its drawer moves the cash)"),
                            direction=direction)
    from engine.sales.shifts import expected_cash  # shifts reads cash moves: imported late

    with write():
        drawer = require_open_shift(shift)
        if at < drawer.opened_at:  # a clock set back (no RTC after a power cut), or --at
            raise PlaydeskError(N_("cash {direction} at {at:%Y-%m-%d %H:%M} is before shift "
                                   "{shift} opened ({opened_at:%Y-%m-%d %H:%M}); "
                                   "check the clock"),
                                direction=direction, at=at, shift=shift, opened_at=drawer.opened_at)
        if direction == "out":
            # every fact of the shift counts, whatever time they say: a clock that went back
            # must not hide a refund already paid out of this drawer
            holds = expected_cash(drawer, ALL_OF_IT)
            if amount > holds:
                raise PlaydeskError(N_("cash out of {amount} is more than the {holds} the drawer "
                                       "should hold; nothing was recorded"),
                                    amount=amount, holds=holds)
        row = CashMove.create(id=next_id("CM"), shift=shift, direction=direction, amount=amount,
                              reason=why, staff=staff, at=at, device=device_id())
        journal.append_rows("till.cash_move", row)
    return row


def cash_moves_of(shift: str) -> list[CashMove]:
    return list(CashMove.select().where(CashMove.shift == shift).order_by(CashMove.at,
                                                                          CashMove.id))


def cash_moved(shift: str) -> int:
    """Σ cash in − Σ cash out of the shift."""
    return sum(m.amount if m.direction == "in" else -m.amount for m in cash_moves_of(shift))
