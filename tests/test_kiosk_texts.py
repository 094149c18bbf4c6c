"""Kiosk texts and amounts: every refusal has words, every text formats, amounts read well."""

from __future__ import annotations

import string

import pytest

from engine.i18n import catalogs
from engine.i18n.formats import Formats, formats
from engine.people import logins
from kiosk import texts


def test_every_login_refusal_has_a_text():
    for reason in logins.REASONS:
        assert f"refused_{reason}" in texts.TEXTS


def test_every_text_formats_with_its_own_fields():
    for key, value in texts.TEXTS.items():
        fields = {name for _, name, _, _ in string.Formatter().parse(value) if name}
        assert texts.text(key, **{name: "X" for name in fields}), key


def test_a_language_is_used_and_left(tmp_path):
    german = catalogs.translate("de", "log_out", "Log out")
    assert german != "Log out"
    try:
        texts.use("de")
        assert texts.text("log_out") == german
        texts.use("xx")  # a language without a catalogue shows English
        assert texts.text("log_out") == "Log out"
    finally:
        texts.use(None)
    assert texts.text("log_out") == "Log out"


def test_a_broken_translation_shows_english_not_a_crash(monkeypatch):
    class Broken:
        def pgettext(self, context, message):
            return "Hallo {nom}"  # a placeholder the English does not have

    monkeypatch.setattr(texts.catalogue, "_translations", Broken())
    assert texts.text("hello", name="Ada") == "Hello, Ada"


@pytest.mark.parametrize(("minutes", "shown"), [(0, "0 min"), (45, "45 min"), (60, "1 h"),
                                                (150, "2 h 30 min"), (-90, "-1 h 30 min")])
def test_minutes_text(minutes, shown):
    assert Formats().minutes(minutes) == shown


def test_money_text_in_the_site_currency():
    assert formats("en_US", "EUR").money(4500) == "€45.00"
    assert formats("en_US", "USD").money(4500) == "$45.00"
    assert formats("en_US", "JPY").money(1234) == "¥1,234"
    assert formats("de_DE", "EUR").money(123450) == "1.234,50\u00a0€"
