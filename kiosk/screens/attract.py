"""Attract screen: the site's name, what is on offer, "scan your card to start".
Shown after every logout: its layout is attract.kv; only the offers' lines and the message
change (the offer lines are made again only when what is on offer, or the window, changed)."""

from __future__ import annotations

from kivy.properties import ListProperty

from engine.entitlements import campaigns_on_offer
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit import theme
from uikit.screen import load_kv
from uikit.widgets import TextLabel

MAX_CAMPAIGNS = 4

load_kv(__file__)


class AttractScreen(KioskScreen):
    screen_name = "attract"
    offers = ListProperty()  # (name, description) of the campaigns on offer now

    def fill(self, message: str = "") -> None:
        self.offers = [(c["name"], c["description"])
                       for c in campaigns_on_offer(self.app.now())[:MAX_CAMPAIGNS]]
        self.say(message)

    def on_offers(self, *_args) -> None:
        self.show_offers()

    def on_fs_body(self, *_args) -> None:
        self.show_offers()

    def show_offers(self) -> None:
        box = self.ids.offers
        for line in box.children[:-1]:  # (the heading stays)
            box.remove_widget(line)
        for name, description in self.offers:
            box.add_widget(TextLabel(f"[b]{name}[/b]" + (f" — {description}" if description
                                                          else ""), font_size=self.fs_body))
        if not self.offers:
            box.add_widget(TextLabel(t("attract_no_campaigns"), font_size=self.fs_body,
                                     color=theme.MUTED))

    def refresh(self) -> None:
        self.show(message=self.message.text)
