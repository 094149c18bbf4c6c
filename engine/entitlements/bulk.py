"""Set-based helpers for operations that touch many lots at once (a session drawing from 100
lots must stay well under 10 ms on a Raspberry Pi).

`allocate_ids` is `engine.ids.next_id` for n ids in one counter bump (same counter, same
"<device>-<prefix><n>" form), and `refresh_lots` is `engine.derived.refresh_lots` as one UPDATE
statement (same rule: remaining = total − Σ consumption; refunded if any refund record, else
depleted at ≤ 0, else active). Both belong in those modules; tests check they agree with them.
`insert` is peewee's insert_many without building the SQL per row (one executemany).
"""

from __future__ import annotations

from collections.abc import Iterable

from peewee import Model

from engine.db import database
from engine.models import Counter


def allocate_ids(prefix: str, count: int, origin: str) -> list[str]:
    """`count` consecutive fact ids of this device (call inside a write transaction)."""
    if count <= 0:
        return []
    name = "id:" + prefix
    Counter.insert(name=name, value=count).on_conflict(
        conflict_target=[Counter.name], update={Counter.value: Counter.value + count}).execute()
    last = Counter.get_by_id(name).value
    return [f"{origin}-{prefix}{n}" for n in range(last - count + 1, last + 1)]


_REFRESH = """
UPDATE lot SET
  remaining = total - (SELECT COALESCE(SUM(c.amount), 0) FROM consumption c WHERE c.lot = lot.id),
  status = CASE
    WHEN EXISTS (SELECT 1 FROM consumption c WHERE c.lot = lot.id AND c.kind = 'refund')
      THEN 'refunded'
    WHEN total - (SELECT COALESCE(SUM(c.amount), 0) FROM consumption c WHERE c.lot = lot.id) <= 0
      THEN 'depleted'
    ELSE 'active' END
WHERE id IN ({marks})
"""


def refresh_lots(lot_ids: Iterable[str]) -> None:
    """Recompute remaining and status of the lots from their consumption records."""
    ids = sorted(set(lot_ids))
    for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
        chunk = ids[start:start + 500]
        database.execute_sql(_REFRESH.format(marks=", ".join("?" * len(chunk))), chunk)


def insert(instances: list[Model]) -> None:
    """Insert unsaved model instances of one model in one executemany."""
    if not instances:
        return
    fields = instances[0]._meta.sorted_fields
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    marks = ", ".join("?" * len(fields))
    table = instances[0]._meta.table_name
    rows = [[field.db_value(instance.__data__.get(field.name)) for field in fields]
            for instance in instances]
    database.cursor().executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)
