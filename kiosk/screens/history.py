"""History: the member's purchases and consumption, newest first."""

from __future__ import annotations

from typing import Any

from kivy.properties import ListProperty

from engine.entitlements import member_history
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit import theme
from uikit.screen import load_kv

load_kv(__file__)


class KioskHistoryScreen(KioskScreen):
    """Laid out in history.kv; the lines are (text, colour) pairs."""

    screen_name = "history"
    lines = ListProperty()

    def fill(self) -> None:
        self.lines = [(self.line_text(line), theme.TEXT if line["kind"] == "purchase"
                       else theme.MUTED) for line in member_history(self.app.member, self.app.now())]

    def line_text(self, line: dict[str, Any]) -> str:
        app = self.app
        date = app.datetime_text(line["at"])
        if line["kind"] == "purchase":
            return t("history_purchase", date=date, price=app.money(line["price"]),
                     package=line["name"])
        amount = app.minutes(line["amount"]) if line["lot_kind"] == "minutes" else app.money(
            line["amount"])
        key = {"refund": "history_refund", "correction": "history_correction"}.get(
            line["kind"], "history_use")
        return t(key, date=date, amount=amount)
