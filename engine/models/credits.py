"""Entitlement facts: package purchases, wallet/time credit lots, consumption, refunds.

Purchases, lots, consumption records and refunds are insert-only facts. A lot's `remaining` and
`status` are derived from its consumption records (engine/derived.py), so for every lot
`total − remaining == Σ consumption.amount` always.
"""

from __future__ import annotations

from peewee import BooleanField, DateTimeField, IntegerField, TextField

from engine.models.base import BaseModel


class Purchase(BaseModel):
    id = TextField(primary_key=True)
    member = TextField(index=True)
    campaign = TextField(index=True)
    package = TextField()  # the package code within its campaign
    price = IntegerField()  # what was charged (the package price, or the receipt line's net)
    payment = TextField()  # cash | card | wallet
    commission = IntegerField(default=0)
    channel = TextField()  # kiosk | counter
    location = TextField(null=True)
    staff = TextField(null=True)
    at = DateTimeField()
    key = TextField(null=True, unique=True)  # idempotency key
    receipt = TextField(null=True)  # set when a counter checkout sold it on a receipt line
    device = TextField()


class Lot(BaseModel):
    id = TextField(primary_key=True)
    member = TextField()  # indexed with kind and status below
    kind = TextField()  # money | minutes
    type = TextField()  # paid | bonus | manual | correction | migration | reversed_refund | refund
    total = IntegerField()
    # derived: total − Σ consumption; kept on the row so balances are one indexed query
    remaining = IntegerField()
    device = TextField(default="any")  # pc | console | any
    # derived: active | depleted | refunded (`expired` depends on the time of the question)
    status = TextField(default="active")
    expires_at = DateTimeField(null=True)
    purchase = TextField(null=True, index=True)
    created_at = DateTimeField()
    comment = TextField(null=True)
    staff = TextField(null=True)
    origin = TextField()  # the device that created it

    class Meta:
        # a balance (member, active) and a draw (member, kind, active) read only the lots that
        # still hold something, however many spent ones a member has; a prefix serves `member`
        indexes = ((("member", "kind", "status"), False),)


class Consumption(BaseModel):
    id = TextField(primary_key=True)
    lot = TextField(index=True)
    member = TextField(index=True)
    # use (a session, a wallet payment) | refund (a refunded purchase) | correction (a manager's
    # downward correction of a balance)
    kind = TextField(default="use")
    amount = IntegerField()
    reference = TextField(null=True)
    at = DateTimeField()
    device = TextField()
    offline = BooleanField(default=False)  # allowed by offline_policy without the authority
    # the authority's grant (engine.sync.authority) this draw uses: the fact settles that grant
    hold = TextField(null=True, index=True)


class Refund(BaseModel):
    id = TextField(primary_key=True)
    purchase = TextField(unique=True)  # a purchase is refunded once
    amount = IntegerField()
    method = TextField()
    reason = TextField()
    staff = TextField()
    at = DateTimeField()
    device = TextField()
    lot = TextField(null=True)  # the `refund` wallet lot, when the method was wallet


MODELS = [Purchase, Lot, Consumption, Refund]
