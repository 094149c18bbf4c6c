"""What kiosk screens have beyond uikit's DeviceScreen: a body painted in the background colour,
Back buttons that grow with the window, and rows of equal buttons."""

from __future__ import annotations

from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout

from uikit import theme
from uikit.screen import DeviceScreen
from uikit.widgets import BigButton, Panel


class KioskScreen(DeviceScreen):
    def make_body(self) -> BoxLayout:
        return Panel(orientation="vertical", padding=12, spacing=8,
                     background=list(theme.BACKGROUND))

    def back_width(self) -> int:
        return max(140, Window.width // 6)

    def button_row(self, *buttons: BigButton) -> BoxLayout:
        return self.row(*buttons, height=max(b.height for b in buttons), spacing=10)
