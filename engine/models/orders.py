"""Models: pay-at-counter orders a member starts on the kiosk and a cashier completes.

Both are insert-only facts: an order is created once, and its completion is a separate row that
names the purchase the counter made (so "completed" is derived, never an edited flag).
"""

from __future__ import annotations

from peewee import DateTimeField, IntegerField, TextField

from engine.models.base import BaseModel


class PendingOrder(BaseModel):
    code = TextField(primary_key=True)  # short, random, unguessable; the QR holds ORD + code
    member = TextField(index=True)
    campaign = TextField()
    package = TextField()
    price = IntegerField()  # the price shown on the ticket (the counter charges the current one)
    location = TextField(null=True)  # the kiosk
    created_at = DateTimeField()
    expires_at = DateTimeField()
    device = TextField()


class OrderCompletion(BaseModel):
    order = TextField(primary_key=True)  # an order is completed once
    purchase = TextField()
    payment = TextField()
    staff = TextField(null=True)
    location = TextField(null=True)
    at = DateTimeField()
    device = TextField()


MODELS = [PendingOrder, OrderCompletion]
