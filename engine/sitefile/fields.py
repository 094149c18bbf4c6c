"""Field checkers for the site file: each takes a YAML value and returns its normalized form.

Normalized values are JSON-native (dates and datetimes as ISO text, percentages as exact decimal
text), so a normalized document survives a journal event unchanged. A checker raises `Invalid`
with a message; the caller adds the file, line and path.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.campaigns.types import WEEKDAYS
from engine.i18n.catalogs import LANGUAGES
from engine.i18n.formats import LocaleError, known_currency, parse_locale
from engine.money import MAX_AMOUNT
from engine.people.pins import is_pin_hash

CODE_PATTERN = re.compile(r"[A-Za-z0-9_.\-]{1,40}")
TIME_PATTERN = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
# Coupon expiration date formulas (pricing.md): up to three terms, each [+|-] then nU, Un or CU.
_UNIT = r"(?:WD|D|W|M|Q|Y)"
_TERM = rf"[+-]?(?:[0-9]+{_UNIT}|{_UNIT}[0-9]+|C{_UNIT})"
FORMULA_PATTERN = re.compile(rf"{_TERM}(?:{_TERM}){{0,2}}")

Checker = Callable[[Any], Any]

# The largest amount (or count) a site file, receipt or coupon may hold: 10^12 minor units is
# 10 billion in a 2-digit currency, far beyond anything a gaming center sells, and sums of a
# million such amounts still fit SQLite's 64-bit integers (a larger number would be refused
# only when written, as a crash instead of a clear message).
MAX_VALIDITY_DAYS = 36_525  # a century: further is no expiry, and past year 9999 no date


class Invalid(Exception):
    """A value that breaks its field's rule."""


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("must be a string")
    return value


def nonempty_text(value: Any) -> str:
    if not text(value).strip():
        raise Invalid("must not be empty")
    _no_control_characters(value)
    return value


def _no_control_characters(value: str) -> None:
    """A name is one line of text: a CR, a tab or a separator in it would reach screens and
    printers as something else."""
    bad = next((char for char in value if unicodedata.category(char) in ("Cc", "Zl", "Zp")), None)
    if bad is not None:
        raise Invalid(f"must not contain control characters (found U+{ord(bad):04X})")


