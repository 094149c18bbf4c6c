"""What the apps ask about day closings without building a report."""

from __future__ import annotations

import datetime as dt

from engine.models.days import DayClosing


def day_closed(device: str, day: dt.date) -> int | None:
    """The Z number of `device`'s closing of `day`, or None while the day is open."""
    row = (DayClosing.select(DayClosing.z)
           .where((DayClosing.device == device) & (DayClosing.day == day.isoformat())).first())
    return row.z if row is not None else None
