"""A receipt's tax table (spec/tax.md "Per receipt"): once per rate, never per line and summed.

    table = tax_table([(line.tax, line.net) for line in priced.lines], rates, "inclusive")

Per rate r with percent p, G_r is the sum of the nets of the receipt's lines of rate r (after
every campaign: receipt-level discounts are already spread over the lines pro rata, so tax comes
after them). Inclusive mode: tax_r = round_half_up(G_r x p / (100 + p)) and the total stays
sum(G_r). Exclusive mode: tax_r = round_half_up(G_r x p / 100) and the total due grows by it.
Lines without a rate (money packages: vouchers, spec "Site file") carry no tax and count in
the total due as they are. Everything is exact (`Fraction`) and an `int` of minor units.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from engine.money import round_half_up

INCLUSIVE = "inclusive"
EXCLUSIVE = "exclusive"
TAX_MODES = (INCLUSIVE, EXCLUSIVE)


@dataclass(frozen=True)
class TaxRate:
    code: str
    name: str
    percent: Decimal  # 19, 7, 0, 5.5: exact as written in the site file


@dataclass(frozen=True)
class TaxAmount:
    """One row of the table: the rate, and the receipt's net, tax and gross at that rate."""

    rate: str
    name: str
    percent: Decimal
    net: int
    tax: int
    gross: int

    def as_dict(self) -> dict[str, Any]:
        return {"rate": self.rate, "name": self.name, "percent": _percent_text(self.percent),
                "net": self.net, "tax": self.tax, "gross": self.gross}


@dataclass(frozen=True)
class TaxTable:
    mode: str
    rows: tuple[TaxAmount, ...]  # one per rate on the receipt, in the site file's rate order
    untaxed: int  # the nets of the lines without a rate (vouchers)

    @property
    def tax(self) -> int:
        return sum(row.tax for row in self.rows)

    @property
    def total_due(self) -> int:
        """What the payments must cover: the tax-inclusive gross of every line."""
        return sum(row.gross for row in self.rows) + self.untaxed

    def as_list(self) -> list[dict[str, Any]]:
        return [row.as_dict() for row in self.rows]


def _percent_text(percent: Decimal) -> int | str:
    """19 for 19, "5.5" for 5.5: JSON keeps a whole percent a number and a fraction exact."""
    return int(percent) if percent == percent.to_integral_value() else str(percent.normalize())


def tax_of(amount: int, percent: Decimal, mode: str) -> int:
    """The tax in `amount` (inclusive) or on top of it (exclusive), half-up, exact."""
    p = Fraction(percent)
    if mode == INCLUSIVE:
        return round_half_up(Fraction(amount) * p / (100 + p))
    if mode == EXCLUSIVE:
        return round_half_up(Fraction(amount) * p / 100)
    raise ValueError(f"unknown tax mode {mode!r} (expected inclusive or exclusive)")


def tax_table(lines: Iterable[tuple[str | None, int]], rates: Sequence[TaxRate],
              mode: str) -> TaxTable:
    """The table of (rate code or None, net) lines. A rate code the rates lack is a programming
    error here: the site file's validation makes every taxed record name a known rate."""
    known = {rate.code: rate for rate in rates}
    per_rate: dict[str, int] = {}
    untaxed = 0
    for code, net in lines:
        if code is None:
            untaxed += net
            continue
        if code not in known:
            raise ValueError(f"line has unknown tax rate {code!r}")
        per_rate[code] = per_rate.get(code, 0) + net
    rows = []
    for rate in rates:  # the site file's order (spec)
        if rate.code not in per_rate:
            continue
        amount = per_rate[rate.code]
        tax = tax_of(amount, rate.percent, mode)
        if mode == INCLUSIVE:
            rows.append(TaxAmount(rate.code, rate.name, rate.percent, amount - tax, tax, amount))
        else:
            rows.append(TaxAmount(rate.code, rate.name, rate.percent, amount, tax, amount + tax))
    return TaxTable(mode, tuple(rows), untaxed)
