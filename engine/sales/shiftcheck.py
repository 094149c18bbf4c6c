"""The shift a sale or a refund is booked to: its cash lands in that shift's drawer, so the shift
must exist, be this device's (one drawer per device) and still be open. Checked inside the
caller's write transaction, so a shift closed at the same moment is seen."""

from __future__ import annotations

from engine.errors import N_, NotFound, PlaydeskError
from engine.ids import device_id
from engine.models.shifts import Shift, ShiftClose


def require_open_shift(shift_id: str) -> Shift:
    """This device's open shift `shift_id`; else NotFound / PlaydeskError saying why."""
    shift = Shift.get_or_none(Shift.id == shift_id)
    if shift is None:
        raise NotFound(N_("unknown shift {shift_id!r}"), shift_id=shift_id)
    here = device_id()
    if shift.device != here:
        raise PlaydeskError(N_("shift {shift_id} is device {device}'s drawer, not this "
                               "device's ({here}); use this device's open shift"),
                            shift_id=shift_id, device=shift.device, here=here)
    closing = ShiftClose.get_or_none(ShiftClose.shift == shift_id)
    if closing is not None:
        raise PlaydeskError(N_("shift {shift_id} was closed at {closed_at:%Y-%m-%d %H:%M}; "
                               "open a new shift first"),
                            shift_id=shift_id, closed_at=closing.closed_at)
    return shift
