"""Packages: what this member can buy here now, what each gives, and its price."""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.properties import ListProperty
from kivy.uix.widget import Widget

from engine.entitlements import sellable_packages
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit.screen import load_kv
from uikit.widgets import TextLabel

load_kv(__file__)


def gets_text(package: dict[str, Any], money, minutes) -> str:
    """"2 h play time + 30 min bonus" — what the member gets."""
    fmt = minutes if package["package_type"] == "minutes" else money
    key = "package_minutes" if package["package_type"] == "minutes" else "package_money"
    text = t(key, amount=fmt(package["base"]))
    if package["bonus_type"] != "none" and package["bonus"]:
        bonus_fmt = minutes if package["bonus_type"] == "minutes" else money
        text += " " + t("package_bonus", amount=bonus_fmt(package["bonus"]))
    return text


def terms_text(package: dict[str, Any]) -> str:
    """"Console only · Valid 90 days · Only on Sat, Sun"."""
    parts = [t(f"package_device_{package['device']}")]
    parts.append(t("package_valid_days", days=package["validity_days"])
                 if package["validity_days"] else t("package_valid_always"))
    if package.get("weekdays"):
        days = ", ".join(t(f"weekday_{day}") for day in package["weekdays"])
        parts.append(t("package_days", days=days))
    return " · ".join(parts)


class KioskPackagesScreen(KioskScreen):
    """Laid out in packages.kv; a card per package, made again only when the packages on sale
    to the member changed."""

    screen_name = "packages"
    packages = ListProperty()

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.choose_buttons: dict[str, Widget] = {}  # by package code (tests tap them)
        self.scroller = self.ids.scroller

    def fill(self) -> None:
        self.packages = sellable_packages(self.app.member, self.app.now(),
                                          language=self.app.language)
        self.scroller.scroll_y = 1  # from the top, as on the first visit

    def on_packages(self, *_args) -> None:
        listing = self.ids.listing
        listing.clear_widgets()
        self.choose_buttons = {}
        if not self.packages:
            listing.add_widget(TextLabel(t("packages_none"), font_size=self.fs("large"),
                                         halign="center"))
        for package in self.packages:
            listing.add_widget(self.card(package))

    def card(self, package: dict[str, Any]) -> Widget:
        app = self.app
        card = Factory.PackageCard()  # (a kv class: its properties exist once it is made)
        card.title = (f"[b]{package['name']}[/b]  "
                      f"[color=#b8bfcc]{package['campaign_name']}[/color]")
        card.gets = gets_text(package, app.money, app.minutes)
        card.terms = terms_text(package)
        card.price = app.money(package["price"])
        card.choose = lambda: app.go("confirm", package=package)
        for step in ("small", "body", "large"):
            self.bind(**{f"fs_{step}": card.setter(f"fs_{step}")})
            setattr(card, f"fs_{step}", getattr(self, f"fs_{step}"))
        self.bind(width=lambda _s, width: setattr(card, "side_width", max(170, int(width * 0.24))))
        card.side_width = max(170, int(self.width * 0.24))
        self.choose_buttons[f"{package['campaign']}/{package['package']}"] = card.ids.choose
        return card
