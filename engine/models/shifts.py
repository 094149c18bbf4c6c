"""Models: the counter's cash-drawer shifts and refunds of recorded receipts.

Shifts, closings, voids and receipt refunds are insert-only facts (journaled as rows): a shift is open
while it has no `ShiftClose` row, a receipt line is refunded while a `ReceiptRefundLine` names it.
"""

from __future__ import annotations

from peewee import DateTimeField, ForeignKeyField, IntegerField, TextField

from engine.models.base import BaseModel


class Shift(BaseModel):
    id = TextField(primary_key=True)
    device = TextField(index=True)
    location = TextField(null=True)
    staff = TextField()  # who opened it
    opened_at = DateTimeField()
    opening_cash = IntegerField()  # counted by the cashier, minor units


class ShiftClose(BaseModel):
    shift = TextField(primary_key=True)  # a shift is closed once
    staff = TextField()
    closed_at = DateTimeField()
    counted_cash = IntegerField()
    expected_cash = IntegerField()  # opening + cash taken − cash given back, at the close
    difference = IntegerField()  # counted − expected (negative: cash missing)
    device = TextField()


class ReceiptVoid(BaseModel):
    """A receipt abandoned before payment: nothing was sold, but the drawer's audit keeps it."""

    id = TextField(primary_key=True)
    shift = TextField(null=True, index=True)
    staff = TextField()
    location = TextField(null=True)
    lines = IntegerField()
    total = IntegerField()  # what it would have cost
    at = DateTimeField()
    device = TextField()


class ReceiptRefund(BaseModel):
    id = TextField(primary_key=True)
    receipt = TextField(index=True)
    shift = TextField(null=True, index=True)  # the shift whose drawer paid it out
    amount = IntegerField()  # Σ of its lines: goods paid back + package purchase refunds
    reason = TextField()
    staff = TextField()
    at = DateTimeField()
    device = TextField()


class ReceiptRefundLine(BaseModel):
    refund = ForeignKeyField(ReceiptRefund, backref="lines", on_delete="CASCADE")
    line_no = IntegerField()
    amount = IntegerField()  # what the customer gets for the line (its stored net, or a
    # package line's unused part)
    purchase_refunds = TextField(null=True)  # entitlements refund ids of a package line
    # its refund's receipt, so that UNIQUE (receipt, line_no) says a line is refunded once per
    # site (a collision key, engine/sync/collisions.py); last, as migration 0004 added it
    receipt = TextField(null=True)

    class Meta:
        # (refund, line_no) first: it stays the row's natural key for sync
        indexes = ((("refund", "line_no"), True), (("receipt", "line_no"), True))


class ReceiptRefundPayment(BaseModel):
    refund = ForeignKeyField(ReceiptRefund, backref="payments", on_delete="CASCADE")
    position = IntegerField()
    method = TextField()  # cash | card | wallet | ...
    amount = IntegerField()
    lot = TextField(null=True)  # the `refund` wallet lot, for wallet

    class Meta:
        indexes = ((("refund", "position"), True),)


MODELS = [Shift, ShiftClose, ReceiptVoid, ReceiptRefund, ReceiptRefundLine, ReceiptRefundPayment]
