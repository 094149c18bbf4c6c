"""Purchase records and the campaign and liability reports (entitlements.md: Reports).

Per lot, entitled = consumed + refunded + remaining + expired: consumed counts `use` and
`correction` records, refunded the `refund` records, and what is left is `remaining` while the lot
is usable and `expired` (breakage) once it is past its expiry.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from peewee import fn

from engine.campaigns.state import campaign_state
from engine.entitlements.balances import Split
from engine.lots.rules import KINDS, effective_status
from engine.models import Campaign, Consumption, Lot, Package, Purchase, Refund

MEASURES = ("entitled", "consumed", "remaining", "expired", "refunded")
LIABILITY_DAYS = 30


def empty_measures() -> dict[str, dict[str, dict[str, int]]]:
    """{measure: {kind: {"paid": n, "bonus": n}}} — paid/bonus × minutes/money."""
    return {measure: {kind: {"paid": 0, "bonus": 0} for kind in KINDS} for measure in MEASURES}


def _consumed_by_lot(lot_ids: list[str] | None) -> dict[tuple[str, str], int]:
    """Σ consumption per (lot, record kind), in one grouped query."""
    query = Consumption.select(Consumption.lot, Consumption.kind,
                               fn.SUM(Consumption.amount)).group_by(Consumption.lot,
                                                                    Consumption.kind)
    if lot_ids is not None:
        query = query.where(Consumption.lot.in_(lot_ids))
    return {(lot, kind): amount for lot, kind, amount in query.tuples()}


def lot_measures(lot: Lot, used: dict[tuple[str, str], int], at: dt.datetime) -> dict[str, int]:
    refunded = used.get((lot.id, "refund"), 0)
    consumed = used.get((lot.id, "use"), 0) + used.get((lot.id, "correction"), 0)
    left = lot.remaining if lot.status == "active" else 0
    expired = effective_status(lot.status, lot.remaining, lot.expires_at, at) == "expired"
    return {"entitled": lot.total, "consumed": consumed, "refunded": refunded,
            "remaining": 0 if expired else left, "expired": left if expired else 0}


def _add_lot(target: dict, lot: Lot, measures: dict[str, int]) -> None:
    if lot.type not in ("paid", "bonus"):
        return
    for measure, value in measures.items():
        target[measure][lot.kind][lot.type] += value


def purchase_records(campaign: str | None = None, member: str | None = None,
                     at: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Every purchase (of a campaign, of a member) with its measures per lot kind at `at`."""
    if at is None:
        raise TypeError("purchase_records needs `at`")
    query = Purchase.select().order_by(Purchase.at, Purchase.id)
    if campaign is not None:
        query = query.where(Purchase.campaign == campaign)
    if member is not None:
        query = query.where(Purchase.member == member)
    purchases = list(query)
    ids = [p.id for p in purchases] if campaign is not None or member is not None else None
    return _records(purchases, ids, at)


def _records(purchases: list[Purchase], ids: list[str] | None,
             at: dt.datetime) -> list[dict[str, Any]]:
    lots_query = Lot.select().where(Lot.purchase.is_null(False))
    refunds_query = Refund.select()
    if ids is not None:
        lots_query = lots_query.where(Lot.purchase.in_(ids))
        refunds_query = refunds_query.where(Refund.purchase.in_(ids))
    lots: dict[str, list[Lot]] = defaultdict(list)
    for lot in lots_query:
        lots[lot.purchase].append(lot)
    used = _consumed_by_lot([lot.id for group in lots.values() for lot in group]
                            if ids is not None else None)
    refunds = {row.purchase: row for row in refunds_query}
    records = []
    for item in purchases:
        measures = empty_measures()
        for lot in lots[item.id]:
            _add_lot(measures, lot, lot_measures(lot, used, at))
        refund = refunds.get(item.id)
        records.append({
            "purchase": item.id, "member": item.member, "campaign": item.campaign,
            "package": item.package, "price": item.price, "payment": item.payment,
            "commission": item.commission, "channel": item.channel, "location": item.location,
            "staff": item.staff, "receipt": item.receipt, "at": item.at, **measures,
            "refund": None if refund is None else {
                "id": refund.id, "amount": refund.amount, "method": refund.method,
                "reason": refund.reason, "staff": refund.staff, "at": refund.at},
        })
    return records


def _sum_measures(target: dict, source: dict) -> None:
    for measure in MEASURES:
        for kind in KINDS:
            for lot_type in ("paid", "bonus"):
                target[measure][kind][lot_type] += source[measure][kind][lot_type]


