"""Models: reprints (issue 18 item 7). Every copy of a document printed again (marked COPY on
paper, engine/documents/copies.py) is an insert-only fact: which document, who, when, where.
Journaled as `till.reprint` and fact-checked on other devices (engine/sync/validate_till.py), so
a slip printed twice is seen site-wide, not only on the device that printed it."""

from __future__ import annotations

from peewee import DateTimeField, TextField

from engine.models.base import BaseModel


class Reprint(BaseModel):
    id = TextField(primary_key=True)  # <device>-RP<n>
    kind = TextField()  # the document kind: receipt | purchase | coupon | refund | ...
    document = TextField(index=True)  # the document's reference (receipt id, purchase id, ...)
    staff = TextField(null=True)  # who reprinted (a CLI reprint may name nobody)
    at = DateTimeField()
    device = TextField()


MODELS = [Reprint]
