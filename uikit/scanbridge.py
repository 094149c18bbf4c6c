"""Scanner threads to the UI thread: a scan handed over from any thread runs the UI's handler on
the Kivy main loop (Clock.schedule_once), the only thread that may touch widgets."""

from __future__ import annotations

from collections.abc import Callable

from kivy.clock import Clock


class ScanBridge:
    """`push(text)` from any thread; `handler(text)` runs on the UI thread, in scan order."""

    def __init__(self, handler: Callable[[str], None]) -> None:
        self.handler = handler

    def push(self, text: str) -> None:
        Clock.schedule_once(lambda _dt: self.handler(text), 0)
