"""Tax (spec/tax.md): the site's rates (definitions) and the tax table stored with a sale."""

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


MODELS = [TaxRate, ReceiptTax]
