"""engine.bulk: rows inserted in bulk are stored exactly as peewee's own insert stores them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.bulk import insert_rows
from engine.db import write
from engine.models import Coupon, ItemBarcode, Lot

AT = dt.datetime(2026, 7, 3, 12, 0)


def raw(db, table: str, key: str, value: str) -> tuple:
    return db.execute_sql(f'SELECT * FROM "{table}" WHERE "{key}" = ?', (value,)).fetchone()


def test_dict_rows_get_defaults_and_field_conversion(db):
    fields = {"member": "M001", "kind": "money", "type": "paid", "total": 500, "remaining": 500,
              "expires_at": AT + dt.timedelta(days=7), "created_at": AT, "origin": "DEV1"}
    with write():
        Lot.create(id="BY-PEEWEE", **fields)
        # rows with different field sets go in as separate statements
        insert_rows(Lot, [{"id": "BULK", **fields}, {"id": "SHORT", **fields, "status": "void"},
                          {"id": "NO-EXPIRY", **{**fields, "expires_at": None}}])
    assert raw(db, "lot", "id", "BULK")[1:] == raw(db, "lot", "id", "BY-PEEWEE")[1:]
    assert Lot.get_by_id("BULK").status == "active"  # the model's default
    assert Lot.get_by_id("SHORT").status == "void"
    assert Lot.get_by_id("NO-EXPIRY").expires_at is None


def test_shared_columns_are_written_once_for_every_row(db):
    shared = {"campaign": "C10", "value": Decimal("12.5"), "expires_on": dt.date(2026, 8, 1),
              "status": "issued"}
    with write():
        Coupon.create(code="BY-PEEWEE", **shared)
        insert_rows(Coupon, ({"code": f"BULK-{n}"} for n in range(3)), constants=shared)
        insert_rows(Coupon, [{"code": "OWN", "status": "canceled"}], constants=shared)
    expected = raw(db, "coupon", "code", "BY-PEEWEE")[2:]  # without id and code
    assert all(raw(db, "coupon", "code", f"BULK-{n}")[2:] == expected for n in range(3))
    assert Coupon.get(Coupon.code == "OWN").status == "canceled"  # a row's own value wins
    assert Coupon.get(Coupon.code == "BULK-2").value == Decimal("12.5")


def test_nothing_to_insert_is_no_statement(db):
    with write():
        insert_rows(ItemBarcode, [])
    assert ItemBarcode.select().count() == 0
