"""Packages sold to the member on the receipt: what the package campaigns sell them now."""

from __future__ import annotations

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.entitlements import sellable_packages
from engine.people.members import member_name
from uikit import theme
from uikit.screen import load_kv

load_kv(__file__)


class PackagesScreen(CounterScreen):
    screen_name = "packages"

    def fill(self, campaign: str | None = None) -> None:
        receipt = self.app.screens.get_screen("receipt")
        member = receipt.cart.member
        if member is None:
            self.app.go("receipt", message=t("packages_need_member"))
            return
        name = member_name(member)
        box = self.new_listing(t("packages_title", member=name))
        offers = [p for p in sellable_packages(member, self.app.now())
                  if campaign is None or p["campaign"] == campaign]
        if not offers:
            box.add_widget(self.label(t("packages_none"), color=theme.MUTED))
        for offer in offers:
            code = f"{offer['campaign']}/{offer['package']}"
            box.add_widget(self.button(
                t("package_button", name=f"{offer['name']} ({code})",
                  price=self.app.money(offer["price"])),
                lambda c=code: receipt.add_package(c), color=theme.PANEL))
