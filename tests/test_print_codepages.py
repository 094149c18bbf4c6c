"""Code pages on paper: German and Turkish letters, € and the no-break space reach the printer in a
code page of its escpos capability profile that has them (`ESC t n` only on a change), and a line
with a character none has (₺) is printed as an image of the line, never with '?'."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
from escpos.capabilities import get_profile
from test_print_escpos import sample_receipt

from engine.documents import Line
from hardware.printing import images
from hardware.printing.encoding import CodePage, Encoder, code_pages
from hardware.printing.layout import Rule, Text
from hardware.printing.preview import render_png
from hardware.printing.profile import PrinterProfile, ProfileError, paper, profile_from
from hardware.printing.render_escpos import render, render_document

INIT = b"\x1b@"
CP858, CP857, CP1254 = b"\x1bt\x13", b"\x1bt\x0d", b"\x1bt\x30"  # ESC t 19 / 13 / 48 (default)
RASTER = re.compile(rb"\x1dv0(.)(.)(.)(.)(.)", re.S)  # GS v 0 m xL xH yL yH, then the dots


def page_number(page: str, escpos_profile: str = "default") -> int:
    return PrinterProfile(code_page=page, escpos_profile=escpos_profile).code_page_number


def split_rasters(data: bytes) -> tuple[bytes, list[tuple[int, int, bytes]]]:
    """The bytes with every GS v 0 image cut out, and the images as (width bytes, height, dots):
    the dots are arbitrary bytes (0x3F among them), so '?' is looked for outside them only."""
    rest, found, at = b"", [], 0
    while (match := RASTER.search(data, at)) is not None:
        width = match[2][0] + 256 * match[3][0]
        height = match[4][0] + 256 * match[5][0]
        end = match.end() + width * height
        rest += data[at:match.start()]
        found.append((width, height, data[match.end():end]))
        at = end
    return rest + data[at:], found


def dots(raster: tuple[int, int, bytes]) -> np.ndarray:
    """A raster as a boolean array of inked dots (rows × columns)."""
    width, height, data = raster
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8))
    return bits.reshape(height, width * 8).astype(bool)


def test_the_pages_come_from_the_escpos_profile():
    assert page_number("CP858") == 19 and page_number("CP857") == 13
    assert page_number("CP1254") == 48
    switches = [b"\x1bt" + bytes([page_number(name)]) for name in ("CP858", "CP857", "CP1254")]
    assert switches == [CP858, CP857, CP1254]
    names = [page.name for page in code_pages("default", "CP858")]
    assert names[:3] == ["CP858", "CP857", "CP1254"]  # configured, then Turkish before Windows
    assert "CP1098" not in names  # listed by escpos, but Python has no codec: bytes unknown


@pytest.mark.parametrize(("char", "expected"), [
    ("ğ", CP857 + b"\xa7"), ("Ğ", CP857 + b"\xa6"), ("ş", CP857 + b"\x9f"),
    ("Ş", CP857 + b"\x9e"), ("ı", CP857 + b"\x8d"), ("İ", CP857 + b"\x98"),
    ("ö", b"\x94"), ("ü", b"\x81"), ("ä", b"\x84"), ("ß", b"\xe1"), ("ç", b"\x87"),
    ("Ç", b"\x80"), ("€", b"\xd5"),
])
def test_each_letter_in_a_page_that_has_it(char, expected):
    data = render([Text(char)], paper(80))  # the default profile: CP858 first
    assert data == INIT + CP858 + expected + b"\n"


def test_euro_with_a_turkish_configured_page():
    data = render([Text("ğ 5 €")], paper(80, code_page="CP857"))
    # CP857 lacks €: the configured page as far as it goes, then CP858 for the € alone
    assert data == INIT + CP857 + b"\xa7 5 " + CP858 + b"\xd5\n"
    # a line starting with € where CP857 lacks it: the page covering the most of it (CP1254)
    assert render([Text("€ ğ")], paper(80, code_page="CP857")) == (
        INIT + CP857 + CP1254 + b"\x80 \xf0\n")


def test_a_turkish_line_switches_once():
    data = render([Text("Kişi başı: Çay, Şeker, İçecek, Ğ")], paper(80))
    assert data == (INIT + CP858 + b"Ki" + CP857
                    + b"\x9fi ba\x9f\x8d: \x80ay, \x9eeker, \x98\x87ecek, \xa6\n")


def test_a_german_amount_stays_in_cp858():
    data = render([Text("Summe 1.234,50\xa0€"), Text("Größe: Übergröße, Äpfel")], paper(80))
    assert data == (INIT + CP858 + b"Summe 1.234,50\xff\xd5\n"  # 0xFF: CP858's no-break space
                    + b"Gr\x94\xe1e: \x9abergr\x94\xe1e, \x8epfel\n")
    assert data.count(b"\x1bt") == 1 and b"?" not in data


def test_no_break_spaces_become_spaces_only_where_the_page_lacks_them():
    assert render([Text("12,50\xa0€")], paper(80, code_page="CP1252")) == (
        INIT + b"\x1bt\x10" + b"12,50\xa0\x80\n")  # CP1252 has NBSP at 0xA0
    # no page has U+202F (Babel's en_US "12:30\u202fPM"): a plain space, no switch, no image
    assert render([Text("12:30\u202fPM")], paper(80)) == INIT + CP858 + b"12:30 PM\n"
    plain = CodePage("ASCII", 0, {chr(c): c for c in range(0x20, 0x7F)})
    assert Encoder((plain,)).encode("1\xa02") == b"\x1bt\x001 2"  # a page without NBSP


def test_switches_only_when_the_page_changes():
    lines = ["ğ", "ş", "€", "ö", "€ ö", "ğ", "ok"]
    data = render([Text(line) for line in lines], paper(80))
    assert data == (INIT + CP858 + CP857 + b"\xa7\n" + b"\x9f\n" + CP858 + b"\xd5\n" + b"\x94\n"
                    + b"\xd5 \x94\n" + CP857 + b"\xa7\n" + b"ok\n")
    # € and ğ alternating on one line: the one page that has both, not a switch per character
    assert render([Text("ğ € ğ €")], paper(80)) == (
        INIT + CP858 + CP1254 + b"\xf0 \x80 \xf0 \x80\n")


def test_a_receipt_with_turkish_names():
    receipt = sample_receipt(coupons=())
    lines = (Line(1, "Çay", 2, 250, 500, ()), Line(2, "Simit ğ", 1, 300, 300, ()))
    data = render_document(replace(receipt, lines=lines), paper(80))
    assert data.startswith(INIT + CP858)
    assert b"\x80ay" in data and b"Simit " + CP857 + b"\xa7" in data
    assert b"TOTAL " + CP858 + b"\xd5" in data  # back for the €, only there
    assert b"?" not in split_rasters(data)[0]


def test_a_character_in_no_page_prints_the_line_as_an_image():
    profile = paper(80)
    data = render([Text("Merhaba"), Text("Çay ₺12,50"), Text("ok")], profile)
    text, rasters = split_rasters(data)
    assert text == INIT + CP858 + b"Merhaba\n" + b"ok\n"  # no bytes of the line as text
    assert b"?" not in text and b"EUR" not in text
    assert len(rasters) == 1 and rasters[0][:2] == (576 // 8, 24)  # paper wide, one font-A line
    inked = dots(rasters[0])
    columns = np.flatnonzero(inked.any(axis=0))
    assert columns[0] < 12 and columns[-1] < 10 * 12  # left aligned, 10 characters of 12 dots
    assert data[:len(INIT + CP858)] == INIT + CP858
    # the lira sign is a real glyph in the line, not the font's missing-glyph box
    lira = dots(split_rasters(render([Text("₺")], profile))[1][0])
    missing = dots(split_rasters(render([Text("\U000f0000")], profile))[1][0])
    assert lira.any() and not np.array_equal(lira, missing)


def test_image_lines_honour_align_bold_and_size():
    profile = paper(58)
    line = "Toplam ₺9"  # 9 characters

    def drawn(align: str = "left", bold: bool = False, large: bool = False) -> np.ndarray:
        rasters = split_rasters(render([Text(line, align, bold, large)], profile))[1]
        assert len(rasters) == 1
        return dots(rasters[0])

    regular, bold = drawn(), drawn(bold=True)
    right, center, large = drawn(align="right"), drawn(align="center"), drawn(large=True)
    assert regular.shape == (24, 384) and large.shape == (48, 384)
    assert bold.sum() > regular.sum() * 1.1  # the bold face: thicker strokes
    assert np.flatnonzero(right.any(axis=0))[-1] >= 384 - 12
    assert np.flatnonzero(right.any(axis=0))[0] >= 384 - 9 * 12
    middle = np.flatnonzero(center.any(axis=0))
    assert abs((middle[0] + middle[-1]) / 2 - 192) < 12
    assert np.flatnonzero(large.any(axis=0))[-1] > 8 * 24  # 24-dot cells
    # the style around an image line is reset: the image itself is aligned, bold and large
    data = render([Text(line, align="right", bold=True, large=True)], profile)
    assert b"\x1ba\x02" not in data and b"\x1d!\x11" not in data


def test_image_lines_are_quiet(capsys):
    render([Text("₺ quiet")], paper(80))
    assert capsys.readouterr().out == ""  # escpos warns on stdout without a paper width


def test_a_profile_without_cp857_prints_turkish_as_an_image():
    pages = set(get_profile("TM-T88IV").profile_data["codePages"].values())
    assert "CP858" in pages and "CP857" not in pages and "CP1254" not in pages
    profile = paper(80, escpos_profile="TM-T88IV")
    data = render([Text("Döner"), Text("ğ"), Text("5 €")], profile)
    text, rasters = split_rasters(data)
    assert text == INIT + CP858 + b"D\x94ner\n" + b"5 \xd5\n"
    assert len(rasters) == 1 and dots(rasters[0]).any() and b"?" not in text
    # ş is in CP852, which this printer has (ESC t 18)
    assert render([Text("ş")], profile) == INIT + CP858 + b"\x1bt\x12\xad\n"


def test_rules_go_through_the_encoder():
    assert render([Rule("-")], paper(58)) == INIT + CP858 + b"-" * 32 + b"\n"


def test_profiles_fail_early_on_a_page_that_cannot_be_used():
    assert profile_from({"code_page": "CP437"}).code_page == "CP437"  # no €: switched for
    for page in ("CP9999", "CP1098"):  # unknown to escpos / listed but without a Python codec
        with pytest.raises(ProfileError):
            profile_from({"code_page": page})
    with pytest.raises(ProfileError):
        render([Text("x")], paper(80, code_page="CP1098"))
    with pytest.raises(ProfileError):  # CP857 is not on this printer
        render([Text("x")], paper(80, code_page="CP857", escpos_profile="TM-T88IV"))


def test_the_preview_draws_turkish_and_the_lira():
    profile = paper(80)
    blank = np.asarray(render_png([Text("")], profile))
    for line in ("Çay ₺12,50", "ğ ş ı İ"):
        assert not np.array_equal(np.asarray(render_png([Text(line)], profile)), blank)
    lira = np.asarray(render_png([Text("₺")], profile))
    assert not np.array_equal(lira, np.asarray(render_png([Text("\U000f0000")], profile)))
    assert images.text_line("₺", 576, 48).size == (576, 24)
