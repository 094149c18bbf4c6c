"""This device's own state, never synced (the `local_state` table): every key it holds is named
here, and `get` / `put` / `delete` are the one way to read and write them — in plain SQL, as some
are read for every id and every event.
"""

from __future__ import annotations

import json
from typing import Any

from engine.db import database

DEVICE_ID = "device_id"  # this device's name (engine.ids)
HLC = "hlc"  # the last hybrid logical clock stamp this device gave or received (engine.journal)
DEFINITIONS_GENERATION = "definitions:generation"  # bumped by every definitions change
LAST_SITE_LOAD = "sitefile:last_load"  # the last site file loaded here (engine.sitefile)
SYNC_CONFIG = "sync.config"  # broker, site and authority, as playdesk-sync was started
SYNC_ONLINE = "sync.online"  # "true"/"false": the sync process reaches the broker
PUBLISHED_SEQ = "sync.published_seq"  # the last own seq the broker acknowledged
DEVICE_LIST = "sync.device_list"  # the owner-signed device list
OWNER_KEY = "sync.owner_key"  # the key that signs the device list
OUTGOING_DEVICE_LIST = "sync.devicelist.outgoing"  # a list handed to the running sync process
HELD = "sync.held"  # {origin: {"seq", "hlc", "ahead_seconds", "events", "since"}}
PEER_CLOCKS = "sync.peer_clocks"  # {device: {"clock": iso, "seen_at": iso}}
RESTORE_PENDING = "restore.pending"  # set by playdesk restore until sync has reconciled
RESTORE_OVERRIDDEN = "restore.overridden"  # the owner's `sync reconciled --force`
INCARNATION = "db.incarnation"  # a random token playdesk restore renews

_GET = "SELECT value FROM local_state WHERE key = ?"
_PUT = ("INSERT INTO local_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
_PUT_NEW = "INSERT INTO local_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"
_DELETE = "DELETE FROM local_state WHERE key = ?"
_DELETE_IF = "DELETE FROM local_state WHERE key = ? AND value = ?"


def get(key: str) -> str | None:
    row = database.execute_sql(_GET, (key,)).fetchone()
    return None if row is None else row[0]


def get_json(key: str, default: Any = None) -> Any:
    """The key's JSON value; `default` when it is missing or not JSON."""
    text = get(key)
    if text is None:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def put(key: str, value: str) -> None:
    database.execute_sql(_PUT, (key, value))


def put_json(key: str, value: Any) -> None:
    put(key, json.dumps(value))


def put_if_missing(key: str, value: str) -> None:
    database.execute_sql(_PUT_NEW, (key, value))


def delete(key: str, only_if: str | None = None) -> None:
    """Remove the key (only while it still holds `only_if`, when given)."""
    if only_if is None:
        database.execute_sql(_DELETE, (key,))
    else:
        database.execute_sql(_DELETE_IF, (key, only_if))
