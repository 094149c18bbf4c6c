"""A German and a Turkish receipt (issue 20 proof): worded by the catalogue of the document's
language, money and dates as its locale writes them, Turkish letters in the printer's code
page, and the lira sign (in no code page) as an image line: never a '?'. The PNG previews are
kept in tests/artifacts/printed-receipt-de/ and printed-receipt-tr/ to look at."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_print_escpos import HEADER, sample_receipt
from ui_harness import artifact_dir

from engine.documents import Currency, Line, Reduction
from engine.i18n import catalogs
from hardware.printing import texts
from hardware.printing.layout import Text, layout
from hardware.printing.preview import save_preview
from hardware.printing.profile import paper
from hardware.printing.render_escpos import render_document

GS_V_0 = b"\x1dv0"  # a raster image line


def word(language: str, key: str, **values) -> str:
    return catalogs.translate(language, key, texts.TEXTS[key]).format(**values)


def german_receipt():
    return replace(sample_receipt(()), currency=Currency("EUR", 2, "de_DE"),
                   header=replace(HEADER, site_name="Pixel Arena Berlin"),
                   lines=(Line(1, "Spezi 0,5 l", 2, 250, 500, (Reduction("Happy Hour", 100),)),
                          Line(2, "Brezel", 3, 200, 600, ()),
                          Line(3, "Größe XL: Überraschung", 1, 0, 0, ())),
                   subtotal=1100, discount=100, total=1000, change=500)


def turkish_receipt():
    return replace(sample_receipt(()), currency=Currency("TRY", 2, "tr_TR"),
                   header=replace(HEADER, site_name="Oyun Salonu İstanbul"),
                   lines=(Line(1, "Çay", 2, 250, 500, (Reduction("Mutlu saat", 100),)),
                          Line(2, "Simit", 3, 200, 600, ()),
                          Line(3, "Ayran şişe ığdır", 1, 0, 0, ())),
                   subtotal=1100, discount=100, total=1000, change=500)


def printed(document) -> list[str]:
    return [block.text for block in layout(document, paper(80)) if isinstance(block, Text)]


@pytest.mark.parametrize(("name", "make", "language"), [
    ("receipt-de", german_receipt, "de"), ("receipt-tr", turkish_receipt, "tr")])
def test_a_receipt_in_the_sites_language(name, make, language):
    document = make()
    lines = printed(document)
    text = "\n".join(lines)
    for key in ("receipt_subtotal", "receipt_discount", "payment_cash", "payment_card",
                "receipt_change"):
        assert word(language, key) in text, key
    assert word(language, "total", symbol=document.currency.symbol) in text
    if language == "de":
        assert "10,00" in text and "03.07.2026, 17:30" in text
    else:
        assert "10,00" in text and "3 Tem 2026 17:30" in text
    save_preview(document, paper(80), artifact_dir(f"printed-{name}") / f"{name}.png")

    data = render_document(document, paper(80))
    if language == "de":
        assert "Größe XL: Überraschung".encode("cp858") in data  # all in CP858, as text
    else:
        assert b"\x1bt\x0d" in data  # CP857 for the Turkish letters
        assert "Ayran şişe ığdır".encode("cp857") in data
        assert GS_V_0 in data  # the lira sign's lines as images
        assert "₺".encode() not in data
    printable_text = data.split(GS_V_0)[0]  # before the first image: text only
    assert b"?" not in printable_text


def test_english_stays_english_beside_them():
    english = "\n".join(printed(sample_receipt(())))
    assert "Subtotal" in english and "€" in english


@pytest.mark.parametrize("name", ["Water\r", "Tab\there", "Sep\x1cx", "Para\u2029graph",
                                  "Esc\x1b@", "Null\x00"])
def test_a_control_character_in_a_name_prints_as_a_space_never_as_a_command(name):
    receipt = replace(sample_receipt(()), lines=(Line(1, name, 1, 100, 100, ()),),
                      subtotal=100, discount=0, total=100)
    data = render_document(receipt, paper(80))
    start = data.index(name[:3].encode())  # the name's text is there, as text
    line = data[start:data.index(b"\n", start)]
    assert not any(byte < 0x20 for byte in line), line  # no command inside the line
    assert b"?" not in line


def test_a_reprint_is_marked_in_the_slips_language():
    import datetime as dt

    from engine.documents.copies import as_copy

    copy = as_copy(german_receipt(), dt.datetime(2026, 7, 3, 17, 31))
    lines = [line.strip() for line in printed(copy)]
    assert word("de", "copy_mark") in lines and word("de", "copy_mark") != "*** COPY ***"
    assert word("de", "reprinted", at="03.07.2026 17:31") in lines
    english = [line.strip() for line in printed(as_copy(sample_receipt(()),
                                                        dt.datetime(2026, 7, 3, 17, 31)))]
    assert "*** COPY ***" in english and "Reprinted 03.07.2026 17:31" in english
