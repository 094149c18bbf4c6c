"""The one formatter of money, numbers, dates and times, on screens and paper alike (CLDR data).

Amounts are ints in minor units; a currency's minor digits come from CLDR (EUR 2, JPY 0) unless
the site stored others (an older HUF site's 2: what its amounts mean wins). The locale decides
the rest: `12,50 €` (de_DE), `₺12,50` (tr_TR), `$12.50` (en_US), with the
locale's grouping (`1.234,50 €`). Babel writes a no-break space between number and symbol where
CLDR does, so a line never breaks inside an amount.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers

DEFAULT_LOCALE = "en_US"
# CLDR puts a narrow no-break space in some patterns (en_US "2:15 PM"); thermal printers' code
# pages and many fonts lack it, so it becomes the ordinary no-break space everywhere
NARROW_NBSP, NBSP = "\u202f", "\u00a0"


def _plain(text: str) -> str:
    return text.replace(NARROW_NBSP, NBSP)


class LocaleError(ValueError):
    """A locale or currency CLDR does not know."""


@lru_cache(maxsize=64)
def parse_locale(identifier: str) -> Locale:
    """`de_DE`, `de-DE` or `de` → a Babel Locale; an unknown one raises LocaleError."""
    try:
        return Locale.parse(identifier.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as error:
        raise LocaleError(f"unknown locale {identifier!r} (use e.g. en_US, de_DE, tr_TR)") from error


def currency_digits(code: str) -> int:
    """The minor digits of a currency (CLDR): EUR 2, JPY 0, KWD 3."""
    return babel_numbers.get_currency_precision(code)


def known_currency(code: str) -> bool:
    return babel_numbers.is_currency(code)


def language_of(locale: str) -> str:
    """`de_DE` → `de`."""
    return parse_locale(locale).language


def display_locale(site_locale: str, language: str | None) -> str:
    """The locale a reader of `language` sees at a site of `site_locale`: the site's own when
    the language is the site's, else that language in the site's country where CLDR has it
    (`en` at a `de_DE` site → `en_DE`, which writes 12,50 €), else the language alone."""
    site = parse_locale(site_locale)
    if not language or language == site.language:
        return str(site)
    if site.territory:
        try:
            return str(Locale.parse(f"{language}_{site.territory}"))
        except (UnknownLocaleError, ValueError):
            pass
    return str(parse_locale(language))


class Formats:
    """Money, numbers, dates and times for one locale and one currency."""

    def __init__(self, locale: str = DEFAULT_LOCALE, currency: str = "EUR",
                 minor_digits: int | None = None) -> None:
        self.locale = parse_locale(locale)
        self.currency = currency
        self.minor_digits = currency_digits(currency) if minor_digits is None else minor_digits
        self._number_pattern = _fixed_pattern(self.locale, self.minor_digits)
        self._money_pattern = _money_pattern(self.locale, self.minor_digits)

    def __repr__(self) -> str:
        return f"Formats({str(self.locale)!r}, {self.currency!r})"

    def _decimal(self, amount: int) -> Decimal:
        return Decimal(amount).scaleb(-self.minor_digits)

    def money(self, amount: int) -> str:
        """1250 → '12,50 €' (de_DE, EUR); negatives as the locale writes them."""
        return _plain(self._money_pattern.apply(self._decimal(amount), self.locale,
                                                currency=self.currency, currency_digits=False))

    def amount(self, amount: int) -> str:
        """The number of an amount without its symbol, for columns on paper: 123450 → '1.234,50'."""
        return _plain(babel_numbers.format_decimal(self._decimal(amount),
                                                   format=self._number_pattern,
                                                   locale=self.locale, decimal_quantization=True))

    @property
    def symbol(self) -> str:
        """The currency's symbol in this locale: € · $ · ₺ · ¥."""
        return babel_numbers.get_currency_symbol(self.currency, locale=self.locale)

    def number(self, value: int | Decimal | float) -> str:
        """A plain number with the locale's grouping and decimal mark: 1234.5 → '1.234,5'."""
        return _plain(babel_numbers.format_decimal(value, locale=self.locale))

    def percent(self, value: int | Decimal) -> str:
        """A percentage given as a number of percent: 12.5 → '12,5 %' (de_DE), '%12,5' (tr_TR)."""
        return _plain(babel_numbers.format_percent(Decimal(value) / 100, format=_percent_pattern(
            self.locale), locale=self.locale))

    def date(self, value: dt.date) -> str:
        """The date with its year in full: 03.12.2026 (de_DE), 3 Ara 2026 (tr_TR), Dec 3, 2026."""
        return _plain(babel_dates.format_date(value, format="medium", locale=self.locale))

    def long_date(self, value: dt.date) -> str:
        """The date in words: 3. Dezember 2026 · 3 Aralık 2026 · December 3, 2026."""
        return _plain(babel_dates.format_date(value, format="long", locale=self.locale))

    def time(self, value: dt.time | dt.datetime) -> str:
        """Hours and minutes, on a 24-hour or 12-hour clock as the locale reads: 14:05 · 2:05 PM."""
        return _plain(babel_dates.format_time(value, format="short", locale=self.locale))

    def datetime(self, value: dt.datetime) -> str:
        """Date and time to the minute: 03.12.2026, 14:05 (de_DE) · Dec 3, 2026, 2:05 PM."""
        joined = babel_dates.get_datetime_format("medium", locale=self.locale)
        return _plain(joined.replace("'", "").format(self.time(value), self.date(value)))

    def minutes(self, minutes: int, hours_word: str = "h", minutes_word: str = "min") -> str:
        """150 → '2 h 30 min', 120 → '2 h', 45 → '45 min' (the words come from the caller's
        catalogue)."""
        sign = "-" if minutes < 0 else ""
        hours, rest = divmod(abs(minutes), 60)
        if hours and rest:
            return f"{sign}{self.number(hours)} {hours_word} {rest} {minutes_word}"
        if hours:
            return f"{sign}{self.number(hours)} {hours_word}"
        return f"{sign}{rest} {minutes_word}"


@lru_cache(maxsize=64)
def _fixed_pattern(locale: Locale, digits: int) -> str:
    """The locale's decimal pattern with exactly `digits` fraction digits (#,##0.00)."""
    integer = locale.decimal_formats[None].pattern.split(";")[0].split(".")[0]
    return integer + ("." + "0" * digits if digits else "")


@lru_cache(maxsize=64)
def _money_pattern(locale: Locale, digits: int) -> babel_numbers.NumberPattern:
    """The locale's currency pattern with exactly `digits` fraction digits (the amounts' own,
    which CLDR's currency digits would override)."""
    pattern = copy.copy(babel_numbers.parse_pattern(locale.currency_formats["standard"]))
    pattern.frac_prec = (digits, digits)
    return pattern


@lru_cache(maxsize=64)
def _percent_pattern(locale: Locale) -> str:
    """The locale's percent pattern allowing up to two fraction digits (12,5 %)."""
    pattern = locale.percent_formats[None].pattern
    return pattern.replace("#,##0", "#,##0.##", 1) if "#,##0.##" not in pattern else pattern


@lru_cache(maxsize=64)
def formats(locale: str, currency: str, minor_digits: int | None = None) -> Formats:
    """A shared Formats per (locale, currency, digits): building one reads CLDR data."""
    return Formats(locale, currency, minor_digits)
