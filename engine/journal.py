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

from peewee import Model, fn

from engine import hlc
from engine.ids import device_id
from engine.models import Event, LocalState


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


def next_hlc() -> str:
    last_row = LocalState.get_or_none(LocalState.key == "hlc")
    last = hlc.Timestamp.decode(last_row.value) if last_row else None
    stamp = hlc.tick(last).encode()
    LocalState.insert(key="hlc", value=stamp).on_conflict_replace().execute()
    return stamp


def append(event_type: str, payload: dict[str, Any]) -> Event:
    """Append one event of this device. Call inside the transaction that makes the change."""
    device = device_id()
    last_seq = (Event.select(fn.MAX(Event.seq)).where(Event.device == device).scalar()) or 0
    return Event.create(device=device, seq=last_seq + 1, hlc=next_hlc(), type=event_type,
                        payload=dumps(payload))


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
