"""The kiosk's words for a refused PIN (the login screen and the wallet PIN say it alike)."""

from __future__ import annotations

from engine.i18n.formats import Formats
from engine.people.logins import LoginRefused
from kiosk.texts import text as t


def refusal_text(error: LoginRefused, formats: Formats) -> str:
    if error.reason == "wrong_pin" and error.tries_left == 1:
        return t("refused_wrong_pin_last")
    return t(f"refused_{error.reason}", tries_left=error.tries_left,
             until=formats.time(error.until) if error.until else "")
