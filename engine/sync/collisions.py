"""Facts that collide: two devices each recorded a fact only one of may exist — the same
purchase refunded twice (`refund.purchase`), one order completed twice (`purchase.key`,
`order_completion.order`), one coupon code made twice (`coupon.code`), one receipt line refunded
twice (`receipt_refund_line.(receipt, line_no)`). Every UNIQUE of a fact table other than an id
in its origin's namespace is listed in `COLLISION_KEYS` (tests/test_sync_collisions.py checks
that none is missed).

The rule, the same on every device whatever the arrival order: the fact of the earlier event by
`(hlc, device)` wins — except that a kiosk's fact never beats a counter's or the owner's. A kiosk
is a Pi in a public room whose key may be stolen, and an HLC is what its origin says: an origin's
HLCs must increase (engine/sync/apply.py refuses a backdated event), but a kiosk stamping its
whole journal early could still claim to precede a sale staff made at the counter. The roles come
from the signed device list, the same on every device, so the rank `(kiosk?, hlc, device)` is too. The loser is kept as a conflict (`sync_conflict`, shown by `playdesk
conflicts`): its rows are not in the fact tables (when it was applied first, here or on its own
device, they are taken out again), except its lots, which stay as void lots (`void_lot`: worth
nothing, so a draw already made from one is an overdraw, engine/derived.py). So every device
ends with the same winner, the same rows and the same conflicts. An order completion whose
purchase lost (or was refused) loses with it. For purchases, refunds, receipt refunds and order
completions the whole event is the fact; for other events (a sale that issued a coupon) only the
colliding rows.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from engine.db import database
from engine.models.conflicts import SyncConflict, VoidLot
from engine.models.sync import SyncDevice

COLLISION_KEYS: dict[str, tuple[str, ...]] = {
    "purchase": ("key",), "refund": ("purchase",), "order_completion": ("order",),
    "coupon": ("code",), "pending_order": ("code",),
    "receipt_refund_line": ("receipt", "line_no"), "session_bill": ("session",),
    "session_minute": ("session", "minute"),  # a minute is charged once per site
    "guest_ticket": ("member",)}  # two devices naming one ticket code: the earlier keeps it
# The column that names a row (what says two colliding rows are one and the same fact).
IDENTITY = {"purchase": "id", "refund": "id", "order_completion": "purchase", "coupon": "device",
            "pending_order": "device", "receipt_refund_line": "refund_id",
            "session_bill": "receipt", "session_minute": "id", "guest_ticket": "id"}
# Rows without a device column of their own: their parent (table, linking column) names it.
CARRIED_BY = {"receipt_refund_line": ("receipt_refund", "refund_id")}
# a charged minute loses with its draws (and its warning): the lots get the money back
WHOLE_EVENT_TYPES = {"purchase", "refund", "order.complete", "sale.refund", "session.charge"}

Rows = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Holder:
    """The event that brought a row which is here."""

    device: str
    seq: int
    hlc: str
    type: str
    payload: str

    def order(self) -> tuple[bool, str, str]:
        return rank(self.hlc, self.device)


def rank(stamp: str, device: str) -> tuple[bool, str, str]:
    """What decides a collision: the lower wins (a kiosk's fact after every other role's)."""
    role = SyncDevice.select(SyncDevice.role).where(SyncDevice.device == device).scalar()
    return (role == "kiosk", stamp, device)


def holds(payload: str, table: str, column: str, row: dict[str, Any], identity: str) -> bool:
    """Whether an event's payload carries `row` (same `column` and `identity`), by parsing it:
    a text search would depend on how the payload was formatted."""
    try:
        rows = json.loads(payload).get("rows", {})
    except (ValueError, AttributeError):
        return False
    candidates = rows.get(table) if isinstance(rows, dict) else None
    if not isinstance(candidates, list):
        return False
    return any(isinstance(r, dict) and r.get(column) == row[column]
               and r.get(identity) == row.get(identity) for r in candidates)


def _existing(table: str, columns: tuple[str, ...] | str,
              values: tuple[Any, ...] | Any) -> dict[str, Any] | None:
    if isinstance(columns, str):
        columns, values = (columns,), (values,)
    terms = " AND ".join(f'"{c}" = ?' for c in columns)
    cursor = database.execute_sql(f'SELECT * FROM "{table}" WHERE {terms}', tuple(values))
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def _holder(table: str, column: str, row: dict[str, Any],
            identity: str | None = None) -> Holder | None:
    """The event (of the row's device) whose rows hold `row`; None when it came otherwise
    (e.g. an imported coupon from the site file)."""
    if table in CARRIED_BY:  # the event that carries its parent (older events lack `column`)
        parent_table, link = CARRIED_BY[table]
        parent = _existing(parent_table, "id", row.get(link))
        return None if parent is None else _holder(parent_table, "id", parent, "id")
    device = row.get("device")
    if device is None:
        return None
    identity = identity or IDENTITY[table]
    # The value's own text narrows the search (however the payload is spaced); parsing decides.
    value = row[column]
    needles = (json.dumps(value), json.dumps(value, ensure_ascii=False))
    for seq, stamp, kind, payload in database.execute_sql(
            "SELECT seq, hlc, type, payload FROM event WHERE device = ? "
            "AND (instr(payload, ?) > 0 OR instr(payload, ?) > 0) ORDER BY seq",
            (device, *needles)):
        if holds(payload, table, column, row, identity):
            return Holder(device, seq, stamp, kind, payload)
    return None


def _complete(rows: Rows) -> None:
    """Receipt refund lines of events before the `receipt` column name their refund only: the
    refund in the same event says the receipt (so they collide like newer ones)."""
    receipts = {r.get("id"): r.get("receipt") for r in rows.get("receipt_refund", [])}
    for line in rows.get("receipt_refund_line", []):
        if line.get("receipt") is None and receipts.get(line.get("refund_id")) is not None:
            line["receipt"] = receipts[line["refund_id"]]


def lost_rows(event_type: str, rows: Rows, colliding: set[str]) -> Rows:
    """The rows that go with the fact that lost."""
    if event_type in WHOLE_EVENT_TYPES:
        return rows
    return {table: table_rows for table, table_rows in rows.items() if table in colliding}


def resolve(event: dict[str, Any], rows: Rows, touched) -> tuple[str, str, set[str]] | None:
    """Settle `event`'s collisions with facts here before its rows go in. When it loses:
    (reason, key, colliding tables); else None, after taking out every fact it beats."""
    mine: tuple[bool, str, str] | None = None  # looked up only when something collides
    _complete(rows)
    for row in rows.get("order_completion", []):
        if not database.execute_sql("SELECT 1 FROM purchase WHERE id = ?",
                                    (row.get("purchase"),)).fetchone():
            return ("order_completion.purchase", f"order_completion.order={row.get('order')}",
                    {"order_completion"})
    beaten: dict[tuple[str, int], tuple[Holder, str, set[str]]] = {}
    for table, columns in COLLISION_KEYS.items():
        for row in rows.get(table, []):
            values = tuple(row.get(column) for column in columns)
            if None in values:
                continue
            existing = _existing(table, columns, values)
            if existing is None or existing.get(IDENTITY[table]) == row.get(IDENTITY[table]):
                continue  # not here yet, or this very fact again
            reason = f"{table}.{','.join(columns)}"
            key = f"{reason}={','.join(str(v) for v in values)}"
            holder = _holder(table, columns[0], existing)
            mine = mine or rank(event["hlc"], event["device"])
            if holder is None or holder.order() < mine:
                return reason, key, {table}
            known = beaten.get((holder.device, holder.seq))
            beaten[(holder.device, holder.seq)] = (
                holder, known[1] if known else key, (known[2] if known else set()) | {table})
    for holder, key, tables in beaten.values():
        supersede(holder, key.split("=", 1)[0], key, tables, touched)
    return None


def note(event: dict[str, Any], kind: str, reason: str, detail: str,
         key: str | None = None) -> None:
    """Keep the conflict (once per event: applying it again after a restore changes nothing)."""
    SyncConflict.insert(kind=kind, device=event["device"], seq=event["seq"], hlc=event["hlc"],
                        type=event["type"], reason=reason, detail=detail[:500], key=key,
                        noted_at=dt.datetime.now()).on_conflict_ignore().execute()


def void_lots(device: str, seq: int, rows: Rows, touched) -> None:
    for lot in rows.get("lot", []):
        VoidLot.insert(lot=lot["id"], device=device, seq=seq).on_conflict_ignore().execute()
        touched.lots.add(lot["id"])


def supersede(holder: Holder, reason: str, key: str, tables: set[str], touched) -> None:
    """Take out a fact applied before (here or on its own device) that lost its collision."""
    # engine.sync.apply settles collisions through this module: imported here, not at the top
    from engine.sync.apply import _note_derived, _table_plan

    rows = json.loads(holder.payload).get("rows", {})
    lost = lost_rows(holder.type, rows, tables)
    event = {"device": holder.device, "seq": holder.seq, "hlc": holder.hlc, "type": holder.type}
    note(event, "collision", reason, f"{key}: an earlier fact holds it", key)
    void_lots(holder.device, holder.seq, lost, touched)
    for table, table_rows in lost.items():
        if table == "lot":
            continue
        plan = _table_plan(table)
        terms = " AND ".join(f'"{c}" = ?' for c in plan.key)
        for row in table_rows:
            database.execute_sql(f'DELETE FROM "{table}" WHERE {terms}',
                                 [row.get(c) for c in plan.key])
            _note_derived(table, row, touched)
    purchases = [row["id"] for row in lost.get("purchase", [])]
    for purchase in purchases:  # its order completion goes with it
        completion = _existing("order_completion", "purchase", purchase)
        if completion is not None:
            follower = _holder("order_completion", "order", completion)
            if follower is not None:
                supersede(follower, "order_completion.purchase",
                          f"order_completion.order={completion['order']}",
                          {"order_completion"}, touched)
