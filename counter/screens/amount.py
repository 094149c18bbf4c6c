"""Typing an amount: digits in minor units (2 0 0 0 is 20.00), shown formatted as typed."""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout

from uikit import theme
from uikit.fieldkeypad import FieldKeypad
from uikit.scanfield import ScanField
from uikit.widgets import TextLabel


class AmountEntry(BoxLayout):
    """A field (keyboard) + a keypad (touch) + the amount as money; `amount` is None when empty."""

    def __init__(self, money: Callable[[int], str], on_submit: Callable[[], None],
                 font_size: int, hint: str = "", **kwargs) -> None:
        kwargs.setdefault("orientation", "vertical")
        kwargs.setdefault("spacing", 4)
        super().__init__(**kwargs)
        self.money = money
        self.field = ScanField(lambda _v: on_submit(), hint=hint, font_size=font_size,
                               clear_on_submit=False)
        self.field.input_filter = "int"
        self.field.keyboard_layout = "numeric"  # (its keypad too: the keyboard types the same)
        self.field.bind(text=lambda *_a: self._show())
        self.shown = TextLabel("", font_size=round(font_size * 1.4), bold=True, halign="center")
        self.keypad = FieldKeypad(self.field, cols=3, max_length=9, font_size=font_size)
        self.add_widget(self.shown)
        self.add_widget(self.field)
        self.add_widget(self.keypad)
        self._show()

    @property
    def amount(self) -> int | None:
        digits = self.field.text.strip()
        return int(digits) if digits.isdigit() else None

    def set(self, amount: int | None) -> None:
        self.field.text = "" if amount is None else str(amount)

    def _show(self) -> None:
        self.shown.text = self.money(self.amount or 0)
        self.shown.color = theme.TEXT if self.amount is not None else theme.MUTED
