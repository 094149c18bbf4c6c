"""Hardware speed: document → ESC/POS bytes, camera frame decoding, HID scan to event.

Run: .venv/bin/python -m bench.bench_hardware
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

import numpy as np

from engine.documents import (
    Balances,
    CouponSlip,
    Currency,
    Header,
    Line,
    PaymentLine,
    ReceiptDocument,
    Reduction,
)
from hardware.printing.preview import preview_document
from hardware.printing.profile import paper
from hardware.printing.render_escpos import render_document
from hardware.scanners import hid, synthetic
from hardware.scanners.base import ScanStream
from hardware.scanners.camera import decode_pyzbar, decode_zxing, zxing_available
from hardware.scanners.keymap import EV_KEY, KEY_DOWN, KEY_ENTER, KEY_UP, US

CODE_OF = {pair[0]: code for code, pair in US.items() if code < 71}


def median_ms(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def big_receipt() -> ReceiptDocument:
    coupon = CouponSlip("K7Q2M9XD4PA", "CPNK7Q2M9XD4PA", "BACKSOON", "Come back soon", "1.50 €",
                        dt.date(2026, 10, 3), "Thanks for playing! 1.50 € off your next visit.")
    lines = tuple(Line(n, f"Item number {n} with a long name", 2, 250, 450,
                       (Reduction("Happy hour 20%", 50),)) for n in range(1, 21))
    return ReceiptDocument(
        Header("Pixel Arena", "Front counter", "COUNTER1", ("Main Street 1", "10115 Berlin"),
               ("Thank you for playing!",)),
        Currency(), "COUNTER1-R1", dt.datetime(2026, 7, 3, 17, 30), lines, 9000, 1000, 8000,
        (PaymentLine("card", 3000), PaymentLine("cash", 5000, 5000)), 0,
        "Sam (S01)", "Ada (M001)", (coupon, coupon), Balances(200, 150))


def bench_render() -> None:
    document = big_receipt()
    profile = paper(80)
    ms = median_ms(lambda: render_document(document, profile), 200)
    print(f"receipt (20 lines, 2 coupons) → ESC/POS bytes median {ms:.2f} ms (target < 10 ms)")
    ms = median_ms(lambda: preview_document(document, profile), 10)
    print(f"same receipt → PNG preview median {ms:.1f} ms (no target)")


def bench_decode() -> None:
    rng = np.random.default_rng(7)
    codes = [("EAN13", "4006381333931"), ("EAN8", "96385074"), ("CODE128", "CPNK7Q2M9XD4PA"),
             ("QRCODE", "ORD-42")]
    frames = [synthetic.frame(f, t, synthetic.random_distortion(rng, f == "QRCODE"), rng)
              for f, t in codes for _ in range(10)]
    empty = [np.full((480, 640), 180, dtype=np.uint8) + rng.integers(0, 8, (480, 640),
                                                                     dtype=np.uint8)]
    backends = [("pyzbar", decode_pyzbar)]
    if zxing_available():
        backends.append(("zxing-cpp", decode_zxing))
    for name, decode in backends:
        times = []
        for frame in frames:
            start = time.perf_counter()
            decode(frame)
            times.append(time.perf_counter() - start)
        idle = median_ms(lambda decode=decode: decode(empty[0]), 20)
        target = " (target < 25 ms)" if name == "pyzbar" else ""
        print(f"640x480 frame decode, {name}: median {statistics.median(times) * 1000:.1f} ms "
              f"with a code, {idle:.1f} ms without{target}")


class PipeDevice:
    """An evdev device stand-in fed through a pipe, so the real HidScanner loop runs."""

    def __init__(self) -> None:
        self.fd, self._writer = os.pipe()
        self.pending: list[tuple] = []

    def grab(self) -> None:
        pass

    def send(self, events: list[tuple]) -> None:
        self.pending = events
        os.write(self._writer, b"x")

    def read(self):
        os.read(self.fd, 4096)
        events, self.pending = self.pending, []
        return iter(events)

    def close(self) -> None:
        os.close(self.fd)
        os.close(self._writer)


class Event:
    __slots__ = ("type", "code", "value", "_t")

    def __init__(self, code: int, value: int, t: float) -> None:
        self.type, self.code, self.value, self._t = EV_KEY, code, value, t

    def timestamp(self) -> float:
        return self._t


def bench_hid() -> None:
    device = PipeDevice()
    stream = ScanStream()
    scanner = hid.HidScanner("/dev/input/by-id/bench-event-kbd", stream, opener=lambda p: device)
    scanner.start()
    scanner.connected.wait(5)
    latencies = []
    for n in range(200):
        t = time.time()
        events = [Event(CODE_OF[c], v, t) for c in "4006381333931" for v in (KEY_DOWN, KEY_UP)]
        events.append(Event(KEY_ENTER, KEY_DOWN, t))
        start = time.perf_counter()
        device.send(events)
        scan = stream.get(timeout=5)
        latencies.append(time.perf_counter() - start)
        assert scan is not None and scan.text == "4006381333931", n
    scanner.stop()
    print(f"HID scan (13 digits + Enter) → Scan event median "
          f"{statistics.median(latencies) * 1000:.3f} ms, p99 "
          f"{sorted(latencies)[int(len(latencies) * 0.99)] * 1000:.3f} ms (target < 5 ms)")


def main() -> None:
    bench_render()
    bench_decode()
    bench_hid()


if __name__ == "__main__":
    main()
