"""What every till operation checks before it writes (issue 18 item 5): a whole positive amount,
a reason in words, and the shift it is booked to (this device's, open)."""

from __future__ import annotations

from typing import Any

from engine.errors import N_, PlaydeskError
from engine.models.shifts import Shift
from engine.money import MAX_AMOUNT
from engine.sales.shiftcheck import require_open_shift

MAX_REASON = 200


def positive_amount(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_AMOUNT:
        raise PlaydeskError(N_("{what} must be a whole amount in minor units (1 to {max_amount}), "
                               "not {value!r}"), what=what, max_amount=MAX_AMOUNT, value=value)
    return value


def price_amount(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_AMOUNT:
        raise PlaydeskError(N_("{what} must be a whole amount in minor units (0 to {max_amount}), "
                               "not {value!r}"), what=what, max_amount=MAX_AMOUNT, value=value)
    return value


def reason_text(value: Any, what: str = "a reason", required: bool = True) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise PlaydeskError(N_("{what} is needed (say why, in a few words)"), what=what)
        return None
    if len(text) > MAX_REASON:
        raise PlaydeskError(N_("{what} is at most {max_reason} characters"),
                            what=what, max_reason=MAX_REASON)
    return text


def open_shift_or_none(shift: str | None) -> Shift | None:
    """The open shift of this device named `shift`, or None when none is given."""
    return None if shift is None else require_open_shift(shift)
