"""USB HID (keyboard-wedge) scanners through evdev.

Each scanner is opened by its stable `/dev/input/by-id/...-event-kbd` path and grabbed, so its
key presses reach only us (never the focused text field of the UI). One thread per scanner:
wait for input with select (so `stop` is honoured within POLL seconds), decode with the pure
`ScanDecoder`, push scans. When the scanner is unplugged (ENODEV or any OSError) the thread
waits for the path to come back, with a backoff from 0.25 s to 5 s: no busy loop.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import select
import threading
from collections.abc import Callable

from hardware.scanners.base import ScanStream
from hardware.scanners.keymap import GAP_SECONDS, ScanDecoder

log = logging.getLogger(__name__)

BY_ID = "/dev/input/by-id"
POLL_SECONDS = 0.5
BACKOFF_FIRST, BACKOFF_MAX = 0.25, 5.0


def scanner_paths(pattern: str = "*-event-kbd") -> list[str]:
    """Stable paths of keyboard-like devices (scanners announce themselves as keyboards)."""
    return sorted(glob.glob(os.path.join(BY_ID, pattern)))


def open_evdev(path: str):
    from evdev import InputDevice

    return InputDevice(path)


class HidScanner:
    def __init__(self, path: str, stream: ScanStream, grab: bool = True,
                 gap: float = GAP_SECONDS, opener: Callable[[str], object] = open_evdev) -> None:
        self.path = path
        self.stream = stream
        self.grab = grab
        self.opener = opener
        self.decoder = ScanDecoder(source=f"hid:{path}", gap=gap)
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run, name=f"hid {path}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float | None = 2) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def run(self) -> None:
        delay = BACKOFF_FIRST
        while not self._stop.is_set():
            try:
                device = self.opener(self.path)
            except OSError:
                self._stop.wait(delay)  # not plugged in (yet): wait, a little longer each time
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            delay = BACKOFF_FIRST
            try:
                self._read(device)
            except OSError as error:  # ENODEV: unplugged while reading
                log.info("scanner %s gone: %s", self.path, error)
            finally:
                self.connected.clear()
                self.decoder.reset()  # half a scan from before the unplug is not a scan
                with contextlib.suppress(OSError):
                    device.close()

    def _read(self, device) -> None:
        if self.grab:
            device.grab()
        self.connected.set()
        while not self._stop.is_set():
            ready, _, _ = select.select([device.fd], [], [], POLL_SECONDS)
            if not ready:
                continue
            for event in device.read():
                scan = self.decoder.feed_event(event)
                if scan is not None:
                    self.stream.push(scan)


def start_all(stream: ScanStream, paths: list[str] | None = None) -> list[HidScanner]:
    """One grabbed, self-healing reader per scanner path (default: every by-id keyboard)."""
    scanners = [HidScanner(path, stream) for path in (paths or scanner_paths())]
    for scanner in scanners:
        scanner.start()
    return scanners
