"""Login: tap your name (or not), type the PIN on the keypad or the keyboard, Enter."""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from counter.screens.base import CounterScreen
from counter.texts import text as t
from engine.pins import PIN_PATTERN
from engine.staff import StaffLoginRefused, login, login_candidates
from uikit import theme
from uikit.fieldkeypad import FieldKeypad
from uikit.widgets import BigButton


class LoginScreen(CounterScreen):
    screen_name = "login"

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.chosen: str | None = None
        self.tiles: dict[str | None, BigButton] = {}

    def build(self, message: str = "") -> None:
        self.chosen = None
        self.body.add_widget(self.label(t("login_title"), "title", bold=True, halign="center"))
        self.body.add_widget(self.label(t("login_hint"), halign="center", color=theme.MUTED))
        columns = BoxLayout(orientation="horizontal", spacing=16)

        people = login_candidates()
        grid = GridLayout(cols=2, spacing=8, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        self.tiles = {}
        for code, name in [(None, t("login_anyone"))] + [(p.code, p.name) for p in people]:
            tile = self.button(name, lambda c=code: self.choose(c), color=theme.PANEL)
            self.tiles[code] = tile
            grid.add_widget(tile)
        holder = AnchorLayout(anchor_y="top")
        holder.add_widget(grid)
        columns.add_widget(holder)

        right = BoxLayout(orientation="vertical", spacing=8)
        field = self.make_scan_field(lambda _value: self.submit(), t("login_pin"))
        field.clear_on_submit = False
        field.password = True
        field.input_filter = "int"
        self.keypad = FieldKeypad(field, cols=3, max_length=8, on_change=self._typed,
                                  font_size=self.fs("large"))
        right.add_widget(field)
        right.add_widget(self.keypad)
        right.add_widget(self.button(t("login_submit"), self.submit, color=theme.GOOD))
        columns.add_widget(right)
        self.body.add_widget(columns)
        self.body.add_widget(self.message)
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
            self.say(t("login_refused", reason=error))
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
