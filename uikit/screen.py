"""What every screen of both touch apps shares: the app, font sizes that follow the window, a
message line, its layout rule in a .kv file next to its module (as Kivy's showcase keeps one .kv
per screen), and the widget helpers for the parts a screen makes per show (list rows).
"""

from __future__ import annotations

from pathlib import Path

from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import NumericProperty, ObjectProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from uikit import theme
from uikit.widgets import BigButton, TextLabel

FONT_STEPS = ("small", "body", "large", "title", "huge")


def load_kv(module_file: str) -> None:
    """Load the .kv file beside a screen's module, once per process."""
    path = str(Path(module_file).with_suffix(".kv"))
    if path not in Builder.files:
        Builder.load_file(path)


load_kv(__file__)  # the rules every screen may use (TitleRow)


class DeviceScreen(Screen):
    """A screen of a DeviceApp, laid out by its kv rule, which names its `body` (and `message`);
    `show(**kwargs)` fills what is there (`fill`) instead of making the widgets again."""

    app = ObjectProperty(None)
    # the font sizes of the steps, for the window as it is now (kv rules bind to them)
    fs_small = NumericProperty(16)
    fs_body = NumericProperty(20)
    fs_large = NumericProperty(26)
    fs_title = NumericProperty(34)
    fs_huge = NumericProperty(48)

    screen_name = "screen"
    text_scale = 1.0  # the counter shows more on a screen than the kiosk: smaller text
    min_font = 0
    message_halign = "center"

    def __init__(self, app, **kwargs) -> None:
        super().__init__(name=self.screen_name, app=app, **kwargs)
        self._fit_fonts()
        Window.bind(height=self._fit_fonts)
        self.kwargs: dict = {}
        self.body = self.ids.body
        # a screen without a message line in its rule (history) still has one to say nothing on
        self.message = self.ids.message if "message" in self.ids else self.make_message()

    def make_message(self) -> TextLabel:
        return TextLabel("", font_size=self.fs(), halign=self.message_halign, color=theme.BAD)

    def fs(self, step: str = "body") -> int:
        return max(self.min_font, round(theme.font_size(Window.height, step) * self.text_scale))

    def _fit_fonts(self, *_args) -> None:
        for step in FONT_STEPS:
            setattr(self, f"fs_{step}", self.fs(step))

    def show(self, **kwargs) -> None:
        """Fresh data into the widgets the screen has (none made again but its lists)."""
        self.kwargs = kwargs
        self.say("")
        self.fill(**kwargs)

    def fill(self, **kwargs) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Another process changed the data: redraw with the same arguments."""

    def say(self, text: str, color=theme.BAD) -> None:
        self.message.text = text
        self.message.color = color

    def good(self, text: str) -> None:
        self.say(text, theme.GOOD)

    # --- widget helpers for what a screen makes per show -----------------------------------------

    def label(self, text: str, step: str = "body", **kwargs) -> TextLabel:
        return TextLabel(text, font_size=self.fs(step), **kwargs)

    def button(self, text: str, on_release, color=theme.ACCENT, **kwargs) -> BigButton:
        kwargs.setdefault("font_size", self.fs())
        button = BigButton(text, color_rgba=color, **kwargs)
        button.bind(on_release=lambda _b: self.pressed(on_release))
        return button

    def pressed(self, action) -> None:
        """A button of this screen was tapped."""
        action()

    def row(self, *widgets, height: int = theme.BUTTON_HEIGHT, spacing: int = 8) -> BoxLayout:
        box = BoxLayout(orientation="horizontal", spacing=spacing, size_hint_y=None, height=height)
        for widget in widgets:
            box.add_widget(widget)
        return box
