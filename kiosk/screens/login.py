"""Login screen: member code, then PIN, on on-screen keypads (a card scan works here too)."""

from __future__ import annotations

from kivy.properties import StringProperty

from engine.people.pins import PIN_PATTERN
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit.keypad import CODE_KEYS, DIGIT_KEYS, Keypad
from uikit.screen import load_kv

CODE = "code"
PIN = "pin"

load_kv(__file__)


class KioskLoginScreen(KioskScreen):
    """Laid out in login.kv; the two keypads are made once and swapped in with the step."""

    screen_name = "login"
    step = StringProperty(CODE)

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.code = ""
        self.display = self.ids.display
        self.pads = {CODE: Keypad(CODE_KEYS, cols=10, max_length=16, on_change=self._typed,
                                  font_size=self.fs_body),
                     PIN: Keypad(DIGIT_KEYS, cols=3, max_length=8, on_change=self._typed,
                                 font_size=self.fs_large, size_hint_x=0.6)}
        self.bind(fs_body=lambda _s, size: self.pads[CODE].set_font_size(size),
                  fs_large=lambda _s, size: self.pads[PIN].set_font_size(size))
        self.keypad = self.pads[CODE]
        self.ids.pad.add_widget(self.keypad)

    def fill(self, step: str = CODE, code: str = "", message: str = "") -> None:
        self.step, self.code = step, code
        if self.keypad is not self.pads[step]:
            self.ids.pad.clear_widgets()
            self.keypad = self.pads[step]
            self.ids.pad.add_widget(self.keypad)
        self.keypad.value = code if step == CODE else ""
        self._typed(self.keypad.value)
        self.say(message)

    def go_back(self) -> None:
        if self.step == CODE:
            self.app.logout()
        else:
            self.back_to_code()

    def go_ahead(self) -> None:
        if self.step == CODE:
            self.next()
        else:
            self.submit()

    def _typed(self, value: str) -> None:
        self.display.text = value if self.step == CODE else "●" * len(value)
        self.say("")

    def next(self) -> None:
        code = self.keypad.value.strip()
        if not code:
            self.say(t("login_need_code"))
            return
        self.show(step=PIN, code=code)

    def back_to_code(self) -> None:
        self.show(step=CODE, code=self.code)

    def submit(self) -> None:
        pin = self.keypad.value
        if not PIN_PATTERN.fullmatch(pin):
            self.say(t("login_need_pin"))
            return
        self.app.login_with_pin(self.code, pin)

    def refused(self, message: str) -> None:
        """A refused PIN login: clear the PIN, keep the code, say why."""
        if self.step == PIN:
            self.keypad.clear()
            self._typed("")
        self.say(message)
