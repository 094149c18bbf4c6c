"""Sizes and colours: touch targets at least 48 px, text readable from a meter away."""

from __future__ import annotations

MIN_TARGET = 48  # px: the smallest thing a finger must hit
BUTTON_HEIGHT = 64
HEADER_HEIGHT = 56


def font_size(window_height: int, step: str = "body") -> int:
    """Font size in px for the window: 800×480 gets 22 px body text, 1280×800 gets 30 px."""
    scale = {"small": 0.8, "body": 1.0, "large": 1.3, "title": 1.7, "huge": 2.4}[step]
    body = max(20, min(34, round(window_height / 22)))
    return round(body * scale)


BACKGROUND = (0.08, 0.09, 0.12, 1)
PANEL = (0.15, 0.17, 0.22, 1)
KEY = (0.25, 0.28, 0.36, 1)  # a key on a panel (keypads, the payment's banknotes)
TEXT = (1, 1, 1, 1)
MUTED = (0.72, 0.75, 0.8, 1)
ACCENT = (0.13, 0.55, 0.93, 1)
GOOD = (0.18, 0.65, 0.35, 1)
WARN = (0.95, 0.6, 0.1, 1)
BAD = (0.85, 0.22, 0.2, 1)
SELECTED = (*ACCENT[:3], 0.35)  # behind the chosen line of a list
REDUCTION = (0.18, 0.85, 0.45, 1)  # a reduction's words under its line: greener than GOOD
NONE = (0, 0, 0, 0)  # nothing painted
