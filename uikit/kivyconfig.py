"""Kivy settings an app makes before Kivy is imported (the kiosk's and the counter's alike)."""

from __future__ import annotations

import os


def configure_kivy(size: str | None, show_cursor: bool = False) -> None:
    """No argv parsing by Kivy, no exit on Escape, full screen unless a size `WxH` is given."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    if size:
        width, _, height = size.lower().partition("x")
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(int(width)))
        Config.set("graphics", "height", str(int(height)))
    else:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "show_cursor", "1" if show_cursor else "0")
