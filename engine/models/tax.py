"""Tax (spec/tax.md): the site's rates (definitions) and the tax tables stored with a sale and
with each refund of its lines."""

from __future__ import annotations

from peewee import IntegerField, TextField

from engine.models.base import BaseModel, Definition


class TaxRate(Definition):
    name = TextField()
    percent = TextField()  # exact decimal text ("19", "5.5"): a rate's percent never changes


class ReceiptTax(BaseModel):
    """One row of a receipt's tax table (per rate, once per receipt)."""

    receipt = TextField(index=True)
    position = IntegerField()  # the site file's rate order
    rate = TextField()
    name = TextField()
    percent = TextField()
    net = IntegerField()
    tax = IntegerField()
    gross = IntegerField()

    class Meta:
        indexes = ((("receipt", "rate"), True),)


class RefundTax(BaseModel):
    """One row of a receipt refund's own tax table (per rate, over the amounts it gives back),
    computed as the sale's was, at the rates and percents stored with the receipt."""

    refund = TextField(index=True)  # the receipt_refund id
    position = IntegerField()  # the receipt table's rate order
    rate = TextField()
    name = TextField()
    percent = TextField()
    net = IntegerField()
    tax = IntegerField()
    gross = IntegerField()

    class Meta:
        indexes = ((("refund", "rate"), True),)


MODELS = [TaxRate, ReceiptTax, RefundTax]
