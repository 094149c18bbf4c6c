"""Models: what happens at the till besides sales (issue 18 item 5).

All insert-only facts, journaled as rows and fact-checked on other devices
(engine/sync/validate_till.py):

- `ParkedReceipt`: an open receipt put aside (its cart as JSON) to serve someone else or because
  its cashier logged out; it is parked while no `ParkedResume` names it.
- `CashMove`: cash put into (`in`) or taken out of (`out`) the drawer during a shift, with why;
  the shift's expected cash counts it.
- `NoSale`: the drawer opened without a sale.
- `PriceOverride`: a line's unit price changed at the till, approved by a manager.
"""

from __future__ import annotations

from peewee import DateTimeField, IntegerField, TextField

from engine.models.base import BaseModel


class ParkedReceipt(BaseModel):
    id = TextField(primary_key=True)  # <device>-PK<n>
    shift = TextField(null=True, index=True)
    staff = TextField()  # who parked it: they (or a manager) resume it
    location = TextField(null=True)
    cart = TextField()  # the cart as JSON (engine/sales/park.py)
    lines = IntegerField()
    total = IntegerField()  # as priced when parked (a resume prices it again)
    reason = TextField()  # park | logout
    at = DateTimeField()
    device = TextField()


class ParkedResume(BaseModel):
    parked = TextField(primary_key=True)  # a parked receipt is resumed once
    staff = TextField()
    at = DateTimeField()
    device = TextField()


class CashMove(BaseModel):
    id = TextField(primary_key=True)  # <device>-CM<n>
    shift = TextField(index=True)
    direction = TextField()  # in | out
    amount = IntegerField()  # > 0, minor units
    reason = TextField()
    staff = TextField()
    at = DateTimeField()
    device = TextField()


class NoSale(BaseModel):
    id = TextField(primary_key=True)  # <device>-NS<n>
    shift = TextField(null=True, index=True)
    staff = TextField()
    reason = TextField(null=True)
    at = DateTimeField()
    device = TextField()


class PriceOverride(BaseModel):
    id = TextField(primary_key=True)  # <device>-PO<n>
    shift = TextField(null=True, index=True)
    kind = TextField()  # item | resource
    code = TextField()
    old_price = IntegerField()
    new_price = IntegerField()
    reason = TextField()
    staff = TextField()  # the cashier
    approved_by = TextField()  # a manager or owner
    at = DateTimeField()
    device = TextField()


MODELS = [ParkedReceipt, ParkedResume, CashMove, NoSale, PriceOverride]
