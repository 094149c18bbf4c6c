"""A member's history: purchases and consumption records, newest first (the kiosk's History
screen, `playdesk history --member M`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.entitlements.sellable import package_name
from engine.models import Consumption, Lot, Purchase
from engine.people.members import existing_member

DEFAULT_LIMIT = 50


def member_history(member: str, at: dt.datetime, limit: int | None = DEFAULT_LIMIT
                   ) -> list[dict[str, Any]]:
    """Up to `limit` (None: all) records until `at`, newest first; at the same moment a purchase
    comes before the draws it caused. Each is {at, kind, ...}:
    - kind "purchase": purchase, campaign, package, name, price, payment;
    - kind "use" | "refund" | "correction" (consumption records): lot_kind (money | minutes),
      amount, reference."""
    existing_member(member)
    lines: list[tuple[tuple, dict[str, Any]]] = []
    for row in Purchase.select().where((Purchase.member == member) & (Purchase.at <= at)):
        code = f"{row.campaign}/{row.package}"
        lines.append(((row.at, 1, row.id), {
            "at": row.at, "kind": "purchase", "purchase": row.id, "campaign": row.campaign,
            "package": row.package, "name": package_name(code), "price": row.price,
            "payment": row.payment}))
    kinds = {lot.id: lot.kind for lot in Lot.select(Lot.id, Lot.kind).where(Lot.member == member)}
    for use in Consumption.select().where((Consumption.member == member)
                                          & (Consumption.at <= at)):
        lines.append(((use.at, 0, use.id), {
            "at": use.at, "kind": use.kind, "lot_kind": kinds.get(use.lot, "money"),
            "amount": use.amount, "reference": use.reference}))
    lines.sort(key=lambda pair: (pair[0][0], pair[0][1], len(pair[0][2]), pair[0][2]),
               reverse=True)
    records = [line for _key, line in lines]
    return records if limit is None else records[:limit]
