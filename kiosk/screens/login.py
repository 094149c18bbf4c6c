"""Login screen: member code, then PIN, on on-screen keypads (a card scan works here too)."""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from engine.pins import PIN_PATTERN
from kiosk.screens.base import KioskScreen
from kiosk.texts import text as t
from uikit import theme
from uikit.keypad import CODE_KEYS, DIGIT_KEYS, Keypad
from uikit.widgets import Panel, TextLabel

CODE = "code"
PIN = "pin"


class LoginScreen(KioskScreen):
    screen_name = "login"

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.step = CODE
        self.code = ""
        self.keypad: Keypad | None = None
        self.display: TextLabel | None = None

    def build(self, step: str = CODE, code: str = "", message: str = "") -> None:
        self.step, self.code = step, code
        title = t("login_code_title") if step == CODE else t("login_pin_title")
        self.body.add_widget(self.label(title, "large", halign="center", bold=True))

        row = BoxLayout(orientation="horizontal", spacing=10, size_hint_y=None,
                        height=theme.BUTTON_HEIGHT)
        back = (t("login_cancel"), self.app.logout) if step == CODE else (t("login_back"),
                                                                          self.back_to_code)
        ahead = (t("login_next"), self.next) if step == CODE else (t("login_submit"), self.submit)
        row.add_widget(self.button(back[0], back[1], color=theme.PANEL, size_hint_x=0.25))
        shown = Panel(orientation="vertical", padding=(10, 0))
        self.display = TextLabel("", font_size=self.fs("large"), halign="center", bold=True,
                                 size_hint_y=1)
        shown.add_widget(self.display)
        row.add_widget(shown)
        row.add_widget(self.button(ahead[0], ahead[1], color=theme.GOOD, size_hint_x=0.25))
        self.body.add_widget(row)
        self.body.add_widget(self.message)

        if step == CODE:
            self.keypad = Keypad(CODE_KEYS, cols=10, max_length=16, on_change=self._typed,
                                 font_size=self.fs())
            self.body.add_widget(self.keypad)
        else:
            self.keypad = Keypad(DIGIT_KEYS, cols=3, max_length=8, on_change=self._typed,
                                 font_size=self.fs("large"), size_hint_x=0.6)
            holder = AnchorLayout(anchor_x="center")
            holder.add_widget(self.keypad)
            self.body.add_widget(holder)
        self.keypad.value = code if step == CODE else ""
        self._typed(self.keypad.value)
        self.say(message)

    def _typed(self, value: str) -> None:
        if self.display is not None:
            self.display.text = value if self.step == CODE else "●" * len(value)
            self.display.font_name = "DejaVuSans"  # has the bullet glyph
        self.say("")

    def next(self) -> None:
        code = self.keypad.value.strip() if self.keypad else ""
        if not code:
            self.say(t("login_need_code"))
            return
        self.show(step=PIN, code=code)

    def back_to_code(self) -> None:
        self.show(step=CODE, code=self.code)

    def submit(self) -> None:
        pin = self.keypad.value if self.keypad else ""
        if not PIN_PATTERN.fullmatch(pin):
            self.say(t("login_need_pin"))
            return
        self.app.login_with_pin(self.code, pin)

    def refused(self, message: str) -> None:
        """A refused PIN login: clear the PIN, keep the code, say why."""
        if self.keypad is not None and self.step == PIN:
            self.keypad.clear()
            self._typed("")
        self.say(message)
