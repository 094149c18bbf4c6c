"""Applying other devices' events: idempotent, in seq order per origin, one transaction per batch.

Each event is stored in the journal, its effect applied, and its origin's applied seq advanced in
the same transaction, so a crash never half-applies or applies twice. Fact events carry rows
(`{"rows": {table: [row, ...]}}`): a row is inserted when its key is not present yet, then derived
values (lot remaining, coupon redemptions) are recomputed from the facts.

Only facts true by the rules are applied (engine/sync/validate.py), and facts that collide are
settled the same way on every device (engine/sync/collisions.py). An event refused for any
reason — the rules, a collision it lost, an error of its own — is still stored and its origin's
applied seq advanced, with a conflict row for the owner (`playdesk conflicts`): only a gap stops
an origin, never one bad event.

Two refusals are about the event rather than its facts, because collisions are decided by them:
an HLC not later than the origin's previous event (a device's journal ticks its clock, so only a
forger backdates), and a payload not in the journal's canonical text (engine.journal.dumps), so
that no device's view of a fact depends on how it was spelled.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from peewee import (
    AutoField,
    DateField,
    DateTimeField,
    Field,
    Model,
    OperationalError,
    sort_models,
)

from engine import hlc, localstate
from engine import journal as local_journal
from engine.bulk import insert_sql
from engine.db import database, write
from engine.derived import refresh_coupons, refresh_lots
from engine.errors import PlaydeskError
from engine.ids import device_id
from engine.models import (
    ALL_MODELS,
    Coupon,
    campaigns,
    conflicts,
    journal,
    logins,
    site,
    sync,
)
from engine.models.quick_keys import QuickKeyPage
from engine.models.stations import Station, StationGroup
from engine.models.sync import SyncOrigin
from engine.models.tax import TaxRate
from engine.sitefile import apply_document
from engine.sync import collisions
from engine.sync.definitions import deactivations_first, newer_only
from engine.sync.validate import check_event
from engine.sync.verdict import Rejected, Waiting

log = logging.getLogger("playdesk.sync")

MODELS_BY_TABLE: dict[str, type[Model]] = {m._meta.table_name: m for m in ALL_MODELS}
# Definitions travel as `definitions` documents (last writer wins), local state never travels:
# neither may be written by a rows event.
NOT_FACT_TABLES = {m._meta.table_name for m in
                   (*site.MODELS, *campaigns.MODELS, *journal.MODELS, *sync.MODELS, *logins.MODELS,
                    *conflicts.MODELS, StationGroup, Station, QuickKeyPage, TaxRate)}
# Rows without a natural unique key of their own: identified by their parent and position.
POSITION_KEYS = {"line_reduction": ("line", "position"), "entry_allocation": ("entry", "line_no")}


_INSERT_EVENT = ("INSERT INTO event (device, seq, hlc, type, payload, sig) "
                 "VALUES (?, ?, ?, ?, ?, ?)")


@dataclass
class Touched:
    """What a batch changed, for derived values and for the caller's presence/log."""

    lots: set[str] = field(default_factory=set)
    coupons: set[str] = field(default_factory=set)
    applied: dict[str, int] = field(default_factory=dict)  # origin -> last seq applied
    rejected: list[tuple[str, int, str, str]] = field(default_factory=list)  # origin, seq,
    # reason code, what
    # events naming another device's fact not here yet (validate.Waiting): origin, seq, what;
    # not stored, so they and their origin's later events are given again
    waiting: list[tuple[str, int, str]] = field(default_factory=list)


def applied_seqs() -> dict[str, int]:
    return {row.device: row.applied_seq for row in SyncOrigin.select()}


def _natural_key(model: type[Model]) -> tuple[str, ...]:
    meta = model._meta
    if not isinstance(meta.primary_key, AutoField):
        return (meta.primary_key.column_name,)
    for candidate in meta.sorted_fields:
        if candidate.unique and not candidate.primary_key:
            return (candidate.column_name,)
    for columns, unique in meta.indexes:
        if unique:
            return tuple(meta.fields[name].column_name for name in columns)
    return tuple(meta.fields[name].column_name for name in POSITION_KEYS.get(meta.table_name, ()))


