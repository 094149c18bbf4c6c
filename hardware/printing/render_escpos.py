"""Layout blocks → ESC/POS bytes, built into python-escpos's `Dummy` (nothing touches a device).

The stream starts with `ESC @` (reset) and the configured code page (`ESC t n`), so every job
prints the same whatever the previous one left set. Text is encoded by `encoding.Encoder`: a run
of characters the current page lacks is sent in another page of the printer's capability profile
(`ESC t n` only on a change); a line with a character no page has (₺, for one) is printed as an
image of the line, never as '?'. Barcodes and QR codes are printer-native (`GS k`, `GS ( k`):
sharp at any size, tiny to send.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from escpos.capabilities import Profile
from escpos.printer import Dummy

from engine.documents.types import Document
from hardware.printing import images
from hardware.printing.encoding import Encoder, code_pages
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

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

log = logging.getLogger("printing")
CONTROLS = ("Cc", "Zl", "Zp")  # control characters, line and paragraph separators

ESC, GS = b"\x1b", b"\x1d"
INIT = ESC + b"@"
ALIGN = {"left": ESC + b"a\x00", "center": ESC + b"a\x01", "right": ESC + b"a\x02"}
BOLD = {False: ESC + b"E\x00", True: ESC + b"E\x01"}
SIZE = {False: GS + b"!\x00", True: GS + b"!\x11"}  # double width and height


class Style:
    """Emits alignment, bold and size only when they change."""

    def __init__(self, printer: Dummy) -> None:
        self.printer = printer
        self.state = {"align": "left", "bold": False, "large": False}

    def set(self, align: str = "left", bold: bool = False, large: bool = False) -> None:
        for key, value, codes in (("align", align, ALIGN), ("bold", bold, BOLD),
                                  ("large", large, SIZE)):
            if self.state[key] != value:
                self.printer._raw(codes[value])
                self.state[key] = value

    def forget_align(self, align: str) -> None:
        self.state["align"] = align  # escpos's barcode() sets alignment itself


def printable_text(text: str) -> str:
    """Control characters (a stray CR or a separator in a name) as spaces: never a command to
    the printer, never a line the font cannot lay out."""
    if text.isprintable():
        return text
    return "".join(" " if unicodedata.category(char) in CONTROLS else char for char in text)


def _encodable(text: str, encoder) -> str:
    """The characters some code page has; each other one as '·', a visible mark (not '?')."""
    return "".join(char if encoder.encode(char) is not None else "·" for char in text)


def code128_width(data: str, dots: int) -> int:
    """The widest module (2–3 dots) at which a Code 128 B symbol fits on the paper."""
    modules = 11 * (len(data) + 3) + 2 + 20  # start, check, stop and quiet zones
    return max(2, min(3, dots // modules))


@lru_cache(maxsize=4)
def _paper_profile(width: int) -> Profile:
    """escpos's default profile knowing the paper's width in dots: without one, `image()` prints
    a warning to stdout on every image."""
    profile = Profile()
    profile.profile_data = {**profile.profile_data,
                            "media": {"dpi": "Unknown", "width": {"mm": "Unknown", "pixels": width}}}
    return profile


def _raster(image: PILImage, width: int) -> bytes:
    """`GS v 0` raster bytes of a 1-bit image as wide as the paper."""
    printer = Dummy(profile=_paper_profile(width))
    printer.image(image, impl="bitImageRaster")
    return printer.output


@lru_cache(maxsize=32)
def _image_raster(path: str, mtime_ns: int, width: int) -> bytes:
    return _raster(images._prepared(path, mtime_ns, width), width)


@lru_cache(maxsize=256)
def _text_raster(block: Text, dots: int, chars: int) -> bytes:
    """A text line as an image: for a character in none of the printer's code pages."""
    image = images.text_line(block.text, dots, chars, block.align, block.bold, block.large)
    return _raster(image, dots)


def encoder_for(profile: PrinterProfile) -> Encoder:
    """A job's encoder; a code page the printer cannot use raises ProfileError (CodePageError)."""
    return Encoder(code_pages(profile.escpos_profile, profile.code_page))


def render(blocks: list[Block], profile: PrinterProfile) -> bytes:
    printer = Dummy(profile=profile.escpos_profile)
    encoder = encoder_for(profile)
    printer._raw(INIT + encoder.start())
    style = Style(printer)

    def line(block: Text) -> None:
        block = replace(block, text=printable_text(block.text))
        encoded = encoder.encode(block.text)
        if encoded is not None:
            style.set(block.align, block.bold, block.large)
            printer._raw(encoded + b"\n")
            return
        try:
            raster = _text_raster(block, profile.dots, profile.chars)
        except Exception:  # noqa: BLE001 - a text the font cannot lay out still prints
            log.exception("image line failed for %r: printing what the code page has", block.text)
            raster = None
        if raster is not None:
            style.set()  # the image carries its own alignment, weight and size
            printer._raw(raster)
        else:
            style.set(block.align, block.bold, block.large)
            printer._raw(encoder.encode(_encodable(block.text, encoder)) + b"\n")

    for block in blocks:
        if isinstance(block, Text):
            line(block)
        elif isinstance(block, Rule):
            line(Text(block.char * profile.chars))
        elif isinstance(block, Feed):
            printer._raw(b"\n" * block.lines)
        elif isinstance(block, Barcode):
            style.set(align="center")
            # _hw_barcode: the printer draws it (escpos's barcode() also prints to stdout)
            if block.kind == "CODE128":
                printer._hw_barcode("{B" + block.data, "CODE128", height=80,
                                    width=code128_width(block.data, profile.dots), pos="OFF",
                                    function_type="B")
            else:
                printer._hw_barcode(block.data, block.kind, height=80, width=3, pos="BELOW")
            printer._raw(b"\n")
            style.forget_align("center")
        elif isinstance(block, QR):
            style.set(align="center")
            printer.qr(block.data, native=True, size=6 if profile.dots >= 576 else 5)
            printer._raw(b"\n")
        elif isinstance(block, Image):
            raster = images.cached(_image_raster, profile.image_path(block.path), profile.dots)
            if raster is not None:
                style.set()
                printer._raw(raster)
        elif isinstance(block, Cut):
            style.set()
            if profile.cut:
                printer.cut("PART" if profile.cut == "partial" else "FULL")
            else:
                printer.print_and_feed(6)
        elif isinstance(block, Drawer):
            printer.cashdraw(profile.drawer_pin)
    return printer.output


def render_document(document: Document, profile: PrinterProfile, drawer: bool = False) -> bytes:
    """The ESC/POS bytes of a document, ready to send in one write."""
    return render(layout(document, profile, drawer), profile)
