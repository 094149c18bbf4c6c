"""Business Central date formulas (coupon expiration): `+3M`, `CM`, `-CM+1D`, `D15`, `WD2`.

A formula is up to three terms read left to right, each applied to the previous result:
`[+|-]` (default `+`) then one of

- `nU`  a distance: n days (D), working days Mon–Fri (WD), weeks (W), months (M), quarters (Q)
        or years (Y). Months, quarters and years keep the day of the month, clamped to the
        target month's last day (Jan 31 +1M = Feb 28 or 29).
- `CU`  the current period (D, W Mon–Sun, M, Q, Y): `CU`/`+CU` its last day, `-CU` its first day.
- `Un`  a position: the next start of the period numbered n — `D15` the next 15th, `WD2` the next
        Tuesday (weeks start Monday, WD1..WD7), `M3` the next 1 March, `Q2` the next 1 April,
        `Y2027` 1 Jan 2027. "Next" is strictly after the date (BC: "the next"), so `D15` on the
        15th gives the 15th of the following month; `-` finds the latest one strictly before.
        `D29`..`D31` skip months that have no such day.

A plain `YYYY-MM-DD` date is accepted as well. Letters are case-insensitive; BC's surrounding
`<...>` is allowed. Anything else raises PlaydeskError naming the formula.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from engine.errors import N_, PlaydeskError

MAX_TERMS = 3
UNITS = ("WD", "D", "W", "M", "Q", "Y")  # WD before D and W: the tokenizer tries them in order
_UNIT = "|".join(UNITS)
_TERM = re.compile(
    rf"(?P<sign>[+-]?)(?:(?P<count>\d+)(?P<count_unit>{_UNIT})"
    rf"|C(?P<current_unit>{_UNIT})"
    rf"|(?P<position_unit>{_UNIT})(?P<position>\d+))")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
POSITION_RANGES = {"D": (1, 31), "WD": (1, 7), "M": (1, 12), "Q": (1, 4), "Y": (1, 9999)}


@dataclass(frozen=True)
class Term:
    sign: int  # +1 or -1
    kind: str  # count | current | position
    unit: str
    number: int  # the count or the position; 0 for current


def evaluate(formula: str, today: dt.date) -> dt.date:
    """The date `formula` gives, counted from `today`."""
    text = _clean(formula)
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise PlaydeskError(N_("not a valid date: {formula!r}"), formula=formula) from None
    result = today
    for term in parse(formula):
        result = apply(term, result)
    return result


def parse(formula: str) -> list[Term]:
    """The terms of `formula`; raises PlaydeskError when it is not a date formula."""
    text = _clean(formula)
    if not text:
        raise PlaydeskError(N_("empty date formula"))
    terms: list[Term] = []
    position = 0
    while position < len(text):
        match = _TERM.match(text, position)
        if match is None:
            raise PlaydeskError(
                N_("bad date formula {formula!r} at {rest!r}: expected a term such as "
                   "+3M, CM, -CW, D15 or WD2 (units D, WD, W, M, Q, Y)"),
                formula=formula, rest=text[position:])
        terms.append(_term(match, formula))
        position = match.end()
    if len(terms) > MAX_TERMS:
        raise PlaydeskError(N_("bad date formula {formula!r}: at most {max_terms} terms"),
                            formula=formula, max_terms=MAX_TERMS)
    return terms


def is_formula(text: str) -> bool:
    """True when `text` is a valid formula or date (for validating input without a date)."""
    try:
        evaluate(text, dt.date(2000, 1, 1))
    except PlaydeskError:
        return False
    return True


def apply(term: Term, day: dt.date) -> dt.date:
    try:
        if term.kind == "count":
            return _shift(day, term.unit, term.sign * term.number)
        if term.kind == "current":
            start, end = _period(day, term.unit)
            return start if term.sign < 0 else end
        return _position(day, term.unit, term.number, term.sign)
    except OverflowError:
        raise PlaydeskError(N_("date formula goes beyond the calendar")) from None


def _clean(formula: str) -> str:
    text = str(formula).strip().upper()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    return text


def _term(match: re.Match[str], formula: str) -> Term:
    sign = -1 if match["sign"] == "-" else 1
    if match["count_unit"]:
        number = int(match["count"])
        if number == 0:
            raise PlaydeskError(N_("bad date formula {formula!r}: a count must be at least 1"),
                                formula=formula)
        return Term(sign, "count", match["count_unit"], number)
    if match["current_unit"]:
        if match["current_unit"] == "WD":
            raise PlaydeskError(N_("bad date formula {formula!r}: CWD is not a period (use CW or "
                                   "CD)"), formula=formula)
        return Term(sign, "current", match["current_unit"], 0)
    unit, number = match["position_unit"], int(match["position"])
    low, high = POSITION_RANGES[unit]
    if not low <= number <= high:
        raise PlaydeskError(N_("bad date formula {formula!r}: {unit}{number} must be "
                               "{unit}{low}..{unit}{high}"),
                            formula=formula, unit=unit, number=number, low=low, high=high)
    return Term(sign, "position", unit, number)


def add_months(day: dt.date, months: int) -> dt.date:
    """`months` later (or earlier), the day clamped to the target month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise OverflowError
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _shift(day: dt.date, unit: str, amount: int) -> dt.date:
    if unit == "D":
        return day + dt.timedelta(days=amount)
    if unit == "W":
        return day + dt.timedelta(weeks=amount)
    if unit == "WD":
        return _add_working_days(day, amount)
    months = {"M": 1, "Q": 3, "Y": 12}[unit]
    return add_months(day, months * amount)


