"""A text field where a keyboard-wedge scanner (or a keyboard) types codes: Enter submits.

It keeps the keyboard focus while its screen is shown, so a scan always lands here: after Enter
it clears itself and takes the focus back (a tap on a button would otherwise leave it unfocused).
It is a TextField: a finger on it opens the on-screen keyboard (the focus the app gives it for
the scanner does not), and the keyboard's Done leaves it focused.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.clock import Clock
from kivy.properties import BooleanProperty

from uikit import theme
from uikit.textfield import TextField


class ScanField(TextField):
    keeps_focus = True
    clear_on_submit = BooleanProperty(True)  # False: the owner reads and clears the value

    def __init__(self, on_submit: Callable[[str], None] | None = None, hint: str = "",
                 font_size: int = 22, clear_on_submit: bool = True, **kwargs) -> None:
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("height", max(theme.MIN_TARGET, int(font_size * 2.1)))
        super().__init__(multiline=False, hint_text=hint, font_size=font_size,
                         write_tab=False, text_validate_unfocus=False, **kwargs)
        self.on_submit = on_submit  # (a field made by a kv rule gets it from its screen)
        self.clear_on_submit = clear_on_submit
        self.bind(on_text_validate=lambda *_a: self.submit())

    def submit(self) -> None:
        """Hand the typed code over (Enter, or an on-screen Enter button)."""
        value = self.text
        if self.clear_on_submit:
            self.text = ""
        self.grab_focus()
        if value.strip() and self.on_submit is not None:
            self.on_submit(value.strip())

    def grab_focus(self) -> None:
        """Focus on the next frame (after the touch or key that took it away is done)."""
        Clock.schedule_once(lambda _dt: setattr(self, "focus", True), 0)
