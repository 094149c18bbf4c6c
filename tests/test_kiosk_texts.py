"""Kiosk texts and amounts: every refusal has words, every text formats, amounts read well."""

from __future__ import annotations

import string

import pytest

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


def test_a_translation_falls_back_to_english():
    try:
        texts.use({"log_out": "Abmelden"})
        assert texts.text("log_out") == "Abmelden"
        assert texts.text("back") == "Back"
    finally:
        texts.use({})
    assert texts.text("log_out") == "Log out"


@pytest.mark.parametrize(("minutes", "shown"), [(0, "0 min"), (45, "45 min"), (60, "1 h"),
                                                (150, "2 h 30 min"), (-90, "-1 h 30 min")])
def test_minutes_text(minutes, shown):
    assert minutes_text(minutes) == shown


def test_money_text_in_the_site_currency():
    assert money_text(4500) == "45.00 €"
    assert money_text(4500, "USD") == "$45.00"
    assert money_text(1234, "JPY", 0) == "1234 JPY"
