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
# remaining = total − Σ consumption; void (a lot of a fact that lost a collision,
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
  LEFT JOIN consumption AS c ON c.lot = lot.id)
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


def refresh_lots(lot_ids: Iterable[str]) -> None:
    """Recompute remaining and status of the given lots (unknown ids are ignored)."""
    _refresh(_REFRESH_LOTS, lot_ids)


def refresh_coupons(codes: Iterable[str]) -> None:
    """Recompute redemptions and status of the coupons with these codes (unknown ones are
    ignored)."""
    _refresh(_REFRESH_COUPONS, codes)
