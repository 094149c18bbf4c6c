"""History: the member's purchases and consumption, newest first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView

from engine.entitlements import purchase_records
from engine.models import Consumption, Lot
from kiosk.screens.base import KioskScreen
from kiosk.screens.done import package_name
from kiosk.texts import text as t
from uikit import theme
from uikit.widgets import fit_height

MAX_LINES = 50


def member_history(member: str, at: dt.datetime) -> list[dict[str, Any]]:
    """Purchases and consumption records of the member, newest first (display only)."""
    lines: list[dict[str, Any]] = [
        {"at": record["at"], "kind": "purchase", "campaign": record["campaign"],
         "package": record["package"], "price": record["price"]}
        for record in purchase_records(member=member, at=at)]
    kinds = {lot.id: lot.kind for lot in Lot.select(Lot.id, Lot.kind).where(Lot.member == member)}
    for use in Consumption.select().where(Consumption.member == member):
        lines.append({"at": use.at, "kind": use.kind, "lot_kind": kinds.get(use.lot, "money"),
                      "amount": use.amount})
    lines.sort(key=lambda line: line["at"], reverse=True)
    return lines[:MAX_LINES]


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
                     package=package_name(line["campaign"], line["package"]))
        amount = app.minutes(line["amount"]) if line["lot_kind"] == "minutes" else app.money(
            line["amount"])
        key = {"refund": "history_refund", "correction": "history_correction"}.get(
            line["kind"], "history_use")
        return t(key, date=date, amount=amount)
