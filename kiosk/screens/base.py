"""What every kiosk screen shares: the app, font sizes for the window, a message line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from uikit import theme
from uikit.widgets import BigButton, Panel, TextLabel

if TYPE_CHECKING:
    from kiosk.app import KioskApp


class KioskScreen(Screen):
    def __init__(self, app: KioskApp, **kwargs) -> None:
        super().__init__(name=self.screen_name, **kwargs)
        self.app = app
        self.body = Panel(orientation="vertical", padding=12, spacing=8,
                          background=list(theme.BACKGROUND))
        self.add_widget(self.body)
        self.message = TextLabel("", halign="center", color=theme.BAD)

    screen_name = "screen"

    def fs(self, step: str = "body") -> int:
        return theme.font_size(Window.height, step)

    def show(self, **kwargs) -> None:
        """Rebuild the screen's widgets (fresh data, current window size)."""
        self.body.clear_widgets()
        self.message = TextLabel("", font_size=self.fs(), halign="center", color=theme.BAD)
        self.build(**kwargs)

    def build(self, **kwargs) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Another process changed the data: redraw with the same arguments."""

    def say(self, text: str, color=theme.BAD) -> None:
        self.message.text = text
        self.message.color = color

    def label(self, text: str, step: str = "body", **kwargs) -> TextLabel:
        return TextLabel(text, font_size=self.fs(step), **kwargs)

    def button(self, text: str, on_release, color=theme.ACCENT, **kwargs) -> BigButton:
        button = BigButton(text, color_rgba=color, font_size=self.fs(), **kwargs)
        button.bind(on_release=lambda _b: on_release())
        return button

    def button_row(self, *buttons: BigButton) -> BoxLayout:
        row = BoxLayout(orientation="horizontal", spacing=10, size_hint_y=None,
                        height=max(b.height for b in buttons))
        for button in buttons:
            row.add_widget(button)
        return row

    def title_row(self, text: str, back=None) -> BoxLayout:
        """A title with an optional Back button on its left."""
        from kiosk.texts import text as t

        row = BoxLayout(orientation="horizontal", spacing=10, size_hint_y=None,
                        height=theme.BUTTON_HEIGHT)
        if back is not None:
            row.add_widget(self.button(t("back"), back, color=theme.PANEL, size_hint_x=None,
                                       width=max(140, Window.width // 6)))
        row.add_widget(self.label(text, "large", bold=True, size_hint_y=1))
        return row
