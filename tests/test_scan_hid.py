"""The HID scanner: the key decoder on recorded evdev events, and the thin device loop."""

from __future__ import annotations

import errno
import io
import os
import threading

import pytest
from evdev import InputEvent, ecodes

from hardware.scanners import hid
from hardware.scanners.base import Scan, ScanStream
from hardware.scanners.keymap import US, ScanDecoder
from hardware.scanners.stdin import StdinScanner

SOURCE = "hid:/dev/input/by-id/usb-Honeywell_Scanner-event-kbd"
CHARS = {char: (code, index == 1) for code, pair in US.items() if code < 71
         for index, char in reversed(list(enumerate(pair)))}


def key(code: int, value: int, t: float) -> list[InputEvent]:
    """One key transition as the kernel reports it: MSC_SCAN, EV_KEY, SYN_REPORT."""
    sec, usec = int(t), round((t - int(t)) * 1e6)
    return [InputEvent(sec, usec, ecodes.EV_MSC, ecodes.MSC_SCAN, 0x70000 + code),
            InputEvent(sec, usec, ecodes.EV_KEY, code, value),
            InputEvent(sec, usec, ecodes.EV_SYN, ecodes.SYN_REPORT, 0)]


def typed(text: str, t: float, step: float = 0.002, enter: bool = True) -> list[InputEvent]:
    """What a scanner sends for `text` starting at time t (shift held around capitals)."""
    events: list[InputEvent] = []
    for char in text:
        code, shifted = CHARS[char]
        if shifted:
            events += key(ecodes.KEY_LEFTSHIFT, 1, t)
        events += key(code, 1, t) + key(code, 0, t + step / 2)
        if shifted:
            events += key(ecodes.KEY_LEFTSHIFT, 0, t + step / 2)
        t += step
    if enter:
        events += key(ecodes.KEY_ENTER, 1, t) + key(ecodes.KEY_ENTER, 0, t + step / 2)
    return events


def decode(events: list[InputEvent]) -> list[Scan]:
    decoder = ScanDecoder(SOURCE)
    return [scan for event in events if (scan := decoder.feed_event(event)) is not None]


def test_keymap_matches_the_kernel_codes():
    names = {"1": "KEY_1", "0": "KEY_0", "a": "KEY_A", "z": "KEY_Z", "-": "KEY_MINUS",
             ".": "KEY_DOT", "/": "KEY_SLASH", " ": "KEY_SPACE", ";": "KEY_SEMICOLON"}
    for char, name in names.items():
        assert CHARS[char][0] == getattr(ecodes, name)
    assert US[ecodes.KEY_KP7] == ("7", "7") and US[ecodes.KEY_KPDOT] == (".", ".")


def test_digits_end_on_enter():
    (scan,) = decode(typed("4006381333931", 100.0))
    assert scan.text == "4006381333931" and scan.source == SOURCE
    assert scan.time == pytest.approx(100.0 + 13 * 0.002, abs=1e-6)


def test_shift_letters_and_symbols():
    (scan,) = decode(typed("CPN7kq2-M9XD_4PA!", 5.0))
    assert scan.text == "CPN7kq2-M9XD_4PA!"


def test_right_shift_and_keypad_enter():
    events = (key(ecodes.KEY_RIGHTSHIFT, 1, 1.0) + key(ecodes.KEY_M, 1, 1.001)
              + key(ecodes.KEY_RIGHTSHIFT, 0, 1.002) + key(ecodes.KEY_KP1, 1, 1.003)
              + key(ecodes.KEY_KPENTER, 1, 1.004))
    assert [s.text for s in decode(events)] == ["M1"]


def test_two_scans_back_to_back():
    events = typed("MEM0001", 1.0) + typed("4006381333948", 1.0 + 8 * 0.002)
    assert [s.text for s in decode(events)] == ["MEM0001", "4006381333948"]


def test_a_stray_key_before_a_scan_is_dropped_after_the_gap():
    events = key(ecodes.KEY_X, 1, 1.0) + key(ecodes.KEY_X, 0, 1.05) + typed("96385074", 1.5)
    assert [s.text for s in decode(events)] == ["96385074"]


def test_a_partial_scan_cut_by_a_gap_is_dropped():
    partial = typed("40063", 1.0, enter=False)  # a scan cut short: no Enter
    assert [s.text for s in decode(partial + typed("96385074", 1.2))] == ["96385074"]
    # a gap inside one code (over 100 ms) drops what came before it
    events = typed("123", 2.0, enter=False) + typed("456", 2.3)
    assert [s.text for s in decode(events)] == ["456"]
    # within the gap the keys are one scan
    events = typed("123", 3.0, enter=False) + typed("456", 3.05)
    assert [s.text for s in decode(events)] == ["123456"]


