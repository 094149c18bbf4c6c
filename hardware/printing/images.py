"""Logo and coupon images, fitted to the paper width and dithered to black and white once.

Thermal printers print dots, not greys: a photo is Floyd–Steinberg dithered, then centred on a
canvas as wide as the printable area. The result is cached by (file, modification time, width),
so a logo on every receipt costs one conversion per process.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)


@lru_cache(maxsize=32)
def _prepared(path: str, mtime_ns: int, width: int):
    from PIL import Image

    with Image.open(path) as source:
        image = source.convert("RGBA")
    white = Image.new("RGBA", image.size, "white")
    image = Image.alpha_composite(white, image).convert("L")  # transparency prints as paper
    if image.width > width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    dithered = image.convert("1")  # Floyd–Steinberg
    canvas = Image.new("1", (width, dithered.height), 1)
    canvas.paste(dithered, ((width - dithered.width) // 2, 0))
    return canvas


def cached(convert, path: Path | None, width: int):
    """`convert(path, mtime_ns, width)` (an lru_cached function) for an image file, or None when it
    cannot be read: a missing coupon image must never stop a receipt from printing."""
    if path is None:
        return None
    try:
        return convert(str(path), path.stat().st_mtime_ns, width)
    except (OSError, ValueError) as error:
        log.warning("image %s not printed: %s", path, error)
        return None


def prepared(path: Path | None, width: int):
    """The 1-bit image for `path` at the paper width (cached), or None."""
    return cached(_prepared, path, width)
