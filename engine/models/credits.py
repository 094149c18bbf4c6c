"""Entitlement facts: package purchases, wallet/time credit lots, consumption, refunds."""

from __future__ import annotations

from peewee import DateTimeField, IntegerField, TextField

from engine.models.base import BaseModel


class Purchase(BaseModel):
    id = TextField(primary_key=True)
    member = TextField(index=True)
    campaign = TextField(index=True)
    package = TextField()
    price = IntegerField()
    payment = TextField()  # cash | card | wallet
    commission = IntegerField(default=0)
    channel = TextField()  # kiosk | counter
    location = TextField(null=True)
    staff = TextField(null=True)
    at = DateTimeField()
    key = TextField(null=True, unique=True)  # idempotency key
    receipt = TextField(null=True)
    device = TextField()


class Lot(BaseModel):
    id = TextField(primary_key=True)
    member = TextField(index=True)
    kind = TextField()  # money | minutes
    type = TextField()  # paid | bonus | manual | correction | migration | reversed_refund | refund
    total = IntegerField()
    # derived: total − Σ consumption; kept on the row so balances are one indexed query
    remaining = IntegerField()
    device = TextField(default="any")  # pc | console | any
    status = TextField(default="active")  # active | depleted | expired | refunded
    expires_at = DateTimeField(null=True)
    purchase = TextField(null=True, index=True)
    created_at = DateTimeField()
    comment = TextField(null=True)
    staff = TextField(null=True)
    origin = TextField()  # the device that created it


class Consumption(BaseModel):
    id = TextField(primary_key=True)
    lot = TextField(index=True)
    member = TextField(index=True)
    kind = TextField(default="use")  # use | refund
    amount = IntegerField()
    reference = TextField(null=True)
    at = DateTimeField()
    device = TextField()


class Refund(BaseModel):
    id = TextField(primary_key=True)
    purchase = TextField(unique=True)  # a purchase is refunded once
    amount = IntegerField()
    method = TextField()
    reason = TextField()
    staff = TextField()
    at = DateTimeField()
    device = TextField()


MODELS = [Purchase, Lot, Consumption, Refund]
