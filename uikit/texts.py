"""A catalogue of an app's texts: English by key, shown in the language in use (gettext).

Each app keeps its words in a TEXTS dict (key → English source). `use(language)` switches the
language of everything shown from then on; `text(key, **values)` formats one in it. The
translations live in engine/i18n/locales (one .po per language), with the key as context.
"""

from __future__ import annotations

import gettext

from engine.errors import PlaydeskError
from engine.i18n import catalogs


class Texts:
    def __init__(self, defaults: dict[str, str]) -> None:
        self.defaults = defaults
        self.language = catalogs.SOURCE_LANGUAGE
        self._translations: gettext.NullTranslations = catalogs.translations(None)

    def use(self, language: str | None) -> None:
        self.language = (language or catalogs.SOURCE_LANGUAGE).split("_")[0]
        self._translations = catalogs.translations(self.language)

    def has(self, key: str) -> bool:
        return key in self.defaults

    def text(self, key: str, **values: object) -> str:
        translated = self._translations.pgettext(key, self.defaults[key])
        try:
            return translated.format(**values)
        except Exception:  # noqa: BLE001 - a broken translation shows English, never a crash
            return self.defaults[key].format(**values)

    def refusal(self, error: BaseException) -> str:
        """An engine refusal in the language in use (its English words when not translated)."""
        if isinstance(error, PlaydeskError):
            return error.translated(self._translations.gettext)
        return str(error)
