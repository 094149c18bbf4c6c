"""A keyboard/stdin "scanner" for development and the demo: each line typed is a scan."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from hardware.scanners.base import Scan, ScanStream


class StdinScanner:
    def __init__(self, stream: ScanStream, source: str = "stdin",
                 file: TextIO | None = None) -> None:
        self.stream = stream
        self.source = source
        self.file = file or sys.stdin
        self._thread = threading.Thread(target=self.run, name="stdin-scanner", daemon=True)

    def run(self) -> None:
        for line in self.file:
            text = line.strip()
            if text:
                self.stream.push(Scan(text, self.source, time.time()))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        pass  # a daemon thread blocked on stdin ends with the process

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)
