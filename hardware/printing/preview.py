"""Layout blocks → a PNG that looks like the printed slip (the demo's "printer", and tests).

One pixel is one printer dot: 576 dots for 80 mm paper, 384 for 58 mm, font A's 12 × 24 dot cell
drawn with DejaVu Sans Mono at 20 px (its advance is 0.6 em, so 12 px). Barcodes and QR codes are
drawn from the same symbol modules the printer would draw, so a preview scans like the paper.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from engine.documents.types import Document
from hardware.printing import images
from hardware.printing.layout import (
    QR,
    Barcode,
    Block,
    Cut,
    Drawer,
    Feed,
    Image,
    Rule,
    Text,
    layout,
)
from hardware.printing.profile import PrinterProfile
from hardware.printing.render_escpos import code128_width

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
LINE = 24  # dots per text line (font A)
MARGIN = 24  # paper beyond the printable area, each side
INK = 0
PAPER = 255


@lru_cache(maxsize=8)
def font(bold: bool, size: float, cell: int | None = None):
    """DejaVu Sans Mono (PIL's default font without it), sized so one character advances
    exactly `cell` pixels when given: whole lines then land on the printer's grid."""
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    try:
        face = ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default(size)
    if cell is not None:
        face = ImageFont.truetype(str(FONT_DIR / name), size * cell / face.getlength("M"))
    return face


def _strip(width: int, height: int):
    return PILImage.new("L", (width, height), PAPER)


def _text(block: Text, profile: PrinterProfile):
    scale = 2 if block.large else 1
    cell = profile.dots // profile.chars * scale
    face = font(block.bold, 20 * scale, cell)
    strip = _strip(profile.dots, LINE * scale)
    width = len(block.text) * cell
    x = {"left": 0, "center": (profile.dots - width) // 2,
         "right": profile.dots - width}[block.align]
    ImageDraw.Draw(strip).text((x, 1 * scale), block.text, font=face, fill=INK)
    return strip


def _modules(kind: str, data: str) -> str:
    import barcode

    symbol = barcode.get_barcode_class("code128" if kind == "CODE128" else kind.lower())(data)
    return "".join(symbol.build())


def _barcode(block: Barcode, profile: PrinterProfile):
    modules = _modules(block.kind, block.data)
    module = code128_width(block.data, profile.dots) if block.kind == "CODE128" else 3
    module = min(module, max(1, profile.dots // (len(modules) + 20)))
    height = 80
    hri = block.kind != "CODE128"  # EAN prints its digits under the bars
    strip = _strip(profile.dots, height + (LINE if hri else 0) + 8)
    draw = ImageDraw.Draw(strip)
    x0 = (profile.dots - len(modules) * module) // 2
    for i, bit in enumerate(modules):
        if bit == "1":
            draw.rectangle([x0 + i * module, 4, x0 + (i + 1) * module - 1, 4 + height], fill=INK)
    if hri:
        text = _text(Text(block.data, align="center"), profile)
        strip.paste(text, (0, height + 6))
    return strip


def _qr(block: QR, profile: PrinterProfile):
    import qrcode

    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_L)
    code.add_data(block.data)
    code.make(fit=True)
    matrix = code.get_matrix()
    module = 6 if profile.dots >= 576 else 5
    side = len(matrix) * module
    strip = _strip(profile.dots, side + 4 * module)
    draw = ImageDraw.Draw(strip)
    x0, y0 = (profile.dots - side) // 2, 2 * module
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                draw.rectangle([x0 + x * module, y0 + y * module,
                                x0 + (x + 1) * module - 1, y0 + (y + 1) * module - 1], fill=INK)
    return strip


def _cut(profile: PrinterProfile):
    strip = _strip(profile.dots, LINE * 3)
    draw = ImageDraw.Draw(strip)
    y = LINE * 2
    for x in range(-MARGIN, profile.dots + MARGIN, 12):
        draw.line([x, y, x + 6, y], fill=150, width=1)
    draw.text((4, y - 18), "cut", font=font(False, 14), fill=150)
    return strip


def strips(blocks: list[Block], profile: PrinterProfile) -> list:
    out = []
    for block in blocks:
        if isinstance(block, Text):
            out.append(_text(block, profile))
        elif isinstance(block, Rule):
            out.append(_text(Text(block.char * profile.chars), profile))
        elif isinstance(block, Feed):
            out.append(_strip(profile.dots, LINE * block.lines))
        elif isinstance(block, Barcode):
            out.append(_barcode(block, profile))
        elif isinstance(block, QR):
            out.append(_qr(block, profile))
        elif isinstance(block, Image):
            image = images.prepared(profile.image_path(block.path), profile.dots)
            if image is not None:
                out.append(image.convert("L"))
        elif isinstance(block, Cut):
            out.append(_cut(profile))
        elif isinstance(block, Drawer):
            continue
    return out


def render_png(blocks: list[Block], profile: PrinterProfile):
    """The paper as a greyscale image: printable area plus a margin, a thin edge line."""
    parts = strips(blocks, profile)
    height = sum(part.height for part in parts) + 2 * MARGIN
    paper = PILImage.new("L", (profile.dots + 2 * MARGIN, height), PAPER)
    y = MARGIN
    for part in parts:
        paper.paste(part, (MARGIN, y))
        y += part.height
    ImageDraw.Draw(paper).rectangle([0, 0, paper.width - 1, paper.height - 1], outline=200)
    return paper


def preview_document(document: Document, profile: PrinterProfile):
    return render_png(layout(document, profile), profile)


def save_preview(document: Document, profile: PrinterProfile, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    preview_document(document, profile).save(path, format="PNG", optimize=True)
    return path
