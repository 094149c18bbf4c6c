"""History: the member's purchases and consumption, newest first."""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView

from engine.entitlements import member_history
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit import theme
from uikit.widgets import fit_height


class HistoryScreen(KioskScreen):
    screen_name = "history"

    def build(self) -> None:
        app = self.app
        self.body.add_widget(self.title_row(t("history_title"), back=lambda: app.go("home")))
        lines = member_history(app.member, app.now())
        listing = BoxLayout(orientation="vertical", spacing=4, size_hint_y=None)
        fit_height(listing)
        for line in lines:
            listing.add_widget(self.label(self.line_text(line),
                                          color=theme.TEXT if line["kind"] == "purchase"
                                          else theme.MUTED))
        if not lines:
            listing.add_widget(self.label(t("history_none"), "large", halign="center"))
        scroller = ScrollView(do_scroll_x=False, bar_width=12, scroll_type=["bars", "content"])
        scroller.add_widget(listing)
        self.body.add_widget(scroller)

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
