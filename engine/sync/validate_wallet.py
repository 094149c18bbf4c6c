"""Is another device's receipt paid by the wallet as the rules say? (entitlements.md)

A receipt's wallet payments are drawn by the `consume` event checkout appends in the same
transaction before its `sale` event, with the receipt's id as reference, so when the sale is
judged its draws are here (its origin's earlier events apply first). A sale is refused when:

- its wallet payments are not exactly what those draws took (money taken from the member that
  paid nothing, or a payment that took nothing);
- a draw is not on the receipt member's own money lot;
- lots restricted to a device paid more than the net of the receipt's lines whose resource has
  that device (console-only bonus money pays console hours, never a drink) — now, or in some
  version of the definitions held here (a resource's device may have changed since the sale).
"""

from __future__ import annotations

from typing import Any

from engine.db import database
from engine.lots.draws import device_caps
from engine.sync.verdict import Rejected, applied_records

_DRAWS = """
SELECT c.amount, l.member, l.kind, l.device FROM consumption AS c JOIN lot AS l ON l.id = c.lot
WHERE c.member = ? AND c.reference = ? AND c.kind = 'use'
"""


def check_receipt_wallets(rows: dict[str, list[dict[str, Any]]]) -> None:
    for receipt in rows.get("receipt", []):
        name, member = receipt.get("id"), receipt.get("member")
        wallet = sum(p.get("amount") or 0 for p in rows.get("payment", [])
                     if p.get("receipt") == name and p.get("method") == "wallet")
        if wallet <= 0:
            continue
        draws = database.execute_sql(_DRAWS, (member, name)).fetchall()
        drawn = sum(amount for amount, *_ in draws)
        if drawn != wallet:
            raise Rejected("unpaid", f"receipt {name!r} paid {wallet} by wallet, its draws "
                                     f"took {drawn}")
        restricted: dict[str, int] = {}
        for amount, lot_member, kind, device in draws:
            if (lot_member, kind) != (member, "money"):
                raise Rejected("wrong_member", f"receipt {name!r} of {member} paid by wallet "
                                               f"from a {kind} lot of {lot_member}")
            if device != "any":
                restricted[device] = restricted.get(device, 0) + amount
        lines = [(line.get("resource"), line.get("net") or 0)
                 for line in rows.get("receipt_line", [])
                 if line.get("receipt_id", line.get("receipt")) == name]
        caps = device_caps(lines)
        if any(amount > caps.get(device, 0) for device, amount in restricted.items()):
            caps = _caps_in_any_version(lines)  # a resource's device changed since the sale
        for device, amount in restricted.items():
            if amount > caps.get(device, 0):
                raise Rejected("wrong_device", f"receipt {name!r} paid {amount} from {device}-"
                                               f"only money, its {device} lines come to "
                                               f"{caps.get(device, 0)}")


def _caps_in_any_version(lines: list[tuple[Any, int]]) -> dict[str, int]:
    """The caps when each line's resource may have any device some version of the definitions
    held here gave it (the verdict must not depend on when a later change arrived)."""
    caps: dict[str, int] = {}
    for resource, net in lines:
        if not isinstance(resource, str) or net <= 0:
            continue
        devices = set(device_caps([(resource, 1)]))
        devices |= {str(r.get("device")) for r in applied_records("resources", resource)}
        for device in devices - {"any", "None"}:
            caps[device] = caps.get(device, 0) + net
    return caps
