"""What every screen of both touch apps shares: the app, font sizes that follow the window, a
message line, its layout rule in a .kv file next to its module (as Kivy's showcase keeps one .kv
per screen), and the few widget helpers of the screens still laid out in code.
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
    """A screen of a DeviceApp. A screen with a .kv rule names its parts there (`body`,
    `message`) and fills them in `show()`; a screen laid out in code rebuilds `body` in
    `build()` on every `show()`."""

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
    title_spacing = 10

    def __init__(self, app, **kwargs) -> None:
        super().__init__(name=self.screen_name, app=app, **kwargs)
        self._fit_fonts()
        Window.bind(height=self._fit_fonts)
        self.kwargs: dict = {}
        if self.in_kv:
            self.body = self.ids.body
            self.message = self.ids.message if "message" in self.ids else self.make_message()
        else:
            self.body = self.make_body()
            self.add_widget(self.body)
            self.message = self.make_message()

    def make_body(self) -> BoxLayout:
        return BoxLayout(orientation="vertical", padding=10, spacing=8)

    def make_message(self) -> TextLabel:
        return TextLabel("", font_size=self.fs(), halign=self.message_halign, color=theme.BAD)

    def fs(self, step: str = "body") -> int:
        return max(self.min_font, round(theme.font_size(Window.height, step) * self.text_scale))

    def _fit_fonts(self, *_args) -> None:
        for step in FONT_STEPS:
            setattr(self, f"fs_{step}", self.fs(step))

    def show(self, **kwargs) -> None:
        """Fresh data: a screen with a kv rule fills the widgets it has (`fill`), one laid out
        in code rebuilds them (`build`)."""
        self.kwargs = kwargs
        if self.in_kv:
            self.say("")
            self.fill(**kwargs)
            return
        self.body.clear_widgets()
        self.message = self.make_message()
        self.build(**kwargs)

    @property
    def in_kv(self) -> bool:
        return "body" in self.ids

    def fill(self, **kwargs) -> None:
        raise NotImplementedError

    def build(self, **kwargs) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Another process changed the data: redraw with the same arguments."""

    def say(self, text: str, color=theme.BAD) -> None:
        self.message.text = text
        self.message.color = color

    def good(self, text: str) -> None:
        self.say(text, theme.GOOD)

    # --- widget helpers of the screens laid out in code -----------------------------------------

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

    def back_width(self) -> int:
        return 140

    def title_row(self, text: str, back=None) -> BoxLayout:
        """A title with an optional Back button on its left."""
        widgets = []
        if back is not None:
            widgets.append(self.button(self.app.text("back"), back, color=theme.PANEL,
                                       size_hint_x=None, width=self.back_width()))
        widgets.append(self.label(text, "large", bold=True, size_hint_y=1))
        return self.row(*widgets, spacing=self.title_spacing)
