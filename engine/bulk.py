"""The one way to insert many rows fast: one prepared statement per table and column set, the
values converted by each field's `db_value` with Python-side defaults applied, as peewee's own
insert does. (peewee builds the SQL of every row in Python, ~100–300 µs each: a site load, a
coupon wizard run of 100,000 codes and a sync catch-up of 100,000 events cannot wait for that.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from peewee import Model

from engine.db import database


def row_values(model: type[Model], values: Mapping[str, Any]) -> tuple[tuple[str, ...], list[Any]]:
    """A row (field name → Python value) as its columns and the values to bind: defaults filled
    in for the fields it leaves out, each value through its field's `db_value`."""
    full = dict(values)
    for field, default in model._meta.defaults.items():
        if field.name not in full:
            full[field.name] = default() if callable(default) else default
    fields = [model._meta.fields[name] for name in full]
    return tuple(f.column_name for f in fields), [f.db_value(full[f.name]) for f in fields]


@lru_cache(maxsize=1024)
def insert_sql(model: type[Model], columns: tuple[str, ...],
               conflict: tuple[str, ...] = ()) -> str:
    """INSERT of `columns`; with `conflict` (the key columns) a row already there is skipped."""
    names = ", ".join(f'"{c}"' for c in columns)
    sql = (f'INSERT INTO "{model._meta.table_name}" ({names}) '
           f'VALUES ({", ".join("?" * len(columns))})')
    if conflict:  # quoted: a key column may be a keyword (order_completion.order)
        keys = ", ".join(f'"{c}"' for c in conflict)
        sql += f" ON CONFLICT ({keys}) DO NOTHING"
    return sql


def insert_rows(model: type[Model], rows: Iterable[Mapping[str, Any]],
                constants: Mapping[str, Any] | None = None) -> None:
    """Insert rows of one model (dicts by field name), one executemany per column set.
    `constants` are fields every row shares, converted once (the coupon wizard's 100,000)."""
    shared_columns: tuple[str, ...] = ()
    shared: list[Any] = []
    if constants:
        shared_columns, shared = row_values(model, constants)
    # per set of field names: the fields, all the columns, and the shared values they lack
    templates: dict[tuple[str, ...], tuple[list[Any], tuple[str, ...], list[Any]]] = {}
    batches: dict[tuple[str, ...], list[list[Any]]] = {}
    for row in rows:
        if not constants:
            columns, values = row_values(model, row)
            batches.setdefault(columns, []).append(values)
            continue
        names = tuple(row)
        template = templates.get(names)
        if template is None:
            fields = [model._meta.fields[name] for name in names]
            own = {field.column_name for field in fields}
            extra = [(c, v) for c, v in zip(shared_columns, shared, strict=True) if c not in own]
            template = templates[names] = (
                fields, tuple(f.column_name for f in fields) + tuple(c for c, _ in extra),
                [v for _, v in extra])
        fields, columns, tail = template
        batches.setdefault(columns, []).append([f.db_value(row[f.name]) for f in fields] + tail)
    cursor = database.cursor()
    for columns, values in batches.items():
        cursor.executemany(insert_sql(model, columns), values)


def insert_instances(*instances: Model) -> None:
    """Insert new rows given as unsaved model instances (of any models), one executemany per
    table; every field is written (defaults were applied when the instance was made)."""
    tables: dict[type[Model], list[Model]] = {}
    for instance in instances:
        tables.setdefault(type(instance), []).append(instance)
    cursor = database.cursor()
    for model, rows in tables.items():
        fields = model._meta.sorted_fields
        columns = tuple(field.column_name for field in fields)
        cursor.executemany(insert_sql(model, columns),
                           [[field.db_value(row.__data__.get(field.name)) for field in fields]
                            for row in rows])