@dataclass(frozen=True)
class _RowShape:
    """How a row (JSON values by column) with these columns is bound: ISO text back to dates,
    auto ids dropped, then as engine.bulk.row_values (defaults, each field's db_value); worked
    out once per table and column set, as a catch-up binds 100,000 rows."""

    columns: tuple[str, ...]
    given: tuple[tuple[str, Callable[[str], Any] | None, Field], ...]  # column, parse, field
    defaults: tuple[tuple[Field, Any], ...]  # the fields the row leaves out, their defaults

    def bind(self, row: dict[str, Any]) -> list[Any]:
        values = [field.db_value(parse(row[column]) if parse and isinstance(row[column], str)
                                 else row[column]) for column, parse, field in self.given]
        values.extend(field.db_value(default() if callable(default) else default)
                      for field, default in self.defaults)
        return values


@lru_cache(maxsize=1024)
def _row_shape(table: str, keys: tuple[str, ...]) -> _RowShape:
    model = MODELS_BY_TABLE[table]
    given = []
    for column in keys:
        column_field = model._meta.columns.get(column)
        if column_field is None:
            raise PlaydeskError(f"{table} has no column {column}")
        if isinstance(column_field, AutoField):
            continue
        parse = (dt.datetime.fromisoformat if isinstance(column_field, DateTimeField)
                 else dt.date.fromisoformat if isinstance(column_field, DateField) else None)
        given.append((column, parse, column_field))
    names = {column_field.name for _, _, column_field in given}
    defaults = tuple((f, default) for f, default in model._meta.defaults.items()
                     if f.name not in names)
    columns = tuple(f.column_name for _, _, f in given) + tuple(f.column_name for f, _ in defaults)
    return _RowShape(columns, tuple(given), defaults)


def check_rows(rows: Any, allowed: Iterable[str] | None = None) -> None:
    """Raise unless `rows` is `{fact table: [row dicts]}` (within `allowed` tables when given)."""
    if not isinstance(rows, dict):
        raise PlaydeskError("rows must be an object")
    permitted = set(allowed) if allowed is not None else None
    for table, table_rows in rows.items():
        if table not in MODELS_BY_TABLE or table in NOT_FACT_TABLES:
            raise PlaydeskError(f"rows for table {table!r} are not facts")
        if permitted is not None and table not in permitted:
            raise PlaydeskError(f"rows for table {table!r} are not allowed in this event")
        if not isinstance(table_rows, list) or not all(isinstance(r, dict) for r in table_rows):
            raise PlaydeskError(f"rows of {table} must be a list of objects")


@dataclass(frozen=True)
class _TablePlan:
    """How rows of one fact table are inserted in plain SQL (peewee builds a statement in
    ~300 µs; a catch-up applies 100,000 of them)."""

    model: type[Model]
    key: tuple[str, ...]
    unique_key: bool  # the key is the primary key or a unique index: ON CONFLICT covers it

    def insert_sql(self, columns: tuple[str, ...]) -> str:
        return insert_sql(self.model, columns, self.key if self.unique_key else ())

    def exists_sql(self) -> str:
        terms = " AND ".join(f'"{c}" = ?' for c in self.key)
        return f'SELECT 1 FROM "{self.model._meta.table_name}" WHERE {terms}'


@cache
def _table_plan(table: str) -> _TablePlan:
    model = MODELS_BY_TABLE[table]
    key = _natural_key(model)
    return _TablePlan(model, key, bool(key) and table not in POSITION_KEYS)


def _statement(table: str, columns: tuple[str, ...]) -> str:
    return _table_plan(table).insert_sql(columns)


def _db_values(model: type[Model], row: dict[str, Any]) -> tuple[tuple[str, ...], list[Any]]:
    """A row's columns and the values to bind, as peewee would store them."""
    shape = _row_shape(model._meta.table_name, tuple(row))
    return shape.columns, shape.bind(row)


