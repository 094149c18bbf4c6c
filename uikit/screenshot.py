"""Save what the window shows to an exact PNG path (Kivy's own adds a counter to the name)."""

from __future__ import annotations

import os
from pathlib import Path

from kivy.core.window import Window


def save_screenshot(path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = Window.screenshot(name=str(target.resolve()))
    if not written:
        raise RuntimeError(f"the window could not be captured to {target}")
    Path(written).replace(target)
    return target
