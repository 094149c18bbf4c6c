"""An on-screen keypad that edits a text field, so the keyboard (or a scanner) and the keypad
work on the same value."""

from __future__ import annotations

from kivy.uix.textinput import TextInput

from uikit.keypad import DIGIT_KEYS, Keypad


class FieldKeypad(Keypad):
    def __init__(self, field: TextInput, keys: tuple[str, ...] = DIGIT_KEYS, **kwargs) -> None:
        self.field = field
        super().__init__(keys, **kwargs)

    def press(self, key: str) -> None:
        self.value = self.field.text  # what was typed on the keyboard counts too
        super().press(key)
        self.field.text = self.value
