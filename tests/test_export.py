"""Exports for the accountant (issue 19 item 5, spec/tax.md "Exports"): the CSV read back with
Python's csv module adds up to the stored figures; JSON gives the same rows in minor units."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from decimal import Decimal

import pytest

from engine.closing import export
from engine.errors import PlaydeskError
from engine.models import ReceiptTax, Staff
from engine.people.pins import hash_pin
from engine.pricing import LineInput, ReceiptInput
from engine.sales.checkout import checkout
from engine.sales.receiptfile import PaymentInput
from engine.sales.refunds import refund_receipt

AT = dt.datetime(2026, 7, 3, 12, 0)
DAY = AT.date()


@pytest.fixture
def site(demo_site):
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    return demo_site


def sell(lines, payments, member=None, at=AT):
    return checkout(ReceiptInput("COUNTER1", tuple(lines), member=member),
                    [PaymentInput(m, a) for m, a in payments], at, staff="S01")


def read_csv(text: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and list(rows[0]) == list(export.SALES_COLUMNS)
    return rows


def total(rows, column: str) -> Decimal:
    return sum((Decimal(r[column]) for r in rows), Decimal(0))


def test_the_csv_sums_to_the_stored_tax_tables_and_totals(site):
    # three rates' worth of lines on one receipt; a voucher (money package) carries no tax
    one = sell([LineInput(item="COLA", quantity=3), LineInput(item="CHIPS", quantity=2),
                LineInput(package="SUMMER/PREMIUM")], [("cash", None)], member="M001")
    two = sell([LineInput(item="CHIPS")], [("card", None)], at=AT + dt.timedelta(hours=1))
    sell([LineInput(item="CHIPS")], [("card", None)], at=AT + dt.timedelta(days=1))  # not in it
    rows = read_csv(export.render(export.sales_rows(DAY, DAY), export.SALES_COLUMNS,
                                  export.SALES_AMOUNTS, "csv"))
    assert [r["receipt"] for r in rows] == [one.receipt] * 3 + [two.receipt]
    stored_tax = sum(r.tax for r in ReceiptTax.select().where(
        ReceiptTax.receipt.in_([one.receipt, two.receipt])))
    assert total(rows, "tax") == Decimal(stored_tax) / 100
    assert total(rows, "net") == Decimal(one.priced.total + two.priced.total) / 100
    assert total(rows, "due") == total(rows, "net")  # inclusive: the tax is inside
    voucher = next(r for r in rows if r["package"] == "SUMMER/PREMIUM")
    assert (voucher["tax_rate"], voucher["tax"]) == ("", "0.00")
    assert rows[0]["payment_methods"] == "cash" and rows[0]["member"] == "M001"
    assert rows[0]["time"] == "2026-07-03T12:00:00"


def test_tax_is_spread_over_a_rates_lines_to_the_cent():
    assert export.spread(80, [250, 250, 250]) == [27, 27, 26]
    assert export.spread(-7, [1, 2, 4]) == [-1, -2, -4]
    assert sum(export.spread(13, [187, 1, 1])) == 13
    assert export.spread(5, [0, 0]) == [5, 0]
    assert export.major(-5, 2) == "-0.05" and export.major(123456, 2) == "1234.56"
    assert export.major(1500, 0) == "1500"


def test_refunded_lines_are_negative_rows_with_the_refunds_tax(site):
    done = sell([LineInput(item="COLA", quantity=2), LineInput(item="CHIPS")], [("cash", None)])
    refund_receipt(done.receipt, "S02", "warm", AT + dt.timedelta(minutes=5), lines=[2])
    rows = read_csv(export.render(export.sales_rows(DAY, DAY), export.SALES_COLUMNS,
                                  export.SALES_AMOUNTS, "csv"))
    back = [r for r in rows if r["kind"] == "refund"]
    assert len(back) == 1 and back[0]["line"] == "2" and back[0]["receipt"] == done.receipt
    chips = next(r for r in rows if r["kind"] == "sale" and r["line"] == "2")
    assert Decimal(back[0]["net"]) == -Decimal(chips["net"])
    assert Decimal(back[0]["due"]) == -Decimal(chips["due"])
    assert Decimal(back[0]["tax"]) == -Decimal(chips["tax"])  # the refund's own table


def test_json_has_the_same_rows_in_minor_units(site):
    sell([LineInput(item="COLA")], [("cash", None)])
    document = json.loads(export.render(export.sales_rows(DAY, DAY), export.SALES_COLUMNS,
                                        export.SALES_AMOUNTS, "json"))
    assert (document["currency"], document["minor_digits"]) == ("EUR", 2)
    assert document["columns"] == list(export.SALES_COLUMNS)
    assert [(r["net"], r["tax_rate"]) for r in document["rows"]] == [(250, "A")]


def test_a_backwards_period_and_an_unknown_format_are_refused():
    with pytest.raises(PlaydeskError, match="before it starts"):
        export.period(DAY, DAY - dt.timedelta(days=1))


def test_the_cli_writes_csv_and_refuses_bad_dates(site, tmp_path):
    from engine.db import database

    sell([LineInput(item="COLA")], [("cash", None)])
    path = database.database
    run = [sys.executable, "-m", "engine.cli", "--db", path, "export"]
    out = tmp_path / "sales.csv"
    done = subprocess.run(run + ["sales", "--from", "2026-07-03", "--to", "2026-07-03",
                                 "--output", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(read_csv(out.read_text(encoding="utf-8"))) == 1
    bad = subprocess.run(run + ["sales", "--from", "2026-07-32", "--to", "2026-07-03"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "not a date" in bad.stderr
    days = subprocess.run(run + ["days", "--from", "2026-07-01", "--to", "2026-07-31"],
                          capture_output=True, text=True)
    assert days.returncode == 0, days.stderr
    assert days.stdout.splitlines() == [",".join(export.DAYS_COLUMNS)]  # nothing closed yet


def test_days_export_gives_each_closing_and_sums_to_it(site):
    from engine.closing.day import close_day, day_report
    from engine.ids import device_id

    sell([LineInput(item="COLA", quantity=2), LineInput(item="CHIPS"),
          LineInput(package="SUMMER/PREMIUM")], [("cash", None)], member="M001")
    report = day_report(device_id(), DAY)
    closing = close_day(device_id(), DAY, "S02", AT + dt.timedelta(hours=10))
    text = export.render(export.days_rows(DAY, DAY), export.DAYS_COLUMNS, export.DAYS_AMOUNTS,
                         "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1 and list(rows[0]) == list(export.DAYS_COLUMNS)
    row = rows[0]
    assert (row["z"], row["device"], row["day"]) == (str(closing.z), device_id(), "2026-07-03")
    assert Decimal(row["tax"]) == Decimal(sum(r.tax for r in report.taxes)) / 100
    assert Decimal(row["gross"]) + Decimal(row["untaxed"]) == Decimal(report.total_due) / 100
    assert json.loads(row["report"])["receipts"] == 1
    sales = read_csv(export.render(export.sales_rows(DAY, DAY), export.SALES_COLUMNS,
                                   export.SALES_AMOUNTS, "csv"))
    # the accountant's check: the sales rows summed are the day closing's figures
    assert total(sales, "due") == Decimal(report.total_due) / 100
    assert total(sales, "tax") == Decimal(sum(r.tax for r in report.taxes)) / 100
    for rate in report.taxes:
        assert total([r for r in sales if r["tax_rate"] == rate.rate], "due") == \
            Decimal(rate.gross) / 100


def test_the_readme_lists_the_columns_in_their_order():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for columns in (export.SALES_COLUMNS, export.DAYS_COLUMNS):
        assert ", ".join(f"`{c}`" for c in columns) in " ".join(readme.split()), columns