def test_enter_alone_autorepeat_and_unknown_keys_make_no_text():
    events = (key(ecodes.KEY_ENTER, 1, 1.0) + key(ecodes.KEY_1, 1, 2.0) + key(ecodes.KEY_1, 2, 2.001)
              + key(ecodes.KEY_F1, 1, 2.002) + key(ecodes.KEY_ENTER, 1, 2.003))
    assert [s.text for s in decode(events)] == ["1"]


def test_unplug_mid_scan_forgets_the_half_scan():
    decoder = ScanDecoder(SOURCE)
    for event in typed("4006", 1.0, enter=False):
        decoder.feed_event(event)
    decoder.reset()  # what the device loop does on ENODEV
    scans = [s for e in typed("96385074", 1.01) if (s := decoder.feed_event(e))]
    assert [s.text for s in scans] == ["96385074"]


class FakeDevice:
    """An evdev.InputDevice stand-in: a pipe for select(), events fed by the test."""

    def __init__(self) -> None:
        self._read_end, self._write_end = os.pipe()
        self.fd = self._read_end
        self.events: list[InputEvent] = []
        self.unplugged = False
        self.grabbed = False
        self.closed = False
        self.lock = threading.Lock()

    def feed(self, events: list[InputEvent]) -> None:
        with self.lock:
            self.events += events
        os.write(self._write_end, b"x")

    def unplug(self) -> None:
        self.unplugged = True
        os.write(self._write_end, b"x")

    def grab(self) -> None:
        self.grabbed = True

    def read(self):
        os.read(self.fd, 4096)
        if self.unplugged:
            raise OSError(errno.ENODEV, "No such device")
        with self.lock:
            events, self.events = self.events, []
        return iter(events)

    def close(self) -> None:
        self.closed = True
        os.close(self._read_end)
        os.close(self._write_end)


def test_device_loop_grabs_reads_survives_unplug_and_replug(monkeypatch):
    monkeypatch.setattr(hid, "BACKOFF_FIRST", 0.01)
    first, second = FakeDevice(), FakeDevice()
    plugged = [first, None, None, second]  # unplugged for two attempts, then back
    opened: list[FakeDevice] = []

    def opener(path: str) -> FakeDevice:
        device = plugged.pop(0) if plugged else None
        if device is None:
            raise OSError(errno.ENOENT, "No such file or directory")
        opened.append(device)
        return device

    stream = ScanStream()
    scanner = hid.HidScanner("/dev/input/by-id/usb-scanner-event-kbd", stream, opener=opener)
    scanner.start()
    try:
        assert scanner.connected.wait(5) and first.grabbed
        first.feed(typed("MEM0001", 1.0))
        assert stream.get(timeout=5).text == "MEM0001"
        first.feed(typed("4006", 2.0, enter=False))
        first.unplug()
        assert second_connected(scanner, second)
        assert first.closed and second.grabbed
        second.feed(typed("1333931", 2.01))  # the half scan from before the unplug is gone
        assert stream.get(timeout=5).text == "1333931"
    finally:
        scanner.stop()
    assert opened == [first, second] and second.closed


def second_connected(scanner: hid.HidScanner, device: FakeDevice) -> bool:
    for _ in range(500):
        if device.grabbed and scanner.connected.is_set():
            return True
        threading.Event().wait(0.01)
    return False


def test_stdin_source_pushes_each_line():
    stream = ScanStream()
    source = StdinScanner(stream, file=io.StringIO("MEM0001\n\n  4006381333931 \n"))
    source.start()
    source.join(5)
    assert [(s.text, s.source) for s in stream.drain()] == [("MEM0001", "stdin"),
                                                           ("4006381333931", "stdin")]


def test_stream_keeps_the_newest_when_full():
    stream = ScanStream(maxsize=2)
    for n in range(3):
        stream.push(Scan(str(n), "test", float(n)))
    assert [s.text for s in stream.drain()] == ["1", "2"]
    assert stream.get(timeout=0) is None


def test_stream_consumer_thread_hands_scans_over():
    stream, seen, stop = ScanStream(), [], threading.Event()
    got = threading.Event()
    thread = stream.consume(lambda scan: (seen.append(scan.text), got.set()), stop)
    stream.push(Scan("CPNK7Q2", "camera:0", 1.0))
    assert got.wait(5)
    stop.set()
    thread.join(5)
    assert seen == ["CPNK7Q2"]
