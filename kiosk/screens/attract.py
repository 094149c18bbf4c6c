"""Attract screen: the site's name, what is on offer, "scan your card to start"."""

from __future__ import annotations

from kivy.core.window import Window
from kivy.uix.widget import Widget

from engine.entitlements import campaigns_on_offer
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit import theme
from uikit.widgets import Panel

MAX_CAMPAIGNS = 4


class AttractScreen(KioskScreen):
    """Shown after every logout: rebuilt only when the window size or the campaigns on offer
    changed, else only its message is set."""

    screen_name = "attract"
    built_for: tuple | None = None

    def show(self, message: str = "", **kwargs) -> None:
        offers = [(c["name"], c["description"])
                  for c in campaigns_on_offer(self.app.now())[:MAX_CAMPAIGNS]]
        if self.built_for != (tuple(Window.size), offers):
            self.offers = offers
            super().show(**kwargs)
            self.built_for = (tuple(Window.size), offers)
        self.say(message)

    def build(self) -> None:
        body = self.body
        body.add_widget(self.label(t("attract_title", site=self.app.site_name), "title",
                                   halign="center", bold=True))
        body.add_widget(self.label(t("attract_scan"), "huge", halign="center",
                                   color=theme.ACCENT, bold=True))
        offers = Panel(orientation="vertical", padding=10, spacing=4)
        offers.add_widget(self.label(t("attract_campaigns"), "large", bold=True))
        for name, description in self.offers:
            line = f"[b]{name}[/b]"
            if description:
                line += f" — {description}"
            offers.add_widget(self.label(line))
        if not self.offers:
            offers.add_widget(self.label(t("attract_no_campaigns"), color=theme.MUTED))
        offers.size_hint_y = None
        offers.bind(minimum_height=offers.setter("height"))
        body.add_widget(offers)
        body.add_widget(self.message)
        body.add_widget(Widget())  # pushes the button to the bottom
        body.add_widget(self.button(t("attract_pin_login"), self.app.start_pin_login,
                                    color=theme.PANEL))

    def refresh(self) -> None:
        self.show(message=self.message.text)
