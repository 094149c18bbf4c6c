"""What applying others' facts left for the owner (issue 14), local to each device and never
replicated, but the same on every device that applied the same events:

- `SyncConflict`: an event not applied as sent, because the rules refused it (`rejected`) or
  it lost a collision with another fact (`collision`: the same purchase refunded twice, one
  order completed twice; the earlier `(hlc, device)` wins).
- `VoidLot`: a lot of a losing event: kept (so every device holds the same lots, and draws
  already made from it stay facts), but worth nothing, so any draw on it is an overdraw.
- `LotOverdraw`: derived (engine/derived.py): a lot its consumption records draw below zero,
  by how much; the overdraw is taken from the member's other lots of that kind instead.
"""

from __future__ import annotations

from peewee import DateTimeField, IntegerField, TextField

from engine.models.base import BaseModel


class SyncConflict(BaseModel):
    kind = TextField()  # rejected | collision
    device = TextField()  # the event's origin
    seq = IntegerField()
    hlc = TextField()
    type = TextField()
    reason = TextField()  # a short code, e.g. id_namespace, negative_amount, refund.purchase
    detail = TextField()
    key = TextField(null=True, index=True)  # a collision's key, e.g. "refund.purchase=C1-P1"
    noted_at = DateTimeField()  # this device's clock when it was noted

    class Meta:
        indexes = ((("device", "seq"), True),)


class VoidLot(BaseModel):
    lot = TextField(primary_key=True)
    device = TextField()  # the losing event
    seq = IntegerField()


class LotOverdraw(BaseModel):
    lot = TextField(primary_key=True)
    member = TextField()
    kind = TextField()
    amount = IntegerField()  # Σ consumption − what the lot holds (> 0)

    class Meta:
        indexes = ((("member", "kind"), False),)


MODELS = [SyncConflict, VoidLot, LotOverdraw]
