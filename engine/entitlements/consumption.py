"""Consumption: drawing minutes or money from a member's usable lots, in the consumption order.

Usable lots are active, not expired at t, with remaining > 0, and device compatible (lot device
`any` or equal to the requested device; a request for `any` uses only `any` lots). Every draw is a
consumption record; the lot's remaining/status are then recomputed from the records
(engine/derived.py), never edited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine import journal
from engine.bulk import insert_instances
from engine.db import database, write
from engine.derived import refresh_lots
from engine.errors import N_, InsufficientBalance, PlaydeskError
from engine.ids import device_id, next_ids
from engine.lots.draws import plan, plan_capped, usable_lots
from engine.lots.rules import check_device, check_kind
from engine.models import Consumption
from engine.people.members import existing_member
from engine.sync.config import sync_configured
from engine.sync.strict import granted_decision, holding, spend, spend_decision, use

if TYPE_CHECKING:
    from engine.sync.authority import Decision

@dataclass
class ConsumeResult:
    consumed: int
    shortfall: int
    draws: list[tuple[str, int]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"consumed": self.consumed, "shortfall": self.shortfall,
                "draws": [{"lot": lot_id, "amount": amount} for lot_id, amount in self.draws]}


def record(member: str, draws: list[tuple[str, int]], at: dt.datetime,
           reference: str | None, kind: str = "use", offline: bool = False,
           hold: str | None = None) -> list[Consumption]:
    """Insert one consumption record per draw and recompute those lots (inside write());
    `offline`: the spend was allowed by the offline policy, without the authority; `hold`: the
    authority's grant these draws use."""
    origin = device_id()
    ids = next_ids("C", len(draws))
    records = [Consumption(id=record_id, lot=lot_id, member=member, kind=kind, amount=amount,
                           reference=reference, at=at, device=origin, offline=offline,
                           hold=hold)
               for record_id, (lot_id, amount) in zip(ids, draws, strict=True)]
    insert_instances(*records)
    refresh_lots(lot_id for lot_id, _ in draws)
    return records


_KNOWN_LOTS = "SELECT id FROM lot WHERE member = ? AND kind = ? AND id IN ({marks})"


def granted_draws(member: str, kind: str, decision: Decision) -> list[tuple[str, int]]:
    """The authority's draws for this spend, exactly as it named them (sync.md), provided this
    device holds those lots already (else the facts would name lots it cannot show)."""
    draws = [(lot, amount) for lot, amount in decision.draws or ()]
    lots = [lot for lot, _ in draws]
    known = {row[0] for row in database.execute_sql(
        _KNOWN_LOTS.format(marks=", ".join("?" * len(lots))), [member, kind, *lots])}
    missing = [lot for lot in lots if lot not in known]
    if missing:
        raise PlaydeskError(N_("the authority drew on {kind} credit of {member} this device has "
                               "not received yet ({missing}); try again in a moment"),
                            kind=kind, member=member, missing=", ".join(missing))
    return draws


def draw_and_record(member: str, kind: str, amount: int, device: str | None, at: dt.datetime,
                    reference: str | None = None, partial: bool = False,
                    consumption_kind: str = "use",
                    shortage_message: str = "insufficient balance", offline: bool = False,
                    decision: Decision | None = None, caps: Mapping[str, int] | None = None,
                    ) -> tuple[list[tuple[str, int]], list[Consumption]]:
    """Plan and record the draws (inside write()); raises before writing when short. With the
    authority's `decision` its draws are recorded, not this device's plan, and its hold used.
    `caps`: a receipt's wallet payment, which may use lots restricted to a device up to the
    device's cap (`plan_capped`)."""
    if decision is not None and decision.draws is not None:
        draws = granted_draws(member, kind, decision)
        granted = sum(n for _, n in draws)
        if granted > amount or (granted < amount and not partial):
            raise PlaydeskError(N_("the authority granted {granted} {kind}, this spend needs "
                                   "{amount} (it changed since it was asked); nothing was "
                                   "recorded, try again"),
                                granted=granted, kind=kind, amount=amount)
        hold = use(decision)
        return draws, record(member, draws, at, reference, consumption_kind, offline, hold)
    hold = use(decision)
    if caps is None:
        draws = plan(usable_lots(member, kind, device, at, needed=amount), amount)
    else:
        draws = plan_capped(usable_lots(member, kind, None, at), amount, caps)
    taken = sum(n for _, n in draws)
    if taken < amount and not partial:
        raise InsufficientBalance(f"{shortage_message}: {member} has {taken} usable {kind}, "
                                  f"{amount} needed", member=member, kind=kind, needed=amount,
                                  available=taken)
    return draws, record(member, draws, at, reference, consumption_kind, offline, hold)


def consume(member: str, kind: str, amount: int, device: str, at: dt.datetime,
            reference: str | None = None, partial: bool = False,
            decision: Decision | None = None, caps: Mapping[str, int] | None = None
            ) -> ConsumeResult:
    """Draw `amount` of `kind` for a session or a wallet payment (one transaction).

    Without `partial`, a request the usable lots cannot cover fails with "insufficient balance"
    and writes nothing; with it, what there is is taken and the rest reported as shortfall.

    Spending is a strict operation (sync.md): standalone, the authority is asked before the
    transaction (a refusal raises); inside a caller's transaction the caller asked and passes
    `decision` (or holds it in `engine.sync.strict.granted`).

    `caps` (a wallet payment on a receipt, device "any"): lots restricted to a device may pay
    up to `caps[device]`, the net of the receipt's lines of that device (entitlements.md).
    """

    check_kind(kind)
    check_device(device)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise PlaydeskError(N_("amount must be a positive whole number"))
    existing_member(member)
    if caps is not None and (device != "any" or partial):
        raise PlaydeskError(N_("device caps are for a whole wallet payment of device any"))
    if partial and decision is None:  # the authority gives what it can (its own view)
        decision = _partial_decision(member, kind, amount, device, at, reference)
        if decision is None:
            return ConsumeResult(consumed=0, shortfall=amount)
    else:
        decision = spend_decision(member, kind, amount, at, reference, decision, device=device,
                                  caps=caps)
    offline = bool(decision and decision.offline)
    with holding(decision, at=at), write():
        draws, records = draw_and_record(member, kind, amount, device, at, reference, partial,
                                         offline=offline, decision=decision, caps=caps)
        if records:
            journal.append_rows("consume", *records)
    consumed = sum(n for _, n in draws)
    return ConsumeResult(consumed=consumed, shortfall=amount - consumed, draws=draws)


def _partial_decision(member: str, kind: str, amount: int, device: str, at: dt.datetime,
                      reference: str | None) -> Decision | None:
    """A partial spend's decision (inside a caller's transaction, the caller's); None when
    nothing is there to take."""
    held = granted_decision(member, kind)
    if held is not None:
        return held
    if database.in_transaction() or not sync_configured():
        return spend_decision(member, kind, amount, at, reference, device=device)
    try:
        return spend(member, kind, amount, at, reference, device=device, partial=True)
    except InsufficientBalance:
        return None
