"""Amounts as people read them: money in the site currency, minutes as hours and minutes."""

from __future__ import annotations

from engine.i18n.formats import DEFAULT_LOCALE, formats


def money_text(amount: int, currency: str = "EUR", locale: str = DEFAULT_LOCALE,
               minor_digits: int | None = None) -> str:
    """The same text as on paper: engine.i18n.formats is the one money formatter."""
    return formats(locale, currency, minor_digits).money(amount)


def minutes_text(minutes: int, hours_word: str = "h", minutes_word: str = "min",
                 locale: str = DEFAULT_LOCALE) -> str:
    """150 → "2 h 30 min", 120 → "2 h", 45 → "45 min"."""
    return formats(locale, "EUR").minutes(minutes, hours_word, minutes_word)
