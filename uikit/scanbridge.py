"""Scanner threads to the UI thread: a scan handed over from any thread runs the UI's handler on
the Kivy main loop (Clock.schedule_once), the only thread that may touch widgets."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock


class ScanBridge:
    """`push(text)` from any thread; `handler(text)` runs on the UI thread, in scan order."""

    def __init__(self, handler: Callable[[str], None]) -> None:
        self.handler = handler

    def push(self, text: str) -> None:
        Clock.schedule_once(lambda _dt: self.handler(text), 0)

    def follow(self, scans: queue.Queue, stop: threading.Event) -> threading.Thread:
        """Drain a queue of scans (strings or objects with `.text`) on a daemon thread."""
        def pump() -> None:
            while not stop.is_set():
                try:
                    item: Any = scans.get(timeout=0.2)
                except queue.Empty:
                    continue
                if item is None:
                    return
                self.push(getattr(item, "text", item))

        thread = threading.Thread(target=pump, name="scan-bridge", daemon=True)
        thread.start()
        return thread
