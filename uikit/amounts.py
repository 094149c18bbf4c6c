"""Amounts as people read them: money in the site currency, minutes as hours and minutes."""

from __future__ import annotations

from engine.documents.currency import Currency


def money_text(amount: int, currency: str = "EUR", minor_digits: int = 2) -> str:
    """The same text as on paper: `Currency.format` is the one money formatter."""
    return Currency(currency, minor_digits).format(amount, symbol=True)


def minutes_text(minutes: int, hours_word: str = "h", minutes_word: str = "min") -> str:
    """150 → "2 h 30 min", 120 → "2 h", 45 → "45 min"."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return f"{sign}{hours} {hours_word} {rest} {minutes_word}"
    if hours:
        return f"{sign}{hours} {hours_word}"
    return f"{sign}{rest} {minutes_word}"
