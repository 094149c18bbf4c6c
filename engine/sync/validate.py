"""Is another device's fact true by the rules? Checked on apply, before any row is written
(issue 14: a signature says who sent a fact, not that it is true; a kiosk is a Pi in a public
room and its key may be stolen).

A fact event is refused (`Rejected`) when:

- its origin's role may not emit its type or rows (a kiosk: purchases, consumption and
  pay-at-counter orders only; definitions and lots of other kinds only from owner and counter);
- a row's id is not in the origin's namespace (`<origin>-…`), a child row's parent is not, or a
  row's `device`/`origin` names another device;
- an amount is not a whole number, is negative, or a lot's total or a draw is not positive;
- a `paid`/`bonus` lot does not come with its purchase in the same event, the purchase is not of a
  package the site has, the lots are not that package's, or (no receipt, no order) the price is
  not the package's price and the payment does not pay it;
- a `refund` lot is not the refund's own lot of that amount; a manual or correction lot (or a
  correction draw) comes from a kiosk;
- a draw takes more than its lot holds in total, from another member's lot, or from a lot of the
  origin that does not exist (its own earlier events are applied before, so it must be here).

References to other devices' facts are checked when they are here; when not (yet), they are
accepted, since whether they are here depends on arrival order and the verdict must not: the
derived values (engine/derived.py) stay truthful whatever arrives later. A refused event is
stored, counted and kept as a conflict (engine/sync/apply.py); its origin's next events apply.
"""

from __future__ import annotations

from typing import Any

from engine.db import database
from engine.money import MAX_AMOUNT

# A kiosk sells packages, spends credit and takes pay-at-counter orders; it also releases an
# authority grant it will not use.
KIOSK_TYPES = {"purchase", "consume", "order.create", "strict.release"}
KIOSK_TABLES = {"purchase", "lot", "payment", "consumption", "pending_order", "strict_release"}
STAFF_ROLES = {"owner", "counter"}

# The id of each row is "<origin>-<prefix><n>" (engine/ids.py).
NAMESPACED_IDS = {"purchase", "lot", "consumption", "refund", "receipt", "receipt_line", "payment",
                  "entry", "coupon_redemption", "shift", "receipt_void", "receipt_refund"}
# Child rows: their parent (named by this column) is one of the origin's own rows.
NAMESPACED_PARENTS = {"receipt_line": "receipt_id", "line_reduction": "line_id",
                      "entry_allocation": "entry_id", "receipt_refund_line": "refund_id",
                      "receipt_refund_payment": "refund_id", "shift_close": "shift"}
# The column naming the device that made the row.
DEVICE_COLUMNS = {"lot": "origin"}
# Money and minutes that can never be negative.
NON_NEGATIVE = {
    "purchase": ("price", "commission"), "consumption": ("amount",), "refund": ("amount",),
    "payment": ("amount", "commission", "tendered"),
    "receipt": ("subtotal", "discount", "total", "paid", "change"),
    "pending_order": ("price",), "receipt_refund": ("amount",),
    "receipt_refund_line": ("amount",), "receipt_refund_payment": ("amount",),
}
LOT_TYPES = {"money": {"paid", "bonus", "manual", "correction", "migration", "reversed_refund",
                       "refund"}, "minutes": {"paid", "bonus", "manual"}}
CONSUMPTION_KINDS = {"use", "refund", "correction"}


class Rejected(Exception):
    """A fact false by the rules: `reason` is a short code, the message says what."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_AMOUNT


def check_event(event: dict[str, Any], payload: dict[str, Any], role: str | None) -> None:
    """Raise `Rejected` unless the event's facts are true by the rules (see the module)."""
    origin, kind = event["device"], event["type"]
    if role == "kiosk" and kind not in KIOSK_TYPES:
        raise Rejected("forbidden_type", f"a kiosk may not send {kind} events")
    if role not in STAFF_ROLES and role != "kiosk":
        raise Rejected("unknown_device", f"{origin} has no role in the device list")
    rows = payload.get("rows")
    if rows is None:
        return
    if role == "kiosk":
        refused = sorted(set(rows) - KIOSK_TABLES)
        if refused:
            raise Rejected("forbidden_rows", f"a kiosk may not send rows of {', '.join(refused)}")
    for table, table_rows in rows.items():
        for row in table_rows:
            _check_row(origin, table, row)
    _check_lots(origin, role, rows)
    _check_refund_lines(rows)
    _check_purchases(role, rows)
    _check_consumption(origin, role, kind, rows)


