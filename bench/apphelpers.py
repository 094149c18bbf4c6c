"""What the app benches (kiosk, counter) share: a demo database, a display, cold starts in a child
process, resident memory, and optional CPU load beside the app (a Pi busy with sync and printing).
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests import ui_harness  # Xvfb and the frame-by-frame app driver (also puts uikit on the path)

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "demo" / "site.yaml"


def prepare_database(folder: Path, at, extra_site: str | None = None) -> Path:
    """The demo site (and `extra_site`, a site file text, when given) in a fresh database file."""
    from engine.db import close_database, open_database
    from engine.sitefile import load_site_file

    path = folder / "playdesk.db"
    open_database(path)
    load_site_file(SITE, at=at)
    if extra_site is not None:
        extra = folder / "bench.yaml"
        extra.write_text(extra_site)
        load_site_file(extra, at=at)
    close_database()
    return path


@contextmanager
def display() -> Iterator[str]:
    """An Xvfb display for the whole bench (Kivy's console log off)."""
    os.environ["KIVY_NO_CONSOLELOG"] = "1"
    os.environ["KIVY_CLIPBOARD"] = "sdl2"  # no probing for xclip/xsel (noise on stderr)
    session = ui_harness.xvfb_session()
    try:
        yield next(session)
    finally:
        session.close()


def cold_start(child_code: str, database: Path, what: str) -> float:
    """Seconds from starting a fresh Python running `child_code` (argv[1]: the database) to its
    line "READY"."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", child_code, str(database)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             env={**os.environ, "KIVY_NO_CONSOLELOG": "1", "PYTHONPATH": str(ROOT)})
    for line in child.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError(f"the app did not reach {what}")
    child.wait(timeout=30)
    return elapsed


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ms(values: list[float], quantile: float = 0.5) -> float:
    """The `quantile` of durations in seconds, in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


def _spin(stop) -> None:
    while not stop.is_set():
        sum(range(10_000))


@contextmanager
def cpu_load(processes: int) -> Iterator[None]:
    """`processes` busy processes beside the app while the block runs (0: none)."""
    stop = multiprocessing.Event()
    workers = [multiprocessing.Process(target=_spin, args=(stop,), daemon=True)
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    try:
        yield
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=5)


def load_argument(argv: list[str] | None, default: int = 0) -> int:
    """`--load N`: busy processes beside the app while timing."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--load", type=int, default=default,
                        help="busy processes running beside the app while timing")
    return parser.parse_args(argv).load
