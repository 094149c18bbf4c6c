"""A confirmation over the screen that asks it (issue 18 item 4: void, delete, remove a
payment, log out with an open receipt, close a shift): a question and a button per choice, the
last one "keep as it is". Nothing happens until a choice is tapped, and the screen below takes
no touch meanwhile.

It lives inside the screen (a Kivy Screen is a RelativeLayout), not in a separate window, so a
test finds its buttons like any other; leaving the screen dismisses it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout

from uikit import theme
from uikit.widgets import BigButton, Panel, TextLabel

Choice = tuple[str, Callable[[], None], tuple]  # (text, action, colour)


class ConfirmOverlay(FloatLayout):
    """The dimmed screen with the question's card in the middle."""

    def __init__(self, question: str, choices: Sequence[Choice], font_size: int = 20,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        with self.canvas.before:
            Color(0, 0, 0, 0.6)
            self._dim = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._redraw, size=self._redraw)
        card = Panel(orientation="vertical", padding=16, spacing=12, size_hint=(0.7, None),
                     pos_hint={"center_x": 0.5, "center_y": 0.5})
        self.question = TextLabel(question, font_size=round(font_size * 1.15), bold=True,
                                  halign="center")
        card.add_widget(self.question)
        buttons = BoxLayout(orientation="horizontal", spacing=10, size_hint_y=None,
                            height=theme.BUTTON_HEIGHT)
        for text, action, color in choices:
            button = BigButton(text, color_rgba=color, font_size=font_size)
            button.bind(on_release=lambda _b, act=action: self.choose(act))
            buttons.add_widget(button)
        card.add_widget(buttons)
        card.bind(minimum_height=card.setter("height"))
        self.card = card
        self.add_widget(card)

    def _redraw(self, *_args) -> None:
        self._dim.pos, self._dim.size = self.pos, self.size

    def choose(self, action: Callable[[], None]) -> None:
        self.dismiss()
        action()

    def dismiss(self) -> None:
        if self.parent is not None:
            self.parent.remove_widget(self)

    # the screen below takes no touch while the question is asked
    def on_touch_down(self, touch) -> bool:
        super().on_touch_down(touch)
        return True

    def on_touch_move(self, touch) -> bool:
        super().on_touch_move(touch)
        return True

    def on_touch_up(self, touch) -> bool:
        super().on_touch_up(touch)
        return True


def ask(screen, question: str, choices: Sequence[Choice], keep: str,
        font_size: int = 20) -> ConfirmOverlay:
    """Ask `question` over `screen`: a button per choice, then `keep` (does nothing)."""
    dismiss(screen)
    overlay = ConfirmOverlay(question, [*choices, (keep, lambda: None, theme.BACKGROUND)],
                             font_size=font_size)
    overlay.screen = screen
    screen.add_widget(overlay)
    screen.bind(on_leave=lambda *_a: overlay.dismiss())
    return overlay


def asking(screen) -> ConfirmOverlay | None:
    """The question open over `screen`, if any."""
    return next((w for w in screen.children if isinstance(w, ConfirmOverlay)), None)


def dismiss(screen) -> None:
    overlay = asking(screen)
    if overlay is not None:
        overlay.dismiss()
