"""Login screen: member code, then PIN, on on-screen keypads (a card scan works here too)."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from engine.people.logins import pad_wait_until
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
    wait = NumericProperty(0)  # seconds before this kiosk takes the next PIN (0: none)

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
        self.ticker = None

    def fill(self, step: str = CODE, code: str = "", message: str = "") -> None:
        self.step, self.code = step, code
        if self.keypad is not self.pads[step]:
            self.ids.pad.clear_widgets()
            self.keypad = self.pads[step]
            self.ids.pad.add_widget(self.keypad)
        self.keypad.value = code if step == CODE else ""
        self._typed(self.keypad.value)
        self.say(message)
        self.count_down()

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
        if not self.wait:
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
        if self.wait:
            return  # the button is disabled while the kiosk waits; a scan still logs in
        pin = self.keypad.value
        if not PIN_PATTERN.fullmatch(pin):
            self.say(t("login_need_pin"))
            return
        self.app.login_with_pin(self.code, pin)

    def refused(self, message: str) -> None:
        """A refused PIN login: clear the PIN, keep the code, say why (and how long this kiosk
        waits before the next PIN, counting down)."""
        if self.step == PIN:
            self.keypad.clear()
            self._typed("")
        self.say(message)
        self.count_down()

    def count_down(self, *_args) -> None:
        """Show the kiosk's wait (engine.people.logins: it grows with failed tries) until over."""
        until = pad_wait_until(self.app.location, self.app.now())
        left = 0 if until is None else max(int((until - self.app.now()).total_seconds() + 0.999), 1)
        self.wait = left
        if left:
            self.say(t("login_wait", seconds=left))
            if self.ticker is None:
                self.ticker = Clock.schedule_interval(self.count_down, 0.5)
        elif self.ticker is not None:
            self.ticker.cancel()
            self.ticker = None
            self.say("")

    def on_leave(self, *_args) -> None:
        if self.ticker is not None:
            self.ticker.cancel()
            self.ticker = None
