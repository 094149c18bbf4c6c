"""Is another device's receipt taxed as the rules say? (spec/tax.md "Per receipt")

A receipt whose lines name tax rates carries its table (`receipt_tax`, one row per rate), which
the day closing sums: a table that is not the one its lines give (a rate's tax understated, a
rate left out, a rate the site never had) is refused. The table is recomputed here from the
lines' nets and the rates' percents held here (a rate's percent never changes: a new percent is
a new code, so every device computes alike). A rate not here yet waits for its definitions;
a receipt from before tax (no rate on any line, no table) passes as it is.

Each line's rate must be the one its item, resource or package has here, or had in some version
of the definitions held here (an owner may move an item to another rate; the verdict must not
depend on when that change arrived): a cola sold at 7 % is refused. A sale priced under a
rate change this device has not received yet is refused too (as a restricted wallet draw is):
definitions reach every device before it sells by them, by the push; a sale naming a rate code
not here at all waits for it.

A receipt refund carries its own table (`refund_tax`, engine/sales/refunds.py): recomputed here
over what its lines give back, at the rates and percents stored with the receipt here (its
`receipt_tax` rows and its lines' rates, never today's definitions), in the receipt's mode; a
table that is not that one, or (exclusive mode) a refund giving back more than its lines and
their tax, is refused. A refund of a receipt not here yet waits for it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.db import database
from engine.pricing.tax import EXCLUSIVE, INCLUSIVE, TaxRate, tax_table
from engine.sync.verdict import Rejected, Waiting, applied_records, whole

_STORED_RATE = {"item": "SELECT tax FROM item WHERE code = ?",
                "resource": "SELECT tax FROM resource WHERE code = ?"}
_PACKAGE_RATE = ("SELECT p.tax, p.package_type FROM package AS p JOIN campaign AS c "
                 "ON c.id = p.campaign_id WHERE c.code = ? AND p.code = ?")


def _rates_of(line: dict[str, Any]) -> set[str | None] | None:
    """The rates the line's item, resource or package has or had here; None: not known here
    (its sale is judged by the other checks)."""
    for kind, section in (("item", "items"), ("resource", "resources")):
        code = line.get(kind)
        if code is not None:
            stored = database.execute_sql(_STORED_RATE[kind], (code,)).fetchone()
            versions = applied_records(section, code)
            if stored is None and not versions:
                return None
            return ({stored[0]} if stored else set()) | {r.get("tax") for r in versions}
    package = line.get("package")
    if not isinstance(package, str) or "/" not in package:
        return None
    campaign, code = package.split("/", 1)
    stored = database.execute_sql(_PACKAGE_RATE, (campaign, code)).fetchone()
    rates = set() if stored is None else {stored[0] if stored[1] == "minutes" else None}
    for record in applied_records("campaigns", campaign):
        for entry in record.get("packages") or []:
            if isinstance(entry, dict) and entry.get("code") == code:
                rates.add(entry.get("tax") if entry.get("package_type") == "minutes" else None)
    return rates or None


def _check_line_rates(name: str, lines: list[dict[str, Any]]) -> None:
    for line in lines:
        rates = _rates_of(line)
        if rates is not None and line.get("tax") not in rates:
            what = line.get("item") or line.get("resource") or line.get("package")
            raise Rejected("wrong_rate", f"receipt {name!r} sells {what} at tax rate "
                                         f"{line.get('tax')!r}, which it never had here "
                                         f"({', '.join(sorted(str(r) for r in rates))})")


def _rates(codes: set[str]) -> list[TaxRate]:
    if not codes:
        return []
    marks = ", ".join("?" * len(codes))
    found = database.execute_sql(
        f"SELECT code, name, percent FROM tax_rate WHERE code IN ({marks}) ORDER BY id",
        tuple(sorted(codes))).fetchall()
    missing = codes - {code for code, _, _ in found}
    if missing:
        raise Waiting(f"tax rate {', '.join(sorted(missing))}, not here yet")
    return [TaxRate(code, name, Decimal(percent)) for code, name, percent in found]


def check_receipt_taxes(rows: dict[str, list[dict[str, Any]]]) -> None:
    """The sales' tables and the receipt refunds' tables of an event's rows."""
    _check_sale_taxes(rows)
    check_refund_taxes(rows)


