"""The sync process's lock file beside the database: `playdesk restore` refuses while it is held.

`playdesk-sync` holds an exclusive flock on `<database>.sync.lock` for as long as it runs (the
kernel drops it when the process dies, even by SIGKILL, so a stale file never blocks anyone);
`playdesk restore` takes the same lock without waiting, and holds it while it restores, so a sync
process starting meanwhile waits for the restored database.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from engine.errors import PlaydeskError


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".sync.lock")


def _open(path: Path) -> int:
    """Read-write when we may (to note our pid), else read-only: flock needs no write access,
    and the file may have been created by root (`sudo playdesk restore`) for user playdesk."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o664)
    except PermissionError:
        return os.open(path, os.O_RDONLY)


def holder(path: Path) -> str:
    with contextlib.suppress(OSError):
        return path.read_text().strip()
    return ""


def hold_for_sync(database: Path, on_wait=None) -> int:
    """Take the lock for a sync process (waiting while a restore or another sync process has
    it); returns the descriptor, to be kept open for the life of the process."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = _open(path)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if on_wait is not None:
            on_wait(holder(path))
        fcntl.flock(descriptor, fcntl.LOCK_EX)
    with contextlib.suppress(OSError):
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"playdesk-sync pid {os.getpid()}\n".encode(), 0)
    return descriptor


@contextlib.contextmanager
def no_sync_running(database: Path) -> Iterator[None]:
    """Hold the lock for a restore; PlaydeskError (nothing touched) if a sync process has it."""
    path = lock_path(database)
    if not path.is_file():  # no sync process ever ran here (and a refused restore leaves no
        yield               # trace); one starting meanwhile sees the new incarnation and exits
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # (a `playdesk push` publishing by itself holds it briefly)
            raise PlaydeskError(
                f"playdesk-sync is running on {database} (it holds {path.name}): stop it "
                "first (sudo systemctl stop playdesk-sync), restore, then start it "
                "again") from None
        yield
    finally:
        os.close(descriptor)
