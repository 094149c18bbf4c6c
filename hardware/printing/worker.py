"""Printing from an app: render and spool on the caller's thread (fast, and the job is safe on
disk at once), send on a worker thread (a slow or dead printer never freezes the touch screen).
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Callable

from engine.documents.types import Document
from hardware.printing.profile import PrinterProfile
from hardware.printing.queue import Job, Spool
from hardware.printing.render_escpos import render_document

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
                 on_result: Callable[[Job], None] | None = None) -> None:
        self.spool = spool
        self.profile = profile
        self.now = now
        self.on_result = on_result
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
        self._jobs.put(job.id)
        return job

    def retry_queued(self) -> None:
        """Queue every spooled job again (after the cashier fixed the paper, or at start-up)."""
        for job in self.spool.jobs("queued"):
            self._jobs.put(job.id)

    def _run(self) -> None:
        while (job_id := self._jobs.get()) is not None:
            try:
                result = self.spool.send(job_id, self.now(), self.profile)
            except Exception:  # a bug must not kill the thread that prints every receipt
                log.exception("print job %s", job_id)
                continue
            if self.on_result is not None:
                self.on_result(result)
