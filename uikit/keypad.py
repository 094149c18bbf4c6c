"""On-screen keypads: digits for PINs, digits and letters for member codes (no keyboard)."""

from __future__ import annotations

from collections.abc import Callable

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

from uikit import theme
from uikit.widgets import BigButton
from uikit.words import text

BACKSPACE = "⌫"
CLEAR = "Clear"  # not "C": the code keypad has a letter C
DIGIT_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", CLEAR, "0", BACKSPACE)
CODE_KEYS = tuple("1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ") + (CLEAR, BACKSPACE)


class Keypad(GridLayout):
    """A grid of keys editing `value` (at most `max_length` characters).

    `on_change(value)` is called after every key. The display is someone else's: a PIN field
    shows dots, a code field shows the code.
    """

    value = StringProperty("")
    max_length = NumericProperty(12)

    def __init__(self, keys: tuple[str, ...] = DIGIT_KEYS, cols: int = 3,
                 on_change: Callable[[str], None] | None = None, font_size: int = 26,
                 **kwargs) -> None:
        super().__init__(cols=cols, spacing=6, **kwargs)
        self.on_change = on_change
        self.buttons: dict[str, BigButton] = {}
        for key in keys:
            color = theme.PANEL if key in (CLEAR, BACKSPACE) else theme.KEY
            label = text("key_clear") if key == CLEAR else key
            button = BigButton(text=label, color_rgba=color, font_size=font_size,
                               size_hint_y=1, height=theme.MIN_TARGET,
                               font_name="DejaVuSans" if key == BACKSPACE else "Roboto")
            button.bind(on_release=lambda _b, k=key: self.press(k))
            self.buttons[key] = button
            self.add_widget(button)

    def press(self, key: str) -> None:
        if key == BACKSPACE:
            self.value = self.value[:-1]
        elif key == CLEAR:
            self.value = ""
        elif len(self.value) < self.max_length:
            self.value += key
        if self.on_change is not None:
            self.on_change(self.value)

    def set_font_size(self, size: float) -> None:
        for button in self.buttons.values():
            button.font_size = size

    def clear(self) -> None:
        self.value = ""
