"""Refunding a purchase: what is unused of the paid part, once, by a manager (entitlements.md)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from engine import journal
from engine.db import write
from engine.entitlements.consumption import record
from engine.entitlements.lots import new_lot
from engine.errors import N_, NotFound, PlaydeskError
from engine.ids import device_id, next_id
from engine.lots.rules import is_expired
from engine.models import Lot, Purchase, ReceiptLine, Refund
from engine.people.staff import manager
from engine.sync.strict import ask, holding, refuse, use


def refund_amount(price: int, paid_lots: list[Lot], at: dt.datetime) -> int:
    """⌊price × paid_remaining / paid_total⌋. Expired credit is breakage, not refundable."""
    total = sum(lot.total for lot in paid_lots)
    if total <= 0:
        return 0
    unused = sum(max(lot.remaining, 0) for lot in paid_lots
                 if lot.status == "active" and not is_expired(lot.expires_at, at))
    return int(Fraction(price * unused, total))  # int() of a non-negative Fraction floors


RECEIPT_METHOD = "receipt"  # a receipt's purchase: the money goes back by the receipt's refund


def _receipt_line(original: Purchase) -> int | None:
    """The number of the receipt line that sold the purchase."""
    for line in ReceiptLine.select(ReceiptLine.no, ReceiptLine.purchase).where(
            ReceiptLine.receipt == original.receipt):
        if original.id in (line.purchase or "").split(","):
            return line.no
    return None


def _close(original: Purchase, staff: str, reason: str, at: dt.datetime, method: str) -> Refund:
    """Close every lot of the purchase with a `refund` consumption record for its remaining and
    record the refund of its unused paid part (inside write()); a wallet refund outside a
    receipt gets its `refund` wallet lot here."""
    lots = list(Lot.select().where(Lot.purchase == original.id))
    amount = refund_amount(original.price, [lot for lot in lots if lot.type == "paid"], at)
    closing = record(original.member, [(lot.id, max(lot.remaining, 0)) for lot in lots], at,
                     reference=original.id, kind="refund")
    facts: list = list(closing)
    refund_lot = None
    if method == "wallet" and amount > 0:
        refund_lot = new_lot(original.member, "money", "refund", amount, at,
                             staff=staff, comment=f"refund of {original.id}: {reason}")
        facts.append(refund_lot)
    row = Refund.create(id=next_id("RF"), purchase=original.id, amount=amount, method=method,
                        reason=reason, staff=staff, at=at, device=device_id(),
                        lot=refund_lot.id if refund_lot else None)
    journal.append_rows("refund", row, *facts)
    return row


def _existing(purchase_id: str) -> Purchase:
    original = Purchase.get_or_none(Purchase.id == purchase_id)
    if original is None:
        raise NotFound(N_("unknown purchase {purchase_id!r}"), purchase_id=purchase_id)
    return original


def _not_refunded(purchase_id: str) -> None:
    if Refund.get_or_none(Refund.purchase == purchase_id) is not None:
        raise PlaydeskError(N_("purchase {purchase_id} is already refunded"),
                            purchase_id=purchase_id)


def refund(purchase_id: str, staff: str | None, reason: str | None,
           at: dt.datetime) -> dict[str, Any]:
    """Refund a purchase (manager or owner, reason required, once); one transaction.

    The customer gets ⌊price × paid_remaining / paid_total⌋ by the original payment method (wallet:
    a new `refund` wallet lot, device any, no expiry); every lot of the purchase is closed with a
    consumption record of kind `refund` for its remaining (0 for a spent lot), so its derived
    status is `refunded`; the bonus is forfeited.

    A purchase sold on a counter receipt is refused here: the receipt's payments paid for it, so
    only the receipt's refund (`engine.sales.refunds.refund_receipt`) can give its money back by
    the methods that paid.
    """
    if not reason or not reason.strip():
        raise PlaydeskError(N_("a refund needs a reason"))
    _refundable(purchase_id, staff)  # the clear errors first, before asking anybody
    # a strict operation (sync.md): two counters never both pay one purchase out
    decision = ask("purchase.refund", at, purchase=purchase_id)
    refuse(decision, f"refunding purchase {purchase_id}")
    with holding(decision, at=at), write():
        original, who = _refundable(purchase_id, staff)
        use(decision)
        row = _close(original, who.code, reason.strip(), at, original.payment)
    return {"purchase": purchase_id, "refund": row.id, "refund_amount": row.amount,
            "method": row.method, "lot": row.lot, "member": original.member}


def _refundable(purchase_id: str, staff: str | None):
    """The purchase and the manager refunding it; refused when it cannot be refunded here."""
    original = _existing(purchase_id)
    who = manager(staff, "a refund")
    _not_refunded(purchase_id)
    if original.receipt is not None:
        line = _receipt_line(original)
        raise PlaydeskError(
            N_("purchase {purchase_id} was sold on receipt {receipt}, whose payments "
               "paid for it: refund it with `playdesk refund-receipt {receipt}"
               "{line_option}`"),
            purchase_id=purchase_id, receipt=original.receipt,
            line_option=f" --line {line}" if line is not None else "")
    return original, who


def refund_receipt_purchase(purchase_id: str, staff: str, reason: str,
                            at: dt.datetime) -> Refund:
    """Close a purchase sold on a receipt, for that receipt's refund (inside its write(), the
    staff already checked): its lots are closed and the refund recorded with method `receipt`,
    since the receipt refund gives the money back by the receipt's own payment methods."""
    original = _existing(purchase_id)
    _not_refunded(purchase_id)
    if original.receipt is None:
        raise PlaydeskError(N_("purchase {purchase_id} was not sold on a receipt"),
                            purchase_id=purchase_id)
    return _close(original, staff, reason, at, RECEIPT_METHOD)
