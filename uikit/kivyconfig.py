"""Kivy settings an app makes before Kivy is imported (the kiosk's and the counter's alike)."""

from __future__ import annotations

import os
import re
from pathlib import Path


def connected_drm_card(sys_drm: Path = Path("/sys/class/drm")) -> int | None:
    """The number of the first DRM card with a connected display, e.g. 1 on a Pi 4/5 where
    card0 is the v3d render-only device; None when nothing says connected."""
    cards: set[int] = set()
    for status in sys_drm.glob("card*-*/status"):
        match = re.fullmatch(r"card(\d+)-.+", status.parent.name)
        try:
            connected = status.read_text().strip() == "connected"
        except OSError:
            continue
        if match and connected:
            cards.add(int(match.group(1)))
    return min(cards) if cards else None


def choose_kmsdrm_card(sys_drm: Path = Path("/sys/class/drm")) -> None:
    """On KMS/DRM, point SDL at the card a display is connected to instead of assuming card 0
    (SDL_KMSDRM_DEVICE_INDEX); a value set in the unit or by hand wins."""
    if os.environ.get("SDL_VIDEODRIVER") != "kmsdrm" or "SDL_KMSDRM_DEVICE_INDEX" in os.environ:
        return
    card = connected_drm_card(sys_drm)
    if card is not None:
        os.environ["SDL_KMSDRM_DEVICE_INDEX"] = str(card)


def configure_kivy(size: str | None, show_cursor: bool = False) -> None:
    """No argv parsing by Kivy, no exit on Escape, full screen unless a size `WxH` is given;
    text is typed on our own keyboard (uikit.keyboard), never on Kivy's VKeyboard."""
    choose_kmsdrm_card()
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    # "system": key events from a keyboard if one is there, and no VKeyboard of Kivy's popping up
    # over ours when a field takes the focus (the units' KCFG_KIVY_KEYBOARD_MODE=systemanddock
    # would dock one); set after Kivy read the KCFG_ variables, so this wins
    Config.set("kivy", "keyboard_mode", "system")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    if size:
        width, _, height = size.lower().partition("x")
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(int(width)))
        Config.set("graphics", "height", str(int(height)))
    else:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "show_cursor", "1" if show_cursor else "0")
