"""BC date formulas: every unit, C periods, positional terms, several terms, month-end clamping."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.coupons.dateformula import evaluate, is_formula, parse
from engine.errors import PlaydeskError

FRI = dt.date(2026, 7, 3)  # a Friday in Q3


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(("formula", "expected"), [
    ("1D", "2026-07-04"), ("+30D", "2026-08-02"), ("-3D", "2026-06-30"),
    ("1W", "2026-07-10"), ("-2W", "2026-06-19"),
    ("1WD", "2026-07-06"), ("3WD", "2026-07-08"), ("-1WD", "2026-07-02"), ("-5WD", "2026-06-26"),
    ("1M", "2026-08-03"), ("+3M", "2026-10-03"), ("-7M", "2025-12-03"),
    ("1Q", "2026-10-03"), ("-1Q", "2026-04-03"),
    ("1Y", "2027-07-03"), ("-2Y", "2024-07-03"),
])
def test_counted_units(formula, expected):
    assert evaluate(formula, FRI) == d(expected)


@pytest.mark.parametrize(("start", "formula", "expected"), [
    ("2026-01-31", "1M", "2026-02-28"),
    ("2028-01-31", "1M", "2028-02-29"),
    ("2026-03-31", "-1M", "2026-02-28"),
    ("2026-08-31", "+3M", "2026-11-30"),
    ("2026-05-31", "1Q", "2026-08-31"),
    ("2026-11-30", "1Q", "2027-02-28"),
    ("2028-02-29", "1Y", "2029-02-28"),
    ("2028-02-29", "-4Y", "2024-02-29"),
])
def test_month_end_clamping(start, formula, expected):
    assert evaluate(formula, d(start)) == d(expected)


@pytest.mark.parametrize(("formula", "expected"), [
    ("CD", "2026-07-03"), ("-CD", "2026-07-03"),
    ("CW", "2026-07-05"), ("+CW", "2026-07-05"), ("-CW", "2026-06-29"),
    ("CM", "2026-07-31"), ("-CM", "2026-07-01"),
    ("CQ", "2026-09-30"), ("-CQ", "2026-07-01"),
    ("CY", "2026-12-31"), ("-CY", "2026-01-01"),
])
def test_current_periods(formula, expected):
    assert evaluate(formula, FRI) == d(expected)


def test_current_periods_at_their_edges():
    assert evaluate("CM", d("2028-02-01")) == d("2028-02-29")
    assert evaluate("-CM", d("2026-02-28")) == d("2026-02-01")
    assert evaluate("CW", d("2026-07-05")) == d("2026-07-05")  # Sunday ends its own week
    assert evaluate("-CW", d("2026-06-29")) == d("2026-06-29")  # Monday starts it
    assert evaluate("CQ", d("2026-01-01")) == d("2026-03-31")
    assert evaluate("-CQ", d("2026-12-31")) == d("2026-10-01")


@pytest.mark.parametrize(("start", "formula", "expected"), [
    ("2026-07-03", "D15", "2026-07-15"),
    ("2026-07-15", "D15", "2026-08-15"),  # strictly after: today is not "the next"
    ("2026-07-20", "D15", "2026-08-15"),
    ("2026-12-20", "D1", "2027-01-01"),
    ("2026-04-05", "D31", "2026-05-31"),  # April has no 31st
    ("2026-01-30", "D29", "2026-03-29"),  # nor February 2026 a 29th
    ("2026-07-20", "-D15", "2026-07-15"),
    ("2026-07-15", "-D15", "2026-06-15"),
    ("2026-07-03", "WD2", "2026-07-07"),  # Friday → next Tuesday
    ("2026-07-07", "WD2", "2026-07-14"),  # Tuesday → the Tuesday after
    ("2026-07-03", "WD5", "2026-07-10"),
    ("2026-07-03", "WD1", "2026-07-06"),
    ("2026-07-03", "WD7", "2026-07-05"),
    ("2026-07-03", "-WD2", "2026-06-30"),
    ("2026-07-03", "-WD5", "2026-06-26"),
    ("2026-07-03", "M3", "2027-03-01"),
    ("2026-02-10", "M3", "2026-03-01"),
    ("2026-03-01", "M3", "2027-03-01"),
    ("2026-07-03", "-M3", "2026-03-01"),
    ("2026-07-03", "Q4", "2026-10-01"),
    ("2026-07-03", "Q1", "2027-01-01"),
    ("2026-07-03", "-Q3", "2026-07-01"),
    ("2026-07-01", "-Q3", "2025-07-01"),
    ("2026-07-03", "Y2027", "2027-01-01"),
    ("2026-07-03", "-Y2026", "2026-01-01"),
])
def test_positions(start, formula, expected):
    assert evaluate(formula, d(start)) == d(expected)


@pytest.mark.parametrize(("formula", "expected"), [
    ("CM+1D", "2026-08-01"),       # first day of next month
    ("-1Y+CM", "2025-07-31"),
    ("CM+1M", "2026-08-31"),       # month end, then clamped: Aug has 31
    ("CQ+1M+20D", "2026-11-19"),  # Sep 30, Oct 30, Nov 19
    ("-CM-1D", "2026-06-30"),      # last day of the previous month
    ("CW+1W", "2026-07-12"),
    ("1M-CM", "2026-08-01"),
    ("D15+1W", "2026-07-22"),
    ("<CM+10D>", "2026-08-10"),
    ("cm+1d", "2026-08-01"),
])
def test_several_terms_read_left_to_right(formula, expected):
    assert evaluate(formula, FRI) == d(expected)


def test_month_end_then_month_clamps():
    assert evaluate("CM+1M", d("2026-01-10")) == d("2026-02-28")


def test_plain_date():
    assert evaluate("2026-12-31", FRI) == d("2026-12-31")


@pytest.mark.parametrize("formula", [
    "", "   ", "3", "M", "+", "3X", "CX", "CWD", "1D1D1D1D", "D0", "D32", "WD8", "WD0", "M13",
    "Q5", "0D", "2026-02-30", "3M junk", "C", "1.5M", "Y0",
])
def test_invalid_formulas_raise(formula):
    with pytest.raises(PlaydeskError):
        evaluate(formula, FRI)
    assert not is_formula(formula)


def test_year_position_not_in_the_future_is_an_error():
    with pytest.raises(PlaydeskError, match="not after"):
        evaluate("Y2026", FRI)


def test_parse_gives_terms():
    terms = parse("-CM+1D")
    assert [(t.sign, t.kind, t.unit) for t in terms] == [(-1, "current", "M"), (1, "count", "D")]


def test_error_message_names_the_formula():
    with pytest.raises(PlaydeskError, match="'3X'"):
        evaluate("3X", FRI)
