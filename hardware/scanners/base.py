"""One interface for every scanner: a thread-safe stream of `Scan(text, source, time)`.

Sources run on their own threads and `push`; the app reads with `get` on a consumer thread (or
`consume` starts one) and hands each scan to its UI thread (Kivy: `Clock.schedule_once`).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Scan:
    text: str
    source: str  # "hid:/dev/input/by-id/…", "camera:0", "stdin"
    time: float  # seconds since the epoch, when the scan completed


class Source(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


class ScanStream:
    def __init__(self, maxsize: int = 1000) -> None:
        # bounded: a stuck consumer must not grow memory forever; the newest scans win
        self._queue: queue.Queue[Scan] = queue.Queue(maxsize)

    def push(self, scan: Scan) -> None:
        while True:
            try:
                self._queue.put_nowait(scan)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self._queue.get_nowait()

    def get(self, timeout: float | None = None) -> Scan | None:
        """The next scan, or None after `timeout` seconds."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def drain(self) -> list[Scan]:
        scans = []
        while (scan := self.get(timeout=0)) is not None:
            scans.append(scan)
        return scans

    def consume(self, handler: Callable[[Scan], None], stop: threading.Event) -> threading.Thread:
        """A daemon thread calling `handler(scan)` for each scan until `stop` is set."""

        def run() -> None:
            while not stop.is_set():
                scan = self.get(timeout=0.2)
                if scan is not None:
                    handler(scan)

        thread = threading.Thread(target=run, name="scan-consumer", daemon=True)
        thread.start()
        return thread