def _package_row(package: str, name: str | None) -> dict[str, Any]:
    return {"package": package, "name": name, "purchases": 0, "refunded_purchases": 0,
            "revenue": 0, "commission": 0, "refunds": 0, "net_revenue": 0,
            "revenue_by_payment": {}, **empty_measures()}


def report_campaigns(at: dt.datetime) -> list[dict[str, Any]]:
    """Per package campaign (deleted ones too) and package: purchases, revenue, commission,
    refunds, and entitled / consumed / remaining / expired (breakage) / refunded credit."""
    campaigns = {c.code: c for c in Campaign.select().where(Campaign.type == "packages")}
    rows: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for package in (Package.select(Package, Campaign).join(Campaign)
                    .where(Campaign.type == "packages").order_by(Package.position)):
        rows[package.campaign.code][package.code] = _package_row(package.code,
                                                                   package.name)
    for record in _records(list(Purchase.select()), None, at):
        row = rows[record["campaign"]].setdefault(
            record["package"], _package_row(record["package"], None))
        row["purchases"] += 1
        row["revenue"] += record["price"]
        row["commission"] += record["commission"]
        by_payment = row["revenue_by_payment"]
        by_payment[record["payment"]] = by_payment.get(record["payment"], 0) + record["price"]
        if record["refund"] is not None:
            row["refunded_purchases"] += 1
            row["refunds"] += record["refund"]["amount"]
        row["net_revenue"] = row["revenue"] - row["refunds"]
        _sum_measures(row, record)
    report = []
    for code in sorted(set(campaigns) | set(rows)):
        campaign = campaigns.get(code)
        packages = list(rows[code].values())
        totals = {key: sum(p[key] for p in packages) for key in
                  ("purchases", "refunded_purchases", "revenue", "commission", "refunds",
                   "net_revenue")}
        report.append({"campaign": code, "name": campaign.name if campaign else None,
                       "state": campaign_state(campaign, at) if campaign else "unknown",
                       **totals, "packages": packages})
    return report


@dataclass
class Liability:
    """The credit the site owes (cli.md `report liability`): per kind what is outstanding, what
    of it expires within `expiring_within_days`, what expired unused (breakage)."""

    at: dt.datetime
    outstanding: dict[str, Split] = field(default_factory=lambda: _per_kind())
    expiring: dict[str, Split] = field(default_factory=lambda: _per_kind())
    breakage: dict[str, Split] = field(default_factory=lambda: _per_kind())
    unused_paid_value: int = 0
    expiring_within_days: int = LIABILITY_DAYS

    def as_dict(self) -> dict[str, Any]:
        def splits(by_kind: dict[str, Split]) -> dict[str, dict[str, int]]:
            return {kind: asdict(split) for kind, split in by_kind.items()}

        return {"at": self.at, "outstanding": splits(self.outstanding),
                "expiring_within_days": self.expiring_within_days,
                "expiring": splits(self.expiring), "breakage": splits(self.breakage),
                "unused_paid_value": self.unused_paid_value}


def _per_kind() -> dict[str, Split]:
    return {kind: Split() for kind in KINDS}


def liability(lots: Iterable[dict[str, Any]], prices: dict[str, tuple[int, int]],
              at: dt.datetime) -> Liability:
    """Outstanding credit per kind, what of it expires within 30 days, and breakage."""
    until = at + dt.timedelta(days=LIABILITY_DAYS)
    result = Liability(at)
    for lot in lots:
        if lot["status"] != "active" or lot["remaining"] <= 0:
            continue
        kind, lot_type, remaining = lot["kind"], lot["type"], lot["remaining"]
        if effective_status(lot["status"], remaining, lot["expires_at"], at) == "expired":
            result.breakage[kind].add(lot_type, remaining)
            continue
        result.outstanding[kind].add(lot_type, remaining)
        if lot["expires_at"] is not None and lot["expires_at"] <= until:
            result.expiring[kind].add(lot_type, remaining)
        if lot_type == "paid" and lot["purchase"] in prices:
            price, total = prices[lot["purchase"]]
            result.unused_paid_value += price * remaining // total if total > 0 else 0
    return result


def report_liability(at: dt.datetime) -> Liability:
    """`playdesk report liability`. `unused_paid_value` is Σ ⌊price × remaining / total⌋ over
    usable paid lots: what the unused paid credit was sold for (what refunds could pay out)."""
    paid_totals = {lot.purchase: lot.total for lot in
                   Lot.select(Lot.purchase, Lot.total).where(Lot.type == "paid")}
    prices = {p.id: (p.price, paid_totals.get(p.id, 0))
              for p in Purchase.select(Purchase.id, Purchase.price)}
    return liability(Lot.select().dicts(), prices, at)
