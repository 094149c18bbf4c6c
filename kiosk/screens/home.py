"""Home: wallet and play time (paid, bonus), what expires within 7 days, and the way to buy."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from engine.entitlements import balance, expiring_within
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit import theme
from uikit.widgets import Panel

MAX_EXPIRING = 3


class HomeScreen(KioskScreen):
    screen_name = "home"

    def build(self) -> None:
        app = self.app
        at = app.now()
        totals = balance(app.member, at)
        cards = BoxLayout(orientation="horizontal", spacing=12, size_hint_y=None)
        cards.add_widget(self.card(t("home_wallet"), totals["money"], app.money))
        cards.add_widget(self.card(t("home_minutes"), totals["minutes"], app.minutes))
        cards.bind(minimum_height=cards.setter("height"))
        self.body.add_widget(cards)

        expiring = Panel(orientation="vertical", padding=10, spacing=2, size_hint_y=None)
        expiring.bind(minimum_height=expiring.setter("height"))
        expiring.add_widget(self.label(t("home_expiring"), bold=True))
        lots = expiring_within(app.member, at, days=7)
        for lot in lots[:MAX_EXPIRING]:
            amount = app.money(lot["remaining"]) if lot["kind"] == "money" else app.minutes(
                lot["remaining"])
            expiring.add_widget(self.label(t("home_expiring_line", amount=amount,
                                             date=app.date(lot["expires_at"])), color=theme.WARN))
        if not lots:
            expiring.add_widget(self.label(t("home_nothing_expiring"), "small",
                                           color=theme.MUTED))
        self.body.add_widget(expiring)
        self.body.add_widget(self.message)
        self.body.add_widget(BoxLayout())  # pushes the buttons to the bottom
        self.body.add_widget(self.button_row(
            self.button(t("home_buy"), lambda: app.go("packages"), color=theme.GOOD),
            self.button(t("home_history"), lambda: app.go("history"), color=theme.PANEL)))

    def card(self, title: str, split: dict, fmt) -> Panel:
        card = Panel(orientation="vertical", padding=10, spacing=2, size_hint_y=None)
        card.bind(minimum_height=card.setter("height"))
        card.add_widget(self.label(title, halign="center", color=theme.MUTED))
        card.add_widget(self.label(fmt(split["total"]), "title", halign="center", bold=True))
        parts = [f"{t('home_paid')} {fmt(split['paid'])}", f"{t('home_bonus')} {fmt(split['bonus'])}"]
        if split["other"]:
            parts.append(f"{t('home_other')} {fmt(split['other'])}")
        card.add_widget(self.label("   ".join(parts), "small", halign="center"))
        return card

    def refresh(self) -> None:
        self.show()
