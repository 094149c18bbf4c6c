"""The kiosk's printer and scanner, behind a thin adapter over `hardware`: a missing or broken
device never stops the kiosk (a failed print is said on screen; no scanner means code + PIN).

Printer specs: `png:DIR` (a PNG preview per document, the demo), `none`, or a printer target
(`usb:VID:PID`, `serial:DEV`, `network:HOST[:PORT]`, `file:PATH`): spooled on disk at once and
sent by a worker thread, so a slow printer never freezes the touch screen.
Scanner specs: `stdin` (one code per line), `hid:PATH`, `camera:N`, `none`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hardware.scanners.base import ScanStream

log = logging.getLogger("kiosk.devices")


class PrintFailed(Exception):
    pass


def document_name(document: Any) -> str:
    ident = (getattr(document, "purchase", None) or getattr(document, "order", None)
             or getattr(document, "receipt", None) or "document")
    return f"{getattr(document, 'kind', 'document')}-{ident}"


class Printer:
    """`print(document)` returns where the document went (None for `none`) or raises
    PrintFailed; `engine.documents` documents only."""

    def __init__(self, spec: str = "none", now: Callable[[], dt.datetime] | None = None,
                 settings: dict[str, Any] | None = None) -> None:
        self.spec = spec
        self.now = now or dt.datetime.now
        self.settings = settings
        self.worker = None

    def profile(self):
        from hardware.printing.profile import profile_from

        return profile_from(self.settings)

    def print(self, document: Any) -> str | None:
        if self.spec == "none":
            return None
        try:
            return self._print(document)
        except Exception:  # a printer problem must never take the kiosk down
            log.exception("printing %s to %s failed", document_name(document), self.spec)
            raise PrintFailed(self.spec) from None

    def _print(self, document: Any) -> str:
        if self.spec.startswith("png:"):
            from hardware.printing.preview import save_preview

            path = Path(self.spec[4:]) / f"{document_name(document)}.png"
            return str(save_preview(document, self.profile(), path))
        if self.worker is None:
            from hardware.printing.queue import Spool
            from hardware.printing.worker import PrintWorker

            self.worker = PrintWorker(Spool(), self.profile(), self.now).start()
            self.worker.retry_queued()
        job = self.worker.submit(document, self.spec)
        return f"{self.spec} (job {job.id})"

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()


def open_scanner(spec: str, stream: ScanStream) -> Any:
    """Start the scan source `spec` pushing into `stream`; None when there is none (or it
    cannot start: the kiosk then works with code + PIN only)."""
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