def apply_rows(rows: dict[str, list[dict[str, Any]]], touched: Touched,
               event: dict[str, Any] | None = None) -> None:
    """Insert each row whose key is not present, parents before children; with the `event`
    that carries them, its collisions with facts here are settled first (a losing event's rows
    stay out but its lots, which go in void)."""
    check_rows(rows)
    if event is not None:
        lost = collisions.resolve(event, rows, touched)
        if lost is not None:
            reason, key, tables = lost
            out = collisions.lost_rows(event["type"], rows, tables)
            rows = {table: table_rows for table, table_rows in rows.items()
                    if table not in out or table == "lot"}
            collisions.note(event, "collision", reason, f"{key}: an earlier fact holds it", key)
            if "lot" in out:
                collisions.void_lots(event["device"], event["seq"], out, touched)
    cursor = database.cursor()
    for model in _parents_first(tuple(rows)):
        table = model._meta.table_name
        plan = _table_plan(table)
        for row in rows[table]:
            columns, values = _db_values(model, row)
            if plan.key and not plan.unique_key:
                by_column = dict(zip(columns, values, strict=True))
                if cursor.execute(plan.exists_sql(),
                                  [by_column.get(c) for c in plan.key]).fetchone():
                    continue
            cursor.execute(_statement(table, columns), values)
            if cursor.rowcount == 1:
                _note_derived(table, row, touched)


@lru_cache(maxsize=256)
def _parents_first(tables: tuple[str, ...]) -> list[type[Model]]:
    return sort_models([MODELS_BY_TABLE[table] for table in tables])


def _note_derived(table: str, row: dict[str, Any], touched: Touched) -> None:
    if table == "lot":
        touched.lots.add(row["id"])
    elif table == "consumption":
        touched.lots.add(row["lot"])
    elif table == "coupon":
        touched.coupons.add(row["code"])
    elif table == "coupon_redemption":
        touched.coupons.add(row["coupon"])


def apply_coupon_cancel(payload: dict[str, Any], touched: Touched) -> None:
    code, at = payload["code"], dt.datetime.fromisoformat(payload["at"])
    (Coupon.update(canceled_at=at, canceled_by=payload.get("staff"))
     .where((Coupon.code == code) & Coupon.canceled_at.is_null()).execute())
    touched.coupons.add(code)


def apply_definitions(event: dict[str, Any], payload: dict[str, Any], touched: Touched) -> None:
    """An owner's or manager's definition changes, last writer wins by (hlc, device)."""

    version = f"{event['hlc']}/{event['device']}"
    at = dt.datetime.fromisoformat(payload["at"]) if payload.get("at") else None
    document = newer_only(payload["document"], version)
    if document:
        deactivations = deactivations_first(event, document)
        if deactivations:
            apply_document(deactivations, at=at, source="sync")
        apply_document(document, at=at, source="sync", version=version)


SPECIAL: dict[str, Callable[[dict[str, Any], Touched], None]] = {
    "coupon.cancel": apply_coupon_cancel,
}


def _apply_effect(event: dict[str, Any], touched: Touched, judge: _Judge) -> None:
    payload = json.loads(event["payload"])
    if not isinstance(payload, dict):
        raise PlaydeskError("payload must be an object")
    if judge.validating(event["device"]):
        check_event(event, payload, judge.role(event["device"]))
    check_canonical(event, payload)
    if event["type"] == "definitions":
        apply_definitions(event, payload, touched)
    elif event["type"] in SPECIAL:
        SPECIAL[event["type"]](payload, touched)
    elif "rows" in payload:
        apply_rows(payload["rows"], touched, event)
    else:
        # A type this version does not know: kept in the journal (a later version can replay
        # it), counted by the caller, and the origin goes on.
        raise UnknownType(event["type"])


class UnknownType(Exception):
    pass


