"""The gettext catalogs: English is the source, each other language one .po file in locales/.

`make venv` compiles every .po to its .mo (pybabel compile); a catalogue whose .mo is missing or
older than its .po is compiled in memory instead, so a plain checkout shows the words it has.
Texts are looked up by context (the stable key of an app's TEXTS) and English source text; an
engine refusal by its English template alone.
"""

from __future__ import annotations

import gettext
import io
import logging
from functools import lru_cache
from pathlib import Path

from babel.messages import mofile, pofile

log = logging.getLogger("playdesk.i18n")

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "playdesk"
SOURCE_LANGUAGE = "en"
# What a member picks on the kiosk, in this order; each has a complete catalogue (a test checks)
LANGUAGES: tuple[str, ...] = ("en", "de", "tr")
# Each language's own name, as its speakers read it on the language button
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "tr": "Türkçe"}


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


@lru_cache(maxsize=16)
def translations(language: str | None) -> gettext.NullTranslations:
    """The translations of `language` (`de`, `tr`; `de_DE` works too); English and an unknown
    language translate nothing, so every text stays its English source."""
    language = (language or SOURCE_LANGUAGE).replace("-", "_").split("_")[0]
    po = po_path(language)
    if language == SOURCE_LANGUAGE or not po.exists():
        return gettext.NullTranslations()
    mo = mo_path(language)
    try:
        if mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
            with mo.open("rb") as handle:
                return gettext.GNUTranslations(handle)
    except Exception as error:  # noqa: BLE001 - a .mo cut short (an SD card): from the .po
        log.warning("catalogue %s unreadable (%s): compiling %s", mo, error, po)
    try:
        return gettext.GNUTranslations(io.BytesIO(compiled(po)))
    except Exception as error:  # noqa: BLE001 - a broken catalogue must never stop an app
        log.error("catalogue %s unreadable (%s): showing English", po, error)
        return gettext.NullTranslations()


def compiled(po: Path) -> bytes:
    """A .po file as .mo bytes (fuzzy entries left out, as pybabel compile does)."""
    with po.open("rb") as handle:
        catalog = pofile.read_po(handle)
    buffer = io.BytesIO()
    mofile.write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def translate(language: str | None, key: str, english: str) -> str:
    """The text of `key` (English source `english`) in `language`."""
    return translations(language).pgettext(key, english)
