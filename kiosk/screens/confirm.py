"""Confirm: the package, its price, the wallet; pay from the wallet or at the counter.

The idempotency key is made once when the screen is shown, so a double tap (or a retry after a
glitch) buys once; a pay-at-counter order is made once per confirm too.
"""

from __future__ import annotations

import uuid
from typing import Any

from kivy.uix.boxlayout import BoxLayout

from engine.entitlements import balance, purchase
from engine.errors import InsufficientBalance, PlaydeskError
from engine.orders import create_order
from kiosk.screens.base import KioskScreen
from kiosk.screens.packages import gets_text, terms_text
from kiosk.texts import text as t
from uikit import theme
from uikit.widgets import Panel


class ConfirmScreen(KioskScreen):
    screen_name = "confirm"

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.package: dict[str, Any] | None = None
        self.key = ""
        self.order = None

    def build(self, package: dict[str, Any]) -> None:
        app = self.app
        self.package = package
        self.key = f"kiosk-{app.location or 'kiosk'}-{uuid.uuid4().hex}"
        self.order = None
        self.body.add_widget(self.title_row(t("confirm_title", package=package["name"]),
                                            back=lambda: app.go("packages")))
        details = Panel(orientation="vertical", padding=12, spacing=4, size_hint_y=None)
        details.bind(minimum_height=details.setter("height"))
        details.add_widget(self.label(package["campaign_name"], color=theme.MUTED))
        details.add_widget(self.label(gets_text(package, app.money, app.minutes), "large"))
        details.add_widget(self.label(terms_text(package), "small", color=theme.MUTED))
        details.add_widget(self.label(t("confirm_price", price=app.money(package["price"])),
                                      "large", bold=True))
        wallet = balance(app.member, app.now()).money.total
        details.add_widget(self.label(t("confirm_wallet_balance", amount=app.money(wallet))))
        self.body.add_widget(details)
        self.body.add_widget(self.message)
        self.body.add_widget(BoxLayout())
        self.wallet_button = self.button(t("confirm_pay_wallet",
                                           price=app.money(package["price"])),
                                         self.pay_wallet, color=theme.GOOD)
        self.counter_button = self.button(t("confirm_pay_counter"), self.pay_at_counter)
        self.body.add_widget(self.button_row(self.wallet_button, self.counter_button))

    @property
    def package_code(self) -> str:
        assert self.package is not None
        return f"{self.package['campaign']}/{self.package['package']}"

    def pay_wallet(self) -> None:
        app = self.app
        try:
            bought = purchase(app.member, self.package_code, "wallet", "kiosk", app.now(),
                              location=app.location, key=self.key)
        except InsufficientBalance:  # the one refusal every member meets, said kindly
            self.say(t("confirm_insufficient"))
            return
        except PlaydeskError as error:
            self.say(t("confirm_failed", reason=error))
            return
        app.go("done", purchase_id=bought.id)

    def pay_at_counter(self) -> None:
        app = self.app
        if self.order is None:
            try:
                self.order = create_order(app.member, self.package_code, app.location, app.now())
            except PlaydeskError as error:
                self.say(t("confirm_failed", reason=error))
                return
        app.go("done", order_code=self.order.code)
