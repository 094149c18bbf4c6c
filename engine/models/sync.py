"""Sync state: known devices with keys and presence, per-origin applied seq, dropped messages,
and the authority's grants for strict operations. Local to each device, never replicated."""

from __future__ import annotations

from peewee import BooleanField, DateTimeField, IntegerField, TextField

from engine.models.base import BaseModel


class SyncOrigin(BaseModel):
    """Per origin device: the highest seq applied here (all lower seqs are applied too)."""

    device = TextField(primary_key=True)
    applied_seq = IntegerField(default=0)


class SyncDevice(BaseModel):
    """A device of the site: its role and key (from the owner-signed list) and its last presence."""

    device = TextField(primary_key=True)
    role = TextField(null=True)  # owner | counter | kiosk; None = seen but not in the device list
    public_key = TextField(null=True)  # Ed25519, hex
    kind = TextField(null=True)
    online = BooleanField(default=False)
    last_seen = DateTimeField(null=True)  # wall clock of this device when presence arrived
    journal_seq = IntegerField(default=0)
    applied = TextField(default="{}")  # JSON {origin: seq} as announced
    site_version = TextField(null=True)


class SyncDrop(BaseModel):
    """Dropped messages by reason: counted, with the last one kept for the owner to look at."""

    reason = TextField(primary_key=True)
    count = IntegerField(default=0)
    last_at = DateTimeField(null=True)
    last_detail = TextField(null=True)


class StrictGrant(BaseModel):
    """The authority's yes to a strict operation, held until the fact it allowed arrives."""

    id = TextField(primary_key=True)  # the requester's request id
    op = TextField()  # coupon.redeem | balance.spend
    subject = TextField(index=True)  # coupon code, or "member/kind"
    reference = TextField(null=True)  # receipt (coupon) or consumption reference
    amount = IntegerField(default=1)
    device = TextField()
    at = DateTimeField()
    settled = BooleanField(default=False)  # its fact (or its release) has arrived here
    draws = TextField(null=True)  # JSON: [[lot, amount], ...] of a spend; lines of a refund


class StrictHold(BaseModel):
    """The requester's side of a grant: written before asking, deleted by the transaction that
    records the fact (which refuses when the hold is gone) or by its release, so a fact and a
    release of one grant never both happen."""

    id = TextField(primary_key=True)  # the request id (= the grant's id)
    op = TextField()
    pid = IntegerField()  # the process that asked: a dead one never records the fact
    created = IntegerField()  # unix seconds
    released = BooleanField(default=False)  # given up: the release is still to tell the authority


MODELS = [SyncOrigin, SyncDevice, SyncDrop, StrictGrant, StrictHold]