def code(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("must be a string code (quote it)")
    if not CODE_PATTERN.fullmatch(value):
        raise Invalid(f"{value!r} is not a valid code (1-40 characters of A-Z a-z 0-9 _ - .)")
    return value


def code_or_blank(value: Any) -> str:
    """A filter or coupon sales code: a code, or "" for blank."""
    return "" if value == "" else code(value)


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


def integer(value: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("must be an integer")
    minimum = -MAX_AMOUNT if minimum is None else minimum
    maximum = MAX_AMOUNT if maximum is None else maximum
    if value < minimum:
        raise Invalid(f"must be at least {minimum}")
    if value > maximum:
        raise Invalid(f"must be at most {maximum}")
    return value


def int_range(minimum: int | None = None, maximum: int | None = None) -> Checker:
    return lambda value: integer(value, minimum, maximum)


amount = int_range(0)  # money in minor units
positive = int_range(1)


def decimal_text(value: Decimal) -> str:
    """Canonical text of a Decimal: 10 → '10', 12.50 → '12.5', never an exponent."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def percent(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise Invalid("must be a number (a percentage)")
    number = Decimal(value)
    if not 0 <= number <= 100:
        raise Invalid("must be between 0 and 100")
    return decimal_text(number)


def enum(*choices: str) -> Checker:
    def check(value: Any) -> str:
        if value not in choices or not isinstance(value, str):
            raise Invalid(f"must be one of {', '.join(choices)}")
        return value
    check.choices = choices  # type: ignore[attr-defined]  # forms offer them as buttons
    return check


def date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        raise Invalid("must be a date YYYY-MM-DD, not a datetime")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise Invalid("must be a date YYYY-MM-DD")


def datetime(value: Any) -> str:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str) and len(value) >= 16 and value[10:11] in ("T", " "):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise Invalid("must be a datetime YYYY-MM-DDTHH:MM") from None
    else:
        raise Invalid("must be a datetime YYYY-MM-DDTHH:MM")
    if parsed.tzinfo is not None:
        raise Invalid("must be a datetime without time zone (site time)")
    return parsed.isoformat(timespec="seconds")


def time_of_day(value: Any) -> str:
    if not isinstance(value, str) or not TIME_PATTERN.fullmatch(value):
        raise Invalid('must be a time "HH:MM" (quote it)')
    return value


def weekdays(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise Invalid(f"must be a non-empty list of weekdays ({', '.join(WEEKDAYS)})")
    for day in value:
        if day not in WEEKDAYS:
            raise Invalid(f"{day!r} is not a weekday ({', '.join(WEEKDAYS)})")
    if len(set(value)) != len(value):
        raise Invalid("lists a weekday twice")
    return sorted(value, key=WEEKDAYS.index)


def pin_hash(value: Any) -> str:
    if not is_pin_hash(value):
        raise Invalid("must be a hash from `playdesk hash-pin` (never a plain PIN)")
    return value


def currency(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        raise Invalid("must be a 3-letter ISO currency code")
    if not known_currency(value):
        raise Invalid(f"{value} is not an ISO 4217 currency CLDR knows (e.g. EUR, USD, TRY, JPY)")
    return value


def locale(value: Any) -> str:
    """A CLDR locale such as en_US, de_DE, tr_TR (language and formats), written as given."""
    text(value)
    try:
        parse_locale(value)
    except LocaleError:
        raise Invalid(f"{value!r} is not a known locale (use e.g. en_US, de_DE, tr_TR)") from None
    if "-" in value or "." in value:
        raise Invalid(f"write the locale as language_COUNTRY, e.g. "
                      f"{str(parse_locale(value.split('.')[0]))}")
    return value


def language(value: Any) -> str:
    """A language the apps have words for: en, de, tr."""
    if value not in LANGUAGES:
        raise Invalid(f"must be one of {', '.join(LANGUAGES)}")
    return value


def names(value: Any) -> dict[str, str]:
    """A record's name in other languages, `{de: Wasser, tr: Su}`, shown where the language
    matches (the record's `name` stays as the owner wrote it, for every other language)."""
    if not isinstance(value, dict):
        raise Invalid("must be a mapping of language to name, e.g. {de: Wasser, tr: Su}")
    result = {}
    for key, name in value.items():
        if key not in LANGUAGES:
            raise Invalid(f"{key!r} is not a language the apps speak ({', '.join(LANGUAGES)})")
        if not isinstance(name, str) or not name.strip():
            raise Invalid(f"the {key} name must be a text, not empty")
        _no_control_characters(name)
        result[key] = name
    return dict(sorted(result.items()))


def timezone(value: Any) -> str:
    text(value)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"{value!r} is not a known time zone") from None
    return value


def date_formula_or_date(value: Any) -> str:
    if isinstance(value, (dt.date, str)) and not isinstance(value, dt.datetime):
        if isinstance(value, dt.date) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date(value)
        if FORMULA_PATTERN.fullmatch(value):
            return value
    raise Invalid('must be a date formula (e.g. "+3M", "CM", "+1M-CM") or a date')


def string_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise Invalid("must be a list of strings (quote numbers)")
    if len(set(value)) != len(value):
        raise Invalid("lists a value twice")
    return list(value)


def code_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise Invalid("must be a list of codes")
    codes = [code(v) for v in value]
    if len(set(codes)) != len(codes):
        raise Invalid("lists a code twice")
    return codes


def allow_or_deny(value: Any) -> str | dict[str, str]:
    """offline_policy (sync.md): `allow`/`deny`, or per operation {op: allow|deny, default: ...}."""
    words = ("allow", "deny")
    if isinstance(value, str) and value in words:
        return value
    if isinstance(value, dict) and value and all(
            isinstance(k, str) and v in words for k, v in value.items()):
        return dict(value)
    raise Invalid("must be allow, deny, or a mapping of operation to allow/deny")


def text_lines(value: Any) -> str | list[str]:
    """A line of text or a list of lines (receipt header and footer)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return list(value)
    raise Invalid("must be a string or a list of strings")


def mapping(value: Any) -> dict[str, Any]:
    """A free-form mapping checked by its user (e.g. the printer profile)."""
    if not isinstance(value, dict):
        raise Invalid("must be a mapping")
    return {key: _json_value(item) for key, item in value.items()}


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value
