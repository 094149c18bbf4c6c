"""How a receipt refund's wallet money comes back: as unrestricted money, or restricted to the
device it was restricted to when it paid (entitlements.md: console-only money pays only the
receipt's console lines, so a refund must not turn it into money for drinks).

The wallet part of a refund is split over the receipt's wallet draws not returned yet, per
device (`any`, `pc`, `console`), in this order:

1. restricted money the receipt's remaining lines of its device can no longer hold (after this
   refund, what the receipt keeps of device-d money is at most the net of its unrefunded
   device-d lines, as at the sale);
2. restricted money of the devices of the lines refunded now, up to their nets;
3. unrestricted money;
4. restricted money still left.

So unrestricted money never comes back restricted while the refund has unrestricted money to
give, and restricted money never comes back unrestricted: Σ returned per device ≤ Σ drawn.
"""

from __future__ import annotations

from engine.db import database
from engine.lots.draws import device_caps
from engine.models import ReceiptLine

ANY = "any"

_DRAWN = """
SELECT l.device, SUM(c.amount) FROM consumption AS c JOIN lot AS l ON l.id = c.lot
WHERE c.member = ? AND c.reference = ? AND c.kind = 'use' GROUP BY l.device
"""
_RETURNED = """
SELECT l.device, SUM(p.amount) FROM receipt_refund_payment AS p
JOIN receipt_refund AS r ON r.id = p.refund_id JOIN lot AS l ON l.id = p.lot
WHERE r.receipt = ? AND p.method = 'wallet' GROUP BY l.device
"""


def wallet_refund_parts(receipt_id: str, member: str, amount: int,
                        stored: dict[int, ReceiptLine], refunded: set[int],
                        chosen: list[int]) -> list[tuple[str, int]]:
    """`amount` of wallet money to give back for `chosen` lines, as [(device, amount)];
    `refunded` are the lines earlier refunds took."""
    left = _available(receipt_id, member)
    now = device_caps((stored[no].resource, stored[no].net) for no in chosen)
    kept = device_caps((line.resource, line.net) for no, line in stored.items()
                       if no not in refunded and no not in chosen)
    parts: dict[str, int] = {}
    wanted = amount

    def give(device: str, most: int) -> None:
        nonlocal wanted
        take = max(min(wanted, most, left.get(device, 0) - parts.get(device, 0)), 0)
        if take:
            parts[device] = parts.get(device, 0) + take
            wanted -= take

    restricted = sorted(device for device in left if device != ANY)
    for device in restricted:
        give(device, left[device] - kept.get(device, 0))
    for device in restricted:
        give(device, now.get(device, 0) - parts.get(device, 0))
    give(ANY, wanted)
    for device in restricted:
        give(device, wanted)
    if wanted:  # the receipt's wallet money is all back already: give it as it was paid
        parts[ANY] = parts.get(ANY, 0) + wanted
    return [(device, n) for device, n in sorted(parts.items(), key=lambda part: part[0] != ANY)
            if n > 0]


def _available(receipt_id: str, member: str) -> dict[str, int]:
    """Per device, the receipt's wallet draws less what its refunds gave back as that device's
    money."""
    left = {device: int(n) for device, n in
            database.execute_sql(_DRAWN, (member, receipt_id)).fetchall()}
    for device, n in database.execute_sql(_RETURNED, (receipt_id,)).fetchall():
        left[device] = left.get(device, 0) - int(n)
    return left
