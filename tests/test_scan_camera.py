"""The camera decoder on generated frames (noise, blur, rotation, low contrast), the debouncer."""

from __future__ import annotations

import numpy as np
import pytest

from hardware.scanners import synthetic
from hardware.scanners.base import ScanStream
from hardware.scanners.camera import (
    CameraScanner,
    Debouncer,
    Decoded,
    FormatError,
    check_formats,
    decode_pyzbar,
    decode_zxing,
    pick_backend,
)

CODES = [("EAN13", "4006381333931"), ("EAN8", "96385074"), ("CODE128", "CPNK7Q2M9XD4PA"),
         ("QRCODE", "ORD-42")]
FRAMES_PER_CODE = 10


@pytest.fixture(scope="module")
def frames():
    rng = np.random.default_rng(6)
    return [(fmt, text, synthetic.frame(fmt, text, synthetic.random_distortion(rng, fmt == "QRCODE"),
                                        rng))
            for fmt, text in CODES for _ in range(FRAMES_PER_CODE)]


@pytest.mark.parametrize("decode", [decode_pyzbar, decode_zxing])
def test_decoders_read_distorted_frames(frames, decode):
    hits = {fmt: 0 for fmt, _ in CODES}
    for fmt, text, frame in frames:
        found = decode(frame)
        assert all(d.text == text for d in found)  # never a wrong read
        hits[fmt] += Decoded(fmt, text) in found
    rates = {fmt: hit / FRAMES_PER_CODE for fmt, hit in hits.items()}
    assert all(rate >= 0.8 for rate in rates.values()), rates
    assert sum(hits.values()) / len(frames) >= 0.9, rates


def test_formats_restrict_what_is_read(frames):
    ean = next(frame for fmt, _, frame in frames if fmt == "EAN13" and decode_pyzbar(frame))
    assert decode_pyzbar(ean, formats=["qrcode"]) == []
    assert decode_zxing(ean, formats=["QR"]) == []
    assert check_formats(["ean-13", "qr", "Code_128"]) == ("EAN13", "QRCODE", "CODE128")
    with pytest.raises(FormatError):
        check_formats(["PDF417X"])


def test_region_of_interest():
    frame = synthetic.frame("QRCODE", "ORD-42", rng=np.random.default_rng(3))
    found = decode_pyzbar(frame)
    assert found == [Decoded("QRCODE", "ORD-42")]
    ys, xs = np.nonzero(frame < 100)  # where the code is
    x0, y0 = max(0, int(xs.min()) - 20), max(0, int(ys.min()) - 20)
    inside = (x0, y0, int(np.ptp(xs)) + 40, int(np.ptp(ys)) + 40)
    assert decode_pyzbar(frame, roi=inside) == found
    elsewhere = (0, 0, 40, 40) if xs.min() > 60 or ys.min() > 60 else (600, 440, 40, 40)
    assert decode_pyzbar(frame, roi=elsewhere) == []


def test_debounce_1d_needs_two_of_three_frames_qr_is_at_once():
    debouncer = Debouncer()
    ean, other = Decoded("EAN13", "4006381333931"), Decoded("EAN13", "4006381333948")
    assert debouncer.frame([ean], 0.0) == []  # one read is not enough
    assert debouncer.frame([other], 0.1) == []  # a misread in between
    assert debouncer.frame([ean], 0.2) == [ean]  # 2 of the last 3 agree
    assert debouncer.frame([ean], 0.3) == []  # the same text is held for 2 s
    assert debouncer.frame([], 1.0) == [] and debouncer.frame([], 1.1) == []
    assert debouncer.frame([ean], 2.1) == []  # 2 s later: needs agreement again
    assert debouncer.frame([ean], 2.3) == [ean]
    qr = Decoded("QRCODE", "ORD-42")
    assert debouncer.frame([qr], 3.0) == [qr]
    assert debouncer.frame([qr], 4.9) == [] and debouncer.frame([qr], 5.1) == [qr]


def test_debounce_drops_a_1d_read_older_than_the_window():
    debouncer = Debouncer()
    ean = Decoded("EAN8", "96385074")
    assert debouncer.frame([ean], 0.0) == []
    for t in (0.1, 0.2, 0.3):
        debouncer.frame([], t)
    assert debouncer.frame([ean], 0.4) == []  # the first read fell out of the last 3 frames


def test_camera_process_pushes_debounced_scans():
    stream = ScanStream()
    camera = CameraScanner(stream, device=0, backend="pyzbar")
    frame = synthetic.frame("EAN13", "4006381333931")
    assert camera.process(frame, 10.0) == []
    (scan,) = camera.process(frame, 10.1)
    assert (scan.text, scan.source, scan.time) == ("4006381333931", "camera:0", 10.1)
    assert stream.drain() == [scan]


def test_pick_backend_names_one_that_exists():
    frame = synthetic.frame("QRCODE", "ORD-42")
    assert pick_backend([frame]) in ("pyzbar", "zxing")
    assert pick_backend([]) == "pyzbar"