def _check_row(origin: str, table: str, row: dict[str, Any]) -> None:
    prefix = f"{origin}-"
    if table in NAMESPACED_IDS and not str(row.get("id", "")).startswith(prefix):
        raise Rejected("id_namespace", f"{table} {row.get('id')!r} is not an id of {origin}")
    parent = NAMESPACED_PARENTS.get(table)
    if parent and not str(row.get(parent, "")).startswith(prefix):
        raise Rejected("id_namespace", f"{table} of {row.get(parent)!r}: not a row of {origin}")
    column = DEVICE_COLUMNS.get(table, "device")
    if column in row and row[column] != origin and not (table == "coupon" and row[column] is None):
        raise Rejected("wrong_device", f"{table} {row.get('id')!r} says it was made by "
                                       f"{row[column]!r}, not {origin}")
    for name in NON_NEGATIVE.get(table, ()):
        value = row.get(name)
        if value is None and name == "tendered":
            continue
        if not _whole(value) or value < 0:
            raise Rejected("bad_amount", f"{table} {row.get('id')!r}: {name} {value!r} is not "
                                         "a whole amount of at least 0")


def _by_id(rows: dict[str, list[dict[str, Any]]], table: str) -> dict[Any, dict[str, Any]]:
    return {row.get("id"): row for row in rows.get(table, [])}


def _stored(table: str, key: Any, columns: str) -> tuple | None:
    return database.execute_sql(f'SELECT {columns} FROM "{table}" WHERE id = ?',
                                (key,)).fetchone()


def _check_refund_lines(rows: dict[str, list[dict[str, Any]]]) -> None:
    """A refunded line names its refund's receipt (the collision key of engine/sync/collisions.py:
    another receipt's line would block that receipt's refunds)."""
    receipts = {r.get("id"): r.get("receipt") for r in rows.get("receipt_refund", [])}
    for line in rows.get("receipt_refund_line", []):
        refund, receipt = line.get("refund_id"), line.get("receipt")
        if receipt is None:
            continue  # an older release's line: its refund names the receipt
        stored = receipts.get(refund) or (_stored("receipt_refund", refund, "receipt") or [None])[0]
        if receipt != stored:
            raise Rejected("wrong_receipt", f"a line of refund {refund!r} names receipt "
                                            f"{receipt!r}, its refund {stored!r}")