class _Judge:
    """What the fact checks need of an event's origin, read once per batch (the device list
    changes only by a message of its own, never by an event being applied)."""

    def __init__(self) -> None:
        self.me = device_id()
        self.listed = database.execute_sql(
            "SELECT 1 FROM sync_device WHERE role IS NOT NULL LIMIT 1").fetchone() is not None
        self.roles: dict[str, str | None] = {}

    def validating(self, origin: str) -> bool:
        """Facts are checked against the origin's role once the site has a device list (a
        sync device always has one; without it nothing arrives but what a test or tool
        applies). A device's own events, given back after a restore, were checked by its own
        rules when they were made and the others applied them: refusing one (a lot it drew not
        here again yet) would leave this device without a fact every other device has."""
        return origin != self.me and self.listed

    def role(self, origin: str) -> str | None:
        if origin not in self.roles:
            row = database.execute_sql("SELECT role FROM sync_device WHERE device = ?",
                                       (origin,)).fetchone()
            self.roles[origin] = row[0] if row else None
        return self.roles[origin]


def busy(error: Exception) -> bool:
    """SQLite's busy timeout ran out: worth another try, nothing wrong with the event."""

    return isinstance(error, (OperationalError, sqlite3.OperationalError)) and any(
        word in str(error) for word in ("locked", "busy"))


class _Savepoint:
    """One event's savepoint inside the batch's transaction, in plain SQL (peewee's nested
    atomic costs ~40 µs an event; a catch-up applies 100,000)."""

    def __enter__(self) -> None:
        database.cursor().execute("SAVEPOINT apply_event")

    def __exit__(self, kind, error, traceback) -> bool:
        cursor = database.cursor()
        if kind is None:
            cursor.execute("RELEASE apply_event")
        elif database.connection().in_transaction:  # else SQLite ended it (a full disk)
            cursor.execute("ROLLBACK TO apply_event")
            cursor.execute("RELEASE apply_event")
        return False


def _effect(event: dict[str, Any], touched: Touched,
            on_unknown: Callable[[dict], None] | None, judge: _Judge, hold: bool = False) -> None:
    """Apply one event's effect in a savepoint: a refused effect leaves nothing behind but its
    conflict row, and never stops its origin. With `hold`, an effect that waits for another
    device's fact raises `Waiting` (nothing written) instead of being refused."""
    try:
        with _Savepoint():
            _apply_effect(event, touched, judge)
    except UnknownType:
        if on_unknown:
            on_unknown(event)
    except Waiting as error:
        if hold:
            raise
        reject(event, touched, error)
    except Exception as error:  # noqa: BLE001 - any failure refuses this one event
        if busy(error) or not database.connection().in_transaction:
            raise  # the batch's transaction is gone: nothing of it may be noted as done
        reject(event, touched, error)


def reject(event: dict[str, Any], touched: Touched, error: Exception) -> None:
    """Note a refused event (inside the write transaction that stores it)."""
    reason = (error.reason if isinstance(error, Rejected)
              else "refused" if isinstance(error, PlaydeskError) else "apply_failed")
    detail = str(error) or type(error).__name__
    touched.rejected.append((event["device"], event["seq"], reason, detail))
    collisions.note(event, "rejected", reason, detail)


# The highest HLC of an origin's earlier events: every event stored since this check has an HLC
# above all before it unless refused for not having one, so it is the latest event's not so
# refused (read backwards on the (device, seq) indexes, not a scan of the origin's journal).
_PREVIOUS_HLC = ("SELECT hlc FROM event e WHERE device = ? AND seq < ? AND NOT EXISTS ("
                 "SELECT 1 FROM sync_conflict c WHERE c.device = e.device AND c.seq = e.seq "
                 "AND c.reason = 'hlc_not_increasing') ORDER BY seq DESC LIMIT 1")


def _backdated(event: dict[str, Any], previous: str | None) -> Rejected | None:
    """Refused when the event's HLC is not after `previous`, the highest HLC of its origin's
    earlier events (a collision is decided by HLC: a backdated fact would win it)."""
    if previous is not None and event["hlc"] <= previous:
        return Rejected("hlc_not_increasing",
                        f"hlc {event['hlc']} is not after {previous}, its origin's previous event")
    return None