def check_refund_taxes(rows: dict[str, list[dict[str, Any]]]) -> None:
    tables: dict[str, list[dict[str, Any]]] = {}
    for row in rows.get("refund_tax", []):
        tables.setdefault(row.get("refund"), []).append(row)
    refunds = {r.get("id"): r for r in rows.get("receipt_refund", [])}
    for name in set(tables) - set(refunds):
        raise Rejected("foreign_tax", f"a tax table for refund {name!r}, no refund of its event")
    for name, refund in refunds.items():
        receipt = refund.get("receipt")
        sold = database.execute_sql("SELECT total, total_due FROM receipt WHERE id = ?",
                                    (receipt,)).fetchone()
        if sold is None:
            if not tables.get(name):
                continue  # nothing to judge: a refund from before tax, or of an untaxed sale
            raise Waiting(f"receipt {receipt}, refunded with tax, not here yet")
        codes = dict(database.execute_sql("SELECT no, tax FROM receipt_line WHERE receipt_id = ?",
                                          (receipt,)).fetchall())
        found = database.execute_sql("SELECT rate, name, percent FROM receipt_tax WHERE receipt "
                                     "= ? ORDER BY position", (receipt,)).fetchall()
        rates = [TaxRate(code, title, Decimal(percent)) for code, title, percent in found]
        lines = [(codes.get(line.get("line_no")), line.get("amount") or 0)
                 for line in rows.get("receipt_refund_line", [])
                 if line.get("refund_id", line.get("refund")) == name]
        given = sorted(tables.get(name, []), key=lambda row: row.get("position") or 0)
        if not rates and not given and all(code is None for code, _ in lines):
            continue
        try:
            total, due = sold
            mode = EXCLUSIVE if due is not None and due != total else INCLUSIVE
            expected = tax_table(lines, rates, mode)
        except ValueError as error:  # a line's rate not on its receipt's table
            raise Rejected("wrong_tax", f"refund {name!r} of receipt {receipt!r}: {error}") \
                from None
        stated = [(r.get("rate"), r.get("net"), r.get("tax"), r.get("gross")) for r in given]
        if stated != [(r.rate, r.net, r.tax, r.gross) for r in expected.rows]:
            raise Rejected("wrong_tax", f"refund {name!r} states tax {stated}, its lines give "
                                        f"{[(r.rate, r.net, r.tax, r.gross) for r in expected.rows]}")
        amount = refund.get("amount")
        if whole(amount) and amount > expected.total_due:
            raise Rejected("wrong_tax", f"refund {name!r} gives back {amount}, its lines and "
                                        f"their tax come to {expected.total_due}")


def _check_sale_taxes(rows: dict[str, list[dict[str, Any]]]) -> None:
    tables: dict[str, list[dict[str, Any]]] = {}
    for row in rows.get("receipt_tax", []):
        tables.setdefault(row.get("receipt"), []).append(row)
    receipts = {r.get("id"): r for r in rows.get("receipt", [])}
    for name in set(tables) - set(receipts):
        raise Rejected("foreign_tax", f"a tax table for receipt {name!r}, no sale of its event")
    for name, receipt in receipts.items():
        own = [line for line in rows.get("receipt_line", [])
               if line.get("receipt_id", line.get("receipt")) == name]
        lines = [(line.get("tax"), line.get("net") or 0) for line in own]
        given = sorted(tables.get(name, []), key=lambda row: row.get("position") or 0)
        codes = {code for code, _ in lines if code is not None}
        rates = _rates(codes)  # first: a rate not here yet is waited for, not judged
        _check_line_rates(name, own)
        if not codes and not given:
            continue
        total, due = receipt.get("total"), receipt.get("total_due")
        mode = EXCLUSIVE if due is not None and due != total else INCLUSIVE
        expected = tax_table(lines, rates, mode)
        stated = [(r.get("rate"), r.get("net"), r.get("tax"), r.get("gross")) for r in given]
        if stated != [(r.rate, r.net, r.tax, r.gross) for r in expected.rows]:
            raise Rejected("wrong_tax", f"receipt {name!r} states tax {stated}, its lines give "
                                        f"{[(r.rate, r.net, r.tax, r.gross) for r in expected.rows]}")
        if due is not None and due != expected.total_due:
            raise Rejected("wrong_tax", f"receipt {name!r} says {due} was due, its lines and "
                                        f"tax come to {expected.total_due}")
