"""The journal: every change this device makes, as an event appended in the same transaction.

An event is `{device, seq, hlc, type, payload}`; `seq` counts 1, 2, 3… per device with no gaps
(it is taken inside the writer's BEGIN IMMEDIATE transaction). The sync process publishes the
journal (it is the outbox) and signs each event; it also stores other devices' events here.

Fact events carry the rows they created (`{"rows": {table: [row, ...]}}`), so applying one on
another device is inserting those rows; derived values (a lot's remaining, a coupon's redemption
count) are recomputed from the facts, which is why replicas converge.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from peewee import Model

from engine import hlc, localstate
from engine.db import database, write
from engine.errors import PlaydeskError
from engine.ids import device_id
from engine.models import Event

# Every sale and session appends an event: plain SQL, as peewee builds a statement in ~100 µs.
# MAX(seq) is one probe of the (device, seq) index; inside BEGIN IMMEDIATE no other writer can
# take the same seq, so numbers have no gaps.
# The last seq and the stored HLC in one statement (the hottest read of a sale).
_LAST = ("SELECT (SELECT MAX(seq) FROM event WHERE device = ?), "
         f"(SELECT value FROM local_state WHERE key = '{localstate.HLC}')")
_INSERT_EVENT = "INSERT INTO event (device, seq, hlc, type, payload) VALUES (?, ?, ?, ?, ?)"

# An event is published as one MQTT message (engine/sync/client.py: a larger one goes alone),
# and the broker refuses messages over its message_size_limit (systemd/mosquitto/playdesk.conf,
# 1 MiB) as every receiver drops them unread: such an event could never reach another device.
MESSAGE_LIMIT_BYTES = 1024 * 1024
# The rest of the message besides the payload text: site, device, seq, hlc, type, signature.
ENVELOPE_BYTES = 1024
MAX_EVENT_BYTES = MESSAGE_LIMIT_BYTES - ENVELOPE_BYTES


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(payload: Any) -> str:
    return json.dumps(payload, default=_json_default, sort_keys=True, separators=(",", ":"))


def row_dict(instance: Model) -> dict[str, Any]:
    """A row as plain column values (foreign keys as their ids), ready for JSON."""
    return {field.column_name: instance.__data__.get(field.name)
            for field in instance._meta.sorted_fields}


def rows_payload(*instances: Model) -> dict[str, Any]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for instance in instances:
        rows.setdefault(instance._meta.table_name, []).append(row_dict(instance))
    return {"rows": rows}


def _tick(last: str | None) -> str:
    """The next local HLC after `last` (the stored one), stored as the new last."""
    stamp = hlc.tick(hlc.Timestamp.decode(last) if last else None).encode()
    localstate.put(localstate.HLC, stamp)
    return stamp


def next_hlc() -> str:
    """A new HLC timestamp for a local event (call inside a write transaction)."""
    return _tick(localstate.get(localstate.HLC))


def _check_size(event_type: str, text: str) -> None:
    """PlaydeskError when the event's message would be over the broker's limit. The payload
    travels as a JSON string inside the message, so it is measured escaped, as it is sent."""
    size = len(json.dumps(text)) + len(json.dumps(event_type))
    if size > MAX_EVENT_BYTES:
        raise PlaydeskError(f"this change is too large to replicate: its {event_type} event is "
                            f"{size:,} bytes, the limit is {MESSAGE_LIMIT_BYTES:,} "
                            f"(less {ENVELOPE_BYTES:,} for the message); nothing was recorded, "
                            "split it into smaller changes")


def append(event_type: str, payload: dict[str, Any]) -> Event:
    """Append one event of this device. Call inside the transaction that makes the change
    (alone it takes its own). An event too large for one broker message is refused
    (PlaydeskError), so the caller's transaction rolls back whole."""
    device = device_id()
    text = dumps(payload)
    _check_size(event_type, text)
    with write():
        last_seq, last_hlc = database.execute_sql(_LAST, (device,)).fetchone()
        seq, stamp = (last_seq or 0) + 1, _tick(last_hlc)
        cursor = database.execute_sql(_INSERT_EVENT, (device, seq, stamp, event_type, text))
    return Event(id=cursor.lastrowid, device=device, seq=seq, hlc=stamp, type=event_type,
                 payload=text, sig=None)


def append_rows(event_type: str, *instances: Model, **extra: Any) -> Event:
    """Append a fact event carrying the given rows (and any extra keys)."""
    payload = rows_payload(*instances)
    payload.update(extra)
    return append(event_type, payload)


def events(device: str | None = None, after_seq: int = 0) -> list[Event]:
    query = Event.select().where(Event.seq > after_seq)
    if device is not None:
        query = query.where(Event.device == device)
    return list(query.order_by(Event.device, Event.seq))