def check_canonical(event: dict[str, Any], payload: Any) -> None:
    """Rejected unless the payload text is what engine.journal writes for it: every device then
    reads a fact from the same text (finding a collision's holder must not depend on spacing)."""
    if local_journal.dumps(payload) != event["payload"]:
        raise Rejected("not_canonical", "the payload is not in the journal's canonical form "
                                        "(sorted keys, compact separators)")


def apply_effects(events: list[dict[str, Any]]) -> Touched:
    """The effects of events already in (or going into) the journal, e.g. this device's own
    events given back after a restore (call inside write())."""
    touched = Touched()
    judge = _Judge()
    for event in events:
        _effect(event, touched, None, judge)
    refresh_lots(touched.lots)
    refresh_coupons(touched.coupons)
    return touched


def apply_batch(events: list[dict[str, Any]], on_unknown: Callable[[dict], None] | None = None,
                ) -> Touched:
    """Apply events (each origin's in seq order, contiguous after its applied seq) atomically.

    An event refused by the rules, by a collision it lost, or by an error of its own effect is
    stored and skipped, reported in `touched.rejected` and kept as a conflict; only a busy
    database (or a failure outside the effects) aborts the batch.
    """
    touched = Touched()
    if not events:
        return touched
    with write():
        applied = applied_seqs()
        judge = _Judge()
        latest = None
        previous: dict[str, str | None] = {}  # origin -> highest HLC of its events so far
        for event in events:
            origin, seq = event["device"], event["seq"]
            if seq != applied.get(origin, 0) + 1:
                continue  # already applied (or not next): idempotent
            if origin not in previous:
                found = database.execute_sql(_PREVIOUS_HLC, (origin, seq)).fetchone()
                previous[origin] = found[0] if found else None
            refused = _backdated(event, previous[origin])
            if refused is not None:
                reject(event, touched, refused)
            else:
                try:
                    _effect(event, touched, on_unknown, judge, hold=True)
                except Waiting as error:
                    # judged when the fact it names is here (validate.py): until then it and
                    # its origin's later events wait, as behind a gap
                    touched.waiting.append((origin, seq, str(error)))
                    continue
            previous[origin] = max(filter(None, (previous[origin], event["hlc"])))
            database.execute_sql(_INSERT_EVENT, (origin, seq, event["hlc"], event["type"],
                                                 event["payload"], event.get("sig")))
            applied[origin] = seq
            touched.applied[origin] = seq
            stamp = hlc.Timestamp.decode(event["hlc"])
            latest = stamp if latest is None or stamp > latest else latest
        for origin, seq in touched.applied.items():
            SyncOrigin.insert(device=origin, applied_seq=seq).on_conflict(
                conflict_target=[SyncOrigin.device],
                update={SyncOrigin.applied_seq: seq}).execute()
        refresh_lots(touched.lots)
        refresh_coupons(touched.coupons)
        if latest is not None:
            receive_clock(latest)
    return touched


def refuse_events(events: list[dict[str, Any]], reason: str) -> Touched:
    """Store events without their effect, as refused (`reason`), advancing their origins:
    for an event whose applying fails again and again outside its effect, so that it never
    holds back its origin's later events."""
    touched = Touched()
    with write():
        applied = applied_seqs()
        for event in events:
            origin, seq = event["device"], event["seq"]
            if seq != applied.get(origin, 0) + 1:
                continue
            reject(event, touched, PlaydeskError(reason))
            database.execute_sql(_INSERT_EVENT, (origin, seq, event["hlc"], event["type"],
                                                 event["payload"], event.get("sig")))
            applied[origin] = touched.applied[origin] = seq
        for origin, seq in touched.applied.items():
            SyncOrigin.insert(device=origin, applied_seq=seq).on_conflict(
                conflict_target=[SyncOrigin.device],
                update={SyncOrigin.applied_seq: seq}).execute()
    return touched


def receive_clock(remote: hlc.Timestamp) -> None:
    """This device's clock moved past `remote` (inside a write transaction)."""
    stored = localstate.get(localstate.HLC)
    last = hlc.Timestamp.decode(stored) if stored else None
    localstate.put(localstate.HLC, hlc.receive(last, remote).encode())
