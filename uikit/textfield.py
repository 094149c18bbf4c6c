"""The one text field of both apps: a TextInput that opens the on-screen keyboard
(uikit.keyboard) when a finger taps it.

Use it wherever a person types: in Python `TextField(hint_text=..., keyboard_layout="numeric")`,
in a kv rule `TextField:` (Kivy's Factory knows every Widget class once its module is imported:
import uikit.textfield in the screen's module before its kv file is loaded):

- `keyboard_layout`: "text" (letters, digits, punctuation) or "numeric" (amounts, quantities,
  PINs, dates);
- one line unless `multiline=True` (then Enter types a new line and Done closes);
- Enter on the keyboard dispatches `on_text_validate`, as a keyboard's Enter does.

A programmatic focus (`field.focus = True`, the scan field taking the scanner's keys) never opens
the keyboard: only a touch does. `keeps_focus` (ScanField) keeps the field focused when the
keyboard closes.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import OptionProperty
from kivy.uix.textinput import TextInput

from uikit.keyboard import keyboard, open_keyboard


def is_scroll(touch) -> bool:
    return "button" in touch.profile and touch.button.startswith("scroll")


class TextField(TextInput):
    keyboard_layout = OptionProperty("text", options=("text", "numeric"))
    keeps_focus = False

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("multiline", False)
        kwargs.setdefault("write_tab", False)
        super().__init__(**kwargs)
        # build the keyboard soon after the first field exists, not on the first tap (~180 ms)
        Clock.schedule_once(lambda _dt: keyboard(), 0.5)

    def on_touch_down(self, touch) -> bool:
        handled = super().on_touch_down(touch)
        if (self.collide_point(*touch.pos) and not self.disabled and not self.readonly
                and not is_scroll(touch)):
            open_keyboard(self)
        return handled

