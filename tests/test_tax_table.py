"""engine.pricing.tax: the receipt's tax table, once per rate (spec/tax.md "Per receipt")."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.money import round_half_up
from engine.pricing.tax import EXCLUSIVE, INCLUSIVE, TaxRate, tax_of, tax_table

A = TaxRate("A", "VAT 19%", Decimal(19))
B = TaxRate("B", "VAT 7%", Decimal(7))
Z = TaxRate("Z", "no VAT", Decimal(0))
HALF = TaxRate("H", "5.5%", Decimal("5.5"))
RATES = (A, B, Z)


def test_inclusive_19_percent_of_119_is_19():
    table = tax_table([("A", 119)], RATES, INCLUSIVE)
    assert [(r.rate, r.net, r.tax, r.gross) for r in table.rows] == [("A", 100, 19, 119)]
    assert table.total_due == 119


def test_exclusive_adds_the_tax_to_the_total_due_half_up():
    table = tax_table([("B", 150)], RATES, EXCLUSIVE)  # 150 x 7 % = 10.5 -> 11
    assert [(r.net, r.tax, r.gross) for r in table.rows] == [(150, 11, 161)]
    assert table.total_due == 161 and table.tax == 11


def test_tax_is_computed_once_per_rate_not_per_line_and_summed():
    # three lines of 0.10 at 19 % inclusive: per line 1.597 -> 2, summed 6; per rate
    # 30 x 19 / 119 = 4.79 -> 5: the per-rate figure is the receipt's
    lines = [("A", 10)] * 3
    assert sum(tax_of(net, A.percent, INCLUSIVE) for _, net in lines) == 6
    table = tax_table(lines, RATES, INCLUSIVE)
    assert [(r.net, r.tax, r.gross) for r in table.rows] == [(25, 5, 30)]
    # exclusive: 3 x 0.05 at 7 %: per line 0.35 -> 0 each; per rate 1.05 -> 1
    table = tax_table([("B", 5)] * 3, RATES, EXCLUSIVE)
    assert [(r.net, r.tax, r.gross) for r in table.rows] == [(15, 1, 16)]


def test_rows_follow_the_site_files_rate_order_and_skip_absent_rates():
    table = tax_table([("Z", 500), ("A", 238), ("A", 0), ("Z", 1)], RATES, INCLUSIVE)
    assert [r.rate for r in table.rows] == ["A", "Z"]
    assert [(r.net, r.tax, r.gross) for r in table.rows] == [(200, 38, 238), (501, 0, 501)]


def test_a_rate_of_zero_carries_no_tax_in_either_mode():
    for mode in (INCLUSIVE, EXCLUSIVE):
        table = tax_table([("Z", 999)], RATES, mode)
        assert (table.rows[0].tax, table.total_due) == (0, 999)


def test_voucher_lines_carry_no_tax_but_count_in_the_total_due():
    table = tax_table([(None, 2000), ("A", 119)], RATES, EXCLUSIVE)
    assert [r.rate for r in table.rows] == ["A"]
    assert table.untaxed == 2000
    assert table.total_due == 2000 + 119 + 23  # 119 x 19 % = 22.61 -> 23


def test_a_fractional_percent_stays_exact():
    # 1000 x 5.5 / 105.5 = 52.13... -> 52; float arithmetic is never used
    assert tax_of(1000, HALF.percent, INCLUSIVE) == 52
    assert tax_of(1000, HALF.percent, EXCLUSIVE) == 55
    assert tax_table([("H", 1000)], (HALF,), INCLUSIVE).as_list() == [
        {"rate": "H", "name": "5.5%", "percent": "5.5", "net": 948, "tax": 52, "gross": 1000}]
    assert tax_table([("A", 119)], RATES, INCLUSIVE).as_list()[0]["percent"] == 19


def test_a_refund_table_mirrors_the_sale_table():
    sale = tax_table([("A", 10)] * 3, RATES, INCLUSIVE)
    back = tax_table([("A", -10)] * 3, RATES, INCLUSIVE)
    assert [(r.net, r.tax, r.gross) for r in back.rows] == [
        (-r.net, -r.tax, -r.gross) for r in sale.rows]


def test_an_unknown_rate_or_mode_is_refused():
    with pytest.raises(ValueError, match="unknown tax rate 'Q'"):
        tax_table([("Q", 1)], RATES, INCLUSIVE)
    with pytest.raises(ValueError, match="unknown tax mode"):
        tax_of(100, A.percent, "gross")


lines_strategy = st.lists(
    st.tuples(st.sampled_from(["A", "B", "Z", "H", None]), st.integers(0, 10**9)), max_size=40)


@settings(max_examples=400, deadline=None)
@given(lines_strategy)
def test_inclusive_mode_never_changes_the_total(lines):
    table = tax_table(lines, (*RATES, HALF), INCLUSIVE)
    assert table.total_due == sum(net for _, net in lines)
    assert sum(r.net + r.tax for r in table.rows) + table.untaxed == table.total_due


@settings(max_examples=400, deadline=None)
@given(lines_strategy)
def test_exclusive_mode_adds_exactly_the_per_rate_tax(lines):
    rates = (*RATES, HALF)
    table = tax_table(lines, rates, EXCLUSIVE)
    total = sum(net for _, net in lines)
    assert table.total_due == total + table.tax
    assert sum(r.net + r.tax for r in table.rows) + table.untaxed == table.total_due
    for row in table.rows:  # against the spec's formula, written out independently
        g = sum(net for code, net in lines if code == row.rate)
        percent = next(r.percent for r in rates if r.code == row.rate)
        assert row.tax == round_half_up(Fraction(g) * Fraction(percent) / 100)


# ---------------------------------------------------------------- through price_receipt

def _taxed_site(mode: str, *campaigns):
    from dataclasses import replace

    from pricing_helpers import ITEMS, PACKAGES, RESOURCES, site

    items = {code: replace(item, tax="B" if item.category == "SNACKS" else "A")
             for code, item in ITEMS.items()}
    packages = {**PACKAGES, "SUMMER/MONEY": replace(PACKAGES["SUMMER/STD"],
                                                    code="SUMMER/MONEY", tax=None),
                "SUMMER/STD": replace(PACKAGES["SUMMER/STD"], tax="A")}
    resources = {code: replace(r, tax="A") for code, r in RESOURCES.items()}
    return replace(site(*campaigns), items=items, packages=packages, resources=resources,
                   tax_rates=RATES, tax_mode=mode)


def test_a_receipt_discount_is_spread_over_the_rates_before_the_tax():
    from pricing_helpers import campaign, line, price

    # COLA 250 (A, 19 %) and CHIPS 200 (B, 7 %), 100 off the receipt pro rata: 56 and 44
    # (pricing.md), so A's gross is 194 and B's 156; inclusive tax 30.97 -> 31 and 10.21 -> 10
    definitions = _taxed_site(INCLUSIVE, campaign("P", "receipt_reduce", 100))
    priced = price(definitions, line("COLA"), line("CHIPS"))
    assert [(line.tax, line.net) for line in priced.lines] == [("A", 194), ("B", 156)]
    assert [(r.rate, r.net, r.tax, r.gross) for r in priced.tax.rows] == [
        ("A", 163, 31, 194), ("B", 146, 10, 156)]
    assert priced.total_due == priced.total == 350
    document = priced.as_dict()
    assert document["total_due"] == 350 and document["lines"][1]["tax"] == "B"
    assert document["tax"][0] == {"rate": "A", "name": "VAT 19%", "percent": 19, "net": 163,
                                  "tax": 31, "gross": 194}


def test_exclusive_mode_raises_what_is_due_and_vouchers_stay_untaxed():
    from pricing_helpers import line, price

    from engine.pricing import LineInput

    priced = price(_taxed_site(EXCLUSIVE), line("COLA", 2), LineInput(package="SUMMER/MONEY"),
                   line("SUMMER/STD"), line("PS5"))
    # A: 500 + 900 + 600 = 2000 -> 380; the money package (900) is a voucher
    assert [line.tax for line in priced.lines] == ["A", None, "A", "A"]
    assert [(r.rate, r.net, r.tax, r.gross) for r in priced.tax.rows] == [("A", 2000, 380, 2380)]
    assert priced.total == 2900 and priced.total_due == 3280


def test_a_site_without_rates_has_no_table_and_owes_its_total():
    from pricing_helpers import line, price, site

    priced = price(site(), line("COLA"))
    assert priced.tax.rows == () and priced.total_due == priced.total == 250
    assert priced.lines[0].tax is None
