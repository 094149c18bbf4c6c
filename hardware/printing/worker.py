"""Printing from an app: render and spool on the caller's thread (fast, and the job is safe on
disk at once), send on a worker thread (a slow or dead printer never freezes the touch screen).

The worker also watches its printer: between jobs it asks the printer's status every
`poll_seconds` (DLE EOT where the connection reads; the same thread as the jobs, so a status
query never interleaves with a job's bytes), reports it to `on_status`, and when a printer that
could not print can again (paper put in, cable plugged back), sends the jobs that wait, oldest
first. An app shows that status at once instead of learning it from a lost receipt.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Callable

from engine.documents.types import Document
from hardware.printing.connections import parse_target
from hardware.printing.connections import status as printer_status
from hardware.printing.profile import PrinterProfile
from hardware.printing.queue import Job, Spool
from hardware.printing.render_escpos import render_document
from hardware.printing.status import PrinterStatus

POLL_SECONDS = 5.0
_POLL = ""  # a queue entry asking for a status poll now

log = logging.getLogger(__name__)


def reference_of(document: Document) -> str:
    """What the job is about: the document's own reference (a refund slip is its refund)."""
    return document.reference


def spool_document(spool: Spool, document: Document, target: str, profile: PrinterProfile,
                   at: dt.datetime, drawer: bool = False) -> Job:
    """Render the document and store it as a queued job (not sent yet)."""
    data = render_document(document, profile, drawer=drawer)
    return spool.add(data, target, document.kind, reference_of(document), at)


def print_document(spool: Spool, document: Document, target: str, profile: PrinterProfile,
                   at: dt.datetime, drawer: bool = False) -> Job:
    """Spool and send now, on this thread (the CLI's way). The job stays queued on failure."""
    job = spool_document(spool, document, target, profile, at, drawer)
    return spool.send(job.id, at, profile)


class PrintWorker:
    """One thread that sends spooled jobs in order and reports each result to `on_result`
    (called on the worker thread: an app hands it to its UI thread, e.g. Clock.schedule_once)."""

    def __init__(self, spool: Spool, profile: PrinterProfile, now: Callable[[], dt.datetime],
                 on_result: Callable[[Job], None] | None = None, watch: str | None = None,
                 poll_seconds: float = POLL_SECONDS,
                 on_status: Callable[[PrinterStatus, int], None] | None = None) -> None:
        self.spool = spool
        self.profile = profile
        self.now = now
        self.on_result = on_result
        self.watch = watch  # the printer target whose status is polled (None: no polling)
        self.poll_seconds = poll_seconds
        self.on_status = on_status  # (status, jobs waiting for it), on the worker thread
        self.status = PrinterStatus("unknown")
        self._waiting: set[str] = set()  # job ids in the queue (a job is queued once)
        self._jobs: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="print-worker", daemon=True)

    def start(self) -> PrintWorker:
        self._thread.start()
        return self

    def stop(self, timeout: float | None = 5) -> None:
        self._jobs.put(None)
        self._thread.join(timeout)

    def submit(self, document: Document, target: str, drawer: bool = False) -> Job:
        job = spool_document(self.spool, document, target, self.profile, self.now(), drawer)
        self._queue(job.id)
        return job

    def _queue(self, job_id: str) -> None:
        if job_id not in self._waiting:
            self._waiting.add(job_id)
            self._jobs.put(job_id)

    def retry_queued(self) -> None:
        """Queue every spooled job again (after the cashier fixed the paper, or at start-up)."""
        for job in self.spool.jobs("queued"):
            self._queue(job.id)

    def poll_now(self) -> None:
        """Ask the printer's status on the worker thread as soon as it is free."""
        self._jobs.put(_POLL)

    def queued(self) -> int:
        """How many jobs wait in the spool (for this worker's printer when it watches one)."""
        return sum(1 for job in self.spool.jobs("queued")
                   if self.watch is None or job.target == self.watch)

    def _run(self) -> None:
        while True:
            try:
                job_id = self._jobs.get(timeout=self.poll_seconds if self.watch else None)
            except queue.Empty:
                job_id = _POLL
            if job_id is None:
                return
            try:
                if job_id == _POLL:
                    self._poll()
                else:
                    self._waiting.discard(job_id)
                    self._send(job_id)
            except Exception:  # a bug must not kill the thread that prints every receipt
                log.exception("print job %s", job_id or "status poll")

    def _send(self, job_id: str) -> None:
        result = self.spool.send(job_id, self.now(), self.profile)
        if result.status == "sent":
            self._note(PrinterStatus(result.printer_status or "unknown"))
        else:
            self._note(PrinterStatus(result.printer_status or "offline", result.last_error or ""))
        if self.on_result is not None:
            self.on_result(result)

    def _poll(self) -> None:
        if self.watch is None:
            return
        was = self.status
        self._note(printer_status(parse_target(self.watch), self.profile))
        if self.status.printable and (not was.printable or self._jobs.empty()):
            self.retry_queued()  # back (or jobs left from before): send what waits, in order

    def _note(self, seen: PrinterStatus) -> None:
        self.status = seen
        if self.on_status is not None:
            self.on_status(seen, self.queued())
