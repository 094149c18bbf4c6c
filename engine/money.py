"""Money is an int in minor units; percentages are Decimal. Rounding is half-up, once."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

# The largest amount (or quantity of minor units) any input may carry: 10^12 minor units is ten
# billion in a 2-digit currency, far beyond a gaming center, and far inside SQLite's 64 bits.
MAX_AMOUNT = 10**12


def round_half_up(value: Fraction | Decimal | int) -> int:
    """Round an exact value to the nearest integer, halves away from zero for positives."""
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    numerator, denominator = value.numerator, value.denominator
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


def percent_of(amount: int | Fraction, percent: Decimal | int | Fraction) -> int:
    """round_half_up(amount × percent / 100), exact."""
    return round_half_up(Fraction(amount) * Fraction(percent) / 100)


def commission(amount: int, percent: Decimal, fixed_fee: int) -> int:
    """A payment method's commission: amount × percent / 100 + fixed fee, half-up."""
    if amount == 0:
        return 0
    return percent_of(amount, percent) + fixed_fee

