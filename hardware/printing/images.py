"""Logo and coupon images, fitted to the paper width and dithered to black and white once; and
text lines drawn as images, for the characters no code page of the printer has.

Thermal printers print dots, not greys: a photo is Floyd–Steinberg dithered, then centred on a
canvas as wide as the printable area. The result is cached by (file, modification time, width),
so a logo on every receipt costs one conversion per process.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from PIL.ImageFont import FreeTypeFont, ImageFont

log = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
LINE = 24  # dots per text line of font A (its cell is 12 × 24)


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


@lru_cache(maxsize=8)
def line_font(bold: bool, cell: int) -> FreeTypeFont | ImageFont:
    """DejaVu Sans Mono sized so one character advances exactly `cell` dots: a drawn line keeps
    the columns of the printed ones around it."""
    from PIL import ImageFont

    path = str(FONT_DIR / ("DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"))
    try:
        face = ImageFont.truetype(path, cell * 2)
    except OSError:
        log.warning("font %s missing: text images use Pillow's default font", path)
        return ImageFont.load_default(cell * 2)
    return ImageFont.truetype(path, cell * 2 * cell / face.getlength("M"))


def text_line(text: str, dots: int, chars: int, align: str = "left", bold: bool = False,
              large: bool = False) -> PILImage:
    """One line of text as a 1-bit image as wide as the paper, in font A's cell (12 × 24 dots,
    twice that when large), aligned on the paper like the printer would align it. Not cached
    here: the renderer caches the raster bytes it sends."""
    from PIL import Image, ImageDraw

    scale = 2 if large else 1
    cell = dots // chars * scale
    canvas = Image.new("1", (dots, LINE * scale), 1)  # mode "1": drawn without grey edges
    width = min(dots, len(text) * cell)
    x = {"left": 0, "center": (dots - width) // 2, "right": dots - width}.get(align, 0)
    ImageDraw.Draw(canvas).text((x, scale), text, font=line_font(bold, cell), fill=0)
    return canvas
