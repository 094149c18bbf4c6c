"""Kiosk texts and amounts: every refusal has words, every text formats, amounts read well."""

from __future__ import annotations

import string

import pytest

from engine.i18n import catalogs
from engine.people import logins
from kiosk import texts
from uikit.amounts import minutes_text, money_text


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
    assert minutes_text(minutes) == shown


def test_money_text_in_the_site_currency():
    assert money_text(4500) == "€45.00"
    assert money_text(4500, "USD") == "$45.00"
    assert money_text(1234, "JPY") == "¥1,234"
    assert money_text(123450, "EUR", "de_DE") == "1.234,50\u00a0€"
