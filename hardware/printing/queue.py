"""The print spool: every job is on disk before it is sent, so no receipt is lost.

Jobs are files, not database rows: `var/prints/queue/<job>.bin` (the exact ESC/POS bytes) and
`<job>.json` (what it is, where it goes, attempts, the last error and printer status). Files keep
`hardware` free of the engine's tables, survive a crash of the app between "sale recorded" and
"printed" (written with fsync, then renamed into place), and are shared by every process of the
device (the app's worker, `playdesk print retry`) with a per-job lock so nothing prints twice.
A job that printed moves to `var/prints/sent/`, from where it can be reprinted byte for byte.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from hardware.printing.connections import PrinterOffline, Target, parse_target
from hardware.printing.profile import PrinterProfile
from hardware.printing.status import PrinterStatus

DEFAULT_ROOT = Path("var/prints")
Sender = Callable[[Target, bytes, PrinterProfile], PrinterStatus]


class JobNotFound(KeyError):
    pass


class DamagedJob(Exception):
    """A job description that is not one (edited by hand, or a damaged card)."""


@dataclass(frozen=True)
class Job:
    id: str
    document: str  # receipt | coupon | purchase | counter_ticket | shift_report | refund
    reference: str  # the receipt id, coupon code, ...
    target: str
    created_at: str  # ISO, site time
    size: int
    status: str = "queued"  # queued | sent
    attempts: int = 0
    last_error: str | None = None
    printer_status: str | None = None
    sent_at: str | None = None
    reprint_of: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _load_job(path: Path) -> Job:
    try:
        return Job(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as error:  # not JSON, not UTF-8, not a job's fields
        raise DamagedJob(f"print job file {path} is damaged ({error}); move it out of the "
                         "spool") from None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write, fsync, rename: the file is either absent or complete, even after a power cut."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def default_sender(target: Target, data: bytes, profile: PrinterProfile) -> PrinterStatus:
    from hardware.printing.connections import send

    return send(target, data, profile)


class Spool:
    def __init__(self, root: Path = DEFAULT_ROOT, sender: Sender = default_sender) -> None:
        self.queued_dir = root / "queue"
        self.sent_dir = root / "sent"
        self.sender = sender
        self.queued_dir.mkdir(parents=True, exist_ok=True)
        self.sent_dir.mkdir(parents=True, exist_ok=True)

    # --- storing ---------------------------------------------------------------------------

    def add(self, data: bytes, target: str, document: str, reference: str, at: dt.datetime,
            reprint_of: str | None = None) -> Job:
        """Store a job (bytes first, then its description). Checks the target before storing."""
        parse_target(target)
        # sorts by `at`, then by when it was stored (wall ns, fixed-width hex), unique per process
        job_id = f"{at:%Y%m%d-%H%M%S}-{time.time_ns():016x}-{secrets.token_hex(2)}"
        job = Job(id=job_id, document=document, reference=reference, target=target,
                  created_at=at.isoformat(timespec="seconds"), size=len(data),
                  reprint_of=reprint_of)
        _write_atomic(self.queued_dir / f"{job_id}.bin", data)
        self._save(self.queued_dir, job)
        return job

    def _save(self, directory: Path, job: Job) -> None:
        _write_atomic(directory / f"{job.id}.json", json.dumps(job.as_dict(), indent=1).encode())

    def _find(self, job_id: str) -> Path:
        for directory in (self.queued_dir, self.sent_dir):
            if (directory / f"{job_id}.json").exists():
                return directory
        raise JobNotFound(job_id)

    def get(self, job_id: str) -> Job:
        return _load_job(self._find(job_id) / f"{job_id}.json")

    def data(self, job_id: str) -> bytes:
        return (self._find(job_id) / f"{job_id}.bin").read_bytes()

    def jobs(self, status: str | None = None) -> list[Job]:
        """Jobs oldest first; `status` queued or sent narrows the list."""
        directories = {"queued": [self.queued_dir], "sent": [self.sent_dir]}.get(
            status or "", [self.queued_dir, self.sent_dir])
        found = [_load_job(path) for directory in directories for path in directory.glob("*.json")]
        return sorted(found, key=lambda job: job.id)

    # --- sending ---------------------------------------------------------------------------

    def send(self, job_id: str, at: dt.datetime, profile: PrinterProfile) -> Job:
        """Send a queued job once. It stays queued (with the error and the printer's status) when
        the printer does not take it; a job another process is sending is left alone."""
        meta = self.queued_dir / f"{job_id}.json"
        if not meta.exists():
            return self.get(job_id)  # already sent (or raises JobNotFound)
        with open(meta, "rb") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return self.get(job_id)
            if not meta.exists():  # sent by another process while we waited for the lock
                return self.get(job_id)
            job = self.get(job_id)
            data = (self.queued_dir / f"{job_id}.bin").read_bytes()
            try:
                seen = self.sender(parse_target(job.target), data, profile)
            except PrinterOffline as error:
                job = replace(job, attempts=job.attempts + 1, last_error=str(error),
                              printer_status=error.state)
                self._save(self.queued_dir, job)
                return job
            job = replace(job, status="sent", attempts=job.attempts + 1, last_error=None,
                          printer_status=seen.state, sent_at=at.isoformat(timespec="seconds"))
            self._save(self.sent_dir, job)
            os.replace(self.queued_dir / f"{job_id}.bin", self.sent_dir / f"{job_id}.bin")
            meta.unlink()
            return job

    def retry(self, at: dt.datetime, profile: PrinterProfile) -> list[Job]:
        """Send every queued job, oldest first; stops at the first printer that refuses, so a
        customer's receipts never print out of order."""
        results: list[Job] = []
        blocked: set[str] = set()
        for job in self.jobs("queued"):
            if job.target in blocked:
                results.append(job)
                continue
            result = self.send(job.id, at, profile)
            if result.status != "sent":
                blocked.add(job.target)
            results.append(result)
        return results

    def reprint(self, job_id: str, at: dt.datetime, profile: PrinterProfile,
                target: str | None = None) -> Job:
        """A new job with the same bytes as an earlier one (to its target or another), sent."""
        original = self.get(job_id)
        job = self.add(self.data(job_id), target or original.target, original.document,
                       original.reference, at, reprint_of=original.id)
        return self.send(job.id, at, profile)