def _add_working_days(day: dt.date, amount: int) -> dt.date:
    step = 1 if amount > 0 else -1
    remaining = abs(amount)
    while remaining:
        day += dt.timedelta(days=step)
        if day.weekday() < 5:
            remaining -= 1
    return day


def _period(day: dt.date, unit: str) -> tuple[dt.date, dt.date]:
    """First and last day of the period of `unit` that contains `day`."""
    if unit == "D":
        return day, day
    if unit == "W":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    months = {"M": 1, "Q": 3, "Y": 12}[unit]
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    end = add_months(start, months) - dt.timedelta(days=1)
    return start, end


def _position(day: dt.date, unit: str, number: int, sign: int) -> dt.date:
    """The nearest date strictly after (sign +1) or before (−1) `day` that starts period `number`."""
    if unit == "Y":
        target = dt.date(number, 1, 1)
        if (sign > 0 and target <= day) or (sign < 0 and target >= day):
            message = (N_("date formula Y{year}: 1 Jan {year} is not after {day}") if sign > 0
                       else N_("date formula Y{year}: 1 Jan {year} is not before {day}"))
            raise PlaydeskError(message, year=number, day=day.isoformat())
        return target
    if unit == "WD":
        if sign > 0:
            return day + dt.timedelta(days=(number - 1 - day.weekday()) % 7 or 7)
        return day - dt.timedelta(days=(day.weekday() - (number - 1)) % 7 or 7)
    if unit == "D":
        months = range(0, 13 * sign, sign)  # within a year some month has the day
        candidates = (_day_in_month(day, offset, number) for offset in months)
    else:  # M, Q: the first of the month that starts the period
        first_month = number if unit == "M" else (number - 1) * 3 + 1
        candidates = (dt.date(day.year + offset, first_month, 1) for offset in range(-1, 2))
        candidates = iter(sorted(candidates, reverse=sign < 0))
    for candidate in candidates:
        if candidate is not None and (candidate > day if sign > 0 else candidate < day):
            return candidate
    raise AssertionError("unreachable: a position always exists within a year")


def _day_in_month(day: dt.date, month_offset: int, number: int) -> dt.date | None:
    first = add_months(day.replace(day=1), month_offset)
    if number > calendar.monthrange(first.year, first.month)[1]:
        return None
    return first.replace(day=number)
