"""Home: wallet and play time (paid, bonus), what expires within 7 days, and the way to buy.

The screen every card scan lands on, so it is built once per window size and then only refilled:
one balance query, new texts on the labels that exist (no widgets made, no layout rebuilt).
"""

from __future__ import annotations

from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout

from engine.entitlements import balance, expiring_lots
from engine.entitlements.balances import Split
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit import theme
from uikit.widgets import Panel, TextLabel

MAX_EXPIRING = 3


class BalanceCard(Panel):
    """Title, total, and the paid / bonus (/ other) split of one kind of credit."""

    def __init__(self, screen: KioskScreen, title: str) -> None:
        super().__init__(orientation="vertical", padding=10, spacing=2, size_hint_y=None)
        self.bind(minimum_height=self.setter("height"))
        self.add_widget(screen.label(title, halign="center", color=theme.MUTED))
        self.total = screen.label("", "title", halign="center", bold=True)
        self.split = screen.label("", "small", halign="center")
        self.add_widget(self.total)
        self.add_widget(self.split)

    def show(self, split: Split, fmt) -> None:
        self.total.text = fmt(split.total)
        parts = [f"{t('home_paid')} {fmt(split.paid)}", f"{t('home_bonus')} {fmt(split.bonus)}"]
        if split.other:
            parts.append(f"{t('home_other')} {fmt(split.other)}")
        self.split.text = "   ".join(parts)


class HomeScreen(KioskScreen):
    screen_name = "home"
    built_for: tuple[int, int] | None = None  # the window size the widgets were made for

    def show(self, **kwargs) -> None:
        if self.built_for != tuple(Window.size):
            super().show(**kwargs)
            self.built_for = tuple(Window.size)
        else:
            self.say("")
        self.fill()

    def build(self) -> None:
        app = self.app
        cards = BoxLayout(orientation="horizontal", spacing=12, size_hint_y=None)
        self.wallet = BalanceCard(self, t("home_wallet"))
        self.minutes = BalanceCard(self, t("home_minutes"))
        cards.add_widget(self.wallet)
        cards.add_widget(self.minutes)
        cards.bind(minimum_height=cards.setter("height"))
        self.body.add_widget(cards)

        self.expiring = Panel(orientation="vertical", padding=10, spacing=2, size_hint_y=None)
        self.expiring.bind(minimum_height=self.expiring.setter("height"))
        self.expiring.add_widget(self.label(t("home_expiring"), bold=True))
        self.expiring_lines: list[TextLabel] = []
        self.shown_expiring: list[str] | None = None
        self.body.add_widget(self.expiring)
        self.body.add_widget(self.message)
        self.body.add_widget(BoxLayout())  # pushes the buttons to the bottom
        self.body.add_widget(self.button_row(
            self.button(t("home_buy"), lambda: app.go("packages"), color=theme.GOOD),
            self.button(t("home_history"), lambda: app.go("history"), color=theme.PANEL)))

    def fill(self) -> None:
        """The member's figures into the widgets there are."""
        app = self.app
        at = app.now()
        totals = balance(app.member, at)
        self.wallet.show(totals.money, app.money)
        self.minutes.show(totals.minutes, app.minutes)
        lines = [t("home_expiring_line", amount=app.money(lot["remaining"]) if lot["kind"] == "money"
                   else app.minutes(lot["remaining"]), date=app.date(lot["expires_at"]))
                 for lot in expiring_lots(totals.lots, at)[:MAX_EXPIRING]]
        if lines != self.shown_expiring:  # most members: the same "nothing expires" as before
            self.show_expiring(lines)

    def show_expiring(self, lines: list[str]) -> None:
        for label in self.expiring_lines:
            self.expiring.remove_widget(label)
        self.expiring_lines = [self.label(line, color=theme.WARN) for line in lines] or [
            self.label(t("home_nothing_expiring"), "small", color=theme.MUTED)]
        for label in self.expiring_lines:
            self.expiring.add_widget(label)
        self.shown_expiring = lines

    def refresh(self) -> None:
        self.fill()
