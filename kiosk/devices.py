"""The kiosk's printer and scanner, behind a thin adapter: a missing or broken device never stops
the kiosk (a failed print is reported on screen; no scanner means code + PIN login only).

Printer specs: `png:DIR` (a PNG preview per document, the demo), `none`, or any target the
hardware package understands (`usb:VID:PID`, `serial:DEV`, `network:HOST[:PORT]`, `file:PATH`).
Scanner specs: `stdin` (one code per line), `hid:PATH`, `camera:N`, `none`.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger("kiosk.devices")


def document_name(document: Any) -> str:
    ident = (getattr(document, "purchase", None) or getattr(document, "order", None)
             or getattr(document, "receipt", None) or "document")
    return f"{getattr(document, 'kind', 'document')}-{ident}"


class Printer:
    """Prints `engine.documents` documents; `print(document)` returns where it went, or None."""

    def __init__(self, spec: str = "none") -> None:
        self.spec = spec

    def print(self, document: Any) -> str | None:
        if self.spec == "none":
            return None
        try:
            return self._print(document)
        except Exception:  # a printer problem must never take the kiosk down
            log.exception("printing %s to %s failed", document_name(document), self.spec)
            raise PrintFailed(self.spec) from None

    def _print(self, document: Any) -> str:
        target = self.spec
        if self.spec.startswith("png:"):
            folder = Path(self.spec[4:])
            folder.mkdir(parents=True, exist_ok=True)
            target = f"png:{folder / (document_name(document) + '.png')}"
        from hardware.printing import print_document  # the hardware package's one entry point

        print_document(document, target)
        return target


class PrintFailed(Exception):
    pass


class Scanner:
    """A scan source feeding `scans` (a queue of text) from its own thread."""

    def __init__(self, spec: str, scans: queue.Queue) -> None:
        self.spec = spec
        self.scans = scans
        self.stop_event = threading.Event()
        self.source: Any = None

    def start(self) -> None:
        if self.spec == "none":
            return
        if self.spec == "stdin":
            threading.Thread(target=self._read_stdin, name="scanner-stdin", daemon=True).start()
            return
        try:
            from hardware.scanners import open_source

            self.source = open_source(self.spec, self.scans)
        except Exception:  # no scanner: members log in with code and PIN
            log.exception("scanner %s is not available", self.spec)

    def _read_stdin(self) -> None:
        for line in sys.stdin:
            if self.stop_event.is_set():
                return
            if line.strip():
                self.scans.put(line.strip())

    def stop(self) -> None:
        self.stop_event.set()
        stop = getattr(self.source, "stop", None)
        if stop is not None:
            stop()
