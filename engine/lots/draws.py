"""The order in which a spend draws on a member's lots (the site's `consumption_order`), and the
lots a request may use (entitlements.md "Consumption"): what an operation draws and what the
authority reserves are planned by the same two functions."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from engine.db import database
from engine.errors import PlaydeskError

ORDERS = ("expiry_first", "bonus_first", "paid_first")
DEFAULT_ORDER = "expiry_first"

_ORDER_SETTING = "SELECT value FROM setting WHERE key = 'consumption_order'"


def consumption_order() -> str:
    """The site's setting `consumption_order` (a JSON string), default expiry_first."""
    row = database.execute_sql(_ORDER_SETTING).fetchone()
    if row is None:
        return DEFAULT_ORDER
    try:
        value = json.loads(row[0])
    except ValueError:
        value = row[0]
    if value not in ORDERS:
        raise PlaydeskError(f"setting consumption_order must be one of {', '.join(ORDERS)}, "
                            f"not {value!r}")
    return value


def id_key(lot_id: str) -> tuple[str, int]:
    """Ids are "<device>-L<n>": compare the number as a number, so L9 comes before L10."""
    match = re.match(r"^(.*?)(\d+)$", lot_id)
    return (match.group(1), int(match.group(2))) if match else (lot_id, 0)


# The consumption order: earliest expiry first (none last), bonus before other types, oldest
# first, lowest id (shorter ids first, so L9 before L10); `bonus_first` and `paid_first` put
# that type in front of it all.
_ORDER_TAIL = "expires_at IS NULL, expires_at, type <> 'bonus', created_at, LENGTH(id), id"
ORDER_BY = {
    "expiry_first": _ORDER_TAIL,
    "bonus_first": f"type <> 'bonus', {_ORDER_TAIL}",
    "paid_first": f"type <> 'paid', {_ORDER_TAIL}",
}
# Usable: active, something left, not expired at t; over the lot(member, kind, status) index.
# Plain SQL read straight from the cursor: a session must not wait for peewee building the
# statement or model instances.
_USABLE = """
SELECT id, remaining FROM lot
WHERE member = ? AND kind = ? AND status = 'active' AND remaining > 0
  AND (expires_at IS NULL OR expires_at > ?) {device}
ORDER BY {order}
"""
DEVICE_FILTER = {"any": "AND device = 'any'", "one": "AND device IN ('any', ?)", "all": ""}


@dataclass(frozen=True)
class Usable:
    id: str
    remaining: int


def usable_lots(member: str, kind: str, device: str | None, at: dt.datetime,
                order: str | None = None, needed: int | None = None) -> list[Usable]:
    """The lots a request may draw from, in the consumption order (only as many as cover
    `needed`, when given).

    `device` None means every device (a manager's correction), else the compatibility rule:
    lots of device `any` or the requested one (a request for `any` uses only `any` lots).
    """
    params: list = [member, kind, at]
    if device is None:
        device_filter = DEVICE_FILTER["all"]
    elif device == "any":
        device_filter = DEVICE_FILTER["any"]
    else:
        device_filter, params = DEVICE_FILTER["one"], [*params, device]
    sql = _USABLE.format(device=device_filter, order=ORDER_BY[order or consumption_order()])
    lots, covered = [], 0
    for lot_id, remaining in database.execute_sql(sql, params):
        lots.append(Usable(lot_id, remaining))
        covered += remaining
        if needed is not None and covered >= needed:
            break
    return lots


def plan(lots: Iterable[Usable], amount: int) -> list[tuple[str, int]]:
    """Take `amount` from the lots in order; what the lots cannot cover is left untaken."""
    draws: list[tuple[str, int]] = []
    left = amount
    for lot in lots:
        if left <= 0:
            break
        take = min(lot.remaining, left)
        draws.append((lot.id, take))
        left -= take
    return draws
