"""The translations (engine/i18n): every text the apps show or print, and every engine refusal
template, is in the German and Turkish catalogues, translated, with the same placeholders.

The messages are extracted from the source here (Babel, with the project's extractor), not read
from the committed .pot, so a text added to a TEXTS dict without its translation fails this.
"""

from __future__ import annotations

import io
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from engine.errors import N_, NotFound
from engine.i18n import catalogs
from engine.i18n.extract import texts_entries

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("engine", "hardware", "uikit", "kiosk", "counter")
TRANSLATED = [language for language in catalogs.LANGUAGES if language != catalogs.SOURCE_LANGUAGE]
Key = tuple[str | None, str]


def extracted() -> dict[Key, str]:
    """(context, English) → where, for every message of the source."""
    found: dict[Key, str] = {}
    for folder in SOURCES:
        for filename, _line, message, _comments, context in extract_from_dir(
                ROOT / folder, [("**.py", "engine.i18n.extract:extract_playdesk")]):
            found.setdefault((context, message), f"{folder}/{filename}")
    return found


def placeholders(text: str) -> list[tuple[str, str | None, str | None]]:
    """The {name!conversion:spec} fields of a format string, sorted."""
    return sorted((name, conversion, spec) for _literal, name, spec, conversion
                  in string.Formatter().parse(text) if name is not None)


def problems(catalog: Catalog, messages: dict[Key, str]) -> list[str]:
    found = []
    for (context, english), where in sorted(messages.items(), key=str):
        entry = catalog.get(english, context=context)
        label = f"{context or '(refusal)'}: {english!r} ({where})"
        if entry is None:
            found.append(f"missing {label}")
        elif not entry.string or entry.fuzzy:
            found.append(f"untranslated {label}")
        else:
            try:
                same = placeholders(entry.string) == placeholders(english)
            except ValueError as error:
                found.append(f"broken format in the translation of {label}: {error}")
                continue
            if not same:
                found.append(f"placeholders differ in {label}: {entry.string!r}")
    return found


@pytest.fixture(scope="module")
def messages() -> dict[Key, str]:
    return extracted()


def test_the_source_has_the_apps_texts_the_printed_words_and_the_engines_refusals(messages):
    contexts = {context for context, _ in messages}
    assert {"login_title", "attract_scan", "printer_ready", "tax_net", "language_question"} <= contexts
    assert (None, "unknown member {member}") in messages  # an N_() refusal template
    assert len(messages) > 500


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_with_the_same_placeholders(language, messages):
    with catalogs.po_path(language).open("rb") as handle:
        catalog = read_po(handle)
    found = problems(catalog, messages)
    assert not found, f"{len(found)} problems in {language}:\n" + "\n".join(found[:40])


def test_the_check_fails_on_a_missing_an_untranslated_and_a_wrong_placeholder():
    messages = {("greet", "Hello, {name}"): "x", ("bye", "Bye"): "x", ("pay", "Pay {total}"): "x",
                (None, "no item {code!r}"): "x"}
    catalog = Catalog(locale="de")
    catalog.add("Hello, {name}", "Hallo, {nom}", context="greet")
    catalog.add("Pay {total}", "", context="pay")
    catalog.add("no item {code!r}", "kein Artikel {code}")
    found = problems(catalog, messages)
    assert sorted(line.split()[0] for line in found) == [
        "missing", "placeholders", "placeholders", "untranslated"]


def test_a_po_file_reads_the_same_compiled_or_not(tmp_path):
    catalog = Catalog(locale="de")
    catalog.add("Log out", "Abmelden", context="log_out")
    catalog.add("unknown member {member}", "unbekanntes Mitglied {member}")
    po = tmp_path / "playdesk.po"
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    po.write_bytes(buffer.getvalue())
    import gettext

    translations = gettext.GNUTranslations(io.BytesIO(catalogs.compiled(po)))
    assert translations.pgettext("log_out", "Log out") == "Abmelden"
    error = NotFound(N_("unknown member {member}"), member="M9")
    assert str(error) == "unknown member M9"
    assert error.translated(translations.gettext) == "unbekanntes Mitglied M9"


def test_the_built_mo_files_are_those_of_the_po_files():
    """make venv compiles them; a stale .mo would show words the .po no longer has."""
    for language in TRANSLATED:
        mo = catalogs.mo_path(language)
        assert mo.exists(), f"{mo} missing: make venv (make mo) compiles the catalogues"
        if mo.stat().st_mtime_ns >= catalogs.po_path(language).stat().st_mtime_ns:
            assert mo.read_bytes() == catalogs.compiled(catalogs.po_path(language))


def test_texts_dicts_are_found_with_their_keys():
    source = 'TEXTS = {"a": "A {x}"}\nTEXTS.update({"b": "B"})\nOTHER = {"c": "C"}\n'
    assert [(key, english) for _line, key, english in texts_entries(source)] == [
        ("a", "A {x}"), ("b", "B")]


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_apps_speak_the_language_in_use(language):
    from kiosk import texts

    try:
        texts.use(language)
        shown = texts.text("log_out")
        assert shown != "Log out" and shown
    finally:
        texts.use(None)
    assert texts.text("log_out") == "Log out"


def test_a_corrupt_catalogue_never_stops_an_app(tmp_path, monkeypatch):
    """A .mo cut short (an SD card) is compiled again from its .po; a .po of junk shows
    English: the app starts either way."""
    import shutil

    for language in TRANSLATED:
        shutil.copytree(catalogs.po_path(language).parent, tmp_path / language / "LC_MESSAGES")
    monkeypatch.setattr(catalogs, "LOCALES", tmp_path)
    catalogs.translations.cache_clear()
    try:
        mo = catalogs.mo_path("de")
        mo.write_bytes(catalogs.compiled(catalogs.po_path("de"))[:100])
        import os

        os.utime(mo, ns=(catalogs.po_path("de").stat().st_mtime_ns + 10**9,) * 2)
        german = catalogs.translate("de", "log_out", "Log out")
        assert german not in ("", "Log out")  # compiled again from the .po
        catalogs.po_path("tr").write_bytes(b"\xff\xfe junk \x00\x01")
        catalogs.mo_path("tr").unlink(missing_ok=True)
        assert catalogs.translate("tr", "log_out", "Log out") == "Log out"
    finally:
        catalogs.translations.cache_clear()


def test_a_broken_translation_falls_back_to_english_everywhere():
    class Broken:
        def gettext(self, message):
            return "kaputt {code.attribute}"

    error = NotFound(N_("no item {code}"), code="X")
    assert error.translated(Broken().gettext) == "no item X"
