"""The journal (every change, as events with (device, seq) identity) and local device state."""

from __future__ import annotations

from peewee import IntegerField, TextField

from engine.models.base import BaseModel


class Event(BaseModel):
    device = TextField()
    seq = IntegerField()
    hlc = TextField()  # "<wall ms, 15 digits>.<counter, 5 digits>": sorts as text
    type = TextField()
    payload = TextField()  # JSON
    sig = TextField(null=True)  # Ed25519 signature, hex (the sync process signs its own events)

    class Meta:
        indexes = ((("device", "seq"), True),)


class Counter(BaseModel):
    """Per-device sequences: ids of facts, entry numbers."""

    name = TextField(primary_key=True)
    value = IntegerField(default=0)


class LocalState(BaseModel):
    """This device's own settings (device id, last HLC); never replicated."""

    key = TextField(primary_key=True)
    value = TextField()


MODELS = [Event, Counter, LocalState]
