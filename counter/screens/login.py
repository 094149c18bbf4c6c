"""Login: tap your name (or not), type the PIN on the keypad or the keyboard, Enter."""

from __future__ import annotations

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.people.pins import PIN_PATTERN
from engine.people.staff import StaffLoginRefused, login, login_candidates
from uikit import theme
from uikit.fieldkeypad import FieldKeypad
from uikit.screen import load_kv
from uikit.widgets import BigButton

load_kv(__file__)


class LoginScreen(CounterScreen):
    screen_name = "login"

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.chosen: str | None = None
        self.tiles: dict[str | None, BigButton] = {}
        field = self.ids.field
        field.on_submit = lambda _value: self.submit()
        self.keypad = FieldKeypad(field, cols=3, max_length=8, on_change=self._typed,
                                  font_size=self.fs_large)
        self.bind(fs_large=lambda _s, size: self.keypad.set_font_size(size))
        self.ids.right.add_widget(self.keypad, index=1)  # between the field and Log in

    def fill(self, message: str = "") -> None:
        self.scan_field = self.ids.field
        self.chosen = None
        people = login_candidates()
        grid = self.ids.tiles
        grid.clear_widgets()
        self.tiles = {}
        for code, name in [(None, t("login_anyone"))] + [(p.code, p.name) for p in people]:
            tile = self.button(name, lambda c=code: self.choose(c), color=theme.PANEL)
            self.tiles[code] = tile
            grid.add_widget(tile)
        self.choose(None)
        if not people:
            self.say(t("login_no_staff"))
        elif message:
            self.say(message)

    def choose(self, code: str | None) -> None:
        self.chosen = code
        for key, tile in self.tiles.items():
            tile.background_color = theme.ACCENT if key == code else theme.PANEL

    def _typed(self, _value: str) -> None:
        self.say("")

    def submit(self) -> None:
        pin = self.scan_field.text if self.scan_field else ""
        if self.scan_field is not None:
            self.scan_field.text = ""
        if not PIN_PATTERN.fullmatch(pin):
            self.say(t("login_need_pin"))
            return
        try:
            staff = login(pin, self.app.now(), location=self.app.location, staff=self.chosen)
        except StaffLoginRefused as error:
            if self.chosen is None and error.until is not None:  # "Anyone" waits, names do not
                seconds = max(int((error.until - self.app.now()).total_seconds() + 0.999), 1)
                self.say(t("login_anyone_wait", seconds=seconds))
            else:
                self.say(t("login_refused", reason=self.app.refusal(error)))
            return
        self.app.logged_in(staff)

    def on_scan(self, scanned: str) -> None:
        """No sale before a login. A staff code chooses the name; digits are a PIN (what a
        keyboard-wedge scanner or the demo's stdin "scanner" types)."""
        text = scanned.strip()
        if text in self.tiles:
            self.choose(text)
        elif PIN_PATTERN.fullmatch(text) and self.scan_field is not None:
            self.scan_field.text = text
            self.submit()
