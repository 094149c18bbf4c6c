"""The order in which a spend draws on a member's lots (the site's `consumption_order`), and the
lots a request may use (entitlements.md "Consumption"): what an operation draws and what the
authority reserves are planned by the same two functions."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from engine.db import database
from engine.errors import N_, PlaydeskError

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
        raise PlaydeskError(N_("setting consumption_order must be one of {orders}, "
                               "not {value!r}"), orders=", ".join(ORDERS), value=value)
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
SELECT id, remaining, device FROM lot
WHERE member = ? AND kind = ? AND status = 'active' AND remaining > 0
  AND (expires_at IS NULL OR expires_at > ?) {device}
ORDER BY {order}
"""
DEVICE_FILTER = {"any": "AND device = 'any'", "one": "AND device IN ('any', ?)", "all": ""}


@dataclass(frozen=True)
class Usable:
    id: str
    remaining: int
    device: str = "any"


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
    for lot_id, remaining, lot_device in database.execute_sql(sql, params):
        lots.append(Usable(lot_id, remaining, lot_device))
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


def plan_capped(lots: Iterable[Usable], amount: int, caps: Mapping[str, int]
                ) -> list[tuple[str, int]]:
    """A wallet payment on a receipt (entitlements.md): lots restricted to a device pay at most
    `caps[device]` (the net of the receipt's lines of that device), unrestricted lots the rest.

    The restricted lots are taken first, each device's in the consumption order: their money
    can pay only those lines, so spending it there keeps the member's unrestricted money free
    for everything else (and a payment the two together can cover is never refused because
    unrestricted money was used up on lines the restricted money could have paid). Lots of a
    device without a cap are not used at all."""
    ordered = list(lots)
    left = dict(caps)
    draws: list[tuple[str, int]] = []
    wanted = amount
    for lot in ordered:
        if wanted <= 0:
            break
        if lot.device == "any" or left.get(lot.device, 0) <= 0:
            continue
        take = min(lot.remaining, wanted, left[lot.device])
        draws.append((lot.id, take))
        left[lot.device] -= take
        wanted -= take
    if wanted > 0:
        draws += plan((lot for lot in ordered if lot.device == "any"), wanted)
    return draws


def spendable_capped(lots: Iterable[Usable], caps: Mapping[str, int]) -> int:
    """How much `plan_capped` can take from these lots at most."""
    by_device: dict[str, int] = {}
    for lot in lots:
        by_device[lot.device] = by_device.get(lot.device, 0) + lot.remaining
    return by_device.pop("any", 0) + sum(min(total, max(caps.get(device, 0), 0))
                                         for device, total in by_device.items())


_RESOURCE_DEVICES = "SELECT code, device FROM resource WHERE code IN ({marks})"


def device_caps(lines: Iterable[tuple[str | None, int]]) -> dict[str, int]:
    """What lots restricted to a device may pay on a receipt of `lines` = [(resource, net)]
    (entitlements.md): per device, the net of the lines whose resource has that device."""
    nets: dict[str, int] = {}
    for resource, net in lines:
        if resource is not None and net > 0:
            nets[resource] = nets.get(resource, 0) + net
    caps: dict[str, int] = {}
    if not nets:
        return caps
    marks = ", ".join("?" * len(nets))
    for code, device in database.execute_sql(_RESOURCE_DEVICES.format(marks=marks), list(nets)):
        if device != "any":
            caps[device] = caps.get(device, 0) + nets[code]
    return caps
