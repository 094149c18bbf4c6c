"""Ids of facts: "<device>-<prefix><n>", unique across the site without coordination.

The counter lives in the database and is bumped inside the caller's transaction, so ids have no
gaps and survive restarts.
"""

from __future__ import annotations

from engine.models import Counter, LocalState

DEFAULT_DEVICE = "DEV1"


def device_id() -> str:
    row = LocalState.get_or_none(LocalState.key == "device_id")
    return row.value if row else DEFAULT_DEVICE


def set_device_id(name: str) -> None:
    LocalState.insert(key="device_id", value=name).on_conflict_replace().execute()


def next_number(name: str) -> int:
    """Increment and return the named per-device counter (call inside a write transaction)."""
    Counter.insert(name=name, value=1).on_conflict(
        conflict_target=[Counter.name], update={Counter.value: Counter.value + 1}).execute()
    return Counter.get_by_id(name).value


def next_id(prefix: str) -> str:
    """A new fact id such as "COUNTER1-R42" (receipt 42 of COUNTER1)."""
    return f"{device_id()}-{prefix}{next_number('id:' + prefix)}"
