"""Sales facts: receipts, their lines and reductions, payments, campaign entries."""

from __future__ import annotations

from peewee import DateTimeField, ForeignKeyField, IntegerField, TextField

from engine.models.base import BaseModel, PercentField


class Receipt(BaseModel):
    id = TextField(primary_key=True)
    device = TextField()
    at = DateTimeField(index=True)
    location = TextField()
    member = TextField(null=True, index=True)
    debtor = TextField(null=True)
    contact = TextField(null=True)
    staff = TextField(null=True)
    shift = TextField(null=True, index=True)
    subtotal = IntegerField()
    discount = IntegerField()
    total = IntegerField()
    paid = IntegerField(default=0)
    change = IntegerField(default=0)
    status = TextField(default="paid")  # paid | refunded
    total_due = IntegerField(null=True)  # total + tax in exclusive mode; NULL: sold before tax


class ReceiptLine(BaseModel):
    id = TextField(primary_key=True)  # "<receipt>/<no>"
    receipt = ForeignKeyField(Receipt, backref="lines", on_delete="CASCADE")
    no = IntegerField()
    item = TextField(null=True)
    resource = TextField(null=True)
    package = TextField(null=True)  # "CAMPAIGN/PACKAGE"
    name = TextField(default="")
    quantity = IntegerField()
    unit_price = IntegerField()
    gross = IntegerField()
    manual_discount = IntegerField(default=0)
    discount = IntegerField()
    net = IntegerField()
    purchase = TextField(null=True)
    tax = TextField(null=True)  # the line's tax rate code (tax.md)


class LineReduction(BaseModel):
    line = ForeignKeyField(ReceiptLine, backref="reductions", on_delete="CASCADE")
    position = IntegerField()
    campaign = TextField()
    amount = IntegerField()


class Payment(BaseModel):
    id = TextField(primary_key=True)
    receipt = TextField(null=True, index=True)
    purchase = TextField(null=True, index=True)
    method = TextField()  # cash | card | wallet | ...
    amount = IntegerField()  # what the method pays towards the total (after change)
    tendered = IntegerField(null=True)  # cash handed over
    commission = IntegerField(default=0)
    at = DateTimeField()
    device = TextField()


class Entry(BaseModel):
    id = TextField(primary_key=True)
    entry_no = IntegerField()
    device = TextField()
    origin_type = TextField(default="receipt")
    origin_code = TextField(index=True)
    timestamp = DateTimeField()
    campaign = TextField(index=True)
    campaign_type = TextField()
    registration = TextField()  # automatic | manual | coupon
    registration_code = TextField(null=True)
    discount_type = TextField()  # discount | reduce
    discount_value = PercentField(null=True)
    reduce_amount = IntegerField()
    process = TextField()  # application | issue

    class Meta:
        indexes = ((("device", "entry_no"), True),)


class EntryAllocation(BaseModel):
    entry = ForeignKeyField(Entry, backref="allocations", on_delete="CASCADE")
    line_no = IntegerField()
    amount = IntegerField()


MODELS = [Receipt, ReceiptLine, LineReduction, Payment, Entry, EntryAllocation]
