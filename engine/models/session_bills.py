"""A guest's station time billed on a receipt (spec/sessions.md "Guest sessions").

One row per session of the billed play: the session the line names (`bill`) and every session
it was moved on from (engine/sessions/move.py), each pointing at the receipt line that pays it.
The session is the primary key: a guest session bills once, whatever receipts, retries or
devices try (a second device's bill of the same session is a sync collision, the earlier wins).
"""

from __future__ import annotations

from peewee import DateTimeField, IntegerField, TextField

from engine.models.base import BaseModel


class SessionBill(BaseModel):
    session = TextField(primary_key=True)
    bill = TextField(index=True)  # the session named on the line (the last of a moved play)
    receipt = TextField(index=True)
    line_no = IntegerField()
    minutes = IntegerField()  # the started minutes billed (before the group's minimum)
    amount = IntegerField()  # the line's unit price: rate x max(minutes, minimum) / 60
    at = DateTimeField()
    device = TextField()


MODELS = [SessionBill]
