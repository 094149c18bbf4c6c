"""The one money formatter: an int in minor units becomes text here, for screens and paper alike.

Symbol placement follows each currency's custom (`12.50 €`, `$12.50`, `£12.50`); a currency
without a known symbol shows its code after the amount (`300 JPY`). The decimal mark is a point
everywhere for now: the locale issue swaps `_placed` (and the number text) for Babel in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

# code → (symbol, symbol written before the number)
SYMBOLS: dict[str, tuple[str, bool]] = {"EUR": ("€", False), "USD": ("$", True), "GBP": ("£", True)}


def _placed(number: str, code: str) -> str:
    """The unsigned number with the currency's symbol (or code) where its custom puts it."""
    symbol, before = SYMBOLS.get(code, (code, False))
    return f"{symbol}{number}" if before else f"{number} {symbol}"


@dataclass(frozen=True)
class Currency:
    code: str = "EUR"
    minor_digits: int = 2

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.code, (self.code, False))[0]

    def format(self, amount: int, symbol: bool = False) -> str:
        """1250 → '12.50' (with `symbol`: '12.50 €', '$12.50'); negatives lead with '-'."""
        sign = "-" if amount < 0 else ""
        whole, minor = divmod(abs(amount), 10**self.minor_digits)
        number = f"{whole}.{minor:0{self.minor_digits}d}" if self.minor_digits else f"{whole}"
        return sign + (_placed(number, self.code) if symbol else number)
