"""Confirm: the package, its price, the wallet; pay from the wallet or at the counter.

The idempotency key is made once when the screen is shown, so a double tap (or a retry after a
glitch) buys once; a pay-at-counter order is made once per confirm too. The wallet button is
disabled, with the reason, when the wallet cannot pay the price (engine: `wallet_cover`); after
a card login it asks for the PIN first (engine: `wallet_pin_needed`, the wallet_pin screen).
"""

from __future__ import annotations

import uuid
from typing import Any

from kivy.properties import StringProperty

from engine.entitlements import purchase
from engine.entitlements.kiosk_wallet import wallet_cover, wallet_pin_needed
from engine.errors import InsufficientBalance, PlaydeskError
from engine.sales.orders import create_order
from kiosk.screens.base import KioskScreen
from kiosk.screens.packages import gets_text, terms_text
from kiosk.texts import text as t
from uikit.screen import load_kv

load_kv(__file__)


class ConfirmScreen(KioskScreen):
    screen_name = "confirm"

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.package: dict[str, Any] | None = None
        self.key = ""
        self.order = None

    package_name = StringProperty("")
    campaign_name = StringProperty("")
    gets = StringProperty("")
    terms = StringProperty("")
    price = StringProperty("")
    wallet = StringProperty("")
    wallet_short = StringProperty("")  # why the wallet cannot pay ("" when it can)

    def fill(self, package: dict[str, Any]) -> None:
        """The package and the wallet into the properties confirm.kv shows; a new key."""
        app = self.app
        self.package = package
        self.key = f"kiosk-{app.location or 'kiosk'}-{uuid.uuid4().hex}"
        self.order = None
        self.package_name = package["name"]
        self.campaign_name = package["campaign_name"]
        self.gets = gets_text(package, app.money, app.minutes)
        self.terms = terms_text(package)
        self.price = app.money(package["price"])
        cover = wallet_cover(app.member, self.package_code, app.now())
        self.wallet = app.money(cover.spendable)
        self.wallet_short = ("" if cover.covers else
                             t("confirm_wallet_short", wallet=self.wallet, price=self.price))
        self.ids.wallet_button.disabled = not cover.covers

    @property
    def package_code(self) -> str:
        assert self.package is not None
        return f"{self.package['campaign']}/{self.package['package']}"

    def pay_wallet(self, pin_confirmed: bool = False) -> None:
        """Buy from the wallet; after a card login the PIN first (unless just typed)."""
        app = self.app
        if not pin_confirmed and wallet_pin_needed(app.login_method):
            app.go("wallet_pin", price=self.price)
            return
        try:
            bought = purchase(app.member, self.package_code, "wallet", "kiosk", app.now(),
                              location=app.location, key=self.key)
        except InsufficientBalance:  # spent elsewhere since the screen was shown: said kindly
            self.back_with(t("confirm_insufficient"))
            return
        except PlaydeskError as error:
            self.back_with(t("confirm_failed", reason=self.app.refusal(error)))
            return
        app.go("done", purchase_id=bought.id)

    def back_with(self, message: str) -> None:
        """Show this screen (from the PIN screen too) with a refusal, the key kept."""
        if self.app.screens.current != self.name:
            self.app.screens.current = self.name
            self.app.update_header()
        self.say(message)

    def pay_at_counter(self) -> None:
        app = self.app
        if self.order is None:
            try:
                self.order = create_order(app.member, self.package_code, app.location, app.now())
            except PlaydeskError as error:
                self.say(t("confirm_failed", reason=self.app.refusal(error)))
                return
        app.go("done", order_code=self.order.code)
