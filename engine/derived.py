"""Values derived from facts, recomputed from them (never edited in place).

Facts (purchases, lots, consumption records, redemptions) only accumulate, on this device or
arriving from others; a lot's `remaining` and a coupon's `redemptions`/`status` are recomputed
here from those facts, so every replica that has the same facts shows the same values.
Call inside the write transaction that added the facts.

Each refresh is one set-based UPDATE per chunk of ids (a session drawing from 100 lots refreshes
them all in one statement), each row's values from one aggregate over its facts' index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from engine.db import database

# SQLite binds at most 999 variables in older builds (32766 since 3.32); stay well under.
CHUNK = 500

# An aggregate without GROUP BY gives one row even for a lot without records (SUM → NULL).
# remaining = total − Σ consumption of the lot's own member (a draw naming the lot for another
# member takes nothing from it, whichever arrived first: engine/sync/validate.py refuses it when
# the lot is here first); void (a lot of a fact that lost a collision,
# engine/sync/collisions.py: it holds nothing) if listed in void_lot, else refunded if any record
# is a refund, else depleted at ≤ 0, else active. `expired` is not stored: it depends on the
# time of the question (entitlements).
_REFRESH_LOTS = """
UPDATE lot SET (remaining, status) = (
  SELECT CASE WHEN v.lot IS NULL THEN lot.total ELSE 0 END - COALESCE(SUM(c.amount), 0),
         CASE WHEN v.lot IS NOT NULL THEN 'void'
              WHEN MAX(c.kind = 'refund') THEN 'refunded'
              WHEN lot.total - COALESCE(SUM(c.amount), 0) <= 0 THEN 'depleted'
              ELSE 'active' END
  FROM (SELECT (SELECT lot FROM void_lot WHERE void_lot.lot = lot.id) AS lot) AS v
  LEFT JOIN consumption AS c ON c.lot = lot.id AND c.member = lot.member)
WHERE id IN ({marks})
"""

# redemptions = count of redemption facts; canceled if canceled, else redeemed once the count
# reaches a non-zero max_redemptions (0 = unlimited), else issued.
_REFRESH_COUPONS = """
UPDATE coupon SET (redemptions, status) = (
  SELECT COUNT(r.id),
         CASE WHEN coupon.canceled_at IS NOT NULL THEN 'canceled'
              WHEN coupon.max_redemptions <> 0 AND COUNT(r.id) >= coupon.max_redemptions
                THEN 'redeemed'
              ELSE 'issued' END
  FROM coupon_redemption AS r WHERE r.coupon = coupon.code)
WHERE code IN ({marks})
"""


def _chunks(keys: Iterable[str]) -> Iterator[list[str]]:
    unique = sorted(set(keys))
    for start in range(0, len(unique), CHUNK):
        yield unique[start:start + CHUNK]


def _refresh(statement: str, keys: Iterable[str]) -> None:
    for chunk in _chunks(keys):
        database.execute_sql(statement.format(marks=", ".join("?" * len(chunk))), chunk)


# Groups (member, kind) of the given lots that merged facts overdraw: a lot below zero now, or
# a group already known overdrawn (lot_overdraw).
_OVERDRAWN_GROUPS = """
SELECT DISTINCT member, kind FROM lot WHERE id IN ({marks}) AND (remaining < 0 OR EXISTS (
  SELECT 1 FROM lot_overdraw AS o WHERE o.member = lot.member AND o.kind = lot.kind))
"""
# The consumption order without a clock (expiry_first's tail): the same on every device.
_GROUP_LOTS = """
SELECT id, remaining, status FROM lot WHERE member = ? AND kind = ?
ORDER BY expires_at IS NULL, expires_at, created_at, LENGTH(id), id
"""


def refresh_lots(lot_ids: Iterable[str]) -> None:
    """Recompute remaining and status of the given lots (unknown ids are ignored).

    No lot stays below zero (issue 14, item 2). Devices draw lots from their own view, so merged
    facts can draw a lot past its total (two devices took the same small lot at once; a draw on
    a void lot). The rule, a function of the facts alone and so the same on every device in any
    arrival order: each overdrawn lot shows 0 and its overdraw, noted in `lot_overdraw` (shown
    by `playdesk conflicts`), is taken from the member's other active lots of that kind in the
    consumption order without a clock (earliest expiry first, none last, then oldest, lowest
    id). So the balance is Σ totals − Σ consumption, never more; what no lot can cover stays in
    `lot_overdraw` and is taken from the member's next lot of that kind when it arrives.
    """
    lot_ids = list(lot_ids)
    _refresh(_REFRESH_LOTS, lot_ids)
    groups: set[tuple[str, str]] = set()
    for chunk in _chunks(lot_ids):
        marks = ", ".join("?" * len(chunk))
        groups.update(database.execute_sql(_OVERDRAWN_GROUPS.format(marks=marks), chunk))
    for member, kind in sorted(groups):
        _rebalance(member, kind)


def _rebalance(member: str, kind: str) -> None:
    ids = [row[0] for row in database.execute_sql(
        "SELECT id FROM lot WHERE member = ? AND kind = ?", (member, kind))]
    _refresh(_REFRESH_LOTS, ids)  # each lot from its own facts first
    lots = list(database.execute_sql(_GROUP_LOTS, (member, kind)))
    database.execute_sql("DELETE FROM lot_overdraw WHERE member = ? AND kind = ?", (member, kind))
    over, updates = 0, []
    for lot_id, remaining, status in lots:
        if remaining < 0:
            database.execute_sql("INSERT INTO lot_overdraw (lot, member, kind, amount) "
                                 "VALUES (?, ?, ?, ?)", (lot_id, member, kind, -remaining))
            over -= remaining
            updates.append((0, status, lot_id))
    for lot_id, remaining, status in lots:
        if over and remaining > 0 and status == "active":
            take = min(remaining, over)
            over -= take
            updates.append((remaining - take, "active" if remaining > take else "depleted",
                            lot_id))
    database.cursor().executemany("UPDATE lot SET remaining = ?, status = ? WHERE id = ?",
                                  updates)


def refresh_coupons(codes: Iterable[str]) -> None:
    """Recompute redemptions and status of the coupons with these codes (unknown ones are
    ignored)."""
    _refresh(_REFRESH_COUPONS, codes)


_REFUNDED_LINES = """
SELECT line.line_no FROM receipt_refund_line AS line
JOIN receipt_refund AS refund ON refund.id = line.refund_id WHERE refund.receipt = ?
"""


def refunded_lines(receipt_id: str) -> set[int]:
    """The line numbers of a receipt that refunds (on any device) took back."""
    return {row[0] for row in database.execute_sql(_REFUNDED_LINES, (receipt_id,))}
