"""Ids of facts: "<device>-<prefix><n>", unique across the site without coordination.

The counter lives in the database and is bumped inside the caller's transaction, so ids have no
gaps and survive restarts. These run on every sale and session, so they are plain SQL (peewee
builds a statement in ~100 µs, the statement itself runs in a few).
"""

from __future__ import annotations

from typing import Any

from engine import localstate
from engine.db import database
from engine.errors import N_, RestorePending

DEFAULT_DEVICE = "DEV1"
# While `localstate.RESTORE_PENDING` is set (by `playdesk restore`, cleared by the sync process
# once it has learned from the other devices how far this device's journal and ids went:
# engine.sync.reconciled) no fact id is handed out: the restored counters are behind ids the
# site already holds, and a fact with a reused id is dropped on the others.
RESTORE_PENDING_MESSAGE = N_("this device was restored from a backup: it may sell again once sync "
                             "has caught up with the site (playdesk sync status)")

# one statement bumps the counter by n and returns its new value
_BUMP = ("INSERT INTO counter (name, value) VALUES (?, ?) "
         "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value RETURNING value")

# (connection, device id): the name is read once per open database. Keyed by the connection
# object (held here, so it cannot be freed and its identity reused), so re-opening or switching
# databases reads it again. Another process renaming the device is not seen until re-open:
# renaming is a setup step (`playdesk site init`, `playdesk devices init`) before the apps start.
_device_cache: tuple[Any, str] | None = None


def device_id() -> str:
    """This device's name (LocalState `device_id`, default DEV1)."""
    global _device_cache
    connection = database.connection()
    if _device_cache is not None and _device_cache[0] is connection:
        return _device_cache[1]
    name = localstate.get(localstate.DEVICE_ID) or DEFAULT_DEVICE
    _device_cache = (connection, name)
    return name


def forget_device_id() -> None:
    """Drop the cached device name (the next `device_id()` reads the database)."""
    global _device_cache
    _device_cache = None


def set_device_id(name: str) -> None:
    localstate.put(localstate.DEVICE_ID, name)
    forget_device_id()


def _bump(name: str, count: int) -> int:
    """Add `count` to the named counter (created at 0) and return its new value."""
    # fetchall: the statement finishes (and releases its cursor) before we go on
    return database.execute_sql(_BUMP, (name, count)).fetchall()[0][0]


def next_number(name: str) -> int:
    """Increment and return the named per-device counter (call inside a write transaction)."""
    return _bump(name, 1)


def refuse_while_restore_pending() -> None:
    """RestorePending if this database was restored and sync has not caught up yet (a few µs:
    one primary-key lookup, inside the caller's transaction, so a mark set by a restore that
    committed first is always seen)."""
    if localstate.get(localstate.RESTORE_PENDING) is not None:
        raise RestorePending(RESTORE_PENDING_MESSAGE)


def next_ids(prefix: str, count: int) -> list[str]:
    """`count` consecutive new fact ids in one counter bump (call inside a write transaction);
    the same counter and form as `next_id`."""
    if count <= 0:
        return []
    refuse_while_restore_pending()
    last = _bump("id:" + prefix, count)
    device = device_id()
    return [f"{device}-{prefix}{n}" for n in range(last - count + 1, last + 1)]


def next_id(prefix: str) -> str:
    """A new fact id such as "COUNTER1-R42" (receipt 42 of COUNTER1)."""
    refuse_while_restore_pending()
    return f"{device_id()}-{prefix}{_bump('id:' + prefix, 1)}"
