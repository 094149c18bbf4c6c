"""Attract screen: the site's name, what is on offer, "scan your card to start"."""

from __future__ import annotations

from kivy.uix.widget import Widget

from engine.campaign_state import ACTIVE, campaign_state
from engine.models import Campaign
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit import theme
from uikit.widgets import Panel

MAX_CAMPAIGNS = 4


def active_campaigns(at) -> list[Campaign]:
    query = (Campaign.select().where((Campaign.type == "packages") & ~Campaign.deleted)
             .order_by(Campaign.code))
    return [c for c in query if campaign_state(c, at) == ACTIVE][:MAX_CAMPAIGNS]


class AttractScreen(KioskScreen):
    screen_name = "attract"

    def build(self, message: str = "") -> None:
        body = self.body
        body.add_widget(self.label(t("attract_title", site=self.app.site_name), "title",
                                   halign="center", bold=True))
        body.add_widget(self.label(t("attract_scan"), "huge", halign="center",
                                   color=theme.ACCENT, bold=True))
        offers = Panel(orientation="vertical", padding=10, spacing=4)
        campaigns = active_campaigns(self.app.now())
        offers.add_widget(self.label(t("attract_campaigns"), "large", bold=True))
        for campaign in campaigns:
            line = f"[b]{campaign.name}[/b]"
            if campaign.description:
                line += f" — {campaign.description}"
            offers.add_widget(self.label(line))
        if not campaigns:
            offers.add_widget(self.label(t("attract_no_campaigns"), color=theme.MUTED))
        offers.size_hint_y = None
        offers.bind(minimum_height=offers.setter("height"))
        body.add_widget(offers)
        body.add_widget(self.message)
        body.add_widget(Widget())  # pushes the button to the bottom
        body.add_widget(self.button(t("attract_pin_login"), self.app.start_pin_login,
                                    color=theme.PANEL))
        self.say(message)
