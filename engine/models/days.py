"""Day closings (spec/tax.md "Day closing"): a device's day report stored as its next Z number.

An insert-only fact, journaled as `day.close` with its row: never changed afterwards. The id is
"<device>-Z<z>" from the device's `id:Z` counter (engine.ids), so a restore from a backup never
hands a Z out twice (the counter is moved past the journal's ids before selling resumes).
"""

from __future__ import annotations

from peewee import DateTimeField, IntegerField, TextField

from engine.models.base import BaseModel


class DayClosing(BaseModel):
    id = TextField(primary_key=True)  # <device>-Z<z>
    device = TextField()
    day = TextField()  # the closed day in the site's time zone, ISO date text ("2026-07-03")
    z = IntegerField()  # 1, 2, 3… per device, no gaps
    report = TextField()  # JSON of engine.closing.day.DayReport.as_dict()
    staff = TextField()
    at = DateTimeField()

    class Meta:
        indexes = ((("device", "z"), True), (("device", "day"), True))


MODELS = [DayClosing]
