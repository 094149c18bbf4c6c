"""ESC/POS bytes of documents: code page, barcodes, QR, images, cut, drawer kick."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw

from engine.documents import (
    Balances,
    CounterTicket,
    CouponDocument,
    CouponSlip,
    Currency,
    Header,
    Line,
    PaymentLine,
    ReceiptDocument,
    Reduction,
)
from hardware.printing import images
from hardware.printing.layout import Barcode, Text, layout
from hardware.printing.profile import ProfileError, paper, profile_from
from hardware.printing.render_escpos import code128_width, render, render_document

AT = dt.datetime(2026, 7, 3, 17, 30)
HEADER = Header("Pixel Arena", "Front counter", "COUNTER1", ("Main Street 1",), ("Thank you!",))
COUPON = CouponSlip(code="K7Q2M9XD4PA", barcode="CPNK7Q2M9XD4PA", campaign="BACKSOON",
                    campaign_name="Come back soon", value_text="€1.50",
                    expires_on=dt.date(2026, 10, 3), text="Merci, à bientôt!", image="coupon.png")


def sample_receipt(coupons: tuple[CouponSlip, ...] = (COUPON,)) -> ReceiptDocument:
    return ReceiptDocument(
        header=HEADER, currency=Currency(), receipt="COUNTER1-R1", at=AT,
        lines=(Line(1, "Café crème", 2, 250, 500, (Reduction("Happy hour 20%", 100),)),
               Line(2, "Chips", 3, 200, 600, (Reduction("SNACK3FOR2", 200),))),
        subtotal=1100, discount=300, total=800,
        payments=(PaymentLine("card", 300), PaymentLine("cash", 500, 1000)),
        change=500, staff="Sam (S01)", member="Ada (M001)", coupons=coupons,
        balances=Balances(money=200, minutes=150))


def sample_ticket() -> CounterTicket:
    return CounterTicket(HEADER, Currency(), "ORD-42", AT, (("Standard 120 min", 900),), 900)


def write_coupon_image(folder: Path) -> Path:
    image = PILImage.new("RGB", (800, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse([300, 20, 500, 180], fill=(230, 120, 0))
    draw.rectangle([40, 60, 200, 140], fill=(20, 20, 20))
    path = folder / "coupon.png"
    image.save(path)
    return path


def test_stream_starts_with_reset_and_code_page_cp858():
    data = render_document(sample_receipt(coupons=()), paper(80, code_page="CP858"))
    assert data.startswith(b"\x1b@\x1bt\x13")  # ESC @, ESC t 19 = CP858
    assert b"Caf\x82 cr\x8ame" in data  # é = 0x82, è = 0x8A in CP858
    assert b"TOTAL \xd5" in data  # € = 0xD5 in CP858


def test_code_page_cp1252_bytes():
    data = render_document(sample_receipt(coupons=()), paper(80, code_page="CP1252"))
    assert data.startswith(b"\x1b@\x1bt\x10")  # ESC t 16 = CP1252
    assert b"Caf\xe9 cr\xe8me" in data
    assert b"TOTAL \x80" in data  # € = 0x80 in CP1252


def test_code_page_without_euro_switches_for_it():
    data = render_document(sample_receipt(coupons=()), paper(80, code_page="CP437"))
    assert data.startswith(b"\x1b@\x1bt\x00")
    # € is not in CP437: ESC t 19 (CP858) for it; é stays 0x82, the same byte in both
    assert b"TOTAL \x1bt\x13\xd5" in data and b"Caf\x82" in data and b"EUR" not in data


def test_unknown_code_page_is_refused():
    with pytest.raises(ProfileError):
        profile_from({"code_page": "CP9999"})
    with pytest.raises(ProfileError):
        profile_from({"paper": 70})


def test_coupon_code128_is_printer_native():
    data = render_document(CouponDocument(HEADER, Currency(), COUPON), paper(80))
    payload = b"{BCPNK7Q2M9XD4PA"
    # GS k 73 (Code 128, function B), length, code set B + data; no human-readable line (OFF)
    assert b"\x1dH\x00\x1dkI" + bytes([len(payload)]) + payload in data
    assert b"\x1dw\x02" in data  # 209 modules with quiet zones: 3 dots each would not fit 576
    assert code128_width("K7Q2M9XD4P", 576) == 3 and code128_width("K7Q2M9XD4P", 384) == 2
    assert b"Valid until Oct 3, 2026" in data and b"\x1bE\x01K7Q2M9XD4PA\n" in data


def test_ean13_barcode_block():
    data = render([Barcode("EAN13", "4006381333931")], paper(80))
    assert b"\x1dH\x02\x1dk\x024006381333931\x00" in data  # GS k 2 (EAN-13), digits, NUL


def test_counter_ticket_qr_is_printer_native():
    data = render_document(sample_ticket(), paper(80))
    assert b"\x1d(k\x04\x001A2\x00" in data  # model 2
    assert b"\x1d(k\x03\x001C\x06" in data  # 6-dot modules
    assert b"\x1d(k\t\x001P0ORD-42" in data  # store the data (length 6 + 3)
    assert b"\x1d(k\x03\x001Q0" in data  # print it


def test_cut_modes_and_drawer_kick():
    document = sample_receipt(coupons=())
    partial = render_document(document, paper(80, cut="partial"))
    assert partial.endswith(b"\x1bd\x06\x1dV\x01")  # feed 6 lines, partial cut
    assert render_document(document, paper(80, cut="full")).endswith(b"\x1dV\x00")
    assert b"\x1dV" not in render_document(document, paper(80, cut=None))
    assert b"\x1bp" not in partial
    kicked = render_document(document, paper(80), drawer=True)
    assert kicked.startswith(b"\x1b@\x1bt\x13\x1bp\x0022")  # ESC p 0 t1 t2: pin 2 first
    assert b"\x1bp\x0122" in render_document(document, paper(80, drawer_pin=5), drawer=True)


def test_receipt_with_coupon_cuts_between_receipt_and_coupon():
    data = render_document(sample_receipt(), paper(80))
    assert data.count(b"\x1dV\x01") == 2
    receipt_part, coupon_part, _ = data.split(b"\x1dV\x01")
    assert b"Happy hour 20%" in receipt_part and b"-1.00" in receipt_part
    assert b"COUPON" in coupon_part and b"\x1dkI" in coupon_part


def test_styles_bold_and_double_size_around_the_total():
    data = render_document(sample_receipt(coupons=()), paper(80))
    assert b"\x1bE\x01\x1d!\x11TOTAL \xd5" in data  # bold on, double width+height
    after_total = data.split(b"TOTAL \xd5", 1)[1]
    assert b"\x1bE\x00\x1d!\x00Card" in after_total  # back to normal before the next line


@pytest.mark.parametrize("width_mm, chars", [(58, 32), (80, 48)])
def test_every_line_fits_the_paper(width_mm, chars):
    blocks = layout(sample_receipt(), paper(width_mm))
    texts = [block for block in blocks if isinstance(block, Text)]
    assert texts and all(len(t.text) <= (chars // 2 if t.large else chars) for t in texts)
    assert any(len(t.text) == chars for t in texts)  # amounts are right-aligned to the edge


def test_images_are_scaled_dithered_and_cached(tmp_path):
    write_coupon_image(tmp_path)
    profile = paper(80, assets=tmp_path)
    images._prepared.cache_clear()
    data = render_document(CouponDocument(HEADER, Currency(), COUPON), profile)
    # GS v 0, normal density, 72 bytes (576 dots) wide, 144 rows (800×200 scaled to 576 wide)
    assert b"\x1dv0\x00" + (72).to_bytes(2, "little") + (144).to_bytes(2, "little") in data
    render_document(CouponDocument(HEADER, Currency(), COUPON), profile)
    assert images._prepared.cache_info().misses == 1  # converted once
    prepared = images.prepared(tmp_path / "coupon.png", 576)
    assert prepared.mode == "1" and prepared.size == (576, 144)


def test_a_missing_image_never_stops_the_print(tmp_path):
    data = render_document(CouponDocument(HEADER, Currency(), COUPON), paper(80, assets=tmp_path))
    assert b"\x1dv0" not in data and b"COUPON" in data
