"""A document's money: its currency and the locale it is written in (engine.i18n.formats).

Documents carry amounts as ints in minor units and this small value, so the printer (or a
preview, or a reprint years later) writes them exactly as the site does: `12,50 €` at a de_DE
site, `₺12,50` at a tr_TR one, `$12.50` in en_US, grouped by thousands.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.i18n.formats import DEFAULT_LOCALE, Formats, formats, language_of


@dataclass(frozen=True)
class Currency:
    code: str = "EUR"
    minor_digits: int = 2
    locale: str = DEFAULT_LOCALE

    @property
    def formats(self) -> Formats:
        return formats(self.locale, self.code, self.minor_digits)

    @property
    def language(self) -> str:
        return language_of(self.locale)

    @property
    def symbol(self) -> str:
        return self.formats.symbol

    def format(self, amount: int, symbol: bool = False) -> str:
        """1250 → '12.50' in en_US, '12,50' in de_DE; with `symbol`: '€12.50', '12,50 €'."""
        return self.formats.money(amount) if symbol else self.formats.amount(amount)
