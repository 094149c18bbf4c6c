"""The PIN again before a wallet purchase (the member logged in by card, `kiosk_wallet_pin`).

The engine checks it as a PIN login (`confirm_wallet_pin`): a wrong PIN is counted towards the
same lockout, and a lockout is said as at the login screen. The confirm screen keeps its
purchase key meanwhile, so Back and a second try still buy once.
"""

from __future__ import annotations

from kivy.properties import StringProperty

from engine.entitlements.kiosk_wallet import confirm_wallet_pin
from engine.people.logins import LoginRefused
from engine.people.pins import PIN_PATTERN
from kiosk.refusals import refusal_text
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit.keypad import DIGIT_KEYS, Keypad
from uikit.screen import load_kv

load_kv(__file__)


class WalletPinScreen(KioskScreen):
    screen_name = "wallet_pin"
    price = StringProperty("")

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.keypad = Keypad(DIGIT_KEYS, cols=3, max_length=8, on_change=self._typed,
                             font_size=self.fs_large, size_hint_x=0.6)
        self.bind(fs_large=lambda _s, size: self.keypad.set_font_size(size))
        self.ids.pad.add_widget(self.keypad)
        self.display = self.ids.display

    def fill(self, price: str = "") -> None:
        self.price = price
        self.keypad.clear()
        self._typed("")

    def _typed(self, value: str) -> None:
        self.display.text = "●" * len(value)
        self.say("")

    @property
    def confirm(self):
        return self.app.screens.get_screen("confirm")

    def back(self) -> None:
        self.confirm.back_with("")

    def pay(self) -> None:
        app = self.app
        pin = self.keypad.value
        if not PIN_PATTERN.fullmatch(pin):
            self.say(t("wallet_pin_need"))
            return
        try:
            confirm_wallet_pin(app.member, pin, app.now(), location=app.location)
        except LoginRefused as error:
            self.keypad.clear()
            self._typed("")
            self.say(refusal_text(error, self.app.formats))
            return
        self.confirm.pay_wallet(pin_confirmed=True)
