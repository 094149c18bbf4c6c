"""Consumption: drawing minutes or money from a member's usable lots, in the consumption order.

Usable lots are active, not expired at t, with remaining > 0, and device compatible (lot device
`any` or equal to the requested device; a request for `any` uses only `any` lots). Every draw is a
consumption record; the lot's remaining/status are then recomputed from the records
(engine/derived.py), never edited.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from engine import journal
from engine.db import write
from engine.derived import refresh_lots
from engine.entitlements.lots import check_device, check_kind
from engine.errors import PlaydeskError
from engine.ids import device_id, next_id
from engine.models import Consumption, Lot, Setting

ORDERS = ("expiry_first", "bonus_first", "paid_first")
DEFAULT_ORDER = "expiry_first"
FAR_FUTURE = dt.datetime.max


@dataclass
class ConsumeResult:
    consumed: int
    shortfall: int
    draws: list[tuple[str, int]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"consumed": self.consumed, "shortfall": self.shortfall,
                "draws": [{"lot": lot_id, "amount": amount} for lot_id, amount in self.draws]}


def consumption_order() -> str:
    """The site's setting `consumption_order` (a JSON string), default expiry_first."""
    row = Setting.get_or_none(Setting.key == "consumption_order")
    if row is None:
        return DEFAULT_ORDER
    try:
        value = json.loads(row.value)
    except ValueError:
        value = row.value
    if value not in ORDERS:
        raise PlaydeskError(f"setting consumption_order must be one of {', '.join(ORDERS)}, "
                            f"not {value!r}")
    return value


def id_key(lot_id: str) -> tuple[str, int]:
    """Ids are "<device>-L<n>": compare the number as a number, so L9 comes before L10."""
    match = re.match(r"^(.*?)(\d+)$", lot_id)
    return (match.group(1), int(match.group(2))) if match else (lot_id, 0)


def _expiry_rule(lot: Lot) -> tuple:
    # earliest expiry first, lots without expiry last, then bonus before other types
    return (lot.expires_at is None, lot.expires_at or FAR_FUTURE, lot.type != "bonus")


def order_key(order: str) -> Callable[[Lot], tuple]:
    """The sort key of a consumption order (entitlements.md)."""
    def key(lot: Lot) -> tuple:
        tail = (*_expiry_rule(lot), lot.created_at, id_key(lot.id))
        if order == "bonus_first":
            return (lot.type != "bonus", *tail)
        if order == "paid_first":
            return (lot.type != "paid", *tail)
        return tail
    return key


def usable_lots(member: str, kind: str, device: str | None, at: dt.datetime,
                order: str | None = None) -> list[Lot]:
    """The lots a request may draw from, in the consumption order.

    `device` None means every device (a manager's correction), else the compatibility rule.
    """
    query = Lot.select().where(
        (Lot.member == member) & (Lot.kind == kind) & (Lot.status == "active")
        & (Lot.remaining > 0) & (Lot.expires_at.is_null() | (Lot.expires_at > at)))
    if device == "any":
        query = query.where(Lot.device == "any")
    elif device is not None:
        query = query.where(Lot.device.in_(["any", device]))
    return sorted(query, key=order_key(order or consumption_order()))


def plan(lots: Iterable[Lot], amount: int) -> list[tuple[Lot, int]]:
    """Take `amount` from the lots in order; what the lots cannot cover is left untaken."""
    draws: list[tuple[Lot, int]] = []
    left = amount
    for lot in lots:
        if left <= 0:
            break
        take = min(lot.remaining, left)
        draws.append((lot, take))
        left -= take
    return draws


def record(member: str, draws: Iterable[tuple[str, int]], at: dt.datetime,
           reference: str | None, kind: str = "use", origin: str | None = None,
           ) -> list[Consumption]:
    """Insert one consumption record per draw and recompute those lots (inside write())."""
    origin = origin or device_id()
    records = [Consumption.create(id=next_id("C"), lot=lot_id, member=member, kind=kind,
                                  amount=amount, reference=reference, at=at, device=origin)
               for lot_id, amount in draws]
    refresh_lots(lot_id for lot_id, _ in draws)
    return records


def draw_and_record(member: str, kind: str, amount: int, device: str | None, at: dt.datetime,
                    reference: str | None = None, partial: bool = False,
                    consumption_kind: str = "use",
                    shortage_message: str = "insufficient balance", origin: str | None = None,
                    ) -> tuple[list[tuple[str, int]], list[Consumption]]:
    """Plan and record the draws (inside write()); raises before writing when short."""
    draws = plan(usable_lots(member, kind, device, at), amount)
    taken = sum(n for _, n in draws)
    if taken < amount and not partial:
        raise PlaydeskError(f"{shortage_message}: {member} has {taken} usable {kind}, "
                            f"{amount} needed")
    pairs = [(lot.id, n) for lot, n in draws]
    return pairs, record(member, pairs, at, reference, consumption_kind, origin)


def consume(member: str, kind: str, amount: int, device: str, at: dt.datetime,
            reference: str | None = None, partial: bool = False) -> ConsumeResult:
    """Draw `amount` of `kind` for a session or a wallet payment (one transaction).

    Without `partial`, a request the usable lots cannot cover fails with "insufficient balance"
    and writes nothing; with it, what there is is taken and the rest reported as shortfall.
    """
    from engine.entitlements.people import existing_member

    check_kind(kind)
    check_device(device)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise PlaydeskError("amount must be a positive whole number")
    existing_member(member)
    with write():
        draws, records = draw_and_record(member, kind, amount, device, at, reference, partial)
        if records:
            journal.append_rows("consume", *records)
    consumed = sum(n for _, n in draws)
    return ConsumeResult(consumed=consumed, shortfall=amount - consumed, draws=draws)
