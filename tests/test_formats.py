"""The one formatter (engine/i18n/formats.py) against CLDR: money, numbers, dates and times for
en_US, de_DE and tr_TR, and a currency without minor digits (JPY)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from engine.i18n.formats import Formats, LocaleError, currency_digits, display_locale

NBSP = "\u00a0"


@pytest.mark.parametrize(("locale", "currency", "amount", "text"), [
    ("de_DE", "EUR", 1250, f"12,50{NBSP}€"),
    ("tr_TR", "TRY", 1250, "₺12,50"),
    ("en_US", "USD", 1250, "$12.50"),
    ("de_DE", "EUR", 123450, f"1.234,50{NBSP}€"),
    ("en_US", "EUR", 123450, "€1,234.50"),
    ("tr_TR", "TRY", 123456789, "₺1.234.567,89"),
    ("de_DE", "EUR", -5, f"-0,05{NBSP}€"),
    ("en_US", "USD", -1250, "-$12.50"),
    ("en_US", "JPY", 1234, "¥1,234"),  # no minor digits: 1234 minor units are ¥1,234
    ("de_DE", "JPY", 1234, f"1.234{NBSP}¥"),
    ("ja_JP", "JPY", 1234, "￥1,234"),
    ("en_US", "KWD", 1234, "KWD1.234"),  # three minor digits
])
def test_money_is_written_as_the_locale_writes_it(locale, currency, amount, text):
    formats = Formats(locale, currency)
    assert formats.money(amount) == text
    # and exactly what CLDR says for the same value
    value = Decimal(amount).scaleb(-currency_digits(currency))
    assert formats.money(amount) == babel_numbers.format_currency(value, currency, locale=locale)


def test_minor_digits_come_from_the_currency():
    assert (currency_digits("EUR"), currency_digits("JPY"), currency_digits("KWD")) == (2, 0, 3)
    assert Formats("en_US", "JPY").minor_digits == 0


@pytest.mark.parametrize(("locale", "amount", "text"), [
    ("en_US", 123450, "1,234.50"), ("de_DE", 123450, "1.234,50"), ("tr_TR", 123450, "1.234,50"),
    ("de_DE", 5, "0,05"), ("de_DE", -123450, "-1.234,50"), ("hi_IN", 123456789, "12,34,567.89"),
])
def test_amounts_for_paper_columns_have_no_symbol_but_the_locales_marks(locale, amount, text):
    assert Formats(locale, "EUR").amount(amount) == text


def test_symbols_numbers_and_percentages():
    assert [Formats(locale, currency).symbol for locale, currency in (
        ("de_DE", "EUR"), ("tr_TR", "TRY"), ("en_US", "USD"), ("en_US", "JPY"))] == [
        "€", "₺", "$", "¥"]
    assert Formats("de_DE").number(1234.5) == "1.234,5"
    assert Formats("en_US").number(1234.5) == "1,234.5"
    assert Formats("de_DE").percent(Decimal("12.5")) == f"12,5{NBSP}%"
    assert Formats("tr_TR").percent(19) == "%19"
    assert Formats("en_US").percent(7) == "7%"


AT = dt.datetime(2026, 12, 3, 14, 5)


@pytest.mark.parametrize(("locale", "date", "time", "both"), [
    ("en_US", "Dec 3, 2026", f"2:05{NBSP}PM", f"Dec 3, 2026, 2:05{NBSP}PM"),
    ("de_DE", "03.12.2026", "14:05", "03.12.2026, 14:05"),
    ("tr_TR", "3 Ara 2026", "14:05", "3 Ara 2026 14:05"),
])
def test_dates_and_times(locale, date, time, both):
    formats = Formats(locale)
    assert formats.date(AT.date()) == date
    assert formats.time(AT) == time
    assert formats.datetime(AT) == both
    # CLDR's own medium date and short time (the narrow no-break space made a plain one)
    assert date == babel_dates.format_date(AT, "medium", locale=locale)
    assert time == babel_dates.format_time(AT, "short", locale=locale).replace("\u202f", NBSP)
    assert formats.long_date(AT.date()) == babel_dates.format_date(AT, "long", locale=locale)


def test_minutes_use_the_callers_words_and_the_locales_digits():
    assert Formats("en_US").minutes(150) == "2 h 30 min"
    assert Formats("de_DE").minutes(120, "Std.", "Min.") == "2 Std."
    assert Formats("tr_TR").minutes(45, "sa", "dk") == "45 dk"
    assert Formats("de_DE").minutes(-90) == "-1 h 30 min"


def test_a_reader_of_another_language_keeps_the_sites_country_where_cldr_has_it():
    assert display_locale("de_DE", None) == "de_DE"
    assert display_locale("de_DE", "de") == "de_DE"
    assert display_locale("de_DE", "en") == "en_DE"  # 12,50 € in English
    assert Formats(display_locale("de_DE", "en"), "EUR").money(1250) == f"12,50{NBSP}€"
    assert display_locale("de_DE", "tr") == "tr"
    assert display_locale("tr_TR", "en") == "en"  # CLDR has no en_TR: English formats


def test_an_unknown_locale_is_refused():
    with pytest.raises(LocaleError, match="unknown locale 'xx_QQ'"):
        Formats("xx_QQ")
