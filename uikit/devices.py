"""An app's printer and scanner, behind a thin adapter over `hardware` (for the kiosk and the
counter alike): a missing or broken device never stops the app; a failed print is said on screen.

Printer specs:
- `png:DIR` — the demo's "printer": every document becomes DIR/<kind>-<ref>.png (a preview of
  the slip) and DIR/<kind>-<ref>.bin (the exact ESC/POS bytes, drawer kick included);
- `dummy` — the ESC/POS bytes kept in memory (`printed`), for tests;
- `none`;
- a printer target (`usb:VID:PID`, `serial:DEV`, `network:HOST[:PORT]`, `file:PATH`): spooled on
  disk at once and sent by a worker thread, so a slow printer never freezes the touch screen.
Scanner specs: `stdin` (one code per line), `hid:PATH`, `camera:N`, `none`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hardware.scanners.base import ScanStream

log = logging.getLogger("uikit.devices")


class PrintFailed(Exception):
    pass


def document_name(document: Any) -> str:
    """"<kind>-<reference>", e.g. receipt-DEV1-R7 or refund-DEV1-RR2 (engine.documents)."""
    return f"{document.kind}-{document.reference}"


class Printer:
    """`print(document, drawer=False)` returns where it went (None for `none`) or raises
    PrintFailed. `printed` keeps (name, ESC/POS bytes) of every document sent to `dummy`/`png:`."""

    def __init__(self, spec: str = "none", now: Callable[[], dt.datetime] | None = None,
                 settings: dict[str, Any] | None = None) -> None:
        self.spec = spec
        self.now = now or dt.datetime.now
        self.settings = settings
        self.worker = None
        self.printed: list[tuple[str, bytes]] = []

    def profile(self):
        from hardware.printing.profile import profile_from

        return profile_from(self.settings)

    def print(self, document: Any, drawer: bool = False) -> str | None:
        if self.spec == "none":
            return None
        try:
            return self._print(document, drawer)
        except Exception:  # a printer problem must never take the app down
            log.exception("printing %s to %s failed", document_name(document), self.spec)
            raise PrintFailed(self.spec) from None

    def _bytes(self, document: Any, drawer: bool) -> bytes:
        from hardware.printing.render_escpos import render_document

        data = render_document(document, self.profile(), drawer=drawer)
        self.printed.append((document_name(document), data))
        return data

    def _print(self, document: Any, drawer: bool) -> str:
        name = document_name(document)
        if self.spec == "dummy":
            self._bytes(document, drawer)
            return "dummy"
        if self.spec.startswith("png:"):
            from hardware.printing.preview import save_preview

            folder = Path(self.spec[4:])
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{name}.bin").write_bytes(self._bytes(document, drawer))
            return str(save_preview(document, self.profile(), folder / f"{name}.png"))
        from hardware.printing.connections import parse_target

        parse_target(self.spec)  # a wrong spec fails here, before a spool or thread exists
        if self.worker is None:
            from hardware.printing.queue import Spool
            from hardware.printing.worker import PrintWorker

            self.worker = PrintWorker(Spool(), self.profile(), self.now).start()
            self.worker.retry_queued()
        job = self.worker.submit(document, self.spec, drawer=drawer)
        return f"{self.spec} (job {job.id})"

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()


def open_scanner(spec: str, stream: ScanStream) -> Any:
    """Start the scan source `spec` pushing into `stream`; None when there is none (or it cannot
    start: the app then works by typing and touch only)."""
    if spec == "none":
        return None
    kind, _, address = spec.partition(":")
    try:
        if kind == "stdin":
            from hardware.scanners.stdin import StdinScanner

            source = StdinScanner(stream)
        elif kind == "hid":
            from hardware.scanners.hid import HidScanner

            source = HidScanner(address, stream)
        elif kind == "camera":
            from hardware.scanners.camera import CameraScanner

            source = CameraScanner(stream, device=int(address) if address.isdigit() else address)
        else:
            log.error("unknown scanner %r (use stdin, hid:PATH, camera:N or none)", spec)
            return None
        source.start()
    except Exception:
        log.exception("scanner %s is not available", spec)
        return None
    return source
