"""PNG previews: the paper's size, ink, text rows, and codes that scan like the printed ones."""

from __future__ import annotations

import numpy as np
from pyzbar import pyzbar
from test_print_escpos import COUPON, HEADER, sample_receipt, sample_ticket, write_coupon_image

from engine.documents import CouponDocument, Currency
from hardware.printing.layout import Text, layout
from hardware.printing.preview import MARGIN, preview_document, save_preview
from hardware.printing.profile import paper


def ink_rows(image) -> int:
    """Bands of rows with ink, separated by blank rows: text lines, rules, codes."""
    pixels = np.asarray(image)[MARGIN:-MARGIN, MARGIN:-MARGIN]
    inked = (pixels < 128).any(axis=1)
    return int(np.count_nonzero(inked[1:] & ~inked[:-1]) + inked[0])


def test_receipt_preview_looks_like_80mm_paper(tmp_path):
    document = sample_receipt(coupons=())
    image = preview_document(document, paper(80))
    assert image.mode == "L" and image.width == 576 + 2 * MARGIN
    lines = [b for b in layout(document, paper(80)) if isinstance(b, Text)]
    assert image.height >= len(lines) * 24
    dark = np.count_nonzero(np.asarray(image) < 128) / (image.width * image.height)
    assert 0.01 < dark < 0.3  # printed, and not a black slab
    assert ink_rows(image) >= len(lines)  # every text line is on the paper, apart
    path = save_preview(document, paper(80), tmp_path / "prints" / "receipt.png")
    assert path.read_bytes().startswith(b"\x89PNG")


def test_58mm_preview_is_narrower_and_longer():
    wide = preview_document(sample_receipt(coupons=()), paper(80))
    narrow = preview_document(sample_receipt(coupons=()), paper(58))
    assert narrow.width == 384 + 2 * MARGIN and narrow.height >= wide.height


def test_coupon_preview_barcode_scans_and_image_is_drawn(tmp_path):
    write_coupon_image(tmp_path)
    plain = preview_document(CouponDocument(HEADER, Currency(), COUPON), paper(80))
    image = preview_document(CouponDocument(HEADER, Currency(), COUPON),
                             paper(80, assets=tmp_path))
    assert image.height == plain.height + 144  # the coupon image, scaled to 576 wide
    found = pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.CODE128])
    assert [symbol.data.decode() for symbol in found] == ["CPNK7Q2M9XD4PA"]


def test_counter_ticket_qr_scans():
    image = preview_document(sample_ticket(), paper(58))
    found = pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.QRCODE])
    assert [symbol.data.decode() for symbol in found] == ["ORD-42"]
