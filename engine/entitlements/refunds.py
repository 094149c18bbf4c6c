"""Refunding a purchase: what is unused of the paid part, once, by a manager (entitlements.md)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from engine import journal
from engine.db import write
from engine.entitlements.consumption import record
from engine.entitlements.lots import is_expired, new_lot
from engine.entitlements.people import manager
from engine.errors import NotFound, PlaydeskError
from engine.ids import device_id, next_id
from engine.models import Lot, Purchase, Refund


def refund_amount(price: int, paid_lots: list[Lot], at: dt.datetime) -> int:
    """⌊price × paid_remaining / paid_total⌋. Expired credit is breakage, not refundable."""
    total = sum(lot.total for lot in paid_lots)
    if total <= 0:
        return 0
    unused = sum(max(lot.remaining, 0) for lot in paid_lots
                 if lot.status == "active" and not is_expired(lot.expires_at, at))
    return int(Fraction(price * unused, total))  # int() of a non-negative Fraction floors


def refund(purchase_id: str, staff: str | None, reason: str | None,
           at: dt.datetime) -> dict[str, Any]:
    """Refund a purchase (manager or owner, reason required, once); one transaction.

    The customer gets ⌊price × paid_remaining / paid_total⌋ by the original payment method (wallet:
    a new `refund` wallet lot, device any, no expiry); every lot of the purchase is closed with a
    consumption record of kind `refund` for its remaining (0 for a spent lot), so its derived
    status is `refunded`; the bonus is forfeited.
    """
    if not reason or not reason.strip():
        raise PlaydeskError("a refund needs a reason")
    with write():
        original = Purchase.get_or_none(Purchase.id == purchase_id)
        if original is None:
            raise NotFound(f"unknown purchase {purchase_id!r}")
        who = manager(staff, "a refund")
        if Refund.get_or_none(Refund.purchase == purchase_id) is not None:
            raise PlaydeskError(f"purchase {purchase_id} is already refunded")
        lots = list(Lot.select().where(Lot.purchase == purchase_id))
        amount = refund_amount(original.price, [lot for lot in lots if lot.type == "paid"], at)
        closing = record(original.member, [(lot.id, max(lot.remaining, 0)) for lot in lots], at,
                         reference=purchase_id, kind="refund")
        facts: list = list(closing)
        refund_lot = None
        if original.payment == "wallet" and amount > 0:
            refund_lot = new_lot(original.member, "money", "refund", amount, at,
                                 staff=who.code, comment=f"refund of {purchase_id}: {reason}")
            facts.append(refund_lot)
        row = Refund.create(id=next_id("RF"), purchase=purchase_id, amount=amount,
                            method=original.payment, reason=reason.strip(), staff=who.code,
                            at=at, device=device_id(), lot=refund_lot.id if refund_lot else None)
        journal.append_rows("refund", row, *facts)
    return {"purchase": purchase_id, "refund": row.id, "refund_amount": amount,
            "method": original.payment, "lot": row.lot, "member": original.member}
