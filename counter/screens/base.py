"""What every counter screen shares: the app, font sizes for the window, a message line, and
where scans go (the receipt screen, unless the screen takes them itself)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen
from kivy.uix.scrollview import ScrollView

from counter.texts import text as t
from uikit import theme
from uikit.scanfield import ScanField
from uikit.widgets import BigButton, Panel, TextLabel, fit_height

if TYPE_CHECKING:
    from counter.app import CounterApp


class CounterScreen(Screen):
    screen_name = "screen"
    manager_screen = False  # part of manager mode (the header's mode button says "Sale")

    def __init__(self, app: CounterApp, **kwargs) -> None:
        super().__init__(name=self.screen_name, **kwargs)
        self.app = app
        # no background of its own: the window's clear colour is it (one full-screen layer
        # less for the GPU to fill every frame)
        self.body = BoxLayout(orientation="vertical", padding=10, spacing=8)
        self.add_widget(self.body)
        self.message = TextLabel("", halign="left", color=theme.BAD)
        self.scan_field: ScanField | None = None
        self.kwargs: dict = {}

    def fs(self, step: str = "body") -> int:
        return max(16, round(theme.font_size(Window.height, step) * 0.85))

    def show(self, **kwargs) -> None:
        """Rebuild the screen's widgets (fresh data, current window size)."""
        self.kwargs = kwargs
        self.body.clear_widgets()
        self.scan_field = None
        self.message = TextLabel("", font_size=self.fs(), halign="left", color=theme.BAD)
        self.build(**kwargs)

    def build(self, **kwargs) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Another process changed the data: redraw with the same arguments."""

    def focus_scan(self) -> None:
        if self.scan_field is not None:
            self.scan_field.grab_focus()

    def on_scan(self, scanned: str) -> None:
        """A scan on a screen that does not take scans: it goes to the receipt being built."""
        if self.app.staff is None:
            return
        self.app.go("receipt")
        self.app.screen.on_scan(scanned)

    def say(self, text: str, color=theme.BAD) -> None:
        self.message.text = text
        self.message.color = color

    def good(self, text: str) -> None:
        self.say(text, theme.GOOD)

    # --- widget helpers ------------------------------------------------------------------------

    def label(self, text: str, step: str = "body", **kwargs) -> TextLabel:
        return TextLabel(text, font_size=self.fs(step), **kwargs)

    def button(self, text: str, on_release, color=theme.ACCENT, height: int = theme.BUTTON_HEIGHT,
               **kwargs) -> BigButton:
        kwargs.setdefault("font_size", self.fs())
        button = BigButton(text, color_rgba=color, height=height, **kwargs)
        button.bind(on_release=lambda _b: self._pressed(on_release))
        return button

    def _pressed(self, action) -> None:
        action()
        if self.app.screens.current == self.name:  # (a screen shown instead focuses itself)
            self.focus_scan()  # a tap never leaves the scanner without a place to type

    def row(self, *widgets, height: int = theme.BUTTON_HEIGHT, spacing: int = 8) -> BoxLayout:
        box = BoxLayout(orientation="horizontal", spacing=spacing, size_hint_y=None, height=height)
        for widget in widgets:
            box.add_widget(widget)
        return box

    def scroll_list(self, **kwargs) -> tuple[ScrollView, BoxLayout]:
        """A vertical list that scrolls: returns (the view to add, the box to fill)."""
        view = ScrollView(do_scroll_x=False, bar_width=8, **kwargs)
        box = BoxLayout(orientation="vertical", size_hint_y=None, spacing=4)
        fit_height(box)
        view.add_widget(box)
        return view, box

    def title_row(self, text: str, back=None) -> BoxLayout:
        widgets = []
        if back is not None:
            widgets.append(self.button(t("back"), back, color=theme.PANEL, size_hint_x=None,
                                       width=140))
        widgets.append(self.label(text, "large", bold=True, size_hint_y=1))
        return self.row(*widgets)

    def make_scan_field(self, on_submit, hint: str) -> ScanField:
        self.scan_field = ScanField(on_submit, hint=hint, font_size=self.fs())
        return self.scan_field


class Card(Panel):
    """A panel for a group of facts on a screen."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("orientation", "vertical")
        kwargs.setdefault("padding", 8)
        kwargs.setdefault("spacing", 4)
        super().__init__(**kwargs)
