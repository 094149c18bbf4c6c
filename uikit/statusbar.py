"""The status bar at the foot of both apps: the printer, the scanner and the sync state, each a
small badge coloured by how it is (a printer out of paper is said here the moment the printer
says it, not when a receipt goes missing).

The bar only shows: the states come from `uikit.devices` (the printer driver's status, the
scanner thread) and the engine (`sync_online`). Its words are uikit's own (uikit/words.py:
both apps show the same ones, in the language in use).
"""

from __future__ import annotations

from dataclasses import dataclass

from kivy.uix.boxlayout import BoxLayout

from uikit import theme
from uikit.devices import PROBLEM_STATES
from uikit.widgets import Panel, TextLabel
from uikit.words import text

BAR_HEIGHT = 24
# below this window height (the 800x480 kiosk) the bar takes room only when a device has a
# problem to say: a screen that is full there keeps its buttons on screen
SMALL_WINDOW = 600



@dataclass(frozen=True)
class Badge:
    text: str
    colour: tuple


def level_colour(state: str) -> tuple:
    if state in PROBLEM_STATES:
        return theme.BAD
    if state in ("paper_low",):
        return theme.WARN
    return theme.PANEL


def printer_badge(state: str, waiting: int) -> Badge:
    words = text(f"printer_{state}")
    if waiting:
        words = text("printer_waiting", badge=words, count=waiting)
    return Badge(words, level_colour(state) if state != "missing" else theme.WARN)


def scanner_badge(state: str) -> Badge:
    return Badge(text(f"scanner_{state}"), theme.BAD if state == "missing" else theme.PANEL)


def sync_badge(online: bool | None) -> Badge:
    if online is None:
        return Badge(text("sync_none"), theme.PANEL)
    return Badge(text("sync_online"), theme.PANEL) if online else Badge(text("sync_offline"),
                                                                        theme.WARN)


class StatusBar(BoxLayout):
    """Three badges in a row; `show(printer, scanner, sync)` sets them (Badge each)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(orientation="horizontal", size_hint_y=None, height=BAR_HEIGHT,
                         spacing=4, padding=(4, 1), **kwargs)
        self.badges: dict[str, TextLabel] = {}
        self.panels: dict[str, Panel] = {}
        for name in ("printer", "scanner", "sync"):
            panel = Panel(padding=(8, 0))
            label = TextLabel("", font_size=14, halign="center", size_hint_y=1)
            panel.add_widget(label)
            self.add_widget(panel)
            self.badges[name], self.panels[name] = label, panel

    def show(self, printer: Badge, scanner: Badge, sync: Badge, window_height: int = 800) -> None:
        problem = any(tuple(b.colour) != tuple(theme.PANEL) for b in (printer, scanner, sync))
        shown = problem or window_height >= SMALL_WINDOW
        height, opacity = (BAR_HEIGHT, 1) if shown else (0, 0)
        if (self.height, self.opacity) != (height, opacity):
            self.height, self.opacity = height, opacity
        for name, badge in (("printer", printer), ("scanner", scanner), ("sync", sync)):
            if not shown:
                badge = Badge("", theme.PANEL)  # no text, no height: nothing to lay out
            if self.badges[name].text != badge.text:
                self.badges[name].text = badge.text
            if tuple(self.panels[name].background) != tuple(badge.colour):
                self.panels[name].background = list(badge.colour)

    def text_of(self, name: str) -> str:
        return self.badges[name].text