def _check_lots(origin: str, role: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    purchases = _by_id(rows, "purchase")
    refund_lots = {r.get("lot"): r.get("amount") for r in rows.get("refund", []) if r.get("lot")}
    refund_lots.update({r.get("lot"): r.get("amount")
                        for r in rows.get("receipt_refund_payment", []) if r.get("lot")})
    for lot in rows.get("lot", []):
        name, lot_type, total = lot.get("id"), lot.get("type"), lot.get("total")
        if not _whole(total) or total <= 0:
            raise Rejected("bad_amount", f"lot {name!r}: total {total!r} is not positive")
        if lot_type not in LOT_TYPES.get(lot.get("kind"), ()):
            raise Rejected("bad_lot", f"lot {name!r}: no {lot.get('kind')!r} lot of type "
                                      f"{lot_type!r}")
        if lot_type in ("paid", "bonus"):
            if lot.get("purchase") not in purchases:
                raise Rejected("lot_without_purchase",
                               f"{lot_type} lot {name!r} without its purchase")
        elif lot_type == "refund":
            if refund_lots.get(name) != total:
                raise Rejected("lot_without_refund",
                               f"refund lot {name!r} of {total} is not a refund's lot")
        elif role not in STAFF_ROLES:
            raise Rejected("forbidden_lot", f"a {lot_type} lot ({name!r}) only from a counter "
                                            "or owner device")


_PACKAGE = ("SELECT p.package_type, p.base, p.bonus_type, p.bonus, p.price FROM package p "
            "JOIN campaign c ON c.id = p.campaign_id WHERE c.code = ? AND p.code = ?")
_ORDER_PRICE = "SELECT price FROM pending_order WHERE code = ?"


def _check_purchases(role: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    lots = rows.get("lot", [])
    for purchase in rows.get("purchase", []):
        name = purchase.get("id")
        package = database.execute_sql(_PACKAGE, (purchase.get("campaign"),
                                                  purchase.get("package"))).fetchone()
        if package is None:
            raise Rejected("unknown_package", f"purchase {name!r} of unknown package "
                                              f"{purchase.get('campaign')}/{purchase.get('package')}")
        package_type, base, bonus_type, bonus, price = package
        expected = sorted([("paid", package_type, base)]
                          + ([("bonus", bonus_type, bonus)] if bonus_type != "none" and bonus
                             else []))
        made = sorted((lot.get("type"), lot.get("kind"), lot.get("total")) for lot in lots
                      if lot.get("purchase") == name)
        if made != expected:
            raise Rejected("bad_lot", f"purchase {name!r}: its lots {made} are not the "
                                      f"package's {expected}")
        receipt, key = purchase.get("receipt"), purchase.get("key") or ""
        if role == "kiosk" and receipt is not None:
            raise Rejected("forbidden_rows", f"a kiosk's purchase {name!r} names a receipt")
        if receipt is not None:
            continue  # the receipt's own event pays the line (a counter checkout)
        if key.startswith("ORD") and role != "kiosk":
            order = database.execute_sql(_ORDER_PRICE, (key[3:],)).fetchone()
            price = order[0] if order else purchase.get("price")
        if purchase.get("price") != price:
            raise Rejected("wrong_price", f"purchase {name!r} at {purchase.get('price')!r}, "
                                          f"the package costs {price}")
        _check_paid(purchase, rows)


def _check_paid(purchase: dict[str, Any], rows: dict[str, list[dict[str, Any]]]) -> None:
    name, price, method = purchase.get("id"), purchase.get("price"), purchase.get("payment")
    if method == "wallet":
        paid = sum(c.get("amount") or 0 for c in rows.get("consumption", [])
                   if c.get("reference") == name and c.get("kind") == "use")
    else:
        paid = sum(p.get("amount") or 0 for p in rows.get("payment", [])
                   if p.get("purchase") == name and p.get("method") == method)
    if paid != price:
        raise Rejected("unpaid", f"purchase {name!r} of {price} paid {paid} by {method!r}")


def _check_consumption(origin: str, role: str, kind: str,
                       rows: dict[str, list[dict[str, Any]]]) -> None:
    lots = _by_id(rows, "lot")
    for record in rows.get("consumption", []):
        name, amount, draw = record.get("id"), record.get("amount"), record.get("kind")
        if draw not in CONSUMPTION_KINDS:
            raise Rejected("bad_consumption", f"consumption {name!r} of kind {draw!r}")
        if draw != "refund" and amount == 0:
            raise Rejected("bad_amount", f"consumption {name!r} draws nothing")
        if draw == "refund" and "refund" not in rows:
            raise Rejected("bad_consumption", f"refund draw {name!r} without its refund")
        if draw == "correction" and role not in STAFF_ROLES:
            raise Rejected("forbidden_lot", f"correction {name!r} only from a staff device")
        lot = _lot(record.get("lot"), lots)
        if lot is None:
            if str(record.get("lot", "")).startswith(f"{origin}-"):
                raise Rejected("unknown_reference", f"consumption {name!r} of {origin}'s lot "
                                                    f"{record.get('lot')!r}, which it never made")
            continue  # another device's lot not here yet: judged by derived values later
        member, total = lot
        if record.get("member") != member:
            raise Rejected("wrong_member", f"consumption {name!r} for {record.get('member')!r} "
                                           f"from {member}'s lot {record.get('lot')}")
        if amount > total:
            raise Rejected("overdraw", f"consumption {name!r} takes {amount} from lot "
                                       f"{record.get('lot')} of {total}")


def _lot(name: Any, lots: dict[Any, dict[str, Any]]) -> tuple[str, int] | None:
    if name in lots:
        return lots[name].get("member"), lots[name].get("total")
    stored = _stored("lot", name, "member, total")
    return (stored[0], stored[1]) if stored else None

