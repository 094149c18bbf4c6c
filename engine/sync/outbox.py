"""The journal as outbox: this device's events, signed once, published until the broker acks.

`localstate.PUBLISHED_SEQ` is the highest own seq the broker acknowledged (PUBACK);
everything after it is (re)published on the next connection, so nothing is lost when the broker
is down or the process dies (receivers drop the duplicates).
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from peewee import fn

from engine import localstate
from engine.db import database, write
from engine.models import Event
from engine.sync import signing


def event_body(event: Event, site: str) -> dict[str, Any]:
    return {"site": site, "device": event.device, "seq": event.seq, "hlc": event.hlc,
            "type": event.type, "payload": event.payload}


def message(event: Event, site: str) -> dict[str, Any]:
    return {**event_body(event, site), "sig": event.sig}


def journal_seq(device: str) -> int:
    return Event.select(fn.MAX(Event.seq)).where(Event.device == device).scalar() or 0


def published_seq() -> int:
    return int(localstate.get(localstate.PUBLISHED_SEQ) or 0)


def set_published_seq(seq: int) -> None:
    with write():
        localstate.put(localstate.PUBLISHED_SEQ, str(seq))


def sign_pending(device: str, site: str, key: Ed25519PrivateKey) -> int:
    """Sign this device's unsigned events (in one transaction); returns how many."""
    pending = list(Event.select().where((Event.device == device) & Event.sig.is_null())
                   .order_by(Event.seq).limit(5000))
    if not pending:
        return 0
    with write():
        for event in pending:
            sig = signing.sign(event_body(event, site), key)["sig"]
            Event.update(sig=sig).where(Event.id == event.id).execute()
    return len(pending)


def store_signatures(device: str, signatures: dict[int, str]) -> None:
    """Keep signatures made in memory at publishing (inside write())."""
    database.cursor().executemany(
        "UPDATE event SET sig = ? WHERE device = ? AND seq = ? AND sig IS NULL",
        [(sig, device, seq) for seq, sig in signatures.items()])


def signed_between(device: str, from_seq: int, to_seq: int) -> bool:
    """Whether this device's journal holds every seq from..to, each signed (published)."""
    count = (Event.select().where((Event.device == device) & (Event.seq >= from_seq)
                                  & (Event.seq <= to_seq) & Event.sig.is_null(False)).count())
    return count == to_seq - from_seq + 1


def events_between(device: str, from_seq: int, to_seq: int, limit: int) -> list[Event]:
    return list(Event.select().where((Event.device == device) & (Event.seq >= from_seq)
                                     & (Event.seq <= to_seq)).order_by(Event.seq).limit(limit))


# MQTT 5: a PUBACK reason code of 0x80 or more is a refusal (0x87 not authorized, 0x97 quota
# exceeded, 0x95 packet too large...); the broker did not take the message.
REFUSED_FROM = 0x80
# After a refusal the outbox publishes again from the acknowledged seq, no sooner than this.
REFUSED_RETRY_SECONDS = 1.0


def refused(reason_code: Any) -> bool:
    """Whether a PUBACK's reason code (paho's ReasonCode, or its number) refuses the message."""
    value = getattr(reason_code, "value", reason_code)
    return isinstance(value, int) and value >= REFUSED_FROM


def settle_ack(unacked: dict[int, int], acked: set[int], published: int, mid: int,
               reason_code: Any = 0) -> tuple[int, bool]:
    """The broker answered the own-journal message `mid`: returns (the published seq, whether
    it refused it). `unacked` maps message ids in flight to the last seq each carries, `acked`
    holds those acknowledged out of order; both are updated. Only the contiguous acknowledged
    prefix counts as published. A refused message is not published: every message in flight
    is forgotten (their late answers are ignored) and the caller publishes again from the
    returned seq, so nothing after the refused events counts as published before they do."""
    if mid not in unacked:
        return published, False
    if refused(reason_code):
        unacked.clear()
        acked.clear()
        return published, True
    acked.add(mid)
    # Messages are acked in order on one connection; keep the contiguous acked prefix.
    top = published
    for pending_mid, seq in sorted(unacked.items(), key=lambda pair: pair[1]):
        if pending_mid not in acked:
            break
        top = seq
        del unacked[pending_mid]
        acked.discard(pending_mid)
    return max(published, top), False
