"""Attract screen: the site's name, what is on offer, "scan your card to start".
Shown after every logout: its layout is attract.kv; only the offers' lines and the message
change (the offer lines are made again only when what is on offer changed)."""

from __future__ import annotations

from kivy.properties import ListProperty

from engine.entitlements import campaigns_on_offer
from kiosk.screens.base import KioskScreen
from uikit.screen import load_kv

MAX_CAMPAIGNS = 4

load_kv(__file__)


class AttractScreen(KioskScreen):
    screen_name = "attract"
    offers = ListProperty()  # (name, description) of the campaigns on offer now

    def fill(self, message: str = "") -> None:
        self.offers = [(c["name"], c["description"])
                       for c in campaigns_on_offer(self.app.now(),
                                                   language=self.app.language)[:MAX_CAMPAIGNS]]
        self.say(message)

    def refresh(self) -> None:
        self.show(message=self.message.text)
