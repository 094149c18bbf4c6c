"""Packages: what this member can buy here now, what each gives, and its price."""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView

from engine.entitlements import sellable_packages
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit import theme
from uikit.widgets import Panel, fit_height


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


class PackagesScreen(KioskScreen):
    screen_name = "packages"

    def build(self) -> None:
        app = self.app
        self.body.add_widget(self.title_row(t("packages_title"), back=lambda: app.go("home")))
        packages = sellable_packages(app.member, app.now())
        self.choose_buttons: dict[str, object] = {}
        if not packages:
            self.body.add_widget(self.label(t("packages_none"), "large", halign="center"))
        listing = BoxLayout(orientation="vertical", spacing=8, size_hint_y=None)
        fit_height(listing)
        for package in packages:
            listing.add_widget(self.card(package))
        self.scroller = ScrollView(do_scroll_x=False, bar_width=12,
                                   scroll_type=["bars", "content"])
        self.scroller.add_widget(listing)
        self.body.add_widget(self.scroller)
        self.body.add_widget(self.message)

    def card(self, package: dict[str, Any]) -> Panel:
        app = self.app
        card = Panel(orientation="horizontal", padding=10, spacing=10, size_hint_y=None)
        words = BoxLayout(orientation="vertical", spacing=2, size_hint_y=None)
        words.bind(minimum_height=words.setter("height"))
        words.add_widget(self.label(f"[b]{package['name']}[/b]  "
                                    f"[color=#b8bfcc]{package['campaign_name']}[/color]", "large"))
        words.add_widget(self.label(gets_text(package, app.money, app.minutes)))
        words.add_widget(self.label(terms_text(package), "small", color=theme.MUTED))
        card.add_widget(words)
        side = BoxLayout(orientation="vertical", spacing=4, size_hint_x=None,
                         width=max(170, int(self.width * 0.24)), size_hint_y=None)
        side.add_widget(self.label(app.money(package["price"]), "large", halign="center",
                                   bold=True))
        choose = self.button(t("packages_choose"),
                             lambda: app.go("confirm", package=package), color=theme.GOOD)
        side.add_widget(choose)
        self.choose_buttons[f"{package['campaign']}/{package['package']}"] = choose
        side.bind(minimum_height=side.setter("height"))
        card.add_widget(side)

        def fit(*_args) -> None:
            card.height = max(words.height, side.height) + 20
        words.bind(height=fit)
        side.bind(height=fit)
        fit()
        return card
