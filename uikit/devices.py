"""An app's printer and scanner, behind a thin adapter over `hardware` (for the kiosk and the
counter alike): a missing or broken device never stops the app; a failed print is said on screen.

Printer specs:
- `png:DIR` — the demo's "printer": every document becomes DIR/<kind>-<ref>.png (a preview of
  the slip) and DIR/<kind>-<ref>.bin (the exact ESC/POS bytes, drawer kick included);
- `dummy` — the ESC/POS bytes kept in memory (`printed`), for tests;
- `none`;
- a printer target (`usb:VID:PID`, `serial:DEV`, `network:HOST[:PORT]`, `file:PATH`): spooled on
  disk at once and sent by a worker thread, so a slow printer never freezes the touch screen.
  The worker polls the printer's status (DLE EOT; a `file:` printer reads `PATH.status`, see
  hardware.printing.status) and resends what waits when it can print again.
Scanner specs: `stdin` (one code per line), `hid:PATH`, `camera:N`, `none`.

`Printer.state` / `scanner_state(...)` are what the status bar shows: a key of `STATES`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hardware.scanners.base import ScanStream

log = logging.getLogger("uikit.devices")


# what a device is doing, as the status bar names it: ok, or a problem to say at once
OK_STATES = ("ready", "unknown", "paper_low", "preview", "none")
PROBLEM_STATES = ("offline", "out_of_paper", "cover_open", "jammed", "error", "missing")


class PrintFailed(Exception):
    pass


def document_name(document: Any) -> str:
    """"<kind>-<reference>", e.g. receipt-DEV1-R7 or refund-DEV1-RR2 (engine.documents)."""
    return f"{document.kind}-{document.reference}"


class Printer:
    """`print(document, drawer=False)` returns where it went (None for `none`) or raises
    PrintFailed. `printed` keeps (name, ESC/POS bytes) of every document sent to `dummy`/`png:`."""

    def __init__(self, spec: str = "none", now: Callable[[], dt.datetime] | None = None,
                 settings: dict[str, Any] | None = None, spool: str | Path | None = None,
                 poll_seconds: float | None = None) -> None:
        self.spec = spec
        self.now = now or dt.datetime.now
        self.settings = settings
        self.spool_root = Path(spool) if spool is not None else None  # default var/prints
        self.poll_seconds = poll_seconds
        self.worker = None
        self.printed: list[tuple[str, bytes]] = []
        self.last: tuple[Any, bool] | None = None  # the last document printed (and its drawer)
        # "none" has no printer; png/dummy always take a job; a real one is asked (start())
        self.state = {"none": "missing", "dummy": "preview"}.get(
            spec, "preview" if spec.startswith("png:") else "unknown")
        self.detail = ""  # the printer's own words for its state
        self.waiting = 0  # jobs in the spool that did not print yet
        self.on_change: Callable[[], None] | None = None  # called on the worker thread
        self.last_job: str | None = None  # the spool job of the last print (real printers)
        self.results: dict[str, bool] = {}  # job id → sent (True) or left queued (False)

    @property
    def real(self) -> bool:
        """A printer target (spooled and polled), not a preview or nothing."""
        return self.spec != "none" and self.spec != "dummy" and not self.spec.startswith("png:")

    @property
    def printable(self) -> bool:
        """Whether a job printed now would come out (as far as the printer last said)."""
        return self.state in OK_STATES and self.state != "none" and self.spec != "none"

    def start(self) -> None:
        """Start the worker of a real printer now (it polls the status, resends what waits);
        a preview printer has nothing to start."""
        if self.real and self.worker is None:
            self._worker()

    def _worker(self):
        from hardware.printing.connections import parse_target
        from hardware.printing.queue import DEFAULT_ROOT, Spool
        from hardware.printing.worker import POLL_SECONDS, PrintWorker

        parse_target(self.spec)  # a wrong spec fails here, before a spool or thread exists
        self.worker = PrintWorker(Spool(self.spool_root or DEFAULT_ROOT), self.profile(),
                                  self.now, watch=self.spec,
                                  poll_seconds=self.poll_seconds or POLL_SECONDS,
                                  on_status=self._seen, on_result=self._result).start()
        self.worker.retry_queued()
        self.worker.poll_now()
        return self.worker

    def _seen(self, status, waiting: int) -> None:
        self.state, self.detail, self.waiting = status.state, status.detail, waiting
        if self.on_change is not None:
            self.on_change()

    def _result(self, job) -> None:
        self.results[job.id] = job.status == "sent"

    def coming_out(self, job: str | None) -> bool:
        """Whether the print that made `job` (None: a preview) is on paper or on its way: its
        result once the worker tried, else what the printer last said about itself."""
        if job is not None and job in self.results:
            return self.results[job]
        return self.printable

    def retry(self) -> int:
        """Send every job that waits again (the worker does it by itself when the printer comes
        back); how many were waiting."""
        if self.worker is None:
            return 0
        waiting = self.worker.queued()
        self.worker.retry_queued()
        self.worker.poll_now()
        return waiting

    def reprint_last(self, mark: Callable[[Any], Any]) -> str | None:
        """Print the last document again, through `mark` (the engine's copy mark); None when
        nothing was printed yet. A copy never opens the cash drawer."""
        if self.last is None:
            return None
        return self.print(mark(self.last[0]))

    def profile(self):
        from hardware.printing.profile import profile_from

        return profile_from(self.settings)

    def print(self, document: Any, drawer: bool = False) -> str | None:
        if self.spec == "none":
            return None
        self.last_job = None
        try:
            where = self._print(document, drawer)
            self.last = (document, drawer)
            return where
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
        worker = self.worker or self._worker()
        job = worker.submit(document, self.spec, drawer=drawer)
        self.last_job = job.id
        self.waiting += 1  # until the worker says how it went
        return f"{self.spec} (job {job.id})"

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()


def scanner_state(spec: str, scanner: Any) -> str:
    """"none" (no scanner set up), "missing" (set up but not there: failed to start, or a HID
    scanner unplugged) or "ready"."""
    if spec == "none":
        return "none"
    if scanner is None:
        return "missing"
    connected = getattr(scanner, "connected", None)  # a HID scanner knows when it is plugged
    if connected is not None and not connected.is_set():
        return "missing"
    return "ready"


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
